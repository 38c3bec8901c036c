#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, fills the local cache with demo data on
# first use, and opens CaseDesk. Data lives in $XDG_DATA_HOME/casedesk (~/.local/share/casedesk).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

(cd ui && npm run build)
cargo build -p casedesk -p casedesk-cli

DATA="${CASEDESK_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/casedesk}"
ORDERS=$("$CARGO_TARGET_DIR/debug/casedesk-cli" --data "$DATA" --json status | grep -o '"order_count": [0-9]*' | grep -o '[0-9]*$')
if [ "$ORDERS" = 0 ]; then
  echo "run: loading demo data (10 000 work orders) into $DATA"
  "$CARGO_TARGET_DIR/debug/casedesk-cli" --data "$DATA" demo --orders 10000
fi

export CASEDESK_DATA="$DATA"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display found; starting CaseDesk inside Xvfb (screen 1440x900)"
  exec xvfb-run -a -s "-screen 0 1440x900x24" "$CARGO_TARGET_DIR/debug/casedesk"
fi
exec "$CARGO_TARGET_DIR/debug/casedesk"
