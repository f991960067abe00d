"""Read an import source: a local file, or an https address (``webcal://`` is read as https).

Bounded: at most ``MAX_BYTES`` and ``TIMEOUT`` seconds in all, https only, redirects only to https
on the same host (a feed that sends us elsewhere is not the feed that was named). Every failure is a
``SourceError`` with a message for a person, never a traceback.

Layer: loader (like the rest of ``calfeed.importing``; network and file I/O, no Flask).
"""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from . import SourceError

MAX_BYTES = 5_000_000
TIMEOUT = 15.0  # seconds, for connecting and for the whole answer
CHUNK = 64 * 1024


def is_url(source: str) -> bool:
    return "://" in source[:12]


def read(source: str, *, max_bytes: int | None = None, timeout: float | None = None,
         context: ssl.SSLContext | None = None) -> bytes:  # fmt: skip
    """The bytes of ``source``, a path or an address (limits: ``MAX_BYTES`` and ``TIMEOUT``)."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    timeout = TIMEOUT if timeout is None else timeout
    if is_url(source):
        return read_url(source, max_bytes=max_bytes, timeout=timeout, context=context)
    return read_file(Path(source), max_bytes=max_bytes)


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourceError(f"{path} is larger than {max_bytes:,} bytes; import a shorter period")
    return data


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to https on the host that was asked; refuse any other."""

    max_redirections = 5

    def __init__(self, host: str) -> None:
        self.host = host

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:  # fmt: skip
        target = urlsplit(newurl)
        if target.scheme != "https" or (target.hostname or "").lower() != self.host:
            fp.close()  # urllib closes the answer it follows, not one refused here
            raise SourceError(f"{req.full_url} redirects to {newurl}: only a redirect to https on {self.host} "
                              "is followed; import the final address if you trust it")  # fmt: skip
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def read_url(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT,
             context: ssl.SSLContext | None = None) -> bytes:  # fmt: skip
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]  # the subscription form of the same https address
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise SourceError(f"{url}: only https:// addresses are imported (an http:// answer can be altered on the way)")
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context or ssl.create_default_context()),
        _SameHostRedirects(parts.hostname.lower()),
    )
    request = urllib.request.Request(url, headers={"User-Agent": "calfeed-import", "Accept": "text/calendar, */*"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as answer:
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise SourceError(f"{url} is larger than {max_bytes:,} bytes; import a shorter period")
            chunks, size = [], 0
            while chunk := answer.read(CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"{url} is larger than {max_bytes:,} bytes; import a shorter period")
                if time.monotonic() > deadline:
                    raise SourceError(f"{url} did not send its calendar within {timeout:g} seconds")
            return b"".join(chunks)
    except SourceError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection of the answer
        raise SourceError(f"{url} answered {exc.code} {exc.reason}; check the address") from None
    except TimeoutError:
        raise SourceError(f"{url} did not answer within {timeout:g} seconds") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLError):
            raise SourceError(f"{url}: the secure connection failed ({reason.reason or reason}); "
                              "the server's certificate is not trusted") from None  # fmt: skip
        if isinstance(reason, TimeoutError):
            raise SourceError(f"{url} did not answer within {timeout:g} seconds") from None
        raise SourceError(f"{url} cannot be reached: {getattr(reason, 'strerror', None) or reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # cut off mid-answer, or malformed
        raise SourceError(f"{url}: the answer could not be read ({exc.__class__.__name__}: {exc})") from None
