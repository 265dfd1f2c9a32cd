#!/usr/bin/env bash
# Start the action server (127.0.0.1:5055), Rasa (127.0.0.1:5005) and the web app (127.0.0.1:8000); Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p var
pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions -p 5055 &
pids+=($!)
.venv/bin/python -m rasa_ext.run run -i 127.0.0.1 -p 5005 --model models/assistant.tar.gz \
  --credentials credentials.yml --endpoints endpoints.yml --cors "*" &
pids+=($!)
.venv/bin/uvicorn --factory webapp.main:create_app --host 127.0.0.1 --port 8000 --ws none --log-level warning &
pids+=($!)
echo "assistant starting: Rasa http://127.0.0.1:5005 (REST /webhooks/rest/webhook, socket.io, WeChat /webhooks/wechat/webhook),"
echo "  actions http://127.0.0.1:5055, chat page and staff console http://127.0.0.1:8000 (/console)"
wait -n "${pids[@]}"
