#!/bin/sh
# Installs the Chromium that tests/browser drives through Playwright: the system's package,
# never a browser downloaded by Playwright. Without apt-get (or the right to use it) this only
# says so, and the browser test is skipped with that reason.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: no apt-get here; install Chromium to run tests/browser" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo -n"
fi
$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
    { $SUDO apt-get update >/dev/null 2>&1 &&
      $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } ||
    echo "install_browser: could not install Chromium (apt-get failed); tests/browser is skipped" >&2
exit 0
