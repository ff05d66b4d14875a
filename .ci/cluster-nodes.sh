# Sourced by .ci/cluster-check and .ci/cluster-load: nodes of backend/target/layerlab.jar on loopback ports over
# one throwaway PostgreSQL (.ci/postgres.sh), as docs/cluster.md deploys them: one database, one shared data
# folder and one shared runs folder for every node, each node with its own role and name.
# The caller sets JAR and WORK (a temporary folder) and defines fail(); it calls start_postgres first.
# Every node paces 2D runs at $NODE_PACE epochs a second (layerlab.live.max-epochs-per-second; 5 unless the
# caller sets it, where a run's default is 120), so that a run lasts long enough to be seen, killed and taken over.

declare -A NODE_PID NODE_PORT NODE_LOG

# 1 GiB each: up to four JVMs on one small machine (the Dockerfile's 75% of memory is for one)
NODE_HEAP="${NODE_HEAP:-1g}"
NODE_PACE="${NODE_PACE:-5}"

# $1 a name (also layerlab.node.name), $2 its role (web, worker, both), the rest more --settings.
# Starts it in the background, its log in $WORK/$1.log; await_node waits until it answers.
start_node() {
  local name="$1" role="$2"; shift 2
  local port; port="$(free_port)"
  mkdir -p "$WORK/data" "$WORK/runs"
  NODE_PORT[$name]="$port"
  NODE_LOG[$name]="$WORK/$name.log"
  env LAYERLAB_DATA_DIR="$WORK/data" LAYERLAB_RUNS_DIR="$WORK/runs" PORT="$port" \
    SPRING_DATASOURCE_URL="$LAYERLAB_TEST_POSTGRES_URL" SPRING_DATASOURCE_USERNAME="$LAYERLAB_TEST_POSTGRES_USER" \
    SPRING_DATASOURCE_PASSWORD= \
    java -Xmx"$NODE_HEAP" -jar "$JAR" --layerlab.node.role="$role" --layerlab.node.name="$name" \
    --layerlab.live.max-epochs-per-second="$NODE_PACE" "$@" >>"${NODE_LOG[$name]}" 2>&1 &
  NODE_PID[$name]=$!
}

# $1 a node started by start_node: waits (up to 4 minutes) until its /actuator/health answers 200
await_node() {
  local name="$1"
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${NODE_PORT[$name]}/actuator/health" || true)" = 200 ] \
      && return 0
    kill -0 "${NODE_PID[$name]}" 2>/dev/null || fail "node $name exited while starting (its log: ${NODE_LOG[$name]})"
    sleep 1
  done
  fail "node $name: /actuator/health never answered 200 in 4 minutes"
}

# $1 a node, $2 the signal (TERM by default; KILL: no shutdown runs, as when a machine loses power)
stop_node() {
  local name="$1" pid="${NODE_PID[$1]:-}"
  [ -n "$pid" ] || return 0
  kill -"${2:-TERM}" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  NODE_PID[$name]=""
}

stop_nodes() {
  local name
  for name in "${!NODE_PID[@]}"; do stop_node "$name"; done
}

# the last lines of every node's log, for a failure's report
dump_logs() {
  local name
  for name in "${!NODE_LOG[@]}"; do
    echo "---- the last 25 lines of $name's log (${NODE_LOG[$name]})" >&2
    tail -25 "${NODE_LOG[$name]}" >&2 || true
  done
}

# milliseconds since the epoch
now_ms() {
  echo $(( $(date +%s%N) / 1000000 ))
}

# $1 milliseconds: "12.3 s"
seconds() {
  printf '%d.%d s' $(( $1 / 1000 )) $(( $1 % 1000 / 100 ))
}

# $1 method, $2 path, $3 body (or ""), against the node named in $API_NODE with the token in $TOKEN.
# Prints the body (also left in $WORK/body); fails on a status of 300 or more.
api() {
  local code
  code="$(curl -s -o "$WORK/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:${NODE_PORT[$API_NODE]}$2")"
  [ "$code" -lt 300 ] || fail "$1 $2 on $API_NODE: $code $(cat "$WORK/body")"
  cat "$WORK/body"
}

# $1 a user name: signs the user up on $API_NODE and prints a personal token of theirs
sign_up() {
  local port="${NODE_PORT[$API_NODE]}" password="correct horse battery"
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/users" \
    || fail "cannot sign $1 up on $API_NODE"
  local body
  body="$(curl -s -u "$1:$password" -H 'Content-Type: application/json' -d '{"name":"cluster"}' \
    "http://127.0.0.1:$port/api/tokens")"
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$body" 2>/dev/null \
    || fail "cannot make a token for $1 on $API_NODE: $(head -c 300 <<<"$body")"
}

# saves the XOR example as $TOKEN's user and prints the experiment's id
save_xor() {
  api POST /api/experiments "$(cat engine/src/main/resources/layerlab/examples/xor-tanh.json)" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# $1 an experiment, $2 epochs: starts a run of it and prints the run's id
start_run() {
  api POST "/api/experiments/$1/runs" "{\"epochs\": $2}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
