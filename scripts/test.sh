#!/usr/bin/env bash
# The one command that runs every test: formatting, lints, then the whole suite
# on the embedded SQLite and again on PostgreSQL (started here if none runs).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "web tools"
# npm builds the front end inside cargo's build (crates/zlc-web/build.rs).
scripts/web-up.sh

step "rustfmt"
cargo fmt --all -- --check

step "clippy"
cargo clippy --all-targets --locked -- -D warnings

step "PostgreSQL"
ZLC_TEST_PG_URL=$(scripts/pg-up.sh)
export ZLC_TEST_PG_URL
echo "using ${ZLC_TEST_PG_URL/:zlc@/:***@}"
# Databases left behind by an interrupted earlier run.
psql "$ZLC_TEST_PG_URL" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'zlc\_test\_%'" \
  | while read -r db; do [ -n "$db" ] && psql "$ZLC_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" || true; done

step "S3-compatible object store"
# moto (PyPI) is a real S3-compatible server; it serves on loopback for the
# object store's round-trip test and stops with this script.
python3 -c "import moto.server" 2>/dev/null || python3 -m pip install --quiet 'moto[server]'
s3_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$s3_port" >/dev/null 2>&1 &
s3_pid=$!
trap 'kill $s3_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$s3_port/')" 2>/dev/null && break
  sleep 0.2
done
export ZLC_TEST_S3_URL="http://127.0.0.1:$s3_port"
echo "moto on $ZLC_TEST_S3_URL"

step "SMTP server for the mail tests"
# aiosmtpd (PyPI) is a real SMTP server; the mail tests start their own on loopback.
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet aiosmtpd

step "tests on SQLite"
ZLC_TEST_DB=sqlite cargo nextest run --workspace --locked --no-fail-fast

step "tests on PostgreSQL"
# The database-independent tests already ran; run those that open a store.
ZLC_TEST_DB=postgres cargo nextest run --workspace --locked --no-fail-fast -E 'kind(test)'

step "office documents open in LibreOffice"
# Every export, the statistics tables and the notice, converted to PDF.
cargo build --locked --bin zlc
scripts/office-check.sh "$PWD/target/debug/zlc" "$PWD/target/office-check"

step "web: API types match the OpenAPI document"
scripts/gen-api.sh --check "$PWD/target/debug/zlc"

step "API fuzzing (schemathesis)"
# Every operation of the OpenAPI document, signed in as three roles: no
# server error, every described answer matching its schema, the audit trail
# whole afterwards.
python3 scripts/api-fuzz.py "$PWD/target/debug/zlc" --examples 10

step "fuzzing (cargo fuzz, 20,000 inputs a target)"
# The importers, the calendar, the policy and periods, from the checked-in
# corpus, seed 1: the same inputs on every machine. scripts/fuzz.sh SECONDS
# runs longer by hand.
ZLC_FUZZ_RUNS=20000 scripts/fuzz.sh

step "web: type check and unit tests"
(cd web && npm exec -- vue-tsc --noEmit && npm exec -- vitest run)

step "web: browser tests (Chromium)"
# The same binary the suite built, on a fresh demo database, driven by
# playwright-core; screenshots of the main pages are kept for review.
cargo build --locked --bin zlc
shots="$PWD/target/screenshots"
rm -rf "$shots"
ZLC_BIN="$PWD/target/debug/zlc" ZLC_SHOTS="$shots" node web/e2e/run.mjs
echo "screenshots: $shots"
