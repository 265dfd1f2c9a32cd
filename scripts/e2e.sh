#!/usr/bin/env bash
# Start the assistant on scratch databases, import the sample applications, run the dev-set evaluation,
# the channel and abuse tests against the live servers, then the leak check over every stored table.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
source scripts/env.sh
require_free_ports "$RASA_PORT" "$WEB_PORT"
export WEB_URL="http://127.0.0.1:$WEB_PORT"
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/assistant.db" TRACKER_DB="$work/tracker.db"
# The evaluation sets reason relative dates ("明年六月底到期") from this day.
export ASSISTANT_TODAY="${ASSISTANT_TODAY:-2026-11-21}"
# Test settings for the WeChat channel (a real deployment sets its own).
export WECHAT_TOKEN="${WECHAT_TOKEN:-e2e-token}" WECHAT_APP_ID="${WECHAT_APP_ID:-wx0123456789abcdef}"
export WECHAT_AES_KEY="${WECHAT_AES_KEY:-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG}"
# The evaluation clients and the tests call from this machine, many conversations a second: not rate-limited.
# The rate limits are tested with other (relayed) addresses (tests_e2e/test_faults.py).
export UNLIMITED_CLIENTS='["rest:127.0.0.1", "web:127.0.0.1"]'
.venv/bin/python -m bot.applications.importer "$SHARED/eval/applications.csv"
export E2E_ADMIN_PASSWORD="${E2E_ADMIN_PASSWORD:-e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
echo "$E2E_ADMIN_PASSWORD" | .venv/bin/python -m bot.staff.manage create-user e2e-admin --admin --password-stdin
scripts/serve.sh > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
# Ready once the servers walked every path once (scripts/serve.sh says so).
for _ in $(seq 1 300); do
  if grep -q "assistant ready" "$work/serve.log"; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$work/serve.log"; echo "assistant did not start"; exit 1; fi
  sleep 1
done
grep -q "assistant ready" "$work/serve.log" || { cat "$work/serve.log"; echo "assistant not ready"; exit 1; }
# The evaluation sets: the development set at 100%, the applicants'-style set at 95% overall and 90% in every
# category, our own held-out sets (written apart from the team's data) at 90% (A) and 95% (D, scored 79% at first
# read before issue 17's work; docs/heldout.md). Reports: results/eval/.
mkdir -p results/eval
evaluate() {  # evaluate NAME CASES MIN_RATE MIN_CATEGORY
  .venv/bin/python "$SHARED/eval/run_eval.py" "$2" --url "$RASA_URL" --quiet --min-rate 0 --report "results/eval/$1.json" \
    | tail -n 4
  .venv/bin/python scripts/eval_gate.py "results/eval/$1.json" --min-rate "$3" --min-category "$4" \
    || { python3 scripts/eval_table.py "results/eval/$1.json"; tail -n 40 "$work/serve.log"; return 1; }
}
evaluate dev "$SHARED/eval/dev_cases.yml" "${DEV_MIN_RATE:-1.0}" 0
evaluate robust "$SHARED/eval/robust_cases.yml" 0.95 0.90
evaluate heldout_a tests/data/heldout_a.yml 0.90 0
evaluate heldout_d tests/data/heldout_d.yml 0.95 0
# Channels and abuse against the running servers: WeChat, the chat page in headless Chromium, the limits.
.venv/bin/python -m pytest -q tests_e2e || { status=$?; tail -n 40 "$work/serve.log"; exit $status; }
# Nothing the conversations above held may have left an ID number, in any written form, in any table.
PYTHONPATH=. .venv/bin/python scripts/check_stored_ids.py --db "$TRACKER_DB" --db "$DATABASE_URL" --expect turns --expect reviews \
  "$SHARED/eval/applications.csv" "$SHARED/eval/dev_cases.yml" "$SHARED/eval/robust_cases.yml" tests/data/heldout_a.yml tests/data/heldout_d.yml \
  tests_e2e/test_abuse.py tests_e2e/test_conversations.py
