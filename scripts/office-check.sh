#!/usr/bin/env bash
# Opens what zlc writes in a real office suite: a demo database, every
# table exported, the statistics tables and the notice, each converted to
# PDF by LibreOffice (headless). Fails if any conversion fails. WPS and
# Microsoft Office are what users have; LibreOffice is what this machine
# can check with. The files and PDFs are kept in the folder it prints.
#
#   scripts/office-check.sh target/debug/zlc [OUT_DIR]
set -euo pipefail
bin=${1:?usage: office-check.sh ZLC_BINARY [OUT_DIR]}
out=${2:-target/office-check}

# LibreOffice converts each kind of document with a component of its own:
# Writer the notice (docx), Calc the tables (xlsx). A machine may have
# soffice with only one of them (Writer alone converts no xlsx), so each is
# checked for, by its library in soffice's program folder or its Debian
# package, and the missing ones installed.
has_component() { # writer|calc
  local lib pkgs p dir
  case "$1" in
    writer) lib=libswlo.so; pkgs="libreoffice-writer-nogui libreoffice-writer" ;;
    calc) lib=libsclo.so; pkgs="libreoffice-calc-nogui libreoffice-calc" ;;
  esac
  if command -v soffice >/dev/null; then
    dir=$(dirname "$(readlink -f "$(command -v soffice)")")
    [ -e "$dir/$lib" ] && return 0
  fi
  if command -v dpkg-query >/dev/null; then
    for p in $pkgs; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && return 0
    done
  fi
  return 1
}
missing=()
command -v soffice >/dev/null || missing+=(libreoffice-core-nogui)
has_component writer || missing+=(libreoffice-writer-nogui)
has_component calc || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing LibreOffice components: ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
  for c in writer calc; do
    has_component "$c" || { echo "LibreOffice $c is still missing after installing" >&2; exit 1; }
  done
fi

rm -rf "$out"
mkdir -p "$out/files" "$out/pdf"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ZLC_ADMIN_PASSWORD='Office-Check-2024!x' RUST_LOG=warn
unset ZLC_DATABASE_URL ZLC_DATA_DIR ZLC_DATA_KEY
zlc() { "$bin" --data-dir "$work/data" "$@"; }
zlc demo --scale small --seed 3 >/dev/null 2>&1

read -r quarter month < <(python3 -c '
import datetime
d = datetime.date.today()
q = (d.month - 1) // 3            # the quarter before this one
y, q = (d.year, q) if q > 0 else (d.year - 1, 4)
print(f"{y}Q{q}", f"{y}-{3 * q:02d}")')

for kind in items units ledger window-schedule window-stats lists; do
  zlc export "$kind" --period "$quarter" -o "$out/files/$kind.xlsx" 2>/dev/null
done
zlc report monthly --period "$month" --format xlsx -o "$out/files/monthly-stats.xlsx" 2>/dev/null
zlc report quarterly --period "$quarter" --format xlsx -o "$out/files/quarterly-summary.xlsx" 2>/dev/null
zlc report quarterly --period "$quarter" --format docx -o "$out/files/notice.docx" 2>/dev/null

# A profile of its own, so that a running LibreOffice or a stale lock cannot interfere.
soffice -env:UserInstallation="file://$work/lo-profile" --headless --norestore \
  --convert-to pdf --outdir "$out/pdf" "$out"/files/* >"$work/soffice.log" 2>&1 || true

failed=0
for f in "$out"/files/*; do
  name=$(basename "${f%.*}")
  pdf="$out/pdf/$name.pdf"
  if [ -s "$pdf" ] && head -c 5 "$pdf" | grep -q '%PDF-'; then
    echo "ok: $(basename "$f") → pdf/$name.pdf ($(stat -c %s "$pdf") bytes)"
  else
    echo "FAILED: LibreOffice could not convert $(basename "$f")"
    failed=1
  fi
done
if [ "$failed" -ne 0 ]; then
  cat "$work/soffice.log"
  exit 1
fi
echo "office documents: $out"
