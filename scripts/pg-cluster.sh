#!/usr/bin/env bash
# Throw-away PostgreSQL cluster for tests.
#
# usage: scripts/pg-cluster.sh start DIR   # prints the SQLAlchemy URL (one line), also in DIR/url
#        scripts/pg-cluster.sh stop DIR    # stops the server and removes DIR
#
# DIR should be empty or absent (e.g. from mktemp -d); every parent must be
# traversable by the "postgres" OS user when run as root (/tmp is fine).
# As root, initdb/pg_ctl run as "postgres" via runuser; as another user they
# run as that user. Binaries: /usr/local/bin, newest /usr/lib/postgresql/*/bin, PATH.
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog start|stop DIR" >&2; exit 2; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage

# Keep the caller's libpq environment from leaking into our commands.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGDATABASE PGDATA PGOPTIONS \
    PGSERVICE PGSERVICEFILE PGSSLMODE PGPASSFILE PGTARGETSESSIONATTRS PGAPPNAME || true

marker=.pg-cluster
dbname=tracker_test

find_bindir() {
    local d
    for d in /usr/local/bin $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    d=$(command -v pg_ctl 2>/dev/null) || return 1
    d=${d%/*}
    [ -x "$d/initdb" ] || return 1
    echo "$d"
}

if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

# Run a PostgreSQL client command (createdb/psql) found next to pg_ctl or on PATH.
find_client() { # find_client NAME
    local d
    for d in "$bindir" "$(dirname "$(readlink -f "$bindir/pg_ctl")")"; do
        [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    command -v "$1" 2>/dev/null
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
        return
    fi
    local p _
    for _ in $(seq 50); do
        p=$(( (RANDOM % 30000) + 20000 ))
        if ! (: <"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    return 1
}

show_log() {
    local f
    for f in "$@"; do
        [ -s "$f" ] || continue
        echo "--- tail of $f ---" >&2
        tail -n 25 "$f" >&2
    done
}

pg_stop() { # pg_stop DATADIR
    local data=$1
    [ -f "$data/postmaster.pid" ] || return 0
    (cd "$data/.." && as_pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 30 stop) >/dev/null 2>&1 ||
        (cd "$data/.." && as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w -t 10 stop) >/dev/null 2>&1 ||
        true
}

start() {
    case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
    if [ -e "$dir" ]; then
        [ -d "$dir" ] || die "$dir exists and is not a directory"
        [ -z "$(ls -A "$dir")" ] || die "$dir is not empty (pass a fresh mktemp -d directory)"
    else
        mkdir -p "$dir"
    fi
    dir=$(cd "$dir" && pwd -P)
    case $dir in *\'* | *\"* | *\\*) die "unsupported characters in directory name: $dir" ;; esac
    : >"$dir/$marker"

    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist (PostgreSQL refuses to run as root)"
        runuser -u postgres -- test -e "$dir" 2>/dev/null ||
            die "$dir is not reachable by the postgres user (a parent directory is not traversable); use a directory under /tmp"
        chown postgres: "$dir" "$dir/$marker"
        chmod 700 "$dir"
        runuser -u postgres -- test -w "$dir" -a -x "$dir" 2>/dev/null ||
            die "$dir is not writable by the postgres user"
    fi
    cd "$dir"

    local data=$dir/data log=$dir/log ilog=$dir/initdb.log clog=$dir/pg_ctl.log
    if ! as_pg "$bindir/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >"$ilog" 2>&1; then
        rm -rf "$data"
        as_pg "$bindir/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --no-locale >"$ilog" 2>&1 || {
            show_log "$ilog"
            die "initdb failed"
        }
    fi

    # Unix socket path limit is 107 bytes; disable the socket if DIR is too long (TCP is used anyway).
    local sock="'$dir'"
    [ "${#dir}" -le 90 ] || sock="''"

    local port="" attempt ok=0
    for attempt in 1 2 3 4 5; do
        port=$(free_port) || die "could not find a free port"
        : >"$clog"
        if as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >"$clog" 2>&1; then
            ok=1
            break
        fi
        pg_stop "$data"
        # Retry only when another process grabbed the port in the meantime.
        grep -q 'Address already in use' "$log" 2>/dev/null || break
        : "$attempt"
    done
    if [ "$ok" != 1 ]; then
        show_log "$clog" "$log"
        die "could not start PostgreSQL in $dir"
    fi

    local createdb psql
    if createdb=$(find_client createdb); then
        "$createdb" -h 127.0.0.1 -p "$port" -U postgres "$dbname" >"$clog" 2>&1 || {
            show_log "$clog" "$log"; pg_stop "$data"; die "createdb $dbname failed"
        }
    elif psql=$(find_client psql); then
        "$psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE $dbname" >"$clog" 2>&1 || {
            show_log "$clog" "$log"; pg_stop "$data"; die "CREATE DATABASE $dbname failed"
        }
    else
        python3 - "$port" "$dbname" >"$clog" 2>&1 <<'EOF' || { show_log "$clog" "$log"; pg_stop "$data"; die "no createdb/psql found and psycopg CREATE DATABASE failed"; }
import sys
import psycopg
with psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="postgres", dbname="postgres", autocommit=True) as c:
    c.execute(f'CREATE DATABASE "{sys.argv[2]}"')
EOF
    fi

    local url="postgresql+psycopg://postgres@127.0.0.1:$port/$dbname"
    echo "$url" >"$dir/url"
    chmod 644 "$dir/url"
    echo "$url"
}

stop() {
    [ -e "$dir" ] || return 0
    [ -d "$dir" ] || die "$dir is not a directory"
    dir=$(cd "$dir" && pwd -P)
    [ "$dir" != / ] || die "refusing to remove /"
    if [ ! -e "$dir/$marker" ] && [ ! -f "$dir/data/PG_VERSION" ] && [ -n "$(ls -A "$dir")" ]; then
        die "$dir does not look like a pg-cluster.sh directory; refusing to remove it"
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
        pg_stop "$dir/data"
    fi
    cd /
    rm -rf "$dir"
}

case $cmd in
    start)
        bindir=$(find_bindir) || die "initdb/pg_ctl not found (run: scripts/sysdeps.sh postgres)"
        start
        ;;
    stop)
        bindir=$(find_bindir) || bindir=
        if [ -z "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
            die "pg_ctl not found; cannot stop the server in $dir"
        fi
        stop
        ;;
    *) usage ;;
esac
