"""Soak test: nothing is ever lost or mixed while the events file is rewritten under load.

    .venv/bin/python bench/soak.py [--duration 180] [--clients 4] [--out bench/SOAK.md]

Not part of the test suite (it runs for minutes). Serves a copy of ``events.yaml`` with gunicorn
(``gunicorn.conf.py``, 2 workers, 127.0.0.1 only) while client threads fetch feeds, JSON and pages
and a separate writer process rewrites the file a few hundred times: valid versions, invalid ones
(syntax, unknown values, control characters, an alias bomb, binary, empty), slow writes that are
half-written for a moment, files left truncated, rename-replace, and deletion followed by
re-creation. Every valid version's answers are computed beforehand in-process; during the soak:

* no answer may be a 5xx (or a dropped connection);
* every feed must parse (strict ``ical`` package) and equal, as a set of events, the same URL's feed
  for one of the valid versions; every JSON answer likewise; every page must be complete;
* worker memory (VmRSS from /proc) may not grow beyond ``--rss-growth-mb`` after warm-up;
* after the writer's last (valid) version, every worker serves it.

Then ``--faults`` rounds of chaos, each: a valid save followed a second later by a bad one; ``kill -9``
of a worker; a restart of the master while the file is bad; a truncated ledger and a valid save; a
read-only state folder while a valid version is saved, then writable again. The controller knows the
newest good version at every moment, so it counts answers that are not that version more than
``--window`` seconds after it was saved (must be 0), SEQUENCE decreases of any event between two such
answers (must be 0), 5xx (must be 0) and the seconds each restart left the port without an answer.
As root, gunicorn runs without the capabilities that ignore file permissions (setpriv), so that a
read-only folder is read-only for it too.

The summary is written to ``--out`` (bench/SOAK.md) and printed; the exit status is 1 on any failure.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from ical.calendar_stream import IcsCalendarStream

ROOT = Path(__file__).resolve().parent.parent
FEEDS = [
    "/calendar.ics",
    "/en/calendar.ics?type=conference,workshop",
    "/projects/umbrella.ics",
    "/locations/kalmar.ics",
]
JSONS = ["/events.json", "/en/events.json?project=umbrella"]
PAGES = ["/", "/en/", "/past", "/en/past", "/projects/umbrella", "/events/umbrella-2019-11-13-studieresa-guldborgsund"]
HEALTH = ["/healthz"]


# --- the versions of the file --------------------------------------------------------------------------------


def valid_versions(base: str, count: int) -> dict[str, str]:
    """``count`` valid files that differ in their events: one more event each, a retitled one, a removed one."""
    versions = {}
    for k in range(count):
        text = base.replace("Studieresa till Guldborgsund", f"Studieresa till Guldborgsund ({k})")
        text += "".join(
            f"\n  - id: soak-{k}-{j}\n    title: Soak {k}.{j} – ; , \\\\ END:VEVENT\n    type: meeting\n"
            f"    location: kalmar\n    start: 2019-12-{10 + j:02} 09:{k:02}\n    end: 10:30\n"
            for j in range(k % 4 + 1)
        )
        versions[f"valid-{k}"] = text
    return versions


def invalid_versions(base: str) -> dict[str, bytes]:
    return {
        "invalid-syntax": (base + "\n  - id: broken\n    title: 'unclosed\n").encode(),
        "invalid-type": (base + "\n  - id: party\n    title: Party\n    type: party\n    start: 2019-12-01\n").encode(),
        "invalid-control": (
            base + '\n  - id: ctl\n    title: "x\\e[31m"\n    type: meeting\n    start: 2019-12-01\n'
        ).encode(),
        "invalid-alias-bomb": (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=False)
            )
            + base
        ).encode(),  # fmt: skip
        "invalid-binary": bytes(range(256)) * 8,
        "invalid-empty": b"",
        "invalid-tab": base.replace("\n    type: conference", "\n\ttype: conference", 1).encode(),
    }


def classify_truncations(text: str, points: int) -> dict[str, tuple[bytes, bool]]:
    """A valid file cut at ``points`` places; some cuts are still valid files (then they are versions too)."""
    from calfeed.loader import check

    data = text.encode()
    cuts = {}
    for i in range(1, points + 1):
        at = len(data) * i // (points + 1)
        cuts[f"truncated-{i}"] = (data[:at], check(data[:at]).schedule is not None)
    return cuts


# --- what each valid version must answer ---------------------------------------------------------------------


def feed_set(body: bytes) -> frozenset:
    """A feed as a set of events; SEQUENCE/DTSTAMP/LAST-MODIFIED left out (they move as versions alternate)."""
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return frozenset((e.uid, e.summary, str(e.dtstart), str(e.dtend), e.location or "", e.description or "")
                     for e in calendar.events)  # fmt: skip


def json_set(body: bytes) -> frozenset:
    return frozenset((e["id"], e["title"], e["start"], e["end"]) for e in json.loads(body)["events"])


def expected_answers(versions: dict[str, str], work: Path) -> dict[str, dict[frozenset, str]]:
    """For each feed and JSON URL: every valid version's answer (as a set) -> the name of a version giving it.
    Filtered URLs answer the same for several versions; /calendar.ics tells every version apart."""
    from calfeed.web import create_app

    answers: dict[str, dict[frozenset, str]] = collections.defaultdict(dict)
    for name, text in versions.items():
        folder = work / "expected" / name
        folder.mkdir(parents=True)
        (folder / "events.yaml").write_text(text, encoding="utf-8")
        client = create_app({"CALFEED_EVENTS": str(folder / "events.yaml")}).test_client()
        for url in FEEDS + JSONS:
            body = client.get(url, headers={"Host": "127.0.0.1"}).data
            answers[url].setdefault(feed_set(body) if ".ics" in url else json_set(body), name)
    return answers


# --- the writer (a separate process) ------------------------------------------------------------------------


def writer(path: str, duration: float, valid: dict[str, str], invalid: dict[str, bytes],
           truncated: dict[str, tuple[bytes, bool]], final: str, log_path: str, seed: int) -> None:  # fmt: skip
    rng = random.Random(seed)
    target = Path(path)
    counts: collections.Counter[str] = collections.Counter()
    deadline = time.monotonic() + duration

    def write(data: bytes) -> None:
        with open(target, "wb") as f:
            f.write(data)

    def rename_replace(data: bytes) -> None:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    while time.monotonic() < deadline:
        action = rng.choices(["valid", "rename", "invalid", "slow", "truncated", "delete"], [30, 25, 20, 10, 8, 7])[0]
        if action in ("valid", "rename"):
            name = rng.choice(sorted(valid))
            (write if action == "valid" else rename_replace)(valid[name].encode())
        elif action == "invalid":
            name = rng.choice(sorted(invalid))
            write(invalid[name])
        elif action == "slow":  # an editor saving in two chunks: half a file on disk for a moment
            name = rng.choice(sorted(valid))
            data = valid[name].encode()
            with open(target, "wb") as f:
                f.write(data[: len(data) // 2])
                f.flush()
                time.sleep(rng.uniform(0.05, 0.3))
                f.write(data[len(data) // 2 :])
        elif action == "truncated":  # left truncated, e.g. a full disk
            name = rng.choice(sorted(truncated))
            write(truncated[name][0])
        else:
            name = "deleted"
            target.unlink(missing_ok=True)
            time.sleep(rng.uniform(0.2, 1.5))
            name = rng.choice(sorted(valid))
            write(valid[name].encode())
            action = "delete+recreate"
        counts[action] += 1
        counts["total"] += 1
        time.sleep(rng.uniform(0.1, 1.2))  # sometimes quiet longer than the store's settle time (0.5 s)
    rename_replace(final.encode())
    counts["final"] += 1
    Path(log_path).write_text(json.dumps(counts), encoding="utf-8")


# --- gunicorn and its workers --------------------------------------------------------------------------------


class Server:
    """gunicorn with the shipped ``gunicorn.conf.py`` on 127.0.0.1, restartable."""

    def __init__(self, env: dict[str, str], work: Path) -> None:
        self.env, self.work = env, work
        self.restarting = threading.Event()  # clients count refused connections as downtime, not failures
        self.killed_at = -1.0  # a request the killed worker was answering is dropped with it: counted apart
        self.log = open(work / "gunicorn.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{env['CALFEED_BIND'].rsplit(':', 1)[1]}"

    def start(self) -> float:
        """Start, and return the seconds until it answered /healthz."""
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
        if os.geteuid() == 0:  # root ignores permissions: drop that, so a read-only folder is read-only
            command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
        started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log,
                                        start_new_session=True)  # fmt: skip
        while time.monotonic() - started < 60:
            try:
                if fetch(self.base, "/healthz", timeout=2)[0] == 200:
                    self.restarting.clear()
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not start: see its log in " + str(self.work))

    def stop(self) -> None:
        assert self.process is not None
        self.restarting.set()
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def workers(self) -> list[int]:
        assert self.process is not None
        return workers_of(self.process.pid)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return sorted(children)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def fetch(base: str, url: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(base + url, headers={"Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def raw(port: int, data: bytes) -> bytes:
    """A hand-made request, for what an HTTP library refuses to send."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        return s.recv(200)


