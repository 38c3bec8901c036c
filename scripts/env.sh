# Sourced by the scripts: where builds go, kept outside the clone so warm builds stay fast.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casedesk-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# The window, the CLI and the hub in the dev profile, named together: Cargo unifies dependency
# features over the packages it is given, so the run command, the end-to-end tests and
# `package.sh --debug` share one set of compiled dependencies only if they name the same packages.
build_debug_apps() { cargo build -p casedesk -p casedesk-cli -p casedesk-hub; }
