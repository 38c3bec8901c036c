#!/usr/bin/env bash
# Builds the installable packages: a .deb (always) and an AppImage (with --appimage; Tauri's
# AppImage bundler downloads linuxdeploy from GitHub, so it needs that site). The .deb carries
# the window (`casedesk`) and the command line (`casedesk-cli`), a menu entry and its icons,
# and declares what it needs from Debian (WebKitGTK, GStreamer plugins, CJK fonts).
# Prints the paths of what it built, one per line, on its last lines.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

bundles=deb
if [ "${1:-}" = "--appimage" ]; then bundles=deb,appimage; fi

(cd ui && npm run build)
cargo build --release -p casedesk-cli
# The CLI goes into the same package; its path is only known here (the target dir is outside
# the clone), so it is merged into the configuration on the command line.
extra=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/casedesk-cli":"%s"}}}}}' \
  "$CARGO_TARGET_DIR/release/casedesk-cli")
ui/node_modules/.bin/tauri build --ci --bundles "$bundles" --config "$extra"

version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' src-tauri/tauri.conf.json)
out="$CARGO_TARGET_DIR/release/bundle"
if [ "$bundles" = deb,appimage ]; then ls "$out"/appimage/*_"$version"_*.AppImage; fi
ls "$out"/deb/*_"$version"_*.deb
