"""calfeed: publish an events file as iCalendar feeds, an HTML agenda and JSON.

Layer: bottom (the package's version, which the feeds' PRODID carries; imports nothing).

Layers, imported downward only; each module's docstring names its own in a "Layer:" line and
tests/test_layers.py keeps every import pointing down (and the package free of import cycles):

    bottom (errors, atomic, gc_pause)  ->  model  ->  loader | ics  ->  site  ->  web  ->  cli

``model`` is pure (dataclasses and functions of their arguments), ``loader`` turns the YAML file
into a model or one error carrying every problem (and keeps the ledger and the state folder),
``ics`` turns the model into feed bytes; the two are siblings and import nothing of each other.
``site`` knows the site's feed paths without Flask (``feedsize``). Only ``web`` and ``cli`` import
Flask.
"""

__version__ = "1.0.0"
