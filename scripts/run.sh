#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, fills the local cache with demo data on
# first use, starts a local hub on SQLite beside it (demo users and, on its first start, a day of
# demo permit applications with real media; see the README), and opens
# CaseDesk. Data lives in $XDG_DATA_HOME/casedesk (~/.local/share/casedesk); the hub's file is
# hub.db in the same folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

(cd ui && npm run build)
build_debug_apps

DATA="${CASEDESK_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/casedesk}"
# The desk's demo and the hub's are made by one generator for zhang.wei as of one moment (Beijing
# time, kept in the data folder), so the cache holds the very orders the hub has and work on
# them syncs. The moment is kept so that a hub made again later still matches the cache.
mkdir -p "$DATA"
[ -s "$DATA/demo-at" ] || date -u -d '+8 hours' +'%Y-%m-%d %H:%M' >"$DATA/demo-at"
DEMO_AT=$(cat "$DATA/demo-at")
ORDERS=$("$CARGO_TARGET_DIR/debug/casedesk-cli" --data "$DATA" --json status | grep -o '"order_count": [0-9]*' | grep -o '[0-9]*$')
FRESH=0
if [ "$ORDERS" = 0 ]; then
  FRESH=1
  echo "run: loading demo data (10 000 work orders of 长垣, for zhang.wei, as of $DEMO_AT) into $DATA"
  "$CARGO_TARGET_DIR/debug/casedesk-cli" --data "$DATA" profile --user zhang.wei --role county-officer --county 410783 >/dev/null
  "$CARGO_TARGET_DIR/debug/casedesk-cli" --data "$DATA" demo --orders 10000 --at "$DEMO_AT"
fi

# The local hub (http://127.0.0.1:8740; users below in the README, e.g. zhang.wei / casedesk-demo);
# stopped when the window closes. A hub already listening there is used as it is.
HUB_LISTEN="${CASEDESK_HUB_LISTEN:-127.0.0.1:8740}"
hub_answers() { (exec 3<>"/dev/tcp/${HUB_LISTEN%:*}/${HUB_LISTEN#*:}") 2>/dev/null; }
hub_pid=""
if ! hub_answers; then
  if [ ! -f "$DATA/hub.db" ]; then
    # The hub's first start: the demo carriers' credit records and their submissions (real media
    # made now, some deliberately wrong), taken in as the credit platform and the carrier portal
    # would, so chen.jing (desk staff at 长垣) has a day of applications to review.
    demo="$DATA/demo-submissions"
    echo "run: making the demo carriers' applications (8, with video and photos) in $demo"
    "$CARGO_TARGET_DIR/debug/casedesk-cli" demo-media "$demo" --count 8 >/dev/null
    "$CARGO_TARGET_DIR/debug/casedesk-hub" --db "$DATA/hub.db" carrier import "$demo/carriers.json" >/dev/null
    for folder in "$demo"/HD-*; do
      "$CARGO_TARGET_DIR/debug/casedesk-hub" --db "$DATA/hub.db" ingest-application "$folder" >/dev/null
    done
  fi
  "$CARGO_TARGET_DIR/debug/casedesk-hub" serve --db "$DATA/hub.db" --listen "$HUB_LISTEN" --demo \
    --demo-orders 10000 --demo-at "$DEMO_AT" >"$DATA/hub.log" 2>&1 &
  hub_pid=$!
  trap '[ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true' EXIT
  echo "run: hub on http://$HUB_LISTEN (log: $DATA/hub.log)"
fi

# A new cache signs in to the hub as zhang.wei once it answers (its first start makes its demo,
# a few seconds), so the window starts signed in and syncing. Where no keyring can be reached
# (a machine without a desktop session) it says why, and sign-in is left to the 同步 page.
if [ "$FRESH" = 1 ]; then
  for _ in $(seq 1 150); do
    hub_answers && break
    sleep 0.2
  done
  if echo casedesk-demo | "$CARGO_TARGET_DIR/debug/casedesk-cli" --data "$DATA" login \
      --hub "http://$HUB_LISTEN" --user zhang.wei >/dev/null; then
    echo "run: signed in to the hub as zhang.wei"
  else
    echo "run: not signed in (see above); sign in from the 同步 page as zhang.wei / casedesk-demo"
  fi
fi

export CASEDESK_DATA="$DATA"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display found; starting CaseDesk inside Xvfb (screen 1440x900)"
  xvfb-run -a -s "-screen 0 1440x900x24" "$CARGO_TARGET_DIR/debug/casedesk"
else
  "$CARGO_TARGET_DIR/debug/casedesk"
fi