# --- chaos ------------------------------------------------------------------------------------------------


class Newest:
    """What the controller knows: from which moment which version is the newest good one."""

    def __init__(self) -> None:
        self.since: list[tuple[float, str]] = []

    def now(self, name: str) -> None:
        self.since.append((time.monotonic(), name))

    def allowed(self, moment: float, window: float) -> set[str] | None:
        """The versions an answer received at ``moment`` may be; None before the chaos or inside a window."""
        settled = [name for t, name in self.since if t + window <= moment]
        if not settled or any(t <= moment < t + window for t, _ in self.since):
            return None
        return {settled[-1]}


def chaos(server: Server, events: Path, ledger: Path, state: Path, texts: dict[str, str], bad: bytes,
          newest: Newest, rounds: int, rng: random.Random) -> tuple[collections.Counter, list[float]]:  # fmt: skip
    faults: collections.Counter[str] = collections.Counter()
    faults["(read-only state folder reported in /healthz)"] = 0
    downtime: list[float] = []
    names = iter(sorted(texts))

    def save(name: str) -> None:
        events.write_text(texts[name], encoding="utf-8")
        newest.now(name)

    for _ in range(rounds):
        save(next(names))
        time.sleep(1.0)
        events.write_bytes(bad)  # a valid save followed a second later by a bad one
        faults["valid save, then a bad one 1 s later"] += 1
        time.sleep(3)

        server.killed_at = time.monotonic()
        os.kill(rng.choice(server.workers()), signal.SIGKILL)
        faults["kill -9 of a worker"] += 1
        time.sleep(4)

        stopped = time.monotonic()
        server.stop()
        server.start()
        downtime.append(time.monotonic() - stopped)
        faults["restart of the master while the file is bad"] += 1
        time.sleep(3)

        ledger.write_bytes(ledger.read_bytes()[: rng.randrange(1, 200)])
        save(next(names))
        faults["truncated ledger, then a valid save"] += 1
        time.sleep(4)

        for folder in (state, state / "versions"):
            folder.chmod(0o555)
        name = next(names)
        events.write_text(texts[name], encoding="utf-8")  # cannot be accepted: the last good stays served
        faults["read-only state folder while a valid version is saved"] += 1
        time.sleep(3)
        health = json.loads(fetch(server.base, "/healthz")[1])
        faults["(read-only state folder reported in /healthz)"] += any("state folder" in p["message"] or
                                                                      "ledger" in p["message"]
                                                                      for p in health["problems"])  # fmt: skip
        for folder in (state, state / "versions"):
            folder.chmod(0o755)
        newest.now(name)
        time.sleep(4)
    return faults, downtime


