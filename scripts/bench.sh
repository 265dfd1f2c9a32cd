#!/usr/bin/env bash
# Measure the assistant and, in the same run and the same way, the floor bot (the same Rasa, NLU pipeline and
# data, every intent answered by a fixed response; scripts/floor_bot.py): training time, cold start, the latency
# of every turn of one long conversation, a py-spy profile of a turn early and late in it, and latency,
# throughput, CPU and memory under 1, 5, 10 and 20 users sending back to back. Results and plots in
# results/bench/; the plots docs/benchmarks.md shows are copied to docs/.
#   scripts/bench.sh [CONVERSATIONS_PER_USER_AND_ROUND]   (default 4, in 3 rounds: 12 conversations per user)
# It also measures the first turns after the start (is the first user slower than the later ones?), and the
# memory of every process after the development and robust evaluation sets ran.
# The machine may be shared: before each measurement this waits (at most BENCH_QUIET_WAIT seconds, default
# 600) for the 1-minute load average to fall below BENCH_QUIET_LOAD (default 0.7), and every JSON file
# records the load each measurement started under.
# BENCH_TRAIN=0 measures the trained models in models/ instead of training afresh (the floor is then trained
# once into results/bench/floor.tar.gz and reused), and reports no training time.
set -euo pipefail
cd "$(dirname "$0")/.."
CONVERSATIONS="${1:-4}" ROUNDS=3 LONG_TURNS=200 USER_COUNTS=(1 5 10 20)
out=results/bench; mkdir -p "$out"
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/assistant.db"
source scripts/env.sh
require_free_ports "$RASA_PORT" "$WEB_PORT" "$FLOOR_PORT"
# The benchmark's users all call from this machine, hundreds of turns a minute: not rate-limited.
export UNLIMITED_CLIENTS='["rest:127.0.0.1", "web:127.0.0.1"]'

load() { cut -d' ' -f1 /proc/loadavg; }
quiet() {
  local waited=0
  until awk -v load="$(load)" -v most="${BENCH_QUIET_LOAD:-0.7}" 'BEGIN { exit !(load < most) }'; do
    if [ "$waited" -ge "${BENCH_QUIET_WAIT:-600}" ]; then echo "   load still $(load) after ${waited} s: measuring anyway"; return; fi
    sleep 10; waited=$((waited + 10))
  done
}
seconds_since() { awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $1 }"; }

train_floor() {
  .venv/bin/python scripts/floor_bot.py "$work/floor"
  .venv/bin/rasa train --force --config "$work/floor/config.yml" --domain "$work/floor/domain.yml" \
    --data data/nlu "$work/floor/rules.yml" --fixed-model-name floor --out "$1" --quiet >/dev/null 2>&1
}
if [ "${BENCH_TRAIN:-1}" = 1 ]; then
  echo "== training (full, forced)"
  quiet
  start=$(date +%s.%N)
  .venv/bin/rasa train --force --fixed-model-name bench-assistant --out "$work/models" --quiet >/dev/null 2>&1
  train_s=$(seconds_since "$start")
  train_floor "$work/models"
  model="$work/models/bench-assistant.tar.gz" floor_model="$work/models/floor.tar.gz"
else
  train_s=null
  model=models/assistant.tar.gz floor_model="$out/floor.tar.gz"
  [ -f "$floor_model" ] || { echo "== training the floor once"; train_floor "$out"; }
fi
.venv/bin/python -m bot.applications.importer ../shared/eval/applications.csv >/dev/null

echo "== cold start"
quiet
start=$(date +%s.%N)
TRACKER_DB="$work/tracker.db" MODEL="$model" scripts/serve.sh > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server ${floor:-} 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf -H 'Content-Type: application/json' -d '{"sender":"cold","message":"湖州市监理协会电话"}' \
      "http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook" | grep -q text; do
  kill -0 $server 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
ready_s=$(seconds_since "$start")

