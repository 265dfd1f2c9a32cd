#!/usr/bin/env bash
# Measure: full training time, cold start to ready, and turn latency / throughput / memory under load,
# for the assistant and, in the same run, the rules-only floor bot. Results: results/bench/*.json.
#   scripts/bench.sh [USERS] [CONVERSATIONS_PER_USER]
set -euo pipefail
cd "$(dirname "$0")/.."
USERS="${1:-10}" CONVERSATIONS="${2:-12}"
out=results/bench; mkdir -p "$out"
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/assistant.db"
source scripts/env.sh
require_free_ports "$RASA_PORT" "$ACTIONS_PORT" "$WEB_PORT" "$FLOOR_PORT"

echo "== training (full, forced)"
start=$(date +%s.%N)
.venv/bin/rasa train --force --fixed-model-name bench-assistant --out "$work/models" --quiet >/dev/null 2>&1
train_s=$(awk "BEGIN{print $(date +%s.%N) - $start}")
.venv/bin/rasa train --force --config bench/floor/config.yml --domain bench/floor/domain.yml \
  --data data/nlu bench/floor/rules.yml --fixed-model-name floor --out "$work/models" --quiet >/dev/null 2>&1
.venv/bin/python -m bot.applications.importer ../shared/eval/applications.csv >/dev/null

echo "== cold start"
start=$(date +%s.%N)
TRACKER_DB="$work/tracker.db" MODEL="$work/models/bench-assistant.tar.gz" scripts/serve.sh > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server ${floor:-} 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf -H 'Content-Type: application/json' -d '{"sender":"cold","message":"湖州市监理协会电话"}' \
      http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook | grep -q text; do
  kill -0 $server 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
ready_s=$(awk "BEGIN{print $(date +%s.%N) - $start}")

TRACKER_DB="$work/floor-tracker.db" SERVE=rasa RASA_PORT=$FLOOR_PORT MODEL="$work/models/floor.tar.gz" \
  ENDPOINTS=bench/floor/endpoints.yml scripts/serve.sh > "$work/floor.log" 2>&1 &
floor=$!
until curl -sf http://127.0.0.1:$FLOOR_PORT/ >/dev/null; do kill -0 $floor 2>/dev/null || { cat "$work/floor.log"; exit 1; }; sleep 0.5; done

pid_of() { pgrep -f "$1" | head -n 1; }
rasa_pid=$(pid_of "rasa_ext.run run -i 127.0.0.1 -p $RASA_PORT")
actions_pid=$(pid_of "rasa_sdk --actions actions -p $ACTIONS_PORT")
web_pid=$(pid_of "uvicorn --factory webapp.main:create_app")
floor_pid=$(pid_of "rasa_ext.run run -i 127.0.0.1 -p $FLOOR_PORT")

echo "== load: $USERS users x $CONVERSATIONS conversations each, assistant then floor"
.venv/bin/python scripts/benchmark.py --url http://127.0.0.1:$RASA_PORT --floor-url http://127.0.0.1:$FLOOR_PORT \
  --users "$USERS" --conversations "$CONVERSATIONS" \
  --pids "rasa=$rasa_pid" "actions=$actions_pid" "web=$web_pid" --floor-pids "rasa=$floor_pid" \
  --json "$out/load-$USERS.json"
echo "== load with people's pace: 1 s between a reply and the next turn"
.venv/bin/python scripts/benchmark.py --url http://127.0.0.1:$RASA_PORT --floor-url http://127.0.0.1:$FLOOR_PORT \
  --users "$USERS" --conversations "$CONVERSATIONS" --think 1 \
  --pids "rasa=$rasa_pid" "actions=$actions_pid" "web=$web_pid" --floor-pids "rasa=$floor_pid" \
  --json "$out/load-$USERS-think1.json"
printf '{"training_seconds": %.1f, "cold_start_to_ready_seconds": %.1f}\n' "$train_s" "$ready_s" | tee "$out/startup.json"
