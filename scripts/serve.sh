#!/usr/bin/env bash
# Start the action server (127.0.0.1:5055) and Rasa (127.0.0.1:5005) in the foreground; Ctrl-C stops both.
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
echo "assistant starting: Rasa http://127.0.0.1:5005 (REST /webhooks/rest/webhook, socket.io), actions http://127.0.0.1:5055"
wait -n "${pids[@]}"
