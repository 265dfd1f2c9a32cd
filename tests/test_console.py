"""Staff console through FastAPI's test client: login, CSRF, each route, audit, import."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.answers.checklist import build_checklist
from bot.answers.render import Answers
from bot.settings import CONSOLE_PARSE_PATH
from tests.conftest import SHARED, make_app, make_settings

ZHANG = "330502198503120112"
PROTECTED = ["/console", "/console/procedures/H-RENEW", "/console/applications", "/console/import",
             "/console/unanswered", "/console/audit", "/console/review", "/console/stats", "/console/stats.csv"]


@pytest.fixture()
def app(tmp_path):
    application = make_app(make_settings(tmp_path, rasa_url="http://127.0.0.1:9", max_login_failures=3))
    accounts = application.state.services.accounts
    accounts.create_user(username="staff1", password="correct horse 1")
    accounts.create_user(username="admin1", password="correct horse 2", is_admin=True)
    return application


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def login(client: TestClient, username: str, password: str) -> None:
    token = csrf_of(client.get("/console/login").text)
    r = client.post("/console/login", data={"csrf": token, "username": username, "password": password},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console"


@pytest.fixture()
def staff(app):
    client = TestClient(app)
    login(client, "staff1", "correct horse 1")
    return client


@pytest.mark.parametrize("path", PROTECTED)
def test_every_console_page_needs_login(app, path):
    r = TestClient(app).get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/login"


def test_login_rejects_wrong_password_and_missing_csrf(app):
    client = TestClient(app)
    token = csrf_of(client.get("/console/login").text)
    assert client.post("/console/login", data={"csrf": token, "username": "staff1", "password": "nope"}).status_code == 401
    assert client.post("/console/login", data={"username": "staff1", "password": "correct horse 1"}).status_code == 403
    other = TestClient(app)
    assert other.post("/console/login", data={"csrf": token, "username": "staff1",
                                               "password": "correct horse 1"}).status_code == 403


def rasa_reading(reader, monkeypatch) -> list[str]:
    """Answer the console's parse requests as Rasa does (the reader's entities, the relay's secret checked)."""
    from webapp import deps

    asked: list[str] = []

    def parse(url: str, *, json: dict, headers: dict, timeout: float) -> httpx.Response:
        assert url.endswith(CONSOLE_PARSE_PATH) and headers["X-Relay-Secret"] == "relay-test-secret"
        asked.append(json["text"])
        entities = [e.as_rasa("KnowledgeEntityExtractor") for e in reader.read(json["text"])]
        return httpx.Response(200, json={"text": json["text"], "entities": entities},
                              request=httpx.Request("POST", url))

    monkeypatch.setattr(deps.httpx, "post", parse)
    return asked


def test_search_and_guide_is_the_bots_text(staff, app, reader, monkeypatch):
    asked = rasa_reading(reader, monkeypatch)
    r = staff.get("/console", params={"q": "湖州培训合格证补证"})
    assert asked == ["湖州培训合格证补证"]
    assert "/console/procedures/H-REISSUE" in r.text or "/console/procedures/P-REISSUE" in r.text
    page = staff.get("/console/procedures/H-RENEW").text
    guide = Answers(app.state.services.kb).procedure(["H-RENEW"], [])
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    parts = [x for sec in guide.sections for x in (sec.heading, sec.text, *(i.text for i in sec.items)) if x]
    assert parts and [x for x in parts if x not in shown] == []  # the page renders the bot's answer section by section
    assert staff.get("/console/procedures/NOPE").status_code == 404


def test_search_without_rasa_still_finds_the_words(staff):
    r = staff.get("/console", params={"q": "业务手册"})  # no Rasa at the test's address: words only
    assert r.status_code == 200 and "/console/procedures/H-ADD-SPECIALTY" in r.text


def test_guide_page_has_the_checklist_and_copy_buttons_for_it_and_each_phone(staff, app):
    kb = app.state.services.kb
    page = staff.get("/console/procedures/P-CANCEL").text
    checklist = build_checklist(kb, "P-CANCEL")
    copies = [html.unescape(c) for c in re.findall(r'data-copy="([^"]*)"', page)]
    assert checklist.text() in copies
    assert kb.contacts["huzhou_association"].phones[0] in copies
    assert all(section.heading in page for section in checklist.sections)
    assert 'href="/checklist/P-CANCEL"' in page and "/static/console.js" in page


def test_lookup_is_masked_and_audited(staff, app):
    kb = app.state.services.kb
    from bot.applications.importer import import_file

    assert import_file(SHARED / "eval" / "applications.csv", app.state.services.store, set(kb.procedures)).ok
    token = csrf_of(staff.get("/console/applications").text)
    r = staff.post("/console/applications", data={"csrf": token, "id_number": ZHANG, "name": "张伟"})
    assert r.status_code == 200 and "HZ2026110001" in r.text and "HZ2026110006" in r.text
    assert ZHANG not in r.text and "330*************12" in r.text
    entries = app.state.services.audit.entries()
    assert entries[0].username == "staff1" and entries[0].records == "HZ2026110001,HZ2026110006"
    assert ZHANG not in entries[0].subject
    bad = staff.post("/console/applications", data={"csrf": token, "id_number": "123", "name": "张伟"})
    assert bad.status_code == 422 and "18位" in bad.text
    assert staff.post("/console/applications", data={"id_number": ZHANG, "name": "张伟"}).status_code == 403


