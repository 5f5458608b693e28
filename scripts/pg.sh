#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite, so CI and developers test the
# production database the same way without touching a system cluster.
#
#   scripts/pg.sh start DIR   installs PostgreSQL with apt if missing, starts a server
#                             with its data in DIR on 127.0.0.1 and a free port, creates
#                             the role and database "rodtrad" (CREATEDB, so pytest-django
#                             can make its test database) and prints the DATABASE_URL.
#   scripts/pg.sh stop DIR    stops that server again (safe to call twice).
set -euo pipefail

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
    # initdb and the server refuse to run as root; the data dir belongs to "postgres".
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1
    if [[ -z $(pg_bin) ]]; then
        echo "pg.sh: installing PostgreSQL" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
    local bin port
    bin=$(pg_bin)
    port=$(free_port)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir"
    fi
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log"
    # Durability is pointless for a test database and costs most of the run time.
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >&2
    echo "$port" >"$dir/port"
    as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE rodtrad LOGIN CREATEDB PASSWORD 'rodtrad'" \
        -c "CREATE DATABASE rodtrad OWNER rodtrad" >&2
    echo "postgres://rodtrad:rodtrad@127.0.0.1:$port/rodtrad"
}

stop() {
    local dir=$1
    if [[ -f $dir/data/postmaster.pid ]]; then
        as_postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
}

case ${1:-} in
    start | stop) "$1" "${2:?usage: pg.sh start|stop DIR}" ;;
    *)
        echo "usage: pg.sh start|stop DIR" >&2
        exit 2
        ;;
esac
