#!/usr/bin/env bash
# Upgrade the status store, then start the action server (loopback only), Rasa and the web app; Ctrl-C stops all.
# Ports and addresses come from bot/settings.py (RASA_PORT, ACTIONS_PORT, WEB_PORT, ACTIONS_HOST override them);
# ENDPOINTS changes the endpoints file; SERVE=rasa starts Rasa only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
.venv/bin/python -m bot.database.migrate
pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
if [ "${SERVE:-all}" = all ]; then
  .venv/bin/python -m rasa_sdk --actions actions -p "$ACTIONS_PORT" &  # listens on SANIC_HOST (127.0.0.1)
  pids+=($!)
fi
.venv/bin/python -m rasa_ext.run run -i 127.0.0.1 -p "$RASA_PORT" --model "${MODEL:-models/assistant.tar.gz}" \
  --credentials credentials.yml --endpoints "${ENDPOINTS:-endpoints.yml}" --cors "*" &
pids+=($!)
if [ "${SERVE:-all}" = all ]; then
  .venv/bin/uvicorn --factory webapp.main:create_app --host 127.0.0.1 --port "$WEB_PORT" --ws none --log-level warning &
  pids+=($!)
fi
echo "assistant starting: Rasa http://127.0.0.1:$RASA_PORT (REST /webhooks/rest/webhook, socket.io, WeChat /webhooks/wechat/webhook),"
echo "  actions http://$SANIC_HOST:$ACTIONS_PORT, chat page and staff console http://127.0.0.1:$WEB_PORT (/console)"
wait -n "${pids[@]}"
