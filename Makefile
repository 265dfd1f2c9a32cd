# make run   — set up everything on a fresh machine and start the assistant (Ctrl-C stops it)
# make test  — set up everything and run every test
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MODEL := models/assistant.tar.gz
JIEBA_DICT := .build/jieba/kb_terms.txt
TRAIN_INPUTS := $(shell find data knowledge -name '*.yml') config.yml domain.yml rasa_ext/nlu.py bot/language/*.py bot/language/text.py

.PHONY: run test setup train db migration import user lint unit validate stories nlu-quality browser e2e scale bench clean

run: setup $(MODEL) db
	scripts/serve.sh

test: setup $(MODEL) lint unit validate stories nlu-quality e2e scale

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt scripts/find_python.sh
	@python=$$(scripts/find_python.sh) && { [ -x $(PY) ] || "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(JIEBA_DICT): $(VENV)/.installed $(shell find knowledge -name '*.yml') bot/language/terms.py
	$(PY) -m bot.language.terms

data/nlu/kb_generated.yml: $(VENV)/.installed $(shell find knowledge -name '*.yml') bot/language/training.py
	$(PY) -m bot.language.training

$(MODEL): $(JIEBA_DICT) data/nlu/kb_generated.yml $(TRAIN_INPUTS)
	source scripts/env.sh && $(VENV)/bin/rasa train --fixed-model-name assistant --out models --quiet

# The wordings staff reviewed in the console go into data/nlu/reviewed.yml first (rewritten only when it changes);
# after training, the reviews learnt are marked and each is checked against the new model (scripts/check_reviewed.py).
train: db
	source scripts/env.sh && $(PY) -m bot.feedback.export
	$(MAKE) --no-print-directory $(MODEL)
	source scripts/env.sh && PYTHONPATH=. $(PY) scripts/check_reviewed.py --model $(MODEL)

# The status store's schema: upgrade to the newest revision (Alembic, bot/database/migrations).
db: setup
	source scripts/env.sh && $(PY) -m bot.database.migrate

# A new revision from the changes in bot/database/tables.py:  make migration MESSAGE="what changed"
migration: db
	@test -n "$(MESSAGE)" || { echo 'usage: make migration MESSAGE="what changed"'; exit 2; }
	source scripts/env.sh && $(PY) -m bot.database.migrate new "$(MESSAGE)"

import: db
	@test -n "$(FILE)" || { echo "usage: make import FILE=path.csv"; exit 2; }
	source scripts/env.sh && $(PY) -m bot.applications.importer "$(FILE)"

user: db
	@test -n "$(NAME)" || { echo "usage: make user NAME=username [ADMIN=1]"; exit 2; }
	source scripts/env.sh && $(PY) -m bot.staff.manage create-user "$(NAME)" $(if $(ADMIN),--admin)

# ruff over all Python code; mypy over bot/ and actions/ (pyproject.toml: strict, minus what untyped libraries break).
lint: setup
	$(VENV)/bin/ruff check bot actions rasa_ext webapp tests tests_e2e tests_scale scripts
	$(VENV)/bin/mypy

unit: setup $(JIEBA_DICT)
	source scripts/env.sh && $(PY) -m pytest -q tests

validate: setup $(JIEBA_DICT)
	source scripts/env.sh && $(VENV)/bin/rasa data validate --fail-on-warnings --quiet
	$(PY) ../shared/tools/check_facts.py knowledge

# Rasa's tests run through rasa_ext.run too: the model loads without a training step and the process ends at once.
stories: setup $(MODEL)
	source scripts/env.sh && $(PY) -m rasa_ext.run test core --e2e --stories tests/conversations --model $(MODEL) \
	  --fail-on-prediction-errors --out results/stories --quiet

# Intent quality of the trained model on new fills of the templates (another seed, none in the training data).
nlu-quality: setup $(MODEL)
	mkdir -p results && $(PY) -m bot.language.training --holdout results/nlu_holdout.yml
	source scripts/env.sh && $(PY) -m rasa_ext.run test nlu --nlu results/nlu_holdout.yml --model $(MODEL) \
	  --out results/nlu --quiet > results/nlu.log 2>&1 || { tail -n 30 results/nlu.log; exit 1; }
	$(PY) scripts/nlu_quality.py results/nlu

scale: setup $(MODEL)
	scripts/scale_test.sh

bench: setup $(MODEL)
	scripts/bench.sh

# Debian's chromium, and the Noto CJK fonts so that screenshots show Chinese characters rather than boxes.
browser:
	@{ command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1; } \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; } \
	  || { echo "the browser tests need Debian's chromium and fonts-noto-cjk: apt-get install chromium fonts-noto-cjk"; exit 1; }

e2e: setup $(MODEL) browser
	scripts/e2e.sh

clean:
	rm -rf models .build var
