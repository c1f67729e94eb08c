#!/usr/bin/env python3
"""Schemathesis against a real zlc server, driven from its OpenAPI document.

    scripts/api-fuzz.py target/debug/zlc [--examples N] [--seed S]

Starts `zlc serve --demo` on a free loopback port with a fresh data
directory, signs in as each account below, and runs `schemathesis run` on
every operation the account may call: every answer must be other than a
server error (5xx), and every answer the document describes must match its
schema. Afterwards the audit chain must still verify. Exits non-zero on any
failure, naming the operation; the NDJSON reports stay under
target/api-fuzz/ for reading.

Installs schemathesis (PyPI, pinned) when it is missing. The test command
runs it with a small, fixed number of examples; run it with more, or
another seed, for a longer search.
"""

import argparse
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SCHEMATHESIS = "schemathesis==4.32.5"
ADMIN_PASSWORD = "Zlc-Fuzz-Admin-2024!"
DEMO_PASSWORD = "Zlc-Fuzz-Demo-2024!"

# The accounts the run signs in as: a business account that may write most
# records, one whose scope is a single department, and the administrator
# of accounts.
ACCOUNTS = [
    ("demo-supervisor", DEMO_PASSWORD),
    ("demo-liaison", DEMO_PASSWORD),
    ("sysadmin", ADMIN_PASSWORD),
]

# Operations that end the run's own session or lock it out: calling them
# would turn every later request into a 401 and test nothing. And the
# upload of a spreadsheet, whose body schemathesis cannot generate: the
# importers are fuzzed with files of their own (scripts/fuzz.sh) and the
# hostile-file limits are tested in crates/zlc-server/tests/api/office.rs.
EXCLUDE_PATHS = ["/auth/logout", "/me/password", "/imports/{kind}"]
EXCLUDE_PATH_REGEX = r"^/sessions"


def ensure_schemathesis():
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "show", "schemathesis"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        out = ""
    if "Version: " + SCHEMATHESIS.split("==")[1] not in out:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", SCHEMATHESIS],
            check=True,
        )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base, proc, log_path):
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"zlc exited early:\n{open(log_path).read()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("zlc did not start within 10 minutes")


def sign_in(base, username, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(
        f"{base}/api/v1/auth/login",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json", "Origin": base},
    )
    with opener.open(req, timeout=30) as r:
        if r.status != 200:
            sys.exit(f"sign-in as {username} answered {r.status}")
    for c in jar:
        if c.name == "zlc_session":
            return c.value
    sys.exit(f"sign-in as {username} set no session cookie")


def run_schemathesis(base, session, username, args, report_dir):
    cmd = [
        "st",
        "run",
        f"{base}/api/openapi.json",
        "--url",
        f"{base}/api/v1",
        "-H",
        f"Cookie: zlc_session={session}",
        "-H",
        f"Origin: {base}",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--workers",
        "2",
        "--no-color",
        "--generation-allow-x00",
        "true",
        "--generation-database",
        "none",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        os.path.join(report_dir, f"{username}.ndjson"),
        "--exclude-path-regex",
        EXCLUDE_PATH_REGEX,
    ]
    for p in EXCLUDE_PATHS:
        cmd += ["--exclude-path", p]
    print(f"\n== schemathesis as {username} ==", flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    text = out.stdout + out.stderr
    # The summary and the failures; the progress lines before them are long.
    start = text.find("=== FAILURES")
    if start < 0:
        start = text.find("=== ERRORS")
    if start < 0:
        start = text.find("=== SUMMARY")
    print(text[start:] if start >= 0 else text, flush=True)
    # A failed check (a 5xx, an answer off its schema) is listed under
    # FAILURES; schemathesis's own errors alone (it has crashed inside
    # hypothesis now and then) are retried once, and fail if they recur.
    return out.returncode, "=== FAILURES" in text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zlc", help="the zlc binary")
    ap.add_argument("--examples", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    ensure_schemathesis()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    report_dir = os.path.join(root, "target", "api-fuzz")
    shutil.rmtree(report_dir, ignore_errors=True)
    os.makedirs(report_dir)

    data = tempfile.mkdtemp(prefix="zlc-api-fuzz-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = os.path.join(report_dir, "server.log")
    env = dict(
        os.environ,
        ZLC_ADMIN_PASSWORD=ADMIN_PASSWORD,
        ZLC_DEMO_PASSWORD=DEMO_PASSWORD,
        RUST_LOG="warn",
    )
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [args.zlc, "--data-dir", data, "serve", "--demo", "--listen", f"127.0.0.1:{port}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    failed = []
    try:
        wait_up(base, proc, log_path)
        for username, password in ACCOUNTS:
            session = sign_in(base, username, password)
            code, checks_failed = run_schemathesis(base, session, username, args, report_dir)
            if code != 0 and not checks_failed:
                print(f"schemathesis stopped with errors only; again as {username}", flush=True)
                code, _ = run_schemathesis(base, session, username, args, report_dir)
            if code != 0:
                failed.append(username)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    # Whatever was written, the trail must still be whole.
    verify = subprocess.run(
        [args.zlc, "--data-dir", data, "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    print(verify.stdout.strip(), verify.stderr.strip())
    if verify.returncode != 0:
        failed.append("audit verify")
    with open(log_path) as log:
        panics = [line for line in log if "panicked" in line]
    if panics:
        print("".join(panics))
        failed.append("server panics")
    shutil.rmtree(data, ignore_errors=True)
    if failed:
        sys.exit(f"API fuzzing failed: {', '.join(failed)} (reports in {report_dir})")
    print(f"API fuzzing passed (reports in {report_dir})")


if __name__ == "__main__":
    main()
