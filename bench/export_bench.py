"""The static export and the cold start at scale: ``.venv/bin/python bench/export_bench.py``.

Not a test. For a generated file of N events (default 10,000; bench/generate.py), side by side in
one run on this machine:

- full export (``calfeed build``, ``--jobs`` = the CPUs) against ``cp -a`` of the same tree, the
  I/O floor of writing those files; peak memory of the build (the largest process, and the sum of
  the proportional set sizes of all its processes, sampled every 50 ms);
- a second build of the same file (nothing may be written), then a one-event edit built
  incrementally: its time, the files whose bytes or mtime changed on disk, and the manifest's
  count of them, which must be equal; against ``cp`` of exactly those files;
- the tree after the edit against a fresh full export of the same file (must be byte-identical);
- cold start to the first 200 of /calendar.ics under gunicorn (gunicorn.conf.py), calfeed against a
  bare Flask app on the same settings; then 300 exported files, chosen at random, against what
  the running app answers at their URLs (must all be equal).

It writes its section of bench/RESULTS.md (between the ``export_bench`` markers), with the load
average before and after: the machine is shared, so figures move by ±30 % between runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, ROOT, get, gunicorn  # noqa: E402  (bench/ is not a package)

MAX_BYTES = "20000000"
BEGIN, END = "<!-- export_bench -->", "<!-- /export_bench -->"


def machine() -> dict[str, str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")  # fmt: skip
    return {"cpus": str(os.cpu_count()), "cpu": model, "python": sys.version.split()[0]}


def tree(outdir: Path) -> dict[str, tuple[str, int, int]]:
    """Relative path -> (sha256, mtime_ns, inode) of every file of the site (our own files left out)."""
    found = {}
    for path in outdir.rglob("*"):
        relative = path.relative_to(outdir).as_posix()
        if path.is_file() and not relative.startswith(".calfeed"):
            stat = path.stat()
            found[relative] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_ino)
    return found


class Sampler:
    """Peak memory of a process tree: the largest RSS of one process and the largest sum of PSS."""

    def __init__(self, root: int) -> None:
        self.root, self.max_rss, self.max_pss, self._stop = root, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(stat.parent.name))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def _run(self) -> None:
        while not self._stop.is_set():
            pss = 0
            for pid in self._tree():
                with contextlib.suppress(OSError):
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Rss:"):
                            self.max_rss = max(self.max_rss, int(line.split()[1]))
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1])
            self.max_pss = max(self.max_pss, pss)
            time.sleep(0.05)

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        return self.max_rss / 1024, self.max_pss / 1024


def build(events: Path, outdir: Path, env: dict[str, str], *extra: str) -> dict:
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN / "calfeed"), "build", str(outdir), "--events", str(events), *extra],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    sampler = Sampler(process.pid)
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    rss, pss = sampler.stop()
    if process.returncode:
        raise RuntimeError(output)
    manifest = json.loads((outdir / ".calfeed-manifest.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "rss_mb": rss, "pss_mb": pss, "manifest": manifest, "output": output.strip()}


def timed(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd)
    return time.perf_counter() - started


def edit_one_event(events: Path) -> str:
    """Change the title of the event in the middle of the file; returns its id."""
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    ids = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    at = ids[len(ids) // 2]
    title = next(i for i in range(at, len(lines)) if lines[i].strip().startswith(("title:", "sv:")) and
                 not lines[i].strip().endswith(":"))  # fmt: skip
    lines[title] = lines[title].rstrip("\n") + " (ny tid)\n"
    events.write_text("".join(lines), encoding="utf-8")
    return lines[at].split(":", 1)[1].strip()


def cold_starts(events: Path, work: Path, env: dict[str, str]) -> dict:
    figures: dict = {}
    state = work / "state"
    shutil.rmtree(state, ignore_errors=True)
    app_env = {**env, "CALFEED_EVENTS": str(events), "CALFEED_STATE_DIR": str(state)}
    with gunicorn("wsgi:app", ROOT, app_env) as (_, _, seconds):
        figures["first"] = seconds  # no state folder yet
        deadline = time.monotonic() + 120  # the workers keep the checked schedule after serving it
        while not list((state / "versions").glob("*.schedule.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
    with gunicorn("wsgi:app", ROOT, app_env) as (base, _, seconds):
        figures["restart"] = seconds  # a restart with the state folder of the run before (and its schedule)
        port = int(base.rsplit(":", 1)[1])
        figures["sample"] = compare_with_app(port, work / "site")
    bodies = work / "bare"
    bodies.mkdir(exist_ok=True)
    (bodies / "ok").write_bytes(b"ok\n")
    (bodies / "index.json").write_text(json.dumps({"/calendar.ics": {"body": "ok", "etag": "x",
                                                                      "content_type": "text/plain"}}))  # fmt: skip
    with gunicorn("baseline_app:app", ROOT / "bench", {**env, "BENCH_BODIES": str(bodies)}) as (_, _, seconds):
        figures["bare"] = seconds
    return figures


def compare_with_app(port: int, site: Path) -> dict:
    """300 exported files at random against the running app's answer at their URL."""
    from calfeed.export_tree import url_of

    names = sorted(name for name in tree_names(site) if not name.endswith(".gz"))
    chosen = random.Random(18).sample(names, min(300, len(names)))
    different = []
    for name in chosen:
        url = url_of(name)
        url = url + "/" if url in ("/en", "/da", "/de", "/pl", "/lt") else url
        status, _, body = get(port, url)
        if status != 200 or body != (site / name).read_bytes():
            different.append(url)
    return {"checked": len(chosen), "different": different}


def tree_names(outdir: Path) -> list[str]:
    return [p.relative_to(outdir).as_posix() for p in outdir.rglob("*")
            if p.is_file() and not p.relative_to(outdir).as_posix().startswith(".calfeed")]  # fmt: skip


