#!/bin/sh
# The tests use real peers: the reference `age` and `argon2` binaries, and
# tmux to drive prompts in a real terminal. Installs them from Debian's
# packages when they are missing and this runs as root (CI, fresh boxes);
# otherwise says what to install.
missing=""
for tool in age argon2 tmux; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the test peers:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null && exit 0
fi
echo "The tests need:$missing. Install them (Debian/Ubuntu: sudo apt-get install$missing) and run npm test again." >&2
exit 1
