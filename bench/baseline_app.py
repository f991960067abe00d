"""The baseline: a bare Flask app that answers with constant bytes, served under the same gunicorn
settings as calfeed (``gunicorn -c gunicorn.conf.py --chdir bench baseline_app:app``).

bench/run.py first saves what calfeed answers for each benchmarked URL (body, gzip body, ETag,
content type) into ``BENCH_BODIES`` (a JSON index and the files beside it); this app loads them
once and then does the least a Flask view can do: look the URL up, compare If-None-Match, return
the bytes. Whatever calfeed costs beyond this is the price of its own work per request.
"""

import json
import os
from pathlib import Path

from flask import Flask, Response, request

app = Flask(__name__)
ROOT = Path(os.environ["BENCH_BODIES"])
BODIES = {
    url: (
        (ROOT / entry["body"]).read_bytes(),
        (ROOT / entry["gzip"]).read_bytes() if entry.get("gzip") else None,
        entry["etag"],
        entry["content_type"],
    )
    for url, entry in json.loads((ROOT / "index.json").read_text(encoding="utf-8")).items()
}


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def constant(path: str) -> Response:
    body, gzipped, etag, content_type = BODIES[request.full_path.rstrip("?")]
    if etag and etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    if gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        return Response(gzipped, content_type=content_type, headers={"Content-Encoding": "gzip"})
    return Response(body, content_type=content_type)
