#!/usr/bin/env bash
# Fuzzes what zlc reads from outside, each target for SECONDS (default 600):
#
#   xlsx_import   an uploaded table file: check_package, then read / read_limited,
#                 for every table kind, under the default and small import limits
#   csv_import    the working-day calendar TSV (WorkCalendar::parse_tsv)
#   policy_parse  a policy file (Policy::from_toml)
#   period_parse  a period (Period::parse)
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# The test command runs `ZLC_FUZZ_RUNS=20000 scripts/fuzz.sh` (20,000 inputs a
# target from seed 1: the same on every machine); run it for longer by hand
# (`scripts/fuzz.sh 3600 xlsx_import`, ZLC_FUZZ_SEED=N for other inputs). Installs cargo-fuzz if missing
# (cargo install cargo-fuzz --locked) and builds with RUSTC_BOOTSTRAP=1, as
# the sanitizer flags are nightly-only and this toolchain is stable. Each
# target starts from the checked-in corpus fuzz/corpus/TARGET, copied to a
# scratch directory, so the checked-in corpus never grows by itself; one
# job, one worker (-jobs=1 -workers=1), 1 GB of memory, 10 s an input.
#
# Exits non-zero if any target crashes (a panic, a broken property, an
# allocation past the memory limit, a timeout), printing the input it
# saved under fuzz/artifacts/TARGET/. To keep a crash as a regression
# test: fix it, copy the input to fuzz/corpus/TARGET/ under a name that
# says what it is, and `cargo nextest run -p zlc-office -p zlc-domain`
# replays it on stable (crates/*/tests/fuzz_corpus.rs). Seeds are made by
# fuzz/make-corpus.py. Replay one input under the fuzz build:
#   fuzz/target/<host>/release/TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(xlsx_import csv_import policy_parse period_parse)
case $secs in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz =="
  cargo install cargo-fuzz --locked
fi

host=$(rustc -vV | sed -n 's/^host: //p')
echo "== building fuzz targets ($(cargo fuzz --version)) =="
# Release, address sanitizer; debug assertions and overflow checks in zlc's
# own crates only (fuzz/Cargo.toml).
cargo fuzz build --fuzz-dir fuzz -O
bin="$root/fuzz/target/$host/release"

work=$(mktemp -d "${TMPDIR:-/tmp}/zlc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()
for t in "${targets[@]}"; do
  if [ -n "${ZLC_FUZZ_RUNS:-}" ]; then echo "== $t: $ZLC_FUZZ_RUNS inputs =="; else echo "== $t: ${secs}s =="; fi
  mkdir -p "$work/$t/corpus" "fuzz/artifacts/$t"
  cp -r "fuzz/corpus/$t/." "$work/$t/corpus/"
  touch "$work/$t/stamp"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  rc=0
  # With -jobs the fuzzing runs in a child whose output goes to fuzz-0.log.
  # ZLC_FUZZ_RUNS bounds the run by inputs instead of time: with the fixed
  # seed, the same inputs on any machine (the test command uses it, so
  # that a clean checkout passes or fails the same everywhere).
  bound=(-max_total_time="$secs")
  [ -n "${ZLC_FUZZ_RUNS:-}" ] && bound=(-runs="$ZLC_FUZZ_RUNS")
  (cd "$work/$t" && "$bin/$t" corpus "${dict[@]}" \
    "${bound[@]}" -seed="${ZLC_FUZZ_SEED:-1}" -rss_limit_mb=1024 -timeout=10 \
    -jobs=1 -workers=1 -print_final_stats=1 \
    -artifact_prefix="$root/fuzz/artifacts/$t/") >"$work/$t/main.log" 2>&1 || rc=$?
  log="$work/$t/fuzz-0.log"
  [ -f "$log" ] || log="$work/$t/main.log"
  new=$(find "fuzz/artifacts/$t" -type f -newer "$work/$t/stamp" | sort)
  if [ "$rc" -ne 0 ] || [ -n "$new" ] || grep -q 'ERROR: libFuzzer\|==ERROR: \|panicked at' "$log"; then
    failed+=("$t")
    echo "!! $t failed (exit $rc); the end of its log:"
    tail -n 60 "$log"
    for f in $new; do echo "!! input: $root/$f"; done
  else
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tr '\n' ' ' || true
    echo
    echo "   corpus: $(ls "fuzz/corpus/$t" | wc -l) seeds, $(ls "$work/$t/corpus" | wc -l) after fuzzing"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "== fuzzing found crashes in: ${failed[*]} =="
  exit 1
fi
echo "== fuzzing: no crashes in ${targets[*]} =="
