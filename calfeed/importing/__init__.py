"""``calfeed import``: events from an .ics file or feed, or from a spreadsheet (CSV), into the events file.

Layer: loader (imports ``errors``, ``model``, ``recurrence``, ``vocabulary`` and ``loader``; no Flask). Each
module is one step: ``fetch`` reads the source (a file or an https address, bounded in size and
time), ``ics_source`` and ``csv_source`` turn it into ``Incoming`` values, ``fit`` fits those to the
events file's format (places by ``places``, time zones, series checked by ``source_times``),
``yaml_writer`` inserts them as text in the file's own style. The CLI checks the result with the
loader and writes it, or shows why not.
"""

from __future__ import annotations


class SourceError(Exception):
    """A source that cannot be imported; the message says why and what to do, for a person."""
