#!/usr/bin/env bash
# Upgrade the status store, then start the action server (loopback only), Rasa and the web app; Ctrl-C stops all.
# On a machine with two cores or more, messages are understood by an NLU server beside Rasa, on the other core
# (rasa_ext/nlu_server.py; NLU_SERVER=0 keeps the understanding inside Rasa, NLU_SERVER=1 forces the server).
# Rasa then loads the dialogue model alone (models/assistant-dialogue.tar.gz, `rasa train core`; DIALOGUE_MODEL).
# Ports and addresses come from bot/settings.py (RASA_PORT, ACTIONS_PORT, NLU_PORT, WEB_PORT, ACTIONS_HOST
# override them); MODEL and ENDPOINTS change the model and the endpoints file; SERVE=rasa starts Rasa only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
.venv/bin/python -m bot.database.migrate
model="${MODEL:-models/assistant.tar.gz}" rasa_model="${MODEL:-models/assistant.tar.gz}"
nlu_server="${NLU_SERVER:-$(( $(getconf _NPROCESSORS_ONLN) >= 2 ))}"
if [ "$nlu_server" = 1 ]; then
  rasa_model="${DIALOGUE_MODEL:-models/assistant-dialogue.tar.gz}"
  [ -f "$rasa_model" ] || { echo "$rasa_model is missing: make train (or NLU_SERVER=0)" >&2; exit 1; }
fi
# One thread per process for TensorFlow and oneDNN: one message is too little work to share, and idle pool
# threads spin on the cores the other processes need.
export OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
# Our servers keep an idle connection open longer than their clients (Rasa) do, so Rasa reuses its
# connections to the action server and the NLU server and never sends on one the server has closed.
export SANIC_KEEP_ALIVE_TIMEOUT=75
pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
if [ "${SERVE:-all}" = all ]; then
  .venv/bin/python -m rasa_sdk --actions actions -p "$ACTIONS_PORT" &  # listens on SANIC_HOST (127.0.0.1)
  pids+=($!)
fi
if [ "$nlu_server" = 1 ]; then
  .venv/bin/python -m rasa_ext.nlu_server --model "$model" --port "$NLU_PORT" &
  pids+=($!)
  export NLU_URL="http://127.0.0.1:$NLU_PORT"
fi
.venv/bin/python -m rasa_ext.run run -i 127.0.0.1 -p "$RASA_PORT" --model "$rasa_model" \
  --credentials credentials.yml --endpoints "${ENDPOINTS:-endpoints.yml}" --cors "*" &
pids+=($!)
if [ "${SERVE:-all}" = all ]; then
  .venv/bin/uvicorn --factory webapp.main:create_app --host 127.0.0.1 --port "$WEB_PORT" --ws none --log-level warning &
  pids+=($!)
fi
echo "assistant starting: Rasa http://127.0.0.1:$RASA_PORT (REST /webhooks/rest/webhook, socket.io, WeChat /webhooks/wechat/webhook),"
echo "  actions http://$SANIC_HOST:$ACTIONS_PORT${NLU_URL:+, NLU $NLU_URL}, chat page and staff console http://127.0.0.1:$WEB_PORT (/console)"
wait -n "${pids[@]}"
