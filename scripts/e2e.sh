#!/usr/bin/env bash
# Start the assistant on scratch databases, import the sample applications, run the dev-set evaluation,
# the channel and abuse tests against the live servers, then the leak check over every stored table.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
source scripts/env.sh
require_free_ports "$RASA_PORT" "$ACTIONS_PORT" "$WEB_PORT"
export WEB_URL="http://127.0.0.1:$WEB_PORT"
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/assistant.db" TRACKER_DB="$work/tracker.db"
# Test settings for the WeChat channel (a real deployment sets its own).
export WECHAT_TOKEN="${WECHAT_TOKEN:-e2e-token}" WECHAT_APP_ID="${WECHAT_APP_ID:-wx0123456789abcdef}"
export WECHAT_AES_KEY="${WECHAT_AES_KEY:-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG}"
.venv/bin/python -m bot.applications.importer "$SHARED/eval/applications.csv"
export E2E_ADMIN_PASSWORD="${E2E_ADMIN_PASSWORD:-e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
echo "$E2E_ADMIN_PASSWORD" | .venv/bin/python -m bot.staff.manage create-user e2e-admin --admin --password-stdin
scripts/serve.sh > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 180); do
  if curl -sf "$RASA_URL/" >/dev/null && curl -sf "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null \
     && curl -sf "$WEB_URL/health" >/dev/null; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$work/serve.log"; echo "assistant did not start"; exit 1; fi
  sleep 1
done
# Warm the model up once, as a deployment does before taking traffic.
curl -sf -H 'Content-Type: application/json' -d '{"sender":"warmup","message":"你好"}' \
  "$RASA_URL/webhooks/rest/webhook" >/dev/null
.venv/bin/python "$SHARED/eval/run_eval.py" "$SHARED/eval/dev_cases.yml" --url "$RASA_URL" --min-rate "${MIN_RATE:-0.95}" --quiet "$@" \
  || { status=$?; tail -n 40 "$work/serve.log"; exit $status; }
# Channels and abuse against the running servers: WeChat, the chat page in headless Chromium, the limits.
.venv/bin/python -m pytest -q tests_e2e || { status=$?; tail -n 40 "$work/serve.log"; exit $status; }
# Nothing the conversations above held may have left an ID number, in any written form, in any table.
PYTHONPATH=. .venv/bin/python scripts/check_stored_ids.py --db "$TRACKER_DB" --db "$DATABASE_URL" \
  "$SHARED/eval/applications.csv" "$SHARED/eval/dev_cases.yml" tests_e2e/test_abuse.py