def run(size: int, jobs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="calfeed-export-bench-"))
    env = {
        **os.environ,
        "CALFEED_MAX_BYTES": MAX_BYTES,
        "CALFEED_LEDGER": str(work / "ledger.json"),
        "CALFEED_BASE_URL": "https://kalender.example.org",
    }  # the app answers with the links the export has
    events = work / "events.yaml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(size), str(events)], check=True)
    site, fresh = work / "site", work / "fresh"
    result: dict = {"size": size, "jobs": jobs, "file_mb": events.stat().st_size / 1e6}
    try:
        print("full export", flush=True)
        result["full"] = build(events, site, env, "--jobs", str(jobs))
        before = tree(site)
        result["files"], result["mb"] = len(before), sum((site / n).stat().st_size for n in before) / 1e6
        print("cp -a", flush=True)
        result["cp_full"] = timed(["cp", "-a", str(site), str(work / "copy")])
        shutil.rmtree(work / "copy")
        print("same file again", flush=True)
        result["again"] = build(events, site, env, "--jobs", str(jobs))
        result["again_touched"] = sum(1 for n, v in tree(site).items() if before.get(n) != v)
        print("one-event edit", flush=True)
        result["edited"] = edit_one_event(events)
        result["incremental"] = build(events, site, env, "--jobs", str(jobs))
        after = tree(site)
        touched = sorted(n for n, v in after.items() if before.get(n) != v)
        manifest = result["incremental"]["manifest"]
        result["touched"], result["listed"] = len(touched), len(manifest["added"]) + len(manifest["changed"])
        result["listed_equal"] = touched == sorted(manifest["added"] + manifest["changed"])
        result["byte_changed"] = sum(1 for n in touched if n in before and before[n][0] != after[n][0])
        (work / "changed").mkdir()
        result["cp_changed"] = timed(["cp", "--parents", "-a", *touched, str(work / "changed")], cwd=site)
        print("fresh full export of the edited file", flush=True)
        result["fresh"] = build(events, fresh, env, "--jobs", str(jobs))
        result["identical"] = {n: v[0] for n, v in after.items()} == {n: v[0] for n, v in tree(fresh).items()}
        print("cold start", flush=True)
        result["cold"] = cold_starts(events, work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def section(r: dict, info: dict, load: tuple[float, float], started: dt.datetime) -> str:
    full, inc, again, cold = r["full"], r["incremental"], r["again"], r["cold"]
    ok = lambda cond: "met" if cond else "**not met**"  # noqa: E731
    peak_rss = max(full["rss_mb"], inc["rss_mb"])
    return "\n".join([
        BEGIN,
        "## Static export and cold start (`bench/export_bench.py`)",
        "",
        f"Run on {started:%Y-%m-%d %H:%M}: {r['size']:,} generated events ({r['file_mb']:.1f} MB), "
        f"`calfeed build --jobs {r['jobs']}`; {info['cpus']} CPUs, {info['cpu']}, Python {info['python']}. "
        f"Load average (1 min) {load[0]:.2f} at the start, {load[1]:.2f} at the end (shared machine: "
        "figures move by about ±30 % between runs).",
        "",
        "| step | calfeed | floor in the same run | target | |",
        "|---|---:|---:|---|---|",
        f"| full export: {r['files']:,} files, {r['mb']:.0f} MB | {full['seconds']:.1f} s | `cp -a` of the tree: "
        f"{r['cp_full']:.1f} s | ≤ 30 s | {ok(full['seconds'] <= 30)} |",
        f"| peak memory, largest process (sum of PSS): full export / one-event edit | {full['rss_mb']:.0f} MB "
        f"({full['pss_mb']:.0f} MB) / {inc['rss_mb']:.0f} MB ({inc['pss_mb']:.0f} MB) | | ≤ 150 MB | "
        f"{ok(peak_rss <= 150)} |",
        f"| the same file again | {again['seconds']:.1f} s, {r['again_touched']} files touched | | nothing written | "
        f"{ok(r['again_touched'] == 0)} |",
        f"| one-event edit (`{r['edited']}`), incremental | {inc['seconds']:.1f} s | `cp` of the changed files: "
        f"{r['cp_changed']:.2f} s | ≤ 5 s | {ok(inc['seconds'] <= 5)} |",
        f"| files rewritten on disk / listed in the manifest | {r['touched']} / {r['listed']} (all with new bytes: "
        f"{r['byte_changed'] == r['touched']}) | | equal | {ok(r['listed_equal'])} |",
        f"| tree after the edit = fresh full export of the same file | {r['identical']} | | byte-identical | "
        f"{ok(r['identical'])} |",
        f"| cold start to the first `/calendar.ics` under gunicorn (first / restart with the state folder) | "
        f"{cold['first']:.2f} s / {cold['restart']:.2f} s | bare Flask app: {cold['bare']:.2f} s | ≤ 2 s | "
        f"{ok(cold['restart'] <= 2)} |",
        "| exported files equal to the app's answer at their URL | "
        f"{cold['sample']['checked'] - len(cold['sample']['different'])}"
        f" of {cold['sample']['checked']} (random) | | all | {ok(not cold['sample']['different'])} |",
        "",
        f"Incremental build output: `{inc['output']}`.",
        END,
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    started, first_load = dt.datetime.now(), os.getloadavg()[0]
    result = run(args.events, args.jobs)
    text = section(result, machine(), (first_load, os.getloadavg()[0]), started)
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else "# Benchmark results\n"
    if BEGIN in old:
        old = old[: old.index(BEGIN)] + old[old.index(END) + len(END) :].lstrip("\n")
    args.out.write_text(old.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
