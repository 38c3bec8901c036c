#!/usr/bin/env bash
# Checks that the .deb installs like an office app on a clean Debian 12: in a fresh chroot of a
# minimal bookworm (debootstrap; the base is kept as a tarball under ~/.cache/casedesk-chroot so
# warm runs only unpack it), `apt-get install ./casedesk.deb` must resolve every dependency the
# package declares, the menu entry and icon must be installed, and the installed app must start
# under Xvfb on demo data made by the installed `casedesk-cli` and paint its inbox.
# Given an AppImage too, the same chroot checks it: before the .deb, on a system without
# WebKitGTK, it must name the missing libraries; after the .deb is purged (its dependencies
# stay), its `casedesk-cli` must make demo data and its window must paint the inbox, run
# without FUSE (APPIMAGE_EXTRACT_AND_RUN) as in a container.
# Usage: scripts/package-test.sh PATH/TO/CaseDesk_*.deb [PATH/TO/CaseDesk_*.AppImage]
# (needs root for the chroot)
set -euo pipefail
deb=$(readlink -f "${1:?usage: $0 PATH/TO/package.deb [PATH/TO/package.AppImage]}")
appimage=$(readlink -f "${2:-/nonexistent}" || true)
[ -f "$appimage" ] || appimage=""
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

# Waits in the chroot until the window started by $1 paints its inbox on /root/$2's demo data.
paints() {
  in_root sh -c "rm -f /tmp/painted; CASEDESK_DATA=/root/$2 CASEDESK_STARTUP_FILE=/tmp/painted \
    APPIMAGE_EXTRACT_AND_RUN=1 timeout 120 xvfb-run -a -s '-screen 0 1440x900x24' $1 >/tmp/app.log 2>&1 & \
    for i in \$(seq 1 240); do [ -s /tmp/painted ] && break; sleep 0.5; done; \
    pkill -x casedesk || true; \
    if [ -s /tmp/painted ]; then echo \"package-test: $1: inbox painted \$(cat /tmp/painted) ms after start\"; \
    else echo \"package-test: $1 did not paint its inbox\" >&2; cat /tmp/app.log >&2; exit 1; fi"
}

if [ -n "$appimage" ]; then
  cp "$appimage" "$root/tmp/CaseDesk.AppImage"
  ln -s CaseDesk.AppImage "$root/tmp/casedesk-cli"
  echo "package-test: the AppImage on a system without WebKitGTK names what is missing"
  set +e
  in_root env APPIMAGE_EXTRACT_AND_RUN=1 /tmp/CaseDesk.AppImage >/dev/null 2>"$root/tmp/missing.log"
  status=$?
  set -e
  if [ "$status" != 127 ] || ! grep -q "libwebkit2gtk-4.1.so.0" "$root/tmp/missing.log"; then
    echo "package-test: expected exit 127 naming libwebkit2gtk-4.1.so.0, got $status:" >&2
    cat "$root/tmp/missing.log" >&2
    exit 1
  fi
  sed 's/^/package-test:   /' "$root/tmp/missing.log"
fi

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
paints casedesk casedesk

if [ -n "$appimage" ]; then
  echo "package-test: the AppImage on the .deb's dependencies, the .deb purged"
  in_root env DEBIAN_FRONTEND=noninteractive apt-get -o APT::Sandbox::User=root purge -y -qq case-desk >/dev/null
  if in_root sh -c 'command -v casedesk || command -v casedesk-cli'; then
    echo "package-test: the purged .deb left its programs" >&2
    exit 1
  fi
  in_root env APPIMAGE_EXTRACT_AND_RUN=1 /tmp/casedesk-cli --data /root/appimage demo --orders 300 >/dev/null
  paints /tmp/CaseDesk.AppImage appimage
fi
echo "package-test: ok"
