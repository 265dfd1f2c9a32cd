# Embedded defaults for one machine; every value can be overridden from the environment.
# Ports (override to run several checkouts side by side).
export RASA_PORT="${RASA_PORT:-5005}" ACTIONS_PORT="${ACTIONS_PORT:-5055}" WEB_PORT="${WEB_PORT:-8000}"
export RASA2_PORT="${RASA2_PORT:-5007}" FLOOR_PORT="${FLOOR_PORT:-5006}"
export TEST_REDIS_PORT="${TEST_REDIS_PORT:-6390}" TEST_PG_PORT="${TEST_PG_PORT:-5439}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}"
export TRACKER_DIALECT="${TRACKER_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-var/tracker.db}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$PWD/var/assistant.db}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_TELEMETRY_ENABLED=false

# require_free_ports PORT...: stop with a message when something already listens on a port we are about to use.
require_free_ports() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is already in use: stop what runs there first (make run / scripts/serve.sh)" >&2
      return 1
    fi
  done
}
