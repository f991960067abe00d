"""calfeed: publish an events file as iCalendar feeds, an HTML agenda and JSON.

Layers, imported downward only (tests/test_layers.py keeps it so):

    errors -> model -> loader, ics -> web, cli

``model`` is pure (dataclasses and functions of their arguments), ``loader`` turns
the YAML file into a model or one error carrying every problem, ``ics`` turns the
model into feed bytes. Only ``web`` and ``cli`` import Flask.
"""

__version__ = "1.2.0.dev0"
