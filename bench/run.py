"""The benchmark: one command measures everything and writes bench/RESULTS.md.

Once per machine (neither is a calfeed dependency; this script installs nothing)::

    apt-get install -y wrk                  # the HTTP load tool (Debian package)
    .venv/bin/pip install yaml2ics          # the peer converter whose time we compare with

Then, from the repository root::

    .venv/bin/python bench/run.py           # about 15 minutes on 2 cores

It waits (up to 20 minutes) until the 1-minute load average is below 1.5, so other work on the
machine does not skew the figures, and records the load in RESULTS.md. For a quick look while
developing: ``--sizes 100 --duration 2 --no-wait --out /tmp/results.md``.

What it does, for events files of 100, 1,000 and 10,000 generated events (bench/generate.py):
calfeed under gunicorn (gunicorn.conf.py) and, in the same run and under the same settings, the
baseline — a bare Flask app answering with the bytes calfeed answered (bench/baseline_app.py) —
are each loaded by ``wrk`` in turn, URL by URL: /calendar.ics (plain and gzip), a per-project
feed, a filtered feed, a conditional GET (If-None-Match: its ETag) and the agenda. Then: cold start
to first response, peak RSS of a worker, the agenda's server time, the time to serve the new feed
after a one-event edit, a cold build (load, validate, serialise the default feeds) against the
``yaml2ics`` converter on the same events, and a static export of the whole site.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
MAX_BYTES = "20000000"  # the generated 10,000-event file is 7 MB, over the default limit of 5 MB
CONNECTIONS = 8


# -- the machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")  # fmt: skip
    return {"cpus": str(os.cpu_count()), "cpu": model, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "wrk": _wrk_version()}  # fmt: skip


def _wrk_version() -> str:
    found = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (found.stdout + found.stderr).split("\n")[0].strip()


def load() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(limit: float, patience: float) -> float:
    deadline = time.monotonic() + patience
    while load() >= limit and time.monotonic() < deadline:
        print(f"load average {load():.2f} >= {limit}; waiting", flush=True)
        time.sleep(30)
    return load()


# -- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, cwd: Path, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """Start ``app`` under gunicorn.conf.py; yields (base URL, the master process, seconds to the
    first 200 of /calendar.ics — the cold start)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
        cwd=cwd, env={**os.environ, **env, "CALFEED_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{app} did not start (exit {process.returncode})")
            with contextlib.suppress(OSError):
                if get(port, "/calendar.ics")[0] == 200:
                    break
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}", process, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def workers(master: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                found.append(int(stat.parent.name))
    return found


def peak_rss_mb(pids: list[int]) -> float:
    peaks = []
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


# -- wrk --------------------------------------------------------------------------------------


def wrk(url: str, duration: float, headers: dict[str, str]) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{int(duration)}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _seconds(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rate, "p99_ms": p99 * 1000, "bad": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}  # fmt: skip


