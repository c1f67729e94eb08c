#!/usr/bin/env python3
"""Load test: the traffic of a working day against real zlc servers.

    scripts/load.py [--scale province] [--seconds 15] [--clients 32]
                    [--targets sqlite,postgres,postgres-two]

Everything is started here, on loopback only, and nothing else is needed:
wrk is installed from Debian when missing, the release binary is built, the
demo data set of the scale is generated once per database and kept under
target/load/ (as of 2024-10-08, the servers' clock set to that morning),
PostgreSQL is started with scripts/pg-up.sh.

For each target — one server on SQLite, one on PostgreSQL, two servers on
the same PostgreSQL — it runs wrk (scripts/load/mixed.lua) three times: the
mixed traffic (list pages, searches, record views, the dashboard, record
edits that send the version they read, new records, and one quarterly
report a minute by a separate client), then /api/v1/me alone and the
problem list alone. It prints requests/s, p50/p99, unexpected answers and
the server's peak memory for each.

Two checks hold every run to account, and fail it (exit 1) when broken:
- no lost update: the versions the contended needs gained are at least the
  edits answered 200, across both servers (a stale edit must get 409), and
  at most that plus the edits still in flight when wrk stopped;
- no session trouble: the second server serves the whole run on the
  session cookie the first one issued.
Any answer other than the expected ones (2xx; 409 for a stale edit) also
fails the run. Times are printed, never asserted.
"""

import argparse
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(ROOT, "scripts", "load", "mixed.lua")
TODAY = "2024-10-08"
CLOCK = TODAY + "T10:00"
PERIOD = "2024Q3"
DEMO_PASSWORD = "Zlc-Load-Demo-2024!"
ADMIN_PASSWORD = "Zlc-Load-Admin-2024!"
# The SM4 key of the load data sets only (16 bytes, hex): they hold synthetic data.
DATA_KEY = "6c6f61642d746573742d6b65792d3136"


def log(msg):
    print(f"load: {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (Debian package)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run(sudo + ["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL)
    run(
        sudo + ["apt-get", "install", "-y", "-qq", "wrk"],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def build():
    log("building the release binary")
    run(["cargo", "build", "--release", "--locked", "-p", "zlc"], cwd=ROOT)
    return os.path.join(ROOT, "target", "release", "zlc")


def env_for(url, data_dir):
    return {
        **os.environ,
        "ZLC_DATABASE_URL": url,
        "ZLC_DATA_DIR": data_dir,
        "ZLC_DATA_KEY": DATA_KEY,
        "ZLC_CLOCK": CLOCK,
        "ZLC_DEMO_TODAY": TODAY,
        "ZLC_DEMO_PASSWORD": DEMO_PASSWORD,
        "ZLC_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RUST_LOG": "warn",
    }


def pg_admin_url():
    out = subprocess.run(
        [os.path.join(ROOT, "scripts", "pg-up.sh")],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def ensure_data(zlc, scale, db):
    """The demo data set of `scale` on `db` (sqlite|postgres): its URL."""
    base = os.path.join(ROOT, "target", "load")
    data_dir = os.path.join(base, f"{scale}-{db}")
    done = os.path.join(data_dir, "generated")
    if db == "sqlite":
        url = f"sqlite:{os.path.join(data_dir, 'zlc.db')}"
    else:
        admin = pg_admin_url()
        name = f"zlc_load_{scale}"
        url = admin.rsplit("/", 1)[0] + "/" + name
    if os.path.exists(done):
        return url, data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    os.makedirs(data_dir)
    if db == "postgres":
        psql_drop_create(admin, name)
    log(f"generating the {scale} demo on {db} (once; kept in {data_dir})")
    t = time.monotonic()
    run(
        [zlc, "demo", "--scale", scale, "--seed", "1"],
        env=env_for(url, data_dir),
        stdout=subprocess.DEVNULL,
    )
    log(f"generated in {time.monotonic() - t:.0f} s")
    with open(done, "w") as f:
        f.write(TODAY)
    return url, data_dir


def psql_drop_create(admin, name):
    import urllib.parse

    u = urllib.parse.urlparse(admin)
    env = {**os.environ, "PGPASSWORD": u.password or ""}
    args = ["psql", "-h", u.hostname, "-p", str(u.port), "-U", u.username, "-d", "postgres", "-qc"]
    run(args + [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], env=env)
    run(args + [f"CREATE DATABASE {name}"], env=env)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, zlc, url, data_dir):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(data_dir, f"serve-{self.port}.log"), "w")
        self.proc = subprocess.Popen(
            [zlc, "serve", "--listen", f"127.0.0.1:{self.port}"],
            env=env_for(url, data_dir),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(600):
            if self.proc.poll() is not None:
                raise SystemExit(f"zlc serve stopped: see {self.log.name}")
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("zlc serve did not answer /healthz")

    def peak_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Client:
    """A signed-in session over urllib; its cookie can be lent to wrk."""

    def __init__(self, base, cookie=None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.cookie = cookie

    def login(self, username, password):
        body = json.dumps({"username": username, "password": password}).encode()
        req = urllib.request.Request(
            self.base + "/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
        )
        self.opener.open(req, timeout=30).read()
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        return self

    def get(self, path):
        req = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie})
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read())


