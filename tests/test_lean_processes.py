"""The web app and an action server import no TensorFlow, no spaCy and no model (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("tensorflow", "keras", "spacy", "thinc", "torch", "jax", "rasa", "sklearn", "pypinyin")
CHECK = f"""
import json, sys
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}} & set({list(HEAVY)!r}))))
"""

WEB_APP = """
from fastapi.testclient import TestClient
from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from tests.conftest import make_settings
from webapp.main import create_app
import pathlib, tempfile
tmp = pathlib.Path(tempfile.mkdtemp())
settings = make_settings(tmp, rasa_url="http://127.0.0.1:9")
upgrade(make_engine(settings.database_url))
client = TestClient(create_app(settings))
for path in ("/", "/widget", "/checklist/H-REISSUE", "/forms", "/health"):
    assert client.get(path).status_code == 200, path
assert client.post("/api/chat", json={"sender": "abcdefgh", "message": "你好"}).status_code == 503  # no Rasa here
"""

ACTION_SERVER = """
import tempfile, pathlib, os
tmp = pathlib.Path(tempfile.mkdtemp())
os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'status.db'}"
os.environ["VAR_DIR"] = str(tmp / "var")
from bot.database.engine import make_engine
from bot.database.migrate import upgrade
upgrade(make_engine(os.environ["DATABASE_URL"]))
from rasa_sdk.executor import ActionExecutor
from actions.services import default_services
executor = ActionExecutor()
executor.register_package("actions")
assert "action_answer_question" in executor.actions
default_services()
"""


@pytest.mark.parametrize(("name", "script"), [("web app", WEB_APP), ("action server", ACTION_SERVER)])
def test_no_tensorflow_and_no_model_in_the_process(name, script):
    done = subprocess.run([sys.executable, "-c", script + CHECK], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [], f"the {name} imports these"