def _seconds(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


# -- one size ---------------------------------------------------------------------------------


def urls_for(schedule_projects: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
    project = schedule_projects[0]
    return {
        "/calendar.ics": ("/calendar.ics", {}),
        "/calendar.ics, gzip": ("/calendar.ics", {"Accept-Encoding": "gzip"}),
        "per-project feed": (f"/projects/{project}.ics", {}),
        "filtered feed": ("/calendar.ics?type=training&type=workshop&location=kalmar&location=gdansk", {}),
        "conditional GET (304)": ("/calendar.ics", {"If-None-Match": "<etag>"}),
        "agenda": ("/", {}),
    }


def capture(port: int, urls: dict[str, tuple[str, dict[str, str]]], into: Path) -> dict[str, str]:
    """Save what calfeed answers for each URL, for the baseline to answer with; returns ETags."""
    index, etags = {}, {}
    for number, path in enumerate(dict.fromkeys(p for p, _ in urls.values())):
        status, headers, body = get(port, path)
        assert status == 200, (path, status)
        _, zipped_headers, zipped = get(port, path, {"Accept-Encoding": "gzip"})
        etag = headers.get("ETag", "").strip('"')
        (into / f"{number}.body").write_bytes(body)
        index[path] = {"body": f"{number}.body", "etag": etag, "content_type": headers["Content-Type"]}
        if zipped_headers.get("Content-Encoding") == "gzip":  # pages may be sent uncompressed
            assert gzip.decompress(zipped) == body, path
            (into / f"{number}.gz").write_bytes(zipped)
            index[path]["gzip"] = f"{number}.gz"
        etags[path] = etag
    (into / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return etags


def precompressed(port: int) -> bool:
    """gzip answers are the same stored bytes each time (built once, not compressed per request)."""
    first = get(port, "/calendar.ics", {"Accept-Encoding": "gzip"})
    second = get(port, "/calendar.ics", {"Accept-Encoding": "gzip"})
    return first[1].get("Content-Encoding") == "gzip" and first[2] == second[2] and first[1]["ETag"].endswith('-gz"')


def measure_size(size: int, work: Path, duration: float) -> dict:
    sys.path.insert(0, str(BENCH))
    import generate  # bench/generate.py

    events = work / f"events-{size}.yaml"
    events.write_text(generate.generate(size), encoding="utf-8")
    env = {
        "CALFEED_EVENTS": str(events),
        "CALFEED_MAX_BYTES": MAX_BYTES,
        "CALFEED_LEDGER": str(work / f"ledger-{size}.json"),
    }
    result: dict = {"size": size, "bytes": events.stat().st_size, "urls": {}}
    with gunicorn("wsgi:app", ROOT, env) as (base, master, cold):
        port = int(base.rsplit(":", 1)[1])
        result["cold_start_s"] = cold
        urls = urls_for(list(generate.PROJECTS))
        bodies = work / f"bodies-{size}"
        bodies.mkdir()
        etags = capture(port, urls, bodies)
        for _ in range(4):  # each worker builds its own cache: warm both before measuring
            for path, headers in urls.values():
                get(port, path, {k: v for k, v in headers.items() if k == "Accept-Encoding"})
        result["feed_kb"] = len(get(port, "/calendar.ics")[2]) / 1000
        result["precompressed_gzip"] = precompressed(port)
        with gunicorn("baseline_app:app", BENCH, {"BENCH_BODIES": str(bodies)}) as (baseline, _, _):
            for name, (path, headers) in urls.items():
                headers = {k: f'"{etags[path]}"' if v == "<etag>" else v for k, v in headers.items()}
                theirs = wrk(baseline + path, duration, headers)
                ours = wrk(base + path, duration, headers)
                result["urls"][name] = {"path": path, "calfeed": ours, "baseline": theirs}
                print(
                    f"  {size:>6} {name:<24} calfeed {ours['rps']:8.0f}/s  baseline {theirs['rps']:8.0f}/s", flush=True
                )
        result["worker_rss_serving_mb"] = peak_rss_mb(workers(master.pid))
        if size >= 10_000:
            result["edit_to_new_feed_s"] = edit_to_new_feed(port, events)
            for path, headers in urls.values():  # every URL once more, in the new version
                get(port, path, {k: v for k, v in headers.items() if k == "Accept-Encoding"})
        result["worker_peak_rss_mb"] = peak_rss_mb(workers(master.pid))  # after the load, the edit and the rebuild
    result["agenda_ms"] = subprocess_json(["--agenda-time", str(events), str(work / f"ledger-agenda-{size}.json")])
    result["rebuild"] = subprocess_json(["--rebuild-time", str(events), str(work / f"ledger-rebuild-{size}.json")])
    return result


def edit_to_new_feed(port: int, events: Path) -> float:
    """Seconds from saving a one-event edit (by rename, as editors and `git pull` do) to the first
    /calendar.ics that has it; includes the store's settle time and its look-once-a-second."""
    status, headers, _ = get(port, "/calendar.ics")
    etag = headers["ETag"]
    text = events.read_text(encoding="utf-8")
    marker = "ÄNDRAD-" + str(int(time.time()))
    edited = text.replace("    title: ", f"    title: {marker} ", 1)
    temporary = events.with_suffix(".tmp")
    temporary.write_text(edited, encoding="utf-8")
    saved = time.perf_counter()
    os.replace(temporary, events)
    while True:
        status, headers, body = get(port, "/calendar.ics", {"If-None-Match": etag})
        if status == 200 and marker.encode() in body:
            return time.perf_counter() - saved
        time.sleep(0.01)


def subprocess_json(args: list[str]) -> dict:
    out = subprocess.run([str(PYTHON), str(Path(__file__)), *args], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "CALFEED_MAX_BYTES": MAX_BYTES}).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def timed_process(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    return time.perf_counter() - started


def cold_build_vs_yaml2ics(events: Path, work: Path) -> dict:
    """Whole processes, as a person runs them: ours loads, validates and serialises the default
    feed (and, second figure, both languages); yaml2ics reads the same events and writes its feed."""
    converted = work / "yaml2ics.yaml"
    subprocess.run(
        [str(PYTHON), str(Path(__file__)), "--to-yaml2ics", str(events), str(converted)], check=True, cwd=ROOT
    )
    figures = {}
    for name, langs in (("calfeed_sv", "sv"), ("calfeed_sv_en", "sv,en")):
        ledger = work / f"ledger-cold-{name}.json"
        figures[name] = timed_process(
            [str(PYTHON), str(Path(__file__)), "--cold-build", str(events), str(ledger), langs]
        )
    figures["yaml2ics"] = timed_process([str(PYTHON), "-m", "yaml2ics", str(converted)])
    return figures


def export_time(events: Path, work: Path) -> dict:
    outdir = work / "export"
    seconds = timed_process([str(BIN / "calfeed"), "build", str(outdir), "--events", str(events)],
                            {"CALFEED_MAX_BYTES": MAX_BYTES,
                             "CALFEED_LEDGER": str(work / "ledger-export.json")})  # fmt: skip
    files = [p for p in outdir.rglob("*") if p.is_file()]
    return {"seconds": seconds, "files": len(files), "mb": sum(p.stat().st_size for p in files) / 1e6,
            **served_links(outdir)}  # fmt: skip


def served_links(outdir: Path) -> dict:
    """Serve the export with Python's http.server and follow the links of the front pages and of every
    50th other page: how many were fetched, and how many did not answer 200."""
    import functools
    import http.server
    import threading
    import urllib.request
    from urllib.parse import urljoin, urlsplit

    from calfeed.site_links import links

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(outdir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(outdir.rglob("index.html"))
    chosen = [p for n, p in enumerate(pages) if n % 50 == 0 or p.parent in (outdir, outdir / "en")]
    targets = set()
    for page in chosen:
        url = base + "/" + page.parent.relative_to(outdir).as_posix() + "/"
        for link in links(page.read_text(encoding="utf-8")):
            target = urlsplit(urljoin(url, link))
            if target.netloc in ("localhost", urlsplit(base).netloc):
                targets.add(target.path)
    broken = 0
    for path in sorted(targets):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                broken += response.status != 200
        except OSError:
            broken += 1
    server.shutdown()
    server.server_close()
    return {"pages_checked": len(chosen), "links_followed": len(targets), "links_broken": broken}


# -- helpers run in a fresh interpreter (so each starts cold) --------------------------------


def _app(events: str, ledger: str):
    from calfeed.web import create_app

    return create_app({"CALFEED_EVENTS": events, "CALFEED_LEDGER": ledger, "CALFEED_MAX_BYTES": int(MAX_BYTES),
                       "CALFEED_RELOAD_SECONDS": 0.0})  # fmt: skip


def cold_build(events: str, ledger: str, langs: str) -> None:
    client = _app(events, ledger).test_client()
    for lang in langs.split(","):
        assert client.get("/calendar.ics" if lang == "sv" else f"/{lang}/calendar.ics").status_code == 200


def agenda_time(events: str, ledger: str) -> None:
    """Server time of the agenda page (both languages), once built: median and 99th percentile."""
    client = _app(events, ledger).test_client()
    first = time.perf_counter()
    client.get("/")
    build = time.perf_counter() - first
    samples = []
    for number in range(200):
        started = time.perf_counter()
        response = client.get("/" if number % 2 else "/en/")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    samples.sort()
    print(json.dumps({"first_ms": build * 1000, "median_ms": statistics.median(samples) * 1000,
                      "p99_ms": samples[int(len(samples) * 0.99) - 1] * 1000}))  # fmt: skip


def rebuild_time(events: str, ledger: str) -> None:
    """Server time to serve /calendar.ics again after a one-event edit: reload, validate, serialise
    the one changed event, assemble, compress, hash; the median of three edits. (The settle and
    poll delays are policy, and are in the end-to-end figure measured under gunicorn.)"""
    path = Path(events)
    client = _app(events, ledger).test_client()
    client.get("/calendar.ics")
    original = path.read_text(encoding="utf-8")
    samples = []
    try:
        for number in range(3):
            path.write_text(original.replace("    title: ", f"    title: Ändrad {number} ", 1), encoding="utf-8")
            past = time.time() - 5 + number
            os.utime(path, (past, past))  # already settled: measure the work, not the wait
            started = time.perf_counter()
            body = client.get("/calendar.ics").data
            samples.append(time.perf_counter() - started)
            assert f"Ändrad {number}".encode() in body
    finally:
        path.write_text(original, encoding="utf-8")
    print(json.dumps({"seconds": statistics.median(samples), "max": max(samples)}))


def to_yaml2ics(events: str, target: str) -> None:
    """The same events in yaml2ics's format (its README): summary, begin, end, timezone, …"""
    import yaml

    from calfeed.ics import location_text
    from calfeed.loader import check_file

    schedule = check_file(events, max_bytes=int(MAX_BYTES)).schedule
    out = {"name": schedule.calendar.name.get("sv"), "timezone": schedule.calendar.timezone, "events": []}
    for event in schedule.events:
        item = {"uid": event.id, "summary": event.title.get("sv")}
        if event.all_day:
            item["begin"] = event.start
            if event.end != event.start:
                item["end"] = event.end_exclusive
        else:
            item.update(begin=event.start.replace(tzinfo=None), end=event.end.replace(tzinfo=None),
                        timezone=event.start.tzinfo.key)  # fmt: skip
        if event.description:
            item["description"] = event.description.get("sv")
        if event.location:
            item["location"] = location_text(event, schedule, "sv")
        if event.url:
            item["url"] = event.url
        out["events"].append(item)
    Path(target).write_text(yaml.safe_dump(out, allow_unicode=True, sort_keys=False), encoding="utf-8")


# -- the report -------------------------------------------------------------------------------


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "–"


def verdict(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def report(runs: list[dict], extra: dict, info: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{info['command']}` on {info['date']} ({info['elapsed_min']:.0f} minutes).",
        "",
        f"Machine: {info['cpus']} CPUs, {info['cpu']}; {info['system']}; Python {info['python']}; {info['wrk']}. "
        f"Load average (1 min): {info['load_start']:.2f} at the start, {info['load_end']:.2f} at the end "
        "(the machine is shared; other work was running).",
        "",
        f"Servers: gunicorn with `gunicorn.conf.py` (2 sync workers, preloaded), on loopback. Load: `wrk -t1 "
        f"-c{CONNECTIONS} -d{info['duration']}s --latency`, the baseline and calfeed in turn for each URL. The "
        "baseline is `bench/baseline_app.py`: a bare Flask app under the same settings that answers each URL "
        "with the bytes calfeed answered (its gzip bytes to `Accept-Encoding: gzip`, a 304 to a matching "
        "If-None-Match). Ratio = calfeed ÷ baseline, measured in the same run.",
        "",
        "## Requests per second",
        "",
        "| events | URL | feed size | calfeed req/s | p99 | baseline req/s | p99 | ratio | target | |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        for name, figures in run["urls"].items():
            ours, theirs = figures["calfeed"], figures["baseline"]
            target, ok = "", None
            if run["size"] <= 1000 and name != "agenda":
                floor = 0.95 if "304" in name else 0.9
                target, ok = f"≥ {floor}×", ours["rps"] >= floor * theirs["rps"]
            size = f"{run['feed_kb']:.0f} kB" if name.startswith("/calendar") and "gzip" not in name else ""
            lines.append(
                f"| {run['size']:,} | {name} | {size} | {ours['rps']:,.0f} | {ours['p99_ms']:.1f} ms | "
                f"{theirs['rps']:,.0f} | {theirs['p99_ms']:.1f} ms | {ratio(ours['rps'], theirs['rps'])} | {target} | "
                f"{verdict(ok) if ok is not None else ''} |"
            )
    lines += ["", "Every answer in these runs was a 200 or a 304 (wrk counted no other status) unless noted here: "
              + (", ".join(f"{r['size']} {n}: {f['calfeed']['bad']} bad" for r in runs for n, f in r["urls"].items()
                           if f["calfeed"]["bad"] or f["baseline"]["bad"]) or "none") + "."]  # fmt: skip
    lines += ["", "## Per size", "", "| events | file | cold start to first response | worker peak RSS serving (after "
              "an edit) | agenda server time (median / p99; first build) | rebuild after a one-event edit "
              "(server time, median of 3; max) | gzip from stored bytes |",
              "|---:|---:|---:|---:|---|---:|---|"]  # fmt: skip
    for run in runs:
        agenda = run["agenda_ms"]
        lines.append(
            f"| {run['size']:,} | {run['bytes'] / 1e6:.1f} MB | {run['cold_start_s']:.2f} s | "
            f"{run['worker_rss_serving_mb']:.0f} MB ({run['worker_peak_rss_mb']:.0f} MB) | {agenda['median_ms']:.1f} / "
            f"{agenda['p99_ms']:.1f} ms; {agenda['first_ms']:.0f} ms | {run['rebuild']['seconds']:.2f} s; "
            f"{run['rebuild']['max']:.2f} s | {'yes' if run['precompressed_gzip'] else 'NO'} |"
        )
    biggest = max(runs, key=lambda r: r["size"])
    lines += ["", f"## Targets at {biggest['size']:,} events", ""]
    cold = extra.get("cold")
    if cold:
        lines += [
            f"- Cold build, whole process (load, validate, serialise `/calendar.ics`): **{cold['calfeed_sv']:.2f} s**; "
            f"`yaml2ics` on the same events, whole process: **{cold['yaml2ics']:.2f} s** → "
            f"**{cold['yaml2ics'] / cold['calfeed_sv']:.1f}× faster** (target ≥ 5×: "
            f"{verdict(cold['yaml2ics'] >= 5 * cold['calfeed_sv'])}). Both default feeds, Swedish and English "
            f"(twice yaml2ics's work): {cold['calfeed_sv_en']:.2f} s → "
            f"{cold['yaml2ics'] / cold['calfeed_sv_en']:.1f}×.",
        ]
    if "edit_to_new_feed_s" in biggest:
        lines.append(
            "- After a one-event edit: the server rebuilds and serves the new feed in "
            f"**{biggest['rebuild']['seconds']:.2f} s** "
            f"(target ≤ 1.5 s: {verdict(biggest['rebuild']['seconds'] <= 1.5)}); from the save to the first client "
            f"seeing it under gunicorn: {biggest['edit_to_new_feed_s']:.2f} s, "
            "which adds the store's policy of reading a "
            "changed file only once it has been quiet for 0.5 s and looking at most once a second."
        )
    lines.append(f"- Worker peak RSS while serving: **{biggest['worker_rss_serving_mb']:.0f} MB** (target ≤ 150 MB: "
                 f"{verdict(biggest['worker_rss_serving_mb'] <= 150)}); after a one-event edit has been loaded and "
                 f"every URL served again: **{biggest['worker_peak_rss_mb']:.0f} MB** "
                 f"({verdict(biggest['worker_peak_rss_mb'] <= 150)}).")  # fmt: skip
    worst = max(r["agenda_ms"]["p99_ms"] for r in runs)
    lines.append(
        f"- Agenda server time, worst p99 over all sizes: **{worst:.1f} ms** (target ≤ 20 ms: {verdict(worst <= 20)})."
    )
    if "export" in extra:
        e = extra["export"]
        lines.append(f"- Static export (`calfeed build`) of {biggest['size']:,} events: "
                     f"completes in {e['seconds']:.0f} s, "
                     f"{e['files']:,} files with their .gz, {e['mb']:.0f} MB. Served by `python -m http.server`: "
                     f"{e['links_followed']:,} distinct links of {e['pages_checked']:,} pages (the front pages and "
                     f"every 50th other) followed, {e['links_broken']} broken.")  # fmt: skip
    lines += ["", "Benchmarks are not part of the test suite; no test asserts a speed.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per URL and server")
    parser.add_argument("--out", default=str(BENCH / "RESULTS.md"))
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    parser.add_argument("--max-load", type=float, default=1.5)
    parser.add_argument("--quick", action="store_true", help="leave out the cold build and the export")
    # internal: steps that must start in a fresh interpreter
    parser.add_argument("--cold-build", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--agenda-time", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-time", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--to-yaml2ics", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_build:
        return cold_build(*args.cold_build)
    if args.agenda_time:
        return agenda_time(*args.agenda_time)
    if args.rebuild_time:
        return rebuild_time(*args.rebuild_time)
    if args.to_yaml2ics:
        return to_yaml2ics(*args.to_yaml2ics)

    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    if subprocess.run([str(PYTHON), "-c", "import yaml2ics"], capture_output=True).returncode:
        sys.exit("yaml2ics is missing: .venv/bin/pip install yaml2ics (for the benchmark only)")
    started = time.monotonic()
    load_start = load() if args.no_wait else wait_for_quiet(args.max_load, 20 * 60)
    sizes = [int(s) for s in args.sizes.split(",")]
    runs, extra = [], {}
    with tempfile.TemporaryDirectory(prefix="calfeed-bench-") as tmp:
        work = Path(tmp)
        for size in sizes:
            print(f"{size} events", flush=True)
            runs.append(measure_size(size, work, args.duration))
        biggest = work / f"events-{max(sizes)}.yaml"
        if not args.quick:
            print("cold build vs yaml2ics", flush=True)
            extra["cold"] = cold_build_vs_yaml2ics(biggest, work)
            print("static export", flush=True)
            extra["export"] = export_time(biggest, work)
    command = ".venv/bin/python bench/run.py" + ("" if len(sys.argv) == 1 else " " + " ".join(sys.argv[1:]))
    info = {**machine(), "command": command, "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load_start": load_start, "load_end": load(), "duration": args.duration,
            "elapsed_min": (time.monotonic() - started) / 60}  # fmt: skip
    Path(args.out).write_text(report(runs, extra, info), encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(json.dumps({"runs": runs, "extra": extra, "info": info}, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
