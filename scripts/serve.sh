#!/usr/bin/env bash
# Upgrade the status store, then start Rasa and the web app and keep them running; Ctrl-C stops both.
# Rasa is one process: the model understands each message in a worker thread, the custom actions run in a thread
# of their own (rasa_ext/action_call.py; ACTION_ENDPOINT_URL names action servers instead), and it serves the REST,
# socket.io and WeChat channels once it has walked every path once (rasa_ext/server.py). The web app (webapp/)
# imports no model. A server that exits on its own (a crash, a `kill`) is started again; Ctrl-C or SIGTERM stops
# both within STOP_SECONDS (bot/settings.py), then whatever still runs is killed.
# Ports and addresses come from bot/settings.py (RASA_PORT, WEB_PORT override them); MODEL and ENDPOINTS change
# the model and the endpoints file; SERVE=rasa starts Rasa only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
.venv/bin/python -m bot.database.migrate
# One thread for TensorFlow's own work: one message is too little to share, and idle pool threads spin on the
# core the other turns need.
export OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
# An action server (ACTION_ENDPOINT_URL) keeps an idle connection open longer than Rasa, its client, does.
export SANIC_KEEP_ALIVE_TIMEOUT=75
run=$(mktemp -d)
trap 'stop' INT TERM
trap 'stop; rm -rf "$run"' EXIT

# keep NAME COMMAND...: run the command, and again whenever it exits, until the assistant stops.
keep() {
  local name=$1 status
  shift
  while :; do
    "$@" &
    echo $! > "$run/$name.pid"
    status=0
    wait $! || status=$?
    [ -e "$run/stopping" ] && return 0
    echo "serve.sh: $name exited (status $status); starting it again" >&2
    sleep 1
  done
}

stop() {
  trap - INT TERM
  touch "$run/stopping"
  local pids
  pids=$(cat "$run"/*.pid 2>/dev/null || true)
  [ -n "$pids" ] || return 0
  kill -TERM $pids 2>/dev/null || true
  local deadline=$(( SECONDS + ${STOP_SECONDS%.*} + 3 ))
  while kill -0 $pids 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  kill -KILL $pids 2>/dev/null || true
  wait 2>/dev/null || true
  exit 0
}

keep rasa .venv/bin/python -m rasa_ext.run run -i 127.0.0.1 -p "$RASA_PORT" --model "${MODEL:-models/assistant.tar.gz}" \
  --credentials credentials.yml --endpoints "${ENDPOINTS:-endpoints.yml}" --cors "*" &
urls=("$RASA_URL/")
if [ "${SERVE:-all}" = all ]; then
  keep web .venv/bin/uvicorn --factory webapp.main:create_app --host 127.0.0.1 --port "$WEB_PORT" --ws none \
    --log-level warning --timeout-graceful-shutdown "${STOP_SECONDS%.*}" &
  urls+=("http://127.0.0.1:$WEB_PORT/health")
fi
echo "assistant starting: Rasa http://127.0.0.1:$RASA_PORT (REST /webhooks/rest/webhook, socket.io, WeChat /webhooks/wechat/webhook)${ACTION_ENDPOINT_URL:+, actions $ACTION_ENDPOINT_URL}"
serving() { local url; for url in "$@"; do curl -sf "$url" >/dev/null || return 1; done; }
until serving "${urls[@]}"; do sleep 0.5; done
if [ "${SERVE:-all}" = all ]; then  # the relay's first request, as the warm-up did for Rasa's channels
  curl -sf -H 'Content-Type: application/json' -d '{"sender": "warmup-web-relay", "message": "你好"}' \
    "http://127.0.0.1:$WEB_PORT/api/chat" >/dev/null || echo "serve.sh: the web relay did not answer" >&2
  echo "assistant ready: chat page and staff console http://127.0.0.1:$WEB_PORT (/console)"
else
  echo "assistant ready"
fi
wait
