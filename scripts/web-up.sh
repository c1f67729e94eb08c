#!/usr/bin/env bash
# Makes sure the web checks can run: npm (to build and test web/) and
# Debian's Chromium (browsers cannot be downloaded here), with CJK fonts so
# screenshots show Chinese. Idempotent; installs only what is missing.
set -euo pipefail
need=()
command -v npm >/dev/null || need+=(nodejs npm)
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >&2
fi