def sample(client):
    """Ids for the traffic: problems to open, needs to contend on, units."""
    problems = [p["id"] for p in client.get("/api/v1/problems?limit=200")["items"]]
    needs = [n["id"] for n in client.get("/api/v1/needs?limit=20&status=open")["items"]]
    units = [u["id"] for u in client.get("/api/v1/units?limit=200")["items"] if u.get("kind") == "department"][:40]
    if not (problems and needs and units):
        raise SystemExit("the demo data set has no problems, open needs or departments to use")
    return problems, needs, units


def versions(client, needs):
    return {n: client.get(f"/api/v1/needs/{n}")["version"] for n in needs}


def wrk(base, cookie, mix, seconds, clients, ids):
    problems, needs, units = ids
    env = {
        **os.environ,
        "LOAD_COOKIE": cookie,
        "LOAD_ORIGIN": base,
        "LOAD_MIX": mix,
        "LOAD_PROBLEMS": ",".join(map(str, problems)),
        "LOAD_NEEDS": ",".join(map(str, needs)),
        "LOAD_UNITS": ",".join(map(str, units)),
        "LOAD_TODAY": TODAY,
    }
    out = subprocess.run(
        ["wrk", "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s", "-s", LUA, base],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("LOAD "):
            return json.loads(line[5:])
    raise SystemExit(f"wrk printed no figures:\n{out}")


def reports_every_minute(client, stop, times):
    """One quarterly report a minute, from its own client, while the load runs."""
    while not stop.is_set():
        t = time.monotonic()
        client.get(f"/api/v1/reports/quarterly?period={PERIOD}")
        times.append(time.monotonic() - t)
        stop.wait(60)


def combine(results):
    """Figures of wrk runs side by side (two servers): sums, and the worse latency."""
    out = dict(results[0])
    for r in results[1:]:
        for k in ("requests", "unexpected", "socket_errors", "edits_ok", "edits_stale", "filed"):
            out[k] += r[k]
        for k in ("p50_ms", "p99_ms", "max_ms"):
            out[k] = max(out[k], r[k])
        out["seconds"] = max(out["seconds"], r["seconds"])
        for k, v in r["unexpected_by_kind"].items():
            out["unexpected_by_kind"][k] = out["unexpected_by_kind"].get(k, 0) + v
    return out


def measure(zlc, target, args):
    db = "sqlite" if target == "sqlite" else "postgres"
    url, data_dir = ensure_data(zlc, args.scale, db)
    servers = [Server(zlc, url, data_dir)]
    if target == "postgres-two":
        servers.append(Server(zlc, url, data_dir))
    failures = []
    rows = []
    try:
        first = Client(servers[0].base).login("demo-supervisor", DEMO_PASSWORD)
        # The other servers serve on the session the first one issued.
        clients = [first] + [Client(s.base, first.cookie) for s in servers[1:]]
        for c in clients[1:]:
            if c.get("/api/v1/me")["username"] != "demo-supervisor":
                failures.append(f"{target}: the second server does not know the first one's session")
        ids = sample(first)
        per = max(1, args.clients // len(servers))
        for mix in ("mixed", "me", "list"):
            before = versions(first, ids[1]) if mix == "mixed" else None
            stop, report_times = threading.Event(), []
            reporter = None
            if mix == "mixed":
                reporter = threading.Thread(
                    target=reports_every_minute,
                    args=(Client(servers[-1].base, first.cookie), stop, report_times),
                )
                reporter.start()
            results = [None] * len(servers)

            def one(k):
                results[k] = wrk(servers[k].base, first.cookie, mix, args.seconds, per, ids)

            threads = [threading.Thread(target=one, args=(k,)) for k in range(len(servers))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            stop.set()
            if reporter:
                reporter.join()
            if any(r is None for r in results):
                raise SystemExit(f"{target}: a wrk run failed")
            r = combine(results)
            r["report_s"] = max(report_times) if report_times else None
            r["peak_mb"] = max(s.peak_mb() for s in servers)
            rows.append((mix, r))
            if r["unexpected"] or r["socket_errors"]:
                failures.append(
                    f"{target} {mix}: {r['unexpected']} unexpected answers {r['unexpected_by_kind']}, "
                    f"{r['socket_errors']} socket errors"
                )
            if before is not None:
                after = versions(first, ids[1])
                gained = sum(after[n] - before[n] for n in before)
                r["versions_gained"] = gained
                # Each edit answered 200 must have moved a version on: fewer
                # steps than answers is a lost update. A few more are edits
                # still in flight when wrk stopped (at most one a connection),
                # written but never counted.
                if gained < r["edits_ok"]:
                    failures.append(
                        f"{target}: lost update: {r['edits_ok']} edits answered 200 but the versions gained {gained}"
                    )
                elif gained > r["edits_ok"] + args.clients:
                    failures.append(
                        f"{target}: the versions gained {gained}, more than the {r['edits_ok']} edits answered 200 "
                        f"and the {args.clients} that may have been in flight"
                    )
    finally:
        for s in servers:
            s.stop()
    return rows, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="province")
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--targets", default="sqlite,postgres,postgres-two")
    ap.add_argument("--zlc", help="a zlc binary to use instead of building the release one")
    args = ap.parse_args()
    ensure_wrk()
    zlc = args.zlc or build()
    names = {
        "sqlite": "SQLite, one server",
        "postgres": "PostgreSQL, one server",
        "postgres-two": "PostgreSQL, two servers",
    }
    all_failures = []
    print(f"{args.scale} demo, {args.clients} clients, {args.seconds} s per run, {os.cpu_count()} cores")
    print(f"{'target':26} {'traffic':7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'unexpected':>10} "
          f"{'edits 200/409':>14} {'report s':>9} {'peak MB':>8}")
    for target in [t.strip() for t in args.targets.split(",") if t.strip()]:
        if target not in names:
            raise SystemExit(f"unknown target {target}: choose from {', '.join(names)}")
        rows, failures = measure(zlc, target, args)
        all_failures += failures
        for mix, r in rows:
            edits = f"{r['edits_ok']}/{r['edits_stale']}" if mix == "mixed" else ""
            report = f"{r['report_s']:.2f}" if r.get("report_s") is not None else ""
            print(
                f"{names[target]:26} {mix:7} {r['requests'] / r['seconds']:8.0f} {r['p50_ms']:8.1f} "
                f"{r['p99_ms']:8.1f} {r['unexpected']:10d} {edits:>14} {report:>9} {r['peak_mb']:8.0f}",
                flush=True,
            )
    for f in all_failures:
        print(f"FAILED: {f}")
    sys.exit(1 if all_failures else 0)


if __name__ == "__main__":
    main()
