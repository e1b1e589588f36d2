#!/usr/bin/env bash
# System packages the test suite drives for real (not Python packages: pyproject has those).
# Headless Chromium + chromedriver from Debian for the browser test (tests/test_browser.py), which
# drives /usr/bin/chromium through /usr/bin/chromedriver: never a browser download.
# Outside CI a missing browser only skips that test; in CI (CI=true) it is an error.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} (Debian packages) for the browser test"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  elif [ "${CI:-}" = "true" ]; then
    echo "error: ${need[*]} missing and cannot install (not root or no apt-get)" >&2
    exit 1
  else
    echo "note: ${need[*]} missing and not root: browser tests will skip" >&2
  fi
fi
if command -v chromedriver >/dev/null 2>&1; then
  chromedriver --version  # says in the log which driver (and so which browser build) the tests use
fi
