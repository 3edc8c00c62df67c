#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on a free loopback port, for tests and benchmarks.
#
#   scripts/postgres.sh start DIR   initdb in DIR (trust auth, as the postgres user when run as root), start it on a
#                                   free port, print the connection string (also written to DIR/connection-string)
#   scripts/postgres.sh stop DIR    stop it and delete DIR
#
# POSTGRES_DURABLE=1 keeps PostgreSQL's durable defaults (fsync, synchronous commits, full pages), for benchmarks;
# without it they are off, as tests want: the cluster is thrown away after the run.
#
# Finds Debian's PostgreSQL (/usr/lib/postgresql/*/bin, the newest); `apt-get install -y postgresql` brings it.
set -euo pipefail

command=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$command" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Tests open many pools at once (one per test's services); fsync off (unless POSTGRES_DURABLE): thrown away after the run.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${POSTGRES_DURABLE:-0}" = 1 ]; then durability=""; fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 $durability" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" | tee "$dir/connection-string"
    ;;
stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
