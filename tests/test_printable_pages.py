"""The printable checklist and form pages through FastAPI's test client."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from bot.answers.checklist import build_checklist
from tests.conftest import make_app, make_settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return TestClient(make_app(make_settings(tmp_path_factory.mktemp("web"))))


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("code", ["H-CHANGE-EMPLOYER", "P-REISSUE", "N-LOST", "P-RENEW"])
def test_checklist_page_shows_the_checklist_answer(client, kb, code):
    r = client.get(f"/checklist/{code}")
    assert r.status_code == 200
    page, answer = r.text, build_checklist(kb, code)
    shown = text_of(page)
    for section in answer.sections:
        assert section.heading in shown
        assert all(item.text in shown for item in section.items)
    assert answer.source in shown and date.today().isoformat() in shown
    assert page.count('type="checkbox"') == sum(i.checkable for s in answer.sections for i in s.items)
    assert "<script>" not in page and "onclick" not in page and "<form" not in page


def test_checklist_phones_are_tel_links_and_forms_link_to_their_page(client, kb):
    page = client.get("/checklist/P-CANCEL").text
    number = kb.contacts["huzhou_association"].phones[0]
    assert f'href="tel:{number}"' in page
    assert f'href="/forms/{quote("附件五")}"' in page


def test_unknown_checklist_and_form_are_404_in_chinese(client):
    r = client.get("/checklist/P-NOPE")
    assert r.status_code == 404 and "P-NOPE" in text_of(r.text) and "没有" in r.text
    r = client.get(f"/forms/{quote('附件九')}")
    assert r.status_code == 404 and "附件一至附件六" in r.text


def test_checklist_escapes_the_code_it_echoes(client):
    r = client.get("/checklist/%3Cb%3Ex")
    assert r.status_code == 404 and "<b>x" not in r.text


@pytest.mark.parametrize("key", ["附件一", "附件二", "附件三", "附件四", "附件五", "附件六"])
def test_each_form_page_has_its_fields_and_signature_blocks_and_no_form_that_submits(client, kb, key):
    form = kb.forms[key]
    r = client.get(f"/forms/{quote(key)}")
    assert r.status_code == 200
    page = r.text
    shown = text_of(page)
    assert form.title in shown and kb.cite(form.source) in shown
    assert all(field in shown for field in form.fields)
    assert all(block in shown for block in form.signatures)
    inputs = re.findall(r'<(?:input|textarea)[^>]*data-field="([^"]+)"', page)
    expected = len(form.head_fields) + len(form.table_columns) * form.table_rows if form.table_columns else len(form.fields)
    assert len(inputs) == expected and set(inputs) == set(form.fields)
    assert page.count("<textarea") == len(form.long_fields)
    assert "<form" not in page and "name=" not in page.split("<main", 1)[1]
    assert all(f"/checklist/{code}" in page for code in form.used_by)


def test_form_list_links_all_six(client, kb):
    page = client.get("/forms").text
    assert all(f'href="/forms/{quote(key)}"' in page for key in kb.forms)
