#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the hub's tests: created in a temporary folder, started on
# 127.0.0.1 with a free port and trust authentication, its URL printed on stdout. Nothing of
# the machine's own PostgreSQL is touched (Debian's binaries are used directly, not its
# clusters).
#
#   url=$(bash scripts/pg-test-cluster.sh)            # start; the folder is named on stderr
#   CASEDESK_TEST_PG=$url cargo test -p casedesk-hub
#   bash scripts/pg-test-cluster.sh stop /tmp/casedesk-pg.XXXXXX
#
# Installs Debian's postgresql package when its binaries are missing (sudo when not root).
# As root, the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"

run_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-}" = stop ]; then
    dir="${2:?usage: pg-test-cluster.sh stop DIR}"
    case "$dir" in
        */casedesk-pg.*) ;;
        *) echo "pg-test-cluster: $dir is not a cluster folder made by this script" >&2; exit 1 ;;
    esac
    run_as_owner "$PGBIN/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
fi

if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "pg-test-cluster: installing postgresql (Debian package)" >&2
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get install -y --no-install-recommends postgresql >&2
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

dir="$(mktemp -d /tmp/casedesk-pg.XXXXXX)"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
port="${PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 54329)}"

run_as_owner "$PGBIN/initdb" -D "$dir/data" -U casedesk --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a test cluster trades durability for speed; it is deleted afterwards anyway.
run_as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }

echo "pg-test-cluster: running in $dir; stop with: bash scripts/pg-test-cluster.sh stop $dir" >&2
echo "postgres://casedesk@127.0.0.1:$port/postgres"
