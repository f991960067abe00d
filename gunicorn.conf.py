"""gunicorn settings for calfeed: ``gunicorn -c gunicorn.conf.py wsgi:app`` (README "Deployment").

bench/run.py serves both calfeed and its bare-Flask baseline with this same file, so the
benchmark measures the settings that are deployed. Override with the environment:
``CALFEED_BIND`` (default 127.0.0.1:8000) and ``WEB_CONCURRENCY`` (default: one worker per CPU).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("CALFEED_BIND", "127.0.0.1:8000")
# Sync workers, one per core: every answer is bytes from memory, so a worker is never idle
# waiting; nginx in front buffers slow clients, so a slow reader never holds a worker.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 60  # a first build of a 10,000-event feed in both languages takes a few seconds, never a minute
# Load and validate the events file once in the master, then fork: workers start at once and
# share the loaded schedule's memory (copy-on-write) until the file changes. A worker forked later
# (after a crash, a timeout, max_requests) does not trust the master's copy: see post_worker_init.
preload_app = True
accesslog = None  # nginx logs requests; set "-" to log them here too
errorlog = "-"


def post_worker_init(worker):
    # Catch up with the state folder (the newest accepted version, which may be newer than the master's
    # start-up copy) and start watching the events file, before this worker takes its first request.
    store = getattr(worker.wsgi, "extensions", {}).get("calfeed")
    if store is not None:  # None: another app under these settings (bench/baseline_app.py)
        store.current()


def when_ready(server):
    # The master has loaded the app (preload_app) and is about to fork: build the default feed once
    # here, for every worker to inherit (calfeed.web.warm_up).
    app = server.app.wsgi()
    if "calfeed" in getattr(app, "extensions", {}):
        from calfeed.web import warm_up

        warm_up(app)


def pre_fork(server, worker):
    # Move what the master loaded out of the collector's reach: a worker's collections then never
    # touch (and so never copy) those pages. https://docs.python.org/3/library/gc.html#gc.freeze
    gc.freeze()
