#!/usr/bin/env bash
# Installs whatever CaseDesk needs and is missing on Debian 12: system packages (WebKitGTK,
# Xvfb, WebKitWebDriver, GStreamer, fonts, ffmpeg, PostgreSQL for the hub's tests), Rust, Node.js, the UI's npm packages and
# tauri-driver. Safe to run again: it only installs what is not there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config xvfb xauth webkit2gtk-driver
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav ffmpeg fonts-noto-cjk
  dbus dbus-x11 gnome-keyring libsecret-tools imagemagick git postgresql
  poppler-utils squashfs-tools)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Vite 8 needs Node.js 20.19 or later; Debian 12's own nodejs package is 18.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $(node --version 2>/dev/null || echo missing) is too old; CaseDesk's UI needs Node.js 20.19 or later" >&2
  echo "setup: install it (e.g. from NodeSource or nvm) and run this again" >&2
  exit 1
fi

if ! command -v cargo >/dev/null; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: installing Rust with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# The UI's packages at their locked versions. Not `npm ci`: vite 8 lists an optional
# Windows-only package that the registry does not serve, so the lock can never hold it and
# `npm ci` refuses the lock; `npm install` skips the missing optional package.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing the UI's npm packages"
  (cd ui && npm install --no-audit --no-fund --loglevel=error)
fi

if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