def test_audit_log_is_for_administrators(staff, app):
    assert staff.get("/console/audit").status_code == 403
    admin = TestClient(app)
    login(admin, "admin1", "correct horse 2")
    assert admin.get("/console/audit").status_code == 200


def test_import_through_the_page(staff, app):
    token = csrf_of(staff.get("/console/import").text)
    good = (SHARED / "eval" / "applications.csv").read_bytes()
    r = staff.post("/console/import", data={"csrf": token}, files={"file": ("a.csv", good, "text/csv")})
    assert r.status_code == 200 and "新增 6 条" in r.text
    bad = good.replace(b"H-RENEW", b"H-NOPE", 1)
    r = staff.post("/console/import", data={"csrf": token}, files={"file": ("b.csv", bad, "text/csv")})
    assert r.status_code == 422 and "第4行" in r.text
    r = staff.post("/console/import", data={"csrf": token}, files={"file": ("c.csv", "表头".encode("gbk"), "text/csv")})
    assert r.status_code == 422 and "UTF-8" in r.text


def test_unanswered_questions_with_counts(staff, app):
    store = app.state.services.store
    for _ in range(3):
        store.log_unanswered(text="监理工程师考试什么时候报名", reason="out_of_scope")
    store.log_unanswered(text=f"我的身份证{ZHANG}", reason="unknown")
    page = staff.get("/console/unanswered").text
    assert "监理工程师考试什么时候报名</td><td>3" in page and ZHANG not in page


