# Sourced by .ci/run: a throwaway PostgreSQL server for the store's tests (PostgresStoreTest), in a temporary
# folder on a free port, stopped and deleted when the script exits. PostgreSQL refuses to run as root, so as
# root the server runs as Debian's "postgres" user (made by the postgresql package).

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# as the user the server runs as
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# a TCP port nobody listens on (bash's /dev/tcp connects when one does), below the kernel's range for
# outgoing connections: a port taken from inside it could be some connection's local port by the time the
# server binds it (a cluster-check node once failed to start so: "Port 32996 was already in use")
free_port() {
  local p low
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  [ "$low" -gt 20000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 50); do
    p=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

# Starts the server and exports LAYERLAB_TEST_POSTGRES_URL / _USER for the tests
start_postgres() {
  local bin; bin="$(pg_bin)"
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin)" >&2; return 1; }
  PG_DIR="$(mktemp -d /tmp/layerlab-pg.XXXXXX)"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"
  PG_PORT="$(free_port)"
  as_pg "$bin/initdb" -D "$PG_DIR/data" -U layerlab --auth=trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U layerlab layerlab_test
  export LAYERLAB_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/layerlab_test"
  export LAYERLAB_TEST_POSTGRES_USER=layerlab
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the store's tests: $LAYERLAB_TEST_POSTGRES_URL"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -z "${PG_DIR:-}" ] || rm -rf "$PG_DIR"
}

# Stops the server started by start_postgres (as a database that goes away: its clients' connections break)
# and keeps its data; restart_postgres starts it again on the same port with the same data.
pause_postgres() {
  as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null
}

restart_postgres() {
  as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
}
