#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder, reachable only through a unix socket inside it.
#   .ci/pg-cluster.sh start DIR   initdb DIR/data, start it, create database threadlore,
#                                 print its URL (postgresql+psycopg://threadlore@/threadlore?host=DIR/socket)
#   .ci/pg-cluster.sh stop DIR    stop it (the caller removes DIR)
# initdb and postgres refuse to run as root, so as root the cluster runs as user nobody.
set -euo pipefail
action=${1:?usage: pg-cluster.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: pg-cluster.sh start|stop DIR}")
as_owner=()
if [ "$(id -u)" = 0 ]; then
    as_owner=(runuser -u nobody --)
fi
case "$action" in
start)
    mkdir -p "$dir/socket"
    if [ ${#as_owner[@]} -gt 0 ]; then chown -R nobody: "$dir"; fi
    # The socket must be reachable by a client without root's override of file modes (tests
    # drop it to make files unreadable); mktemp -d made the folder 0700. The data stays 0700.
    chmod 0755 "$dir" "$dir/socket"
    "${as_owner[@]}" initdb --pgdata="$dir/data" --username=threadlore --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" pg_ctl --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
        --options="-c listen_addresses='' -c unix_socket_directories='$dir/socket' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start || { cat "$dir/server.log" >&2; exit 1; }
    "${as_owner[@]}" createdb --host="$dir/socket" --username=threadlore threadlore
    echo "postgresql+psycopg://threadlore@/threadlore?host=$dir/socket"
    ;;
stop)
    "${as_owner[@]}" pg_ctl --pgdata="$dir/data" --mode=immediate --wait --silent stop
    ;;
*)
    echo "usage: pg-cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
