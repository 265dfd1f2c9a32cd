"""Staff console through FastAPI's test client: login, CSRF, each route, audit, import."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from bot.answers.checklist import build_checklist
from bot.answers.render import Answers
from bot.settings import Settings
from bot.staff.accounts import audit_entries, create_user
from tests.conftest import SHARED
from webapp.main import create_app
from webapp.settings import WebSettings

ZHANG = "330502198503120112"
PROTECTED = ["/console", "/console/procedures/H-RENEW", "/console/applications", "/console/import",
             "/console/unanswered", "/console/audit"]


@pytest.fixture()
def app(tmp_path):
    settings = WebSettings(rasa_url="http://127.0.0.1:9", session_secret="s" * 40, secure_cookies=False,
                           data=Settings(f"sqlite:///{tmp_path / 'web.db'}", "test-key"))
    application = create_app(settings)
    engine = application.state.services.engine
    create_user(engine, username="staff1", password="correct horse 1")
    create_user(engine, username="admin1", password="correct horse 2", is_admin=True)
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


def test_search_and_guide_is_the_bots_text(staff, app):
    r = staff.get("/console", params={"q": "湖州培训合格证补证"})
    assert "/console/procedures/H-REISSUE" in r.text or "/console/procedures/P-REISSUE" in r.text
    page = staff.get("/console/procedures/H-RENEW").text
    guide = Answers(app.state.services.kb).procedure(["H-RENEW"], []).text()
    assert guide in html.unescape(page)
    assert staff.get("/console/procedures/NOPE").status_code == 404


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
    engine = app.state.services.engine
    kb = app.state.services.kb
    from bot.applications.importer import import_file

    assert import_file(SHARED / "eval" / "applications.csv", app.state.services.store, set(kb.procedures)).ok
    token = csrf_of(staff.get("/console/applications").text)
    r = staff.post("/console/applications", data={"csrf": token, "id_number": ZHANG, "name": "张伟"})
    assert r.status_code == 200 and "HZ2026110001" in r.text and "HZ2026110006" in r.text
    assert ZHANG not in r.text and "330*************12" in r.text
    entries = audit_entries(engine)
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


def test_logout_ends_the_session(staff):
    token = csrf_of(staff.get("/console").text)
    assert staff.post("/console/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert staff.get("/console", follow_redirects=False).status_code == 303
