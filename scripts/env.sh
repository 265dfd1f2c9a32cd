# Settings for the shell scripts. The defaults live in bot/settings.py (the one place); environment
# variables override them, there and here. Ports of test-only servers follow below.
_assistant_settings=$(.venv/bin/python -m bot.settings --shell) || { echo "scripts/env.sh: the settings cannot be read" >&2; return 1; }
eval "$_assistant_settings"
unset _assistant_settings
# Servers that only the tests start (the second Rasa of the scale-out test, the floor bot, Redis, PostgreSQL).
export RASA2_PORT="${RASA2_PORT:-5007}" FLOOR_PORT="${FLOOR_PORT:-5006}"
export TEST_REDIS_PORT="${TEST_REDIS_PORT:-6390}" TEST_PG_PORT="${TEST_PG_PORT:-5439}"
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
