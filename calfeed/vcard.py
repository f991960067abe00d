"""A project's contact person as a vCard 4.0 (RFC 6350), for "add to contacts".

Layer: ics (builds a file format from model values; no Flask, no I/O).
"""

from __future__ import annotations

from .model import Contact

_ESCAPE = str.maketrans({"\\": "\\\\", ",": "\\,", ";": "\\;", "\n": "\\n"})


def tel_uri(phone: str) -> str:
    """``tel:`` URI of a phone number as staff write it: '+46 480-44 83 00' -> 'tel:+46480448300'."""
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + "".join(c for c in phone if c.isdigit())


def vcard(contact: Contact, lang: str) -> bytes:
    """The contact as a vCard: FN, ORG, TITLE, EMAIL, TEL (as a tel: URI), CRLF lines folded at 75 octets."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_text(contact.name)}", "KIND:individual"]
    if contact.organisation:
        lines.append(f"ORG:{_text(contact.organisation)}")
    if contact.title.get(lang):
        lines.append(f"TITLE:{_text(contact.title.get(lang))}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{_text(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=work,voice:{tel_uri(contact.phone)}")
    lines.append("END:VCARD")
    return b"".join(_fold(line) for line in lines)


def _text(value: str) -> str:
    return value.translate(_ESCAPE)


def _fold(line: str) -> bytes:
    """RFC 6350 3.2: at most 75 octets a line, continued lines start with a space; never split a
    UTF-8 character."""
    out: list[bytes] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current)
            current = b""
        current += encoded
    out.append(current)
    return b"\r\n ".join(out) + b"\r\n"
