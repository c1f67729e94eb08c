#!/usr/bin/env bash
# The one command that runs every test: formatting, lints, then the whole suite
# on the embedded SQLite and again on PostgreSQL (started here if none runs).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

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

step "tests on SQLite"
ZLC_TEST_DB=sqlite cargo nextest run --workspace --locked --no-fail-fast

step "tests on PostgreSQL"
# The database-independent tests already ran; run those that open a store.
ZLC_TEST_DB=postgres cargo nextest run --workspace --locked --no-fail-fast -E 'kind(test)'
