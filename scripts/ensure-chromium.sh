#!/usr/bin/env bash
# Make sure a Chromium is there for the suite, in this order:
#   1. Playwright's own Chromium (`playwright install chromium` was run): use it;
#   2. DESKCHECK_CHROMIUM or DESKCHECK_BROWSER_WS is set: trust it;
#   3. /usr/bin/chromium exists: use it (and, as root with apt-get, add Debian's
#      `chromium-headless-shell`, which headless runs prefer: far less CPU per scenario);
#   4. running as root with apt-get: install Debian's `chromium` and `chromium-headless-shell`;
#   5. otherwise say how to get one and exit 1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# Asking Playwright for its browser starts its driver (~0.6 s): skip that when none can be installed,
# i.e. no PLAYWRIGHT_BROWSERS_PATH and no ~/.cache/ms-playwright.
bundled=""
if [ -n "${PLAYWRIGHT_BROWSERS_PATH:-}" ] || [ -d "${HOME:-/nonexistent}/.cache/ms-playwright" ]; then
bundled=$("$PY" - <<'PYEOF' 2>/dev/null || true
import os
from playwright.sync_api import sync_playwright
with sync_playwright() as pw:
    path = pw.chromium.executable_path
print(path if path and os.path.isfile(path) else "")
PYEOF
)
fi
if [ -n "$bundled" ]; then
  echo "chromium: Playwright's own ($bundled)"; exit 0
fi
if [ -n "${DESKCHECK_BROWSER_WS:-}" ]; then
  echo "chromium: remote Playwright server ($DESKCHECK_BROWSER_WS)"; exit 0
fi
if [ -n "${DESKCHECK_CHROMIUM:-}" ]; then
  if [ -x "$DESKCHECK_CHROMIUM" ]; then echo "chromium: $DESKCHECK_CHROMIUM"; exit 0; fi
  echo "DESKCHECK_CHROMIUM=$DESKCHECK_CHROMIUM is not an executable file" >&2; exit 1
fi
can_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }
if [ -x /usr/bin/chromium ]; then
  if [ ! -x /usr/bin/chromium-headless-shell ] && can_apt; then
    # Optional: without it headless runs use the full browser, slower but correct.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1; } || true
  fi
  shell=""; [ -x /usr/bin/chromium-headless-shell ] && shell=", headless: /usr/bin/chromium-headless-shell"
  echo "chromium: /usr/bin/chromium ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))$shell"; exit 0
fi
if can_apt; then
  echo "chromium: installing Debian's chromium and chromium-headless-shell with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 || true
  if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium installed"; exit 0; fi
fi
cat >&2 <<'MSG'
No Chromium for the browser tests. Get one of:
  - Playwright's own:       .venv/bin/playwright install --with-deps chromium
  - Debian/Ubuntu's (root): apt-get update && apt-get install -y chromium
  - any Chromium binary:    export DESKCHECK_CHROMIUM=/path/to/chromium
  - a Playwright server:    export DESKCHECK_BROWSER_WS=ws://host:port/...
then run make again.
MSG
exit 1
