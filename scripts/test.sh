#!/usr/bin/env bash
# Installs what is missing and runs every check and test: formatting, clippy, the UI's lint,
# type check and Vitest tests, all Rust tests (domain, store on real SQLite files, services,
# CLI, the hub on SQLite and on a throwaway PostgreSQL cluster), the drift check of the generated
# TypeScript types, the end-to-end test of the built app under Xvfb through tauri-driver, and
# the .deb and the AppImage installed into a clean Debian 12 chroot and started.
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

# Each step says how long the run had taken when it began, so a slow CI run shows where.
started=$SECONDS
step() { printf '\n=== %s (at %d min %02d s) ===\n' "$*" $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }

step "UI: lint, type check, unit tests, build"
(cd ui && npm run lint && npm run typecheck && npm test && npm run build)

step "Rust: format and clippy"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "Rust: tests (the hub's suite also on a throwaway PostgreSQL cluster)"
pg_url=$(bash scripts/pg-test-cluster.sh 2>/tmp/casedesk-pg-start.log) || { cat /tmp/casedesk-pg-start.log >&2; exit 1; }
pg_dir=$(grep -o '/tmp/casedesk-pg\.[A-Za-z0-9]*' /tmp/casedesk-pg-start.log | head -n 1)
trap 'bash scripts/pg-test-cluster.sh stop "$pg_dir"' EXIT
export CASEDESK_TEST_PG="$pg_url"
cargo test

step "Generated TypeScript types match the Rust DTOs"
if git rev-parse --git-dir >/dev/null 2>&1; then
  git diff --exit-code -- ui/src/bindings
  untracked=$(git ls-files --others --exclude-standard ui/src/bindings)
  if [ -n "$untracked" ]; then echo "new generated types not committed: $untracked"; exit 1; fi
fi

step "End to end: the built app under Xvfb"
build_debug_apps
export CASEDESK_APP_BIN="$CARGO_TARGET_DIR/debug/casedesk"
export CASEDESK_CLI_BIN="$CARGO_TARGET_DIR/debug/casedesk-cli"
export CASEDESK_HUB_BIN="$CARGO_TARGET_DIR/debug/casedesk-hub"
export CASEDESK_ARTIFACTS="${CASEDESK_ARTIFACTS:-$PWD/artifacts}"
xvfb-run -a -s "-screen 0 1440x900x24" cargo test -p casedesk-e2e
echo "screenshots: $CASEDESK_ARTIFACTS"

step "Package: the .deb installs on a clean Debian 12 and its app starts, and so does the AppImage"
# Packed from the end-to-end step's dev-profile build: the test is of the packaging
# (declared dependencies, menu entry, start-up on a clean system), and a release compile would add
# about 20 minutes to a cold run. `bash scripts/package.sh` (README) builds the release packages.
built=$(bash scripts/package.sh --appimage --debug)
bash scripts/package-test.sh "$(tail -n 1 <<<"$built")" "$(tail -n 2 <<<"$built" | head -n 1)"
step "All checks passed"
