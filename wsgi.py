"""WSGI entry point: ``gunicorn wsgi:app``. Refuses to start, listing every problem, on a bad events file."""

import sys

from calfeed.errors import ConfigError, EventsFileError
from calfeed.web import create_app

try:
    app = create_app()
except EventsFileError as exc:
    print(f"calfeed: the events file has {len(exc.problems)} problem(s); not starting:", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    sys.exit(1)
except ConfigError as exc:
    print(f"calfeed: {exc}; not starting", file=sys.stderr)
    sys.exit(1)
