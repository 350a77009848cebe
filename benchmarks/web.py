"""The site under load: concurrent signed-in users on the dashboard, desa list and family pages.

Starts ``sinergi serve`` (gunicorn and its db_worker) on 127.0.0.1 over the lake of a
data folder (default: the demo regency in ``./sinergi-data``) and signs in ``--users``
virtual users, each with its own session. Each user, in turn and in a shuffled order,
opens the area dashboard (regency, kecamatan and desa), the desa follow-up list (a
spread of desas, up to 2,000 rows each) and the family page (a spread of families),
reading each page ``--think`` seconds (1 s; ``--think 0`` sends requests back to
back, which measures the most the server can do rather than what users see). One
user in five is the village operator on their own desa; the others are the
secretariat analyst on the whole regency. A warm-up round is not counted.

    python benchmarks/web.py                      # 20 users x 30 requests per page kind
    python benchmarks/web.py --think 0            # the same, back to back
    python benchmarks/web.py --quick              # a short smoke run
    python benchmarks/web.py --url http://127.0.0.1:8000 --home sinergi-data

The server it starts gets a scratch app database in ``--work`` (the data folder's
``diagnostics`` and ``linked`` runs are linked in, read only), so the audit rows the
benchmark causes never land in the data folder's own app database. With ``--url``
it targets a running server instead (127.0.0.1 only; the demo accounts must exist).
Prints, per page kind, requests, errors and p50/p95/p99 latency; the requests/s over
the measured phase; the CPU seconds of client and server and the load average (the
machine may be shared); and, for a server it started, its settings and the resident
memory of each of its processes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

SINERGI = str(Path(sys.executable).with_name("sinergi"))
KINDS = ("dashboard", "desa_list", "family")
ANALYST = ("analis", "demo-analis-2026")
OPERATOR = ("desa", "demo-desa-2026")
LOCAL = ("127.0.0.1", "localhost")


@dataclass
class Targets:
    """What the virtual users ask for, read from the lake's latest diagnosis."""

    regency: str
    dashboards: list[str]
    desas: list[str]
    families: list[str]
    operator_desa: str
    operator_families: list[str]


@dataclass
class Tally:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    lock: threading.Lock = field(default_factory=threading.Lock)
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average, start and end
    cpu: tuple[float, float] = (0.0, 0.0)  # CPU seconds of this client and the server, measured

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error:
                self.errors[kind].append(error)
            else:
                self.seconds[kind].append(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=Path("sinergi-data"))
    parser.add_argument("--url", help="a running server on 127.0.0.1 (else one is started)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sinergi-bench-web"))
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE",
        help="an environment variable for the server it starts (repeatable)",
    )  # fmt: skip
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="per page kind and user")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds per user")
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a user reads a page (0: back to back)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5 users x 3 requests per kind")
    args = parser.parse_args()
    if args.quick:
        args.users, args.requests, args.warmup = 5, 3, 1
    targets = _targets(args.home, args.seed)
    server: subprocess.Popen[bytes] | None = None
    if args.url:
        if urlsplit(args.url).hostname not in LOCAL:
            parser.error("--url must be a server on 127.0.0.1")
        base = args.url.rstrip("/")
    else:
        server = _start(args)
        base = f"http://127.0.0.1:{args.port}"
    try:
        tally, wall, processes = _load(base, targets, args, server)
    finally:
        if server is not None:
            _stop(server)
    _report(args, targets, tally, wall, processes)


def _targets(home: Path, seed: int) -> Targets:
    folder = home / "diagnostics" / (home / "diagnostics" / "LATEST").read_text().strip()
    areas = pl.read_parquet(folder / "areas.parquet", columns=["area_code", "level"])
    regency = areas.filter(pl.col("level") == "kabupaten")["area_code"][0]
    kecamatans = areas.filter(pl.col("level") == "kecamatan")["area_code"].sort().to_list()
    desas = areas.filter(pl.col("level") == "desa")["area_code"].sort().to_list()
    pockets = pl.read_parquet(folder / "pockets.parquet").sort("rank")
    operator_desa = str(pockets.filter(pl.col("area_code").is_in(desas))["area_code"][0])
    families = pl.read_parquet(folder / "families.parquet", columns=["hid", "area_code"])
    rng = random.Random(seed)
    sample = families.sample(n=min(2000, families.height), seed=seed)["hid"].to_list()
    own = families.filter(pl.col("area_code") == operator_desa)["hid"].sort().to_list()
    dashboards = [regency, *kecamatans, *rng.sample(desas, min(8, len(desas)))]
    return Targets(
        str(regency), dashboards, desas, sample, operator_desa, rng.sample(own, min(200, len(own)))
    )


