#!/usr/bin/env bash
# Print a Python 3.8-3.10 interpreter for Rasa 3.6, or explain how to get one.
set -u
for candidate in "${PYTHON:-}" python3.10 python3.9 python3.8; do
  [ -n "$candidate" ] || continue
  for env in "PYENV_VERSION=3.10.13" ""; do
    if out=$(env $env "$candidate" -c 'import sys; print(sys.executable if (3,8) <= sys.version_info[:2] <= (3,10) else "")' 2>/dev/null) && [ -n "$out" ]; then
      echo "$out"; exit 0
    fi
  done
done
cat >&2 <<'MSG'
Rasa 3.6 needs Python 3.8, 3.9 or 3.10, and none was found.
  - with pyenv:   pyenv install 3.10.13   (then run make again)
  - on Debian:    apt-get install python3.10 python3.10-venv
  - or point to one:  make run PYTHON=/path/to/python3.10
MSG
exit 1