def test_logout_ends_the_session_on_the_server(staff, app):
    cookie = staff.cookies.get("jl_console")
    token = csrf_of(staff.get("/console").text)
    assert staff.post("/console/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert staff.get("/console", follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"jl_console": cookie})
    assert replay.get("/console", follow_redirects=False).status_code == 303


def test_failed_logins_are_throttled_per_user_name_and_per_address(app):
    client = TestClient(app)
    token = csrf_of(client.get("/console/login").text)
    for _ in range(3):
        assert client.post("/console/login", data={"csrf": token, "username": "staff1",
                                                   "password": "wrong"}).status_code == 401
    refused = client.post("/console/login", data={"csrf": token, "username": "staff1", "password": "correct horse 1"})
    assert refused.status_code == 429 and "分钟后再试" in refused.text
    other_user = client.post("/console/login", data={"csrf": token, "username": "admin1",
                                                     "password": "correct horse 2"})
    assert other_user.status_code == 429  # same address


def test_every_page_sends_security_headers(app, staff):
    for path in ["/", "/console/login", "/console", "/embed.js", "/static/chat.js"]:
        headers = staff.get(path).headers
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
    widget = staff.get("/widget").headers
    assert "frame-ancestors *" in widget["content-security-policy"] and "x-frame-options" not in widget
    assert staff.get("/console").headers["cache-control"] == "no-store"


def test_embed_script_origin_comes_from_settings_not_host(app):
    script = TestClient(app).get("/embed.js", headers={"Host": "evil.example.com"}).text
    assert '"http://assistant.example.org"' in script and "evil" not in script


@pytest.mark.parametrize("overrides", [{"public_url": "https://zx.example.org"}, {"secure_cookies": True}])
def test_secure_cookies_when_https_or_asked(tmp_path, overrides):
    app = make_app(make_settings(tmp_path, **overrides))
    cookie = TestClient(app, base_url="https://testserver").get("/console/login").headers["set-cookie"]
    assert "secure" in cookie.lower() and "samesite=strict" in cookie.lower()
    plain = make_app(make_settings(tmp_path / "plain")).state.services.settings
    assert not plain.cookies_secure


@pytest.mark.parametrize(("content", "problem"), [
    (b"application_no,id_number\x00,name\n", "NUL"),
    (b"\xff\xfe\x00a", "UTF-8"),
    (b"", "缺少列"),
])
def test_bad_uploads_get_a_4xx_with_the_reason(staff, content, problem):
    token = csrf_of(staff.get("/console/import").text)
    r = staff.post("/console/import", data={"csrf": token}, files={"file": ("x.csv", content, "text/csv")})
    assert r.status_code == 422 and problem in r.text


def test_locks_are_shown_to_staff_and_lifted_by_an_administrator(app, staff):
    guard = app.state.services.guard
    id_hash = app.state.services.store.id_hash(ZHANG)
    for n in range(5):
        guard.record_failure(id_hash=id_hash, client=f"web:10.0.0.{n}")
    page = staff.get("/console/locks", params={"id_number": ZHANG}).text
    assert id_hash[:12] in page and "当前被锁定" in page and ZHANG not in page and "解除</button>" not in page
    token = csrf_of(page)
    assert staff.post("/console/locks/lift", data={"csrf": token, "scope": "id", "subject": id_hash}).status_code == 403
    admin = TestClient(app)
    login(admin, "admin1", "correct horse 2")
    token = csrf_of(admin.get("/console/locks").text)
    admin.post("/console/locks/lift", data={"csrf": token, "scope": "id", "subject": id_hash})
    assert not guard.blocked(id_hash=id_hash, client="web:10.9.9.9")
    assert app.state.services.audit.entries()[0].action == "unlock"


def record(app, message: str, **kw: object) -> str:
    from bot.database.turns import TurnCreate

    values: dict[str, object] = {"sender": "web-visitor", "channel": "web", "message": message, "kind": "not_understood",
                                 "answered": False, "intent": "nlu_fallback", "confidence": 0.2, "latency_ms": 900}
    values.update(kw)
    return app.state.services.turns.record(TurnCreate(**values))


def test_review_queue_groups_wordings_and_a_label_is_stored_and_audited(staff, app):
    record(app, "证书被狗啃了咋整")
    record(app, "证书被狗啃了咋整？")
    record(app, f"{ZHANG}的证书被狗啃了咋整")
    page = staff.get("/console/review").text
    assert page.count('class="queue-item"') == 2 and "共 2 次" in page and "没能回答" in page and ZHANG not in page
    assert '已复核、等待训练的问法：<strong id="awaiting-count">0</strong>' in page
    item = page.split('class="queue-item"')[1]
    turns = re.findall(r'name="turn" value="(\d+)"', item)
    assert len(turns) == 2  # one per wording of the group
    token = csrf_of(page)
    form = {"csrf": token, "turn": turns, "kind": "procedure", "procedure": "H-REISSUE", "aspect": "guide"}
    assert staff.post("/console/review", data={**form, "csrf": ""}).status_code == 403
    bad = staff.post("/console/review", data={**form, "procedure": ""})
    assert bad.status_code == 422 and "请选择办事事项" in bad.text
    r = staff.post("/console/review", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/review?order=frequent&saved=2"
    page = staff.get(r.headers["location"]).text
    assert page.count('class="queue-item"') == 1 and "已保存 2 条" in page
    assert '<strong id="awaiting-count">2</strong>' in page and "等待训练" in page and "未核对" in page
    entry = app.state.services.audit.entries()[0]
    assert (entry.username, entry.action, entry.subject) == ("staff1", "review", "procedure:H-REISSUE")
    assert entry.records.count("review:") == 2


def test_a_review_is_checked_at_once_against_the_serving_model(tmp_path, monkeypatch):
    """The model that serves (Rasa's console parse route, with the relay's secret) is asked whether it reads the
    wording as labelled."""
    from webapp.routers import console_review

    def nlu(request: httpx.Request) -> httpx.Response:
        assert request.url.path == CONSOLE_PARSE_PATH and request.headers["X-Relay-Secret"] == "relay-test-secret"
        return httpx.Response(200, json={"text": "x", "intent": {"name": "greet", "confidence": 0.8}, "entities": []})

    real = httpx.AsyncClient
    monkeypatch.setattr(console_review.httpx, "AsyncClient", lambda **kw: real(transport=httpx.MockTransport(nlu), **kw))
    application = make_app(make_settings(tmp_path, rasa_url="http://rasa.test"))
    application.state.services.accounts.create_user(username="staff1", password="correct horse 1")
    client = TestClient(application)
    login(client, "staff1", "correct horse 1")
    record(application, "那得揣上些啥子")
    page = client.get("/console/review").text
    turns = re.findall(r'name="turn" value="(\d+)"', page)
    client.post("/console/review", data={"csrf": csrf_of(page), "turn": turns, "kind": "aspect", "aspect": "materials"})
    assert "✗ 还读不懂" in client.get("/console/review").text  # greet is not a question the assistant answers


def test_stats_page_has_the_numbers_and_plots_and_the_csv_is_safe_and_audited(staff, app):
    for ms in (400, 600, 800):
        key = record(app, "湖州培训证延续要带啥", kind="procedure", answered=True, procedures=["H-RENEW"],
                     intent="ask_materials", confidence=0.95, latency_ms=ms)
        app.state.services.turns.rate(key=key, sender="web-visitor", rating="useful")
    record(app, "=HYPERLINK(\"http://x\")", latency_ms=None)
    page = staff.get("/console/stats").text
    assert '<strong id="n-questions">4</strong>' in page and '<strong id="n-answered">75%</strong>' in page
    assert page.count('src="data:image/png;base64,') == 4 and "0.60 秒" in page
    assert app.state.services.kb.procedures["H-RENEW"].title in page and "=HYPERLINK" in page
    assert staff.get("/console/stats", params={"days": 0}).status_code == 422
    csv_text = staff.get("/console/stats.csv", params={"days": 7})
    assert csv_text.headers["content-type"].startswith("text/csv") and "attachment" in csv_text.headers["content-disposition"]
    lines = csv_text.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("time,channel,message") and len(lines) == 5
    assert any(line.split(",")[2].startswith('"\'=HYPERLINK') for line in lines)
    assert app.state.services.audit.entries()[0].action == "export"
