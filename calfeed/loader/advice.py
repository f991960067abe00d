"""Advice: "did you mean …?" for a word the loader does not know, and warnings about a valid schedule.

Layer: loader. Imports ``model``; no Flask.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..model import LANGUAGE_NAMES, LANGUAGES

# What staff write for a language instead of its ISO 639-1 code: the country's code (se, dk, pl and lt
# are countries too), the three-letter codes (ger, deu, swe), the language's own and English name.
_LANGUAGE_ALIASES = {
    "sv": ("se", "swe", "sve", "svenska", "swedish", "sw", "sv-se", "sv_se"),
    "en": ("eng", "gb", "uk", "us", "english", "engelska", "en-gb", "en_gb"),
    "da": ("dk", "dan", "dansk", "danish", "danska", "da-dk", "da_dk"),
    "de": ("ger", "deu", "ge", "deutsch", "german", "tyska", "de-de", "de_de"),
    "pl": ("pol", "po", "polski", "polish", "polska", "pl-pl", "pl_pl"),
    "lt": ("lit", "li", "lietuvių", "lietuviu", "lithuanian", "litauiska", "lt-lt", "lt_lt"),
}
_LANGUAGE_KEY = {alias: lang for lang, aliases in _LANGUAGE_ALIASES.items() for alias in (lang, *aliases)}


def suggest(word: str, choices: Any) -> str:
    """"did you mean 'x'?" for the closest of ``choices``, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def language_hint(name: str) -> str:
    """The hint for an unknown language key: the code meant (from an alias or a near miss), and all codes."""
    close = difflib.get_close_matches(name.casefold(), _LANGUAGE_KEY, n=1, cutoff=0.75)
    lang = _LANGUAGE_KEY.get(name.casefold()) or (_LANGUAGE_KEY[close[0]] if close else "")
    hint = f"did you mean '{lang}' ({LANGUAGE_NAMES[lang]})? " if lang else ""
    return hint + f"the languages are {', '.join(LANGUAGES)}"
