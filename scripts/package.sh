#!/usr/bin/env bash
# Builds the installable packages: a .deb (always) and an AppImage (with --appimage; packed from
# the .deb's files by scripts/appimage.sh, since Tauri's AppImage bundler needs GitHub). The .deb carries
# the window (`casedesk`) and the command line (`casedesk-cli`), a menu entry and its icons,
# and declares what it needs from Debian (WebKitGTK, GStreamer plugins, CJK fonts).
# Prints the paths of what it built, one per line, on its last lines.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

appimage=no
# --debug packs the dev-profile binaries (CI: the package test checks the packaging, and a second,
# optimised compile of every crate would cost it 20 minutes cold). They are built by the same
# command as the end-to-end tests', so CI compiles their dependencies once; only the window's own
# crate is compiled again (seconds), since the page it embeds is built again here.
profile=release
for arg in "$@"; do
  case "$arg" in
    --appimage) appimage=yes ;;
    --debug) profile=debug ;;
    *) echo "usage: $0 [--appimage] [--debug]" >&2; exit 2 ;;
  esac
done

(cd ui && npm run build)
# The CLI goes into the same package; its path is only known here (the target dir is outside
# the clone), so it is merged into the configuration on the command line.
extra=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/casedesk-cli":"%s"}}}}}' \
  "$CARGO_TARGET_DIR/$profile/casedesk-cli")
if [ "$profile" = debug ]; then
  build_debug_apps
  # `bundle` packs the binary as built; `build` would compile the window again on its own, with
  # another feature set.
  ui/node_modules/.bin/tauri bundle --ci --debug --bundles deb --config "$extra"
else
  cargo build --release -p casedesk-cli
  ui/node_modules/.bin/tauri build --ci --bundles deb --config "$extra"
fi

version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' src-tauri/tauri.conf.json)
out="$CARGO_TARGET_DIR/$profile/bundle"
if [ "$appimage" = yes ]; then
  bash scripts/appimage.sh "$out/deb/CaseDesk_${version}_amd64/data" "$version" "$out/appimage"
fi
ls "$out"/deb/*_"$version"_*.deb
