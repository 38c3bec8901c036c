# Sourced by the scripts: where builds go, kept outside the clone so warm builds stay fast.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casedesk-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
