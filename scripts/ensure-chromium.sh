#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core;
# no browser is ever downloaded. Installs it when missing and this user can (root or sudo).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "ensure-chromium: installing Debian's chromium for the browser tests (apt-get)…"
if [ "$(id -u)" = "0" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "ensure-chromium: cannot install chromium without root; run: sudo apt-get install -y chromium" >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1
