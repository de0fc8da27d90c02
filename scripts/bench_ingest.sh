#!/usr/bin/env bash
# Slack Events API ingest: unhurried against Slack's Bolt for Python, same load, same core, same run.
#
# For each offered rate, each server in turn is started fresh (new database) pinned to core
# $SERVER_CORE, and benches/slack_ingest.rs (on core $LOAD_CORE) sends it signed
# `message.channels` deliveries over $CONNECTIONS keep-alive connections for $WARMUP + $DURATION
# seconds, then prints one summary line. For unhurried a check line follows: inbox rows recorded
# against deliveries acked. Last, the consumer's own rate (benches/consumer.rs) on $SERVER_CORE.
#
#   scripts/bench_ingest.sh                      # rates 5000 20000 50000 max, 15 s each
#   RATES="max" DURATION=10 scripts/bench_ingest.sh
#   SERVERS="unhurried" scripts/bench_ingest.sh  # skip Bolt
#   SERVER=… LOAD=… CONSUMER=… scripts/bench_ingest.sh  # executables already built: no cargo
#
# Needs: 2 cores, taskset, python3 with venv (Bolt, uvicorn, uvloop, httptools and aiohttp are
# installed into target/bolt-venv on first use), curl, sqlite3. Everything listens on 127.0.0.1
# and stops by itself; docs/performance.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES=${RATES:-"5000 20000 50000 max"}
SERVERS=${SERVERS:-"unhurried bolt"}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-256}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
CONSUMER_EVENTS=${CONSUMER_EVENTS:-20000}
SECRET=bench-signing-secret-8f742231b10e8888
TOKEN=xoxb-bench-0000

log() { echo "bench_ingest: $*" >&2; }

# The server and the two benches, from cargo's own report of what it built. The benches are built
# with the release profile (`cargo build --release --bench`), not `cargo bench`'s own profile, so
# they reuse the release build of everything they share with the server.
built_exe() {
    cargo build --release --locked "$@" --message-format=json 2>/dev/null |
        python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["target"]["name"], m["executable"])'
}
if [[ -z ${SERVER:-} || -z ${LOAD:-} || -z ${CONSUMER:-} ]]; then
    log "building (release)"
    SERVER=$(built_exe --bin unhurried | sed -n 's/^unhurried //p')
    benches=$(built_exe --bench slack_ingest --bench consumer)
    LOAD=$(sed -n 's/^slack_ingest //p' <<<"$benches")
    CONSUMER=$(sed -n 's/^consumer //p' <<<"$benches")
fi
log "server $SERVER, load $LOAD, consumer $CONSUMER"

VENV=target/bolt-venv
if [[ " $SERVERS " == *" bolt "* && ! -x $VENV/bin/python ]]; then
    log "installing Bolt for Python into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet slack_bolt uvicorn uvloop httptools aiohttp
fi

WORK=$(mktemp -d)
STARTED=()
cleanup() {
    # Only the processes this script started, by their ids.
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits (at most 30 s) until something answers on the port.
wait_for_port() {
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "nothing listens on port $1"; return 1
}

# Stops a server: SIGTERM, then SIGKILL if it is still there after 10 s.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

API_PORT=$(free_port)
taskset -c "$LOAD_CORE" "$LOAD" fake-api --addr "127.0.0.1:$API_PORT" --lifetime 3600 &
STARTED+=($!)
wait_for_port "$API_PORT"

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# server on core $SERVER_CORE, load generator on core $LOAD_CORE; $CONNECTIONS connections; ${WARMUP} s warm-up + ${DURATION} s measured per run"

for rate in $RATES; do
    for server in $SERVERS; do
        port=$(free_port)
        case $server in
            unhurried)
                db="$WORK/unhurried-$rate.db"
                env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
                    SLACK_BOT_TOKEN=$TOKEN SLACK_SIGNING_SECRET=$SECRET \
                    UNHURRIED_SLACK__API_URL="http://127.0.0.1:$API_PORT/api" \
                    UNHURRIED_DATABASE__URL="sqlite://$db" \
                    UNHURRIED_HTTP__ADDR="127.0.0.1:$port" \
                    taskset -c "$SERVER_CORE" "$SERVER" serve 2>"$WORK/unhurried-$rate.log" &
                ;;
            bolt)
                env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
                    SLACK_BOT_TOKEN=$TOKEN SLACK_SIGNING_SECRET=$SECRET \
                    SLACK_API_URL="http://127.0.0.1:$API_PORT/api/" BOLT_PORT=$port \
                    taskset -c "$SERVER_CORE" "$VENV/bin/python" scripts/bolt_ingest_app.py 2>"$WORK/bolt-$rate.log" &
                ;;
            *) log "unknown server $server"; exit 2 ;;
        esac
        pid=$!
        STARTED+=($pid)
        wait_for_port "$port"
        taskset -c "$LOAD_CORE" "$LOAD" load --label "$server" --url "http://127.0.0.1:$port/slack/events" \
            --secret "$SECRET" --pid "$pid" --rate "$rate" --duration "$DURATION" --warmup "$WARMUP" \
            --connections "$CONNECTIONS" | tee "$WORK/line"
        if [[ $server == unhurried ]]; then
            # Every acked delivery must be a durable inbox row (and nothing else was recorded).
            sent=$(sed -n 's/.* sent_total=\([0-9]*\).*/\1/p' "$WORK/line")
            rows=$(sqlite3 "$db" 'SELECT COUNT(*) FROM inbox')
            handled=$(sqlite3 "$db" "SELECT COUNT(*) FROM inbox WHERE state = 'handled'")
            errors=$(grep -c 'ERROR' "$WORK/unhurried-$rate.log" || true)
            echo "#   unhurried inbox: $rows rows for $sent deliveries sent (warm-up included), $handled handled by the consumer during the run; $errors error lines logged"
        fi
        stop "$pid"
    done
done

echo "# consumer (benches/consumer.rs) on core $SERVER_CORE"
taskset -c "$SERVER_CORE" "$CONSUMER" --events "$CONSUMER_EVENTS" --rounds 3
