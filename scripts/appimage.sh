#!/usr/bin/env bash
# Packs the .deb's files into an AppImage without Tauri's AppImage bundler, which downloads
# linuxdeploy from GitHub (not reachable here). The AppImage is the type-2 runtime (AppImageKit's,
# taken from the `appimage` crate on crates.io, pinned by SHA-256) followed by a SquashFS of an
# AppDir: both programs, the menu entry, the icon and an AppRun that starts the window, or the
# command line when the AppImage is started as `casedesk-cli` (a link of that name) or with `cli`
# as its first argument.
#
# It bundles no system library: like the .deb it runs on the system's WebKitGTK 4.1, GTK 3,
# GStreamer plugins and CJK fonts (Debian 12: the .deb's dependencies), and AppRun names what is
# missing when the window cannot load. Why: docs/decisions.md, "An AppImage of our own making".
#
# Usage: scripts/appimage.sh DEB_DATA_DIR VERSION OUT_DIR   (prints the AppImage's path)
set -euo pipefail
data=$(readlink -f "${1:?usage: $0 DEB_DATA_DIR VERSION OUT_DIR}")
version=${2:?version}
out=$(readlink -f "${3:?out dir}")

command -v mksquashfs >/dev/null \
  || { echo "appimage: mksquashfs is missing (scripts/setup.sh installs squashfs-tools)" >&2; exit 1; }

# The runtime: a 185 kB ELF that mounts (or, without FUSE, extracts) the SquashFS appended to it
# and runs its AppRun. Kept in the cache; the hash pins the exact file.
runtime_sha=328e0d745c5c6817048c27bc3e8314871703f8f47ffa81a37cb06cd95a94b323
cache="$HOME/.cache/casedesk-appimage"
runtime="$cache/runtime-x86_64"
if ! echo "$runtime_sha  $runtime" | sha256sum -c --status 2>/dev/null; then
  mkdir -p "$cache"
  tmp=$(mktemp -d)
  curl -sSfL -o "$tmp/appimage.crate" https://static.crates.io/crates/appimage/appimage-0.4.0.crate
  tar -C "$tmp" -xzf "$tmp/appimage.crate" appimage-0.4.0/assets/runtime-x86_64
  echo "$runtime_sha  $tmp/appimage-0.4.0/assets/runtime-x86_64" | sha256sum -c --status \
    || { echo "appimage: the runtime's SHA-256 is not the pinned one" >&2; rm -rf "$tmp"; exit 1; }
  mv "$tmp/appimage-0.4.0/assets/runtime-x86_64" "$runtime"
  rm -rf "$tmp"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
app="$work/CaseDesk.AppDir"
mkdir -p "$app"
cp -a "$data/usr" "$app/usr"
desktop=$(ls "$app"/usr/share/applications/*.desktop | head -n 1)
cp "$desktop" "$app/casedesk.desktop"
icon=$(ls -S "$app"/usr/share/icons/hicolor/*/apps/casedesk.png | head -n 1)
cp "$icon" "$app/casedesk.png"
ln -s casedesk.png "$app/.DirIcon"
cat >"$app/AppRun" <<'EOF'
#!/bin/sh
# CaseDesk's AppImage: the window, or casedesk-cli when started under that name or with `cli`.
here=$(dirname "$(readlink -f "$0")")
program=casedesk
case "$(basename "${ARGV0:-$0}")" in casedesk-cli*) program=casedesk-cli ;; esac
if [ "$program" = casedesk ] && [ "${1:-}" = cli ]; then program=casedesk-cli; shift; fi
"$here/usr/bin/$program" "$@"
status=$?
if [ "$status" = 127 ]; then
  missing=$(ldd "$here/usr/bin/$program" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "CaseDesk: 系统缺少运行所需的库 / the system lacks libraries it needs: $missing" >&2
    echo "CaseDesk: Debian 12: apt-get install libwebkit2gtk-4.1-0 libssl3 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav fonts-noto-cjk" >&2
  fi
fi
exit "$status"
EOF
chmod 755 "$app/AppRun"

mkdir -p "$out"
target="$out/CaseDesk_${version}_amd64.AppImage"
mksquashfs "$app" "$work/app.squashfs" -root-owned -noappend -comp gzip -quiet >/dev/null
cat "$runtime" "$work/app.squashfs" >"$target.part"
chmod 755 "$target.part"
mv "$target.part" "$target"
echo "$target"