def _start(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """`sinergi serve` on a scratch app database over the data folder's runs."""
    if _port_open(args.port):
        sys.exit(f"port {args.port} is taken; pick another with --port")
    home = args.work / "home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    for kind in ("diagnostics", "linked"):
        (home / kind).symlink_to((args.home / kind).resolve(), target_is_directory=True)
    command = [
        SINERGI,
        "serve",
        "--home",
        str(home),
        "--port",
        str(args.port),
        "--demo-users",
        "--http",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    env = dict(os.environ)
    env.pop("SINERGI_DATABASE_URL", None)
    env.update(pair.split("=", 1) for pair in args.env)
    log = (args.work / "server.log").open("wb")
    server = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while not _port_open(args.port):
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server)
            sys.exit(f"the server did not start; see {args.work / 'server.log'}")
        time.sleep(0.5)
    return server


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl+C to `sinergi serve` (its own process group: gunicorn and the db_worker end too)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _sign_in(base: str, account: tuple[str, str]) -> requests.Session:
    session = requests.Session()
    # A kept-alive connection the server closes just as it is reused is tried once more, as a
    # browser does; any answer from the server, an error status included, is never retried.
    retry = Retry(total=1, connect=1, read=1, status=0, other=0, redirect=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    page = session.get(f"{base}/masuk/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        sys.exit(f"no sign-in form at {base}/masuk/")
    done = session.post(
        f"{base}/masuk/",
        data={"csrfmiddlewaretoken": token.group(1), "username": account[0],
              "password": account[1], "next": ""},
        headers={"Referer": f"{base}/masuk/"},
        timeout=60,
        allow_redirects=False,
    )  # fmt: skip
    if done.status_code != 302:
        sys.exit(f"sign-in as {account[0]} failed ({done.status_code}); demo accounts missing?")
    return session


def _plan(user: int, targets: Targets, args: argparse.Namespace) -> list[tuple[str, str]]:
    """One user's requests: warm-up rounds first, then the measured ones, kinds shuffled."""
    rng = random.Random(args.seed * 1000 + user)
    operator = user % 5 == 4
    rounds = []
    for turn in range(args.warmup + args.requests):
        if operator:
            dashboard = desa = targets.operator_desa
            family = rng.choice(targets.operator_families)
        else:
            dashboard = targets.dashboards[(user + turn) % len(targets.dashboards)]
            desa = targets.desas[(user * 7 + turn) % len(targets.desas)]
            family = rng.choice(targets.families)
        kinds = [
            ("dashboard", f"/wilayah/{dashboard}/"),
            ("desa_list", f"/wilayah/{desa}/tindak-lanjut/"),
            ("family", f"/keluarga/{family}/"),
        ]
        rng.shuffle(kinds)
        rounds += kinds
    return rounds


def _load(
    base: str, targets: Targets, args: argparse.Namespace, server: subprocess.Popen[bytes] | None
) -> tuple[Tally, float, list[tuple[int, str, float, float]]]:
    sessions = [_sign_in(base, OPERATOR if u % 5 == 4 else ANALYST) for u in range(args.users)]
    tally = Tally()
    warm = threading.Barrier(args.users + 1)
    done = threading.Barrier(args.users + 1)
    warmup = 3 * args.warmup

    def user(number: int) -> None:
        try:
            _walk(number)
        except BaseException:
            warm.abort()  # the others stop at the next barrier instead of waiting for ever
            done.abort()
            raise

    def _walk(number: int) -> None:
        plan = _plan(number, targets, args)
        for step, (kind, path) in enumerate(plan):
            if step == warmup:
                warm.wait()
            started = time.perf_counter()
            error = None
            try:
                response = sessions[number].get(base + path, timeout=120, allow_redirects=False)
                if response.status_code != 200:
                    error = f"HTTP {response.status_code} {path}"
            except requests.RequestException as failure:
                error = f"{type(failure).__name__} {path}"
            if step >= warmup:
                tally.add(kind, time.perf_counter() - started, error)
            if args.think:
                time.sleep(args.think)
        done.wait()

    pool = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(args.users)]
    for thread in pool:
        thread.start()
    try:
        warm.wait()
        started, cpu = time.perf_counter(), _cpu_seconds(server)
        load = os.getloadavg()[0]
        done.wait()
    except threading.BrokenBarrierError:
        sys.exit("a virtual user failed (see the traceback above); no figures")
    wall = time.perf_counter() - started
    tally.load = (load, os.getloadavg()[0])
    client, served = _cpu_seconds(server)
    tally.cpu = (client - cpu[0], served - cpu[1])
    processes = _memory(server.pid) if server is not None else []
    return tally, wall, processes


def _cpu_seconds(server: subprocess.Popen[bytes] | None) -> tuple[float, float]:
    """CPU seconds used so far by this process (the client) and by the server it started."""
    mine = os.times()
    used = 0.0
    for pid in _tree(server.pid) if server is not None else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return mine.user + mine.system, used


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _memory(root: int) -> list[tuple[int, str, float, float]]:
    """(pid, what, resident MiB now, peak) of ``root`` and its descendants (VmRSS, VmHWM)."""
    found = []
    for pid in _tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        now, peak = (re.search(rf"{key}:\s+(\d+) kB", status) for key in ("VmRSS", "VmHWM"))
        what = (
            "db_worker" if "db_worker" in command
            else "gunicorn" if "gunicorn" in command
            else "sinergi serve"
        )  # fmt: skip
        mib = [int(m.group(1)) / 1024 if m else 0.0 for m in (now, peak)]
        found.append((pid, what, mib[0], mib[1]))
    return found


def _percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _report(
    args: argparse.Namespace,
    targets: Targets,
    tally: Tally,
    wall: float,
    processes: list[tuple[int, str, float, float]],
) -> None:
    workers = args.workers or "default (3)"
    threads = args.threads or "default (4)"
    where = args.url or f"started on 127.0.0.1:{args.port}, workers {workers}, threads {threads}"
    if args.env and not args.url:
        where += ", " + " ".join(args.env)
    print(f"Sinergi site, regency {targets.regency}: {where}; {os.cpu_count()} CPUs")
    print(
        f"{args.users} users ({args.users // 5} village operators), {args.requests} requests per "
        f"page kind each after {args.warmup} warm-up round(s), think {args.think:g} s"
    )
    print(f"{'page':10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    total = 0
    for kind in KINDS:
        seconds, errors = tally.seconds[kind], tally.errors[kind]
        total += len(seconds) + len(errors)
        ms = [s * 1000 for s in seconds]
        print(
            f"{kind:10} {len(ms) + len(errors):8} {len(errors):6} {_percentile(ms, 0.50):8.0f} "
            f"{_percentile(ms, 0.95):8.0f} {_percentile(ms, 0.99):8.0f}"
        )
    print(f"{'all':10} {total:8} {'':6} {wall:7.1f} s  {total / wall:.1f} requests/s")
    client, served = tally.cpu
    print(
        f"CPU: client {client:.1f} s, server {served:.1f} s"
        + (f" ({1000 * served / total:.0f} ms per request)" if served and total else "")
        + f"; load average (1 min) at start {tally.load[0]:.1f}, at end {tally.load[1]:.1f}"
    )
    for kind in KINDS:
        for error in sorted(set(tally.errors[kind]))[:3]:
            print(f"  error ({kind}): {error}")
    if processes:
        print("resident MiB at the end (peak):")
        for pid, what, now, peak in processes:
            print(f"  {what:13} {pid:>7} {now:7,.0f} ({peak:,.0f})")


if __name__ == "__main__":
    main()
