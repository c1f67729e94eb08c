#!/usr/bin/env bash
# The web app's API types, generated from the server's OpenAPI document.
#
#   scripts/gen-api.sh [ZLC_BIN]          rewrite web/src/api/schema.d.ts
#   scripts/gen-api.sh --check [ZLC_BIN]  fail if it differs from what the server describes
#
# ZLC_BIN defaults to target/debug/zlc (built by the test command). The types
# are written by openapi-typescript (npm, a dev dependency of web/).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
bin=${1:-target/debug/zlc}
out=web/src/api/schema.d.ts
mkdir -p target
"$bin" openapi > target/openapi.json
(cd web && npm exec -- openapi-typescript ../target/openapi.json -o ../target/schema.d.ts >/dev/null)
if [ $check -eq 1 ]; then
  if ! diff -u "$out" target/schema.d.ts; then
    echo "web/src/api/schema.d.ts differs from the server's OpenAPI document: run scripts/gen-api.sh" >&2
    exit 1
  fi
  echo "web/src/api/schema.d.ts matches the server's OpenAPI document"
else
  mkdir -p "$(dirname "$out")"
  cp target/schema.d.ts "$out"
  echo "wrote $out"
fi