def sequence_decreases(timeline: list[tuple[float, str, dict[str, int]]], newest: Newest, window: float) -> int:
    """Times an event's SEQUENCE was lower than in an earlier settled answer (answers inside a window excluded)."""
    highest: dict[str, int] = {}
    found = 0
    for moment, _, sequences in sorted(timeline):
        if newest.allowed(moment, window) is None:
            continue
        for uid, sequence in sequences.items():
            if sequence < highest.get(uid, -1):
                found += 1
            highest[uid] = max(sequence, highest.get(uid, -1))
    return found


# --- the soak ------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of rewriting under load")
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    parser.add_argument("--versions", type=int, default=10, help="distinct valid versions")
    parser.add_argument("--rss-growth-mb", type=float, default=40, help="largest worker RSS growth after warm-up")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--faults", type=int, default=5, help="rounds of chaos after the rewriting")
    parser.add_argument(
        "--window", type=float, default=3.0, help="seconds a new version may take to reach every worker"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "SOAK.md"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="calfeed-soak-"))
    base = (ROOT / "events.yaml").read_text(encoding="utf-8")
    valid = valid_versions(base, args.versions)
    truncated = classify_truncations(valid["valid-0"], 8)
    final = valid_versions(base, args.versions + 1)[f"valid-{args.versions}"]
    trip = "Studieresa till Guldborgsund"
    chaotic = {f"chaos-{k:02}": base.replace(trip, f"{trip} (chaos {k})") for k in range(args.faults * 3)}
    versions = {**valid, **{n: d.decode() for n, (d, ok) in truncated.items() if ok}, "final": final, **chaotic}
    answers = expected_answers(versions, work)
    events = work / "events.yaml"
    events.write_text(valid["valid-0"], encoding="utf-8")

    port = free_port()
    env = {**os.environ, "CALFEED_EVENTS": str(events), "CALFEED_LEDGER": str(work / "ledger.json"),
           "CALFEED_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}  # fmt: skip
    server = Server(env, work)
    server.start()
    base_url = server.base
    newest = Newest()
    timeline: list[tuple[float, str, dict[str, int]]] = []  # /calendar.ics answers: when, which version, SEQUENCEs

    stats: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[int] = collections.Counter()
    seen: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        rng = random.Random(args.seed * 100 + number)
        while not stop.is_set():
            url = rng.choice(FEEDS * 3 + JSONS * 2 + PAGES + HEALTH)
            try:
                status, body = fetch(base_url, url)
            except Exception as exc:  # a dropped connection is as bad as a 5xx, except while restarting
                with lock:
                    if server.restarting.is_set():
                        stats["refused while restarting"] += 1
                    elif time.monotonic() - server.killed_at < 2.0:
                        stats["dropped by a killed worker"] += 1
                    else:
                        failures.append(f"{url}: {type(exc).__name__}: {exc}")
                continue
            received = time.monotonic()
            problem, version = None, None
            if status >= 500 or status != 200:
                problem = f"status {status}"
            elif url in answers:
                try:
                    key = feed_set(body) if ".ics" in url else json_set(body)
                    version = answers[url].get(key)
                    problem = None if version else "answer equals no valid version's (lost or mixed)"
                except Exception as exc:
                    problem = f"unparseable: {type(exc).__name__}: {exc}"
            elif url in PAGES and not body.rstrip().endswith(b"</html>"):
                problem = "incomplete page"
            with lock:
                stats["requests"] += 1
                stats["checked"] += url in answers
                statuses[status] += 1
                if version and url == FEEDS[0]:  # the one URL whose answer names the version
                    seen[version] += 1
                    sequences = {e.uid: e.sequence for e in IcsCalendarStream.calendar_from_ics(body.decode()).events}
                    timeline.append((received, version, sequences))
                if problem:
                    failures.append(f"{url}: {problem}")

    written = work / "written.json"
    writer_process = multiprocessing.get_context("spawn").Process(
        target=writer,
        args=(str(events), args.duration, valid, invalid_versions(base), truncated, final, str(written), args.seed),
    )
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    writer_process.start()

    rss: dict[int, list[float]] = collections.defaultdict(list)
    warm = started + min(20, args.duration / 4)
    baseline: dict[int, float] = {}
    while writer_process.is_alive():
        for pid in server.workers():
            rss[pid].append(rss_mb(pid))
            if time.monotonic() >= warm and pid not in baseline:
                baseline[pid] = rss[pid][-1]
        time.sleep(2)
    time.sleep(3)  # the final version: quiet for the store's settle time, then the next reload check
    final_ok = 0
    final_key = {url: next(k for k, v in answers[url].items() if v == "final") for url in FEEDS[:1]}
    for _ in range(20):
        status, body = fetch(base_url, FEEDS[0])
        final_ok += status == 200 and feed_set(body) == final_key[FEEDS[0]]

    chaos_started = time.monotonic()
    bad = invalid_versions(base)["invalid-type"]
    faults, downtime = chaos(server, events, work / "ledger.json", work / ".calfeed", chaotic, bad, newest,
                             args.faults, random.Random(args.seed))  # fmt: skip
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    duration = time.monotonic() - started
    chaos_seconds = time.monotonic() - chaos_started
    judged = [(t, v) for t, v, _ in timeline if newest.allowed(t, args.window) is not None]
    not_newest = [(t, v) for t, v in judged if v not in newest.allowed(t, args.window)]  # type: ignore[operator]
    decreases = sequence_decreases(timeline, newest, args.window)
    hostile = {
        "100 kB header": raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 100_000 + b"\r\n\r\n"),
        "malformed request line": raw(port, b"GET /\x00 HTTP/9.9\r\n\r\n"),
        "10 kB URL": raw(port, b"GET /?type=" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    }
    hostile_status = {name: answer.split(b"\r\n", 1)[0].decode("latin-1") for name, answer in hostile.items()}
    workers = server.workers()
    server.stop()
    server.log.close()

    counts = json.loads(written.read_text(encoding="utf-8"))
    growth = {pid: max(values) - baseline.get(pid, values[0]) for pid, values in rss.items() if values}
    peak = max((max(v) for v in rss.values() if v), default=0.0)
    five_xx = sum(n for s, n in statuses.items() if s >= 500)
    hostile_ok = all(" 4" in line for line in hostile_status.values())
    ok = (not failures and five_xx == 0 and final_ok == 20 and hostile_ok and len(workers) == 2
          and all(g <= args.rss_growth_mb for g in growth.values()) and not not_newest and decreases == 0
          and len(judged) > 0 and faults["(read-only state folder reported in /healthz)"] == args.faults)  # fmt: skip
    chaos_rows = [
        f"| chaos | {args.faults} rounds, {chaos_seconds:.0f} s: "
        f"{sum(v for k, v in faults.items() if k[0] != '(')} faults injected "
        f"({', '.join(f'{k} ×{v}' for k, v in faults.items() if k[0] != '(')}) |",
        f"| read-only state folder reported in `/healthz` | {faults['(read-only state folder reported in /healthz)']}"
        f"/{args.faults} |",
        f"| answers of `/calendar.ics` judged against the newest good version | {len(judged)} (those received "
        f"more than {args.window:g} s after a save) |",
        f"| answers not the newest good version {args.window:g} s after it was saved | {len(not_newest)} |",
        f"| SEQUENCE decreases between judged answers | {decreases} |",
        f"| connections refused while the master restarted | {stats['refused while restarting']} |",
        f"| requests in flight on a worker when it was killed (dropped with it) | "
        f"{stats['dropped by a killed worker']} |",
        f"| seconds without an answer per restart (stop to first answer) | {', '.join(f'{d:.1f}' for d in downtime)} |",
    ]
    report = render(args, duration, stats, statuses, seen, failures + [f"not newest at {t:.1f}: {v}" for t, v in
                    not_newest], counts, truncated, peak, growth, final_ok, hostile_status, ok, versions,
                    chaos_rows)  # fmt: skip
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


def render(args, duration, stats, statuses, seen, failures, counts, truncated, peak, growth, final_ok, hostile, ok,
           versions, chaos_rows) -> str:  # fmt: skip
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "total")
    valid_cuts = sum(ok for _, ok in truncated.values())
    lines = [
        "# Soak test: nothing lost or mixed while the events file is rewritten",
        "",
        f"Result: **{'PASS' if ok else 'FAIL'}** — by `bench/soak.py` (its docstring says what is checked).",
        "",
        "```sh",
        f".venv/bin/python bench/soak.py --duration {args.duration:g} --clients {args.clients} "
        f"--versions {args.versions} --seed {args.seed} --faults {args.faults}",
        "```",
        "",
        "gunicorn with `gunicorn.conf.py`, 2 sync workers on 127.0.0.1, preloaded app; "
        f"{args.clients} client threads; a separate writer process. Machine: {os.cpu_count()} cores, shared.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| duration | {duration:.0f} s (rewriting {args.duration:g} s, then the chaos) |",
        f"| requests | {stats['requests']} ({stats['checked']} feeds and JSON compared with every valid version) |",
        f"| statuses | {', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))} |",
        f"| 5xx | {sum(n for s, n in statuses.items() if s >= 500)} |",
        f"| failures (dropped, unparseable, lost or mixed, incomplete) | {len(failures)} |",
        f"| rewrites of the file | {counts.get('total', 0)} + the final version ({kinds}) |",
        f"| valid versions prepared | {len(versions)} ({args.versions} edits, {valid_cuts} truncations that are "
        f"still valid files, the final one, {args.faults * 3} for the chaos) |",
        f"| valid versions seen in `/calendar.ics` answers | {len(seen)}: "
        f"{', '.join(f'{v} ×{n}' for v, n in sorted(seen.items()))} |",
        f"| peak worker RSS | {peak:.1f} MB |",
        f"| worker RSS growth after warm-up | {', '.join(f'{g:+.1f} MB' for g in growth.values())} "
        f"(bound {args.rss_growth_mb:g} MB) |",
        f"| final version served afterwards | {final_ok}/20 requests |",
        f"| hostile raw requests | {'; '.join(f'{k}: {v}' for k, v in hostile.items())} |",
        *chaos_rows,
        "",
    ]
    if failures:
        lines += ["First failures:", "", *[f"- {f}" for f in failures[:20]], ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