# The servers are the processes scripts/serve.sh started (under the shells that keep them running), by what they run.
descendants() { local pid; for pid in $(pgrep -P "$1"); do echo "$pid"; descendants "$pid"; done; }
servers() {
  local pid
  for pid in $(descendants "$1"); do
    case "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" in
      *rasa_ext.run*) echo "rasa=$pid" ;;
      *rasa_sdk*) echo "actions=$pid" ;;
      *uvicorn*) echo "web=$pid" ;;
    esac
  done
}
mapfile -t pids < <(servers "$server")
echo "   processes: ${pids[*]}"
echo "== the first turns after the start, then the same turns again"
.venv/bin/python scripts/benchmark.py --url "http://127.0.0.1:$RASA_PORT" --first-turns --json "$out/first-turns.json" \
  | grep -E '"(max_ms|p50_ms|first_to_later_max_ratio)"'
echo "== the development and robust evaluation sets, then the memory of every process"
for set in dev robust; do
  .venv/bin/python ../shared/eval/run_eval.py "../shared/eval/${set}_cases.yml" --url "http://127.0.0.1:$RASA_PORT" \
    --quiet --min-rate 0 --report "$out/eval-$set.json" | tail -n 1
done
.venv/bin/python scripts/benchmark.py --memory --pids "${pids[@]}" --json "$out/memory.json" | grep -E '_total_mb'

# The floor is one Rasa process started the same way, answering every intent with a fixed response.
TRACKER_DB="$work/floor-tracker.db" SERVE=rasa RASA_PORT=$FLOOR_PORT MODEL="$floor_model" \
  ENDPOINTS=bench/floor/endpoints.yml scripts/serve.sh > "$work/floor.log" 2>&1 &
floor=$!
until curl -sf "http://127.0.0.1:$FLOOR_PORT/" >/dev/null; do
  kill -0 $floor 2>/dev/null || { cat "$work/floor.log"; exit 1; }
  sleep 0.5
done

profiled=($(printf '%s\n' "${pids[@]}" | grep -v '^web='))
mapfile -t floor_pids < <(servers "$floor")
bench() { .venv/bin/python scripts/benchmark.py --url "http://127.0.0.1:$RASA_PORT" --floor-url "http://127.0.0.1:$FLOOR_PORT" \
            --pids "${pids[@]}" --floor-pids "${floor_pids[@]}" "$@"; }

echo "== one conversation of $LONG_TURNS turns, assistant then floor"
quiet
bench --long-turns "$LONG_TURNS" --json "$out/growth.json"
if [ -x .venv/bin/py-spy ]; then
  echo "== profile of turns 11-20 and 191-200 of one conversation (py-spy)"
  quiet
  .venv/bin/python scripts/profile_turns.py --url "http://127.0.0.1:$RASA_PORT" --pids "${profiled[@]}" --out "$out/profile"
fi
for users in "${USER_COUNTS[@]}"; do
  echo "== load: $users users back to back, $ROUNDS rounds of $CONVERSATIONS conversations each, assistant and floor in turn"
  quiet
  bench --users "$users" --conversations "$CONVERSATIONS" --rounds "$ROUNDS" --json "$out/load-$users.json"
done
echo "== load with people's pace: 10 users, 1 s between a reply and the next turn"
quiet
bench --users 10 --conversations "$CONVERSATIONS" --rounds "$ROUNDS" --think 1 --json "$out/load-10-think1.json"
printf '{"training_seconds": %s, "cold_start_to_first_answer_seconds": %s}\n' "$train_s" "$ready_s" \
  | tee "$out/startup.json"
if grep -h "exited" "$work/serve.log" "$work/floor.log"; then echo "   (a server was started again during the benchmark: see above)"; fi
# docs/bench-before/ holds the same measurements of the design before the one-process Rasa (four processes).
.venv/bin/python scripts/bench_plots.py "$out" --before docs/bench-before
cp "$out/growth.png" docs/bench-growth.png
cp "$out/load.png" docs/bench-load.png
cp "$out/memory.png" docs/bench-memory.png
