#!/bin/sh
# What `npm test` needs beyond `scripts/setup.sh`, checked before a run of several minutes rather than failing in it.
# .ci/run installs the Debian packages; nothing here installs anything or downloads a browser.
set -u
missing=''
[ -x /usr/bin/chromium ] ||
  missing="$missing\n  - Chromium at /usr/bin/chromium (web-ui and dashboard tests): apt-get install chromium"
command -v docker-compose >/dev/null 2>&1 ||
  missing="$missing\n  - docker-compose (the static compose check): apt-get install docker-compose"
[ "$(id -u)" = 0 ] ||
  missing="$missing\n  - root, to mount the small tmpfs of the disk-full and read-only cases: run npm test as root (as .ci/run does)"
if [ -n "$missing" ]; then
  printf "npm test cannot run every test on this machine; missing:$missing\n" >&2
  printf 'Install them (or run .ci/run as root, which does), then run npm test again.\n' >&2
  exit 1
fi
