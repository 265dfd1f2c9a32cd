#!/usr/bin/env bash
# Scale-out test: Redis and PostgreSQL on loopback (installed from Debian if missing), one action server (as a
# deployment on several machines runs them, ACTION_ENDPOINT_URL), two Rasa servers sharing them, configured as
# production (ENV=production, one shared value of every secret).
# tests_scale/ alternates conversations (REST and WeChat) between the servers and kills one; the migrations
# are tested on PostgreSQL; the leak check scans every table of both databases.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "the scale-out test needs: apt-get install ${need[*]}"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
source scripts/env.sh
require_free_ports "$RASA_PORT" "$RASA2_PORT" "$ACTIONS_PORT" "$TEST_REDIS_PORT" "$TEST_PG_PORT"
work=$(mktemp -d); chmod 755 "$work"
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  [ -d "$work/pg" ] && su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis-server --port "$TEST_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
mkdir -p "$work/pg" "$work/pgsock" && chown postgres "$work/pg" "$work/pgsock"
su postgres -s /bin/sh -c "$PGBIN/initdb -D $work/pg --auth=trust -U postgres -E UTF8 >/dev/null"
su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $work/pg -o '-p $TEST_PG_PORT -k $work/pgsock -c listen_addresses=127.0.0.1' -l $work/pgsock/pg.log -w start >/dev/null"
for db in tracker status; do
  su postgres -s /bin/sh -c "$PGBIN/createdb -h 127.0.0.1 -p $TEST_PG_PORT -U postgres $db"
done

export TRACKER_DIALECT=postgresql TRACKER_HOST=127.0.0.1 TRACKER_PORT=$TEST_PG_PORT TRACKER_DB=tracker TRACKER_USER=postgres
export REDIS_HOST=127.0.0.1 REDIS_PORT=$TEST_REDIS_PORT
export DATABASE_URL=postgresql://postgres@127.0.0.1:$TEST_PG_PORT/status
# Every replica gets the same secrets, as in production (the look-up hash and the sealed partial numbers
# must read the same on every server).
secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export ENV=production ID_HASH_KEY=$(secret) SESSION_SECRET=$(secret) RELAY_SECRET=$(secret) WECHAT_TOKEN=scale-token
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_PORT/webhook"
# The tests call from this machine; the shared rate limit is tested with a relayed address and a small limit.
export UNLIMITED_CLIENTS='["rest:127.0.0.1"]' MESSAGES_PER_CLIENT=6
MIGRATIONS_PG_URL=postgresql://postgres@127.0.0.1:$TEST_PG_PORT/postgres .venv/bin/python -m pytest -q tests/test_migrations.py
.venv/bin/python -m bot.applications.importer ../shared/eval/applications.csv

.venv/bin/python -m rasa_sdk --actions actions -p "$ACTIONS_PORT" >"$work/actions.log" 2>&1 &  # on SANIC_HOST (loopback)
pids+=($!)
for port in "$RASA_PORT" "$RASA2_PORT"; do
  .venv/bin/python -m rasa_ext.run run -i 127.0.0.1 -p $port --model models/assistant.tar.gz \
    --credentials credentials.yml --endpoints endpoints.scale.yml >"$work/rasa-$port.log" 2>&1 &
  pids+=($!)
  echo $! > "$work/rasa-$port.pid"
done
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$RASA_PORT/" >/dev/null && curl -sf "http://127.0.0.1:$RASA2_PORT/" >/dev/null \
    && curl -sf "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null && break
  sleep 1
done
SCALE_WORK="$work" .venv/bin/python -m pytest -q tests_scale || { tail -n 30 "$work"/rasa-*.log; exit 1; }
PYTHONPATH=. .venv/bin/python scripts/check_stored_ids.py --db "postgresql://postgres@127.0.0.1:$TEST_PG_PORT/tracker" \
  --db "$DATABASE_URL" ../shared/eval/applications.csv tests_scale/test_scale_out.py
