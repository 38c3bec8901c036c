#!/usr/bin/env bash
# Checks that the .deb installs like an office app on a clean Debian 12: in a fresh chroot of a
# minimal bookworm (debootstrap; the base is kept as a tarball under ~/.cache/casedesk-chroot so
# warm runs only unpack it), `apt-get install ./casedesk.deb` must resolve every dependency the
# package declares, the menu entry and icon must be installed, and the installed app must start
# under Xvfb on demo data made by the installed `casedesk-cli` and paint its inbox.
# Usage: scripts/package-test.sh PATH/TO/CaseDesk_*.deb   (needs root for the chroot)
set -euo pipefail
deb=$(readlink -f "${1:?usage: $0 PATH/TO/package.deb}")
if [ "$(id -u)" != 0 ]; then
  echo "package-test: skipped: the clean chroot needs root (CI runs as root)" >&2
  exit 0
fi
command -v debootstrap >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
}

mirror="${CASEDESK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="$HOME/.cache/casedesk-chroot"
base="$cache/bookworm-minbase-xvfb.tar"
mkdir -p "$cache"
if [ ! -s "$base" ]; then
  echo "package-test: building a clean Debian 12 base (once; cached in $base)"
  tmp=$(mktemp -d)
  # Only what the test itself needs (an X server); everything the app needs must come from the
  # package's declared dependencies.
  debootstrap --variant=minbase --include=xvfb,xauth bookworm "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
  tar -C "$tmp" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$tmp"
fi

root=$(mktemp -d /tmp/casedesk-chroot.XXXXXX)
cleanup() {
  for m in dev/pts dev/shm dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs shm "$root/dev/shm"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/casedesk.deb"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "package-test: installing $(basename "$deb") with its declared dependencies"
in_root apt-get -o APT::Sandbox::User=root update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get -o APT::Sandbox::User=root install -y -qq --no-install-recommends /tmp/casedesk.deb \
  >"$cache/install.log" 2>&1 || { tail -n 40 "$cache/install.log" >&2; exit 1; }

desktop=$(in_root sh -c 'grep -l "^Exec=casedesk" /usr/share/applications/*.desktop' || true)
[ -n "$desktop" ] || { echo "package-test: no menu entry runs casedesk" >&2; exit 1; }
icon=$(in_root sh -c "sed -n 's/^Icon=//p' $desktop")
in_root sh -c "ls /usr/share/icons/hicolor/*/apps/$icon.png" >/dev/null \
  || { echo "package-test: the menu entry's icon $icon is not installed" >&2; exit 1; }

echo "package-test: starting the installed app under Xvfb"
in_root casedesk-cli --data /root/casedesk demo --orders 300 >/dev/null
in_root sh -c 'CASEDESK_DATA=/root/casedesk CASEDESK_STARTUP_FILE=/tmp/painted \
  timeout 120 xvfb-run -a -s "-screen 0 1440x900x24" casedesk >/tmp/app.log 2>&1 & \
  for i in $(seq 1 240); do [ -s /tmp/painted ] && break; sleep 0.5; done; \
  pkill -x casedesk || true; \
  if [ -s /tmp/painted ]; then echo "package-test: inbox painted $(cat /tmp/painted) ms after start"; \
  else echo "package-test: the installed app did not paint its inbox" >&2; cat /tmp/app.log >&2; exit 1; fi'
echo "package-test: ok"
