"""The whole loop on a small model: a misread question is queued, labelled in the console, exported, trained on,
and then understood; the console counts it as awaiting training until then and marks it read right after.

The model is a tiny one (three intents, a handful of examples, a logistic-regression classifier) trained in a
temporary folder, so that the loop runs in seconds; `make train` runs the same export and check on the real one.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re

from fastapi.testclient import TestClient

from bot.database.turns import TurnCreate
from bot.feedback.export import export
from tests.conftest import ROOT, make_app, make_settings

spec = importlib.util.spec_from_file_location("check_reviewed", ROOT / "scripts" / "check_reviewed.py")
check_reviewed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_reviewed)

CONFIG = """recipe: default.v1
language: zh
assistant_id: tiny-review-loop
pipeline:
  - name: JiebaTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: LogisticRegressionClassifier
policies: []
"""
DATA = """version: "3.1"
nlu:
  - intent: ask_materials
    examples: |
      - 要带什么材料
      - 需要准备哪些东西
      - 交什么资料
      - 材料清单有哪些
      - 要带身份证吗
  - intent: ask_time
    examples: |
      - 要多久
      - 几天能办好
      - 多长时间能拿到证
      - 什么时候能办完
      - 要等几个工作日
  - intent: out_of_scope
    examples: |
      - 今天天气怎么样
      - 帮我写首诗
      - 附近有什么好吃的
      - 股票能买吗
"""
MISREAD = "俺得揣上些啥玩意儿"  # "what do I have to bring": the small model takes it for small talk


def train(tmp_path, name: str):
    """Train the small model on every file of the data folder; return it loaded and its fingerprint."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    model = train_nlu(str(tmp_path / "config.yml"), str(tmp_path / "nlu"), str(tmp_path / "models"),
                      fixed_model_name=name)
    return Agent.load(model), check_reviewed.fingerprint(tmp_path / "models" / f"{name}.tar.gz")


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_a_labelled_question_is_exported_trained_on_and_then_understood(tmp_path, monkeypatch, kb):
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "nlu").mkdir()
    (tmp_path / "nlu" / "tiny.yml").write_text(DATA, encoding="utf-8")
    app = make_app(make_settings(tmp_path))
    services = app.state.services
    services.accounts.create_user(username="wangli", password="correct horse 1")

    before, before_id = train(tmp_path, "before")
    assert asyncio.run(before.parse_message(MISREAD))["intent"]["name"] != "ask_materials"
    services.turns.record(TurnCreate(sender="web-visitor", channel="web", message=MISREAD, intent="out_of_scope",
                                     confidence=0.52, kind="not_understood", answered=False))

    staff = TestClient(app)
    page = staff.get("/console/login").text
    staff.post("/console/login", data={"csrf": csrf_of(page), "username": "wangli", "password": "correct horse 1"})
    page = staff.get("/console/review").text
    assert MISREAD in page and "没能回答" in page
    turns = re.findall(r'name="turn" value="(\d+)"', page)
    staff.post("/console/review", data={"csrf": csrf_of(page), "turn": turns, "kind": "aspect", "aspect": "materials"})
    queue = services.review
    assert queue.awaiting_training() == 1 and queue.groups() == []

    result = export(queue, kb, output=tmp_path / "nlu" / "reviewed.yml", withheld=set())
    assert [(e.text, e.intent) for e in result.examples] == [(MISREAD, "ask_materials")]
    assert asyncio.run(check_reviewed.check(queue, kb, before.parse_message, before_id)) == (0, 1)
    assert "✗ 还读不懂" in staff.get("/console/review").text

    after, after_id = train(tmp_path, "after")
    assert queue.mark_trained({e.text for e in result.examples}) == 1
    assert asyncio.run(check_reviewed.check(queue, kb, after.parse_message, after_id)) == (1, 1)
    assert asyncio.run(after.parse_message(MISREAD))["intent"]["name"] == "ask_materials"
    page = staff.get("/console/review").text
    assert "✓ 已能读懂" in page and '<strong id="awaiting-count">0</strong>' in page and "已训练" in page
    assert queue.unchecked(after_id) == []  # checked once per model

