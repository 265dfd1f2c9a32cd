"""The chat page in headless Chromium (Debian's build, driven by Playwright)."""

from __future__ import annotations

import os
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from bot.knowledge.base import default_knowledge

WEB = os.environ.get("WEB_URL", "http://127.0.0.1:8000")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "results" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def phone(browser) -> Page:
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not refused, f"the page broke its own Content-Security-Policy: {refused}"


def bot_count(page: Page) -> int:
    return page.locator(".msg.bot").count()


def ask(page: Page, text: str) -> None:
    before = bot_count(page)
    page.fill("#chat-input", text)
    page.click("#chat-send")
    page.locator(".msg.bot").nth(before).wait_for(timeout=15000)  # no string predicate: the page's CSP forbids eval


def test_ask_see_answer_click_button_reload(phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    kb = default_knowledge()
    phone.goto(WEB + "/")
    assert "办事助手" in phone.title()

    def slow(route):
        time.sleep(0.6)
        route.continue_()

    phone.route("**/api/chat", slow)
    phone.fill("#chat-input", "证书丢了怎么补办")
    phone.click("#chat-send")
    phone.wait_for_selector("#chat-typing:not([hidden])", timeout=5000)
    phone.wait_for_selector(".quick-reply:not([disabled])", timeout=15000)
    assert phone.locator("#chat-typing").is_hidden()
    buttons = phone.locator(".quick-reply:not([disabled])")
    assert buttons.count() == 2
    before = bot_count(phone)
    buttons.nth(1).click()
    phone.locator(".msg.bot").nth(before).wait_for(timeout=15000)
    phone.wait_for_timeout(300)
    # Rasa's REST channel sends a long answer as several messages (split at blank lines).
    answer = "\n".join(phone.locator(".msg.bot .bubble").all_inner_texts()[before:])
    assert kb.procedures["N-LOST"].materials()[1].text in answer
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(SHOTS / "chat-phone.png"), full_page=True)

    count = phone.locator(".msg").count()
    phone.reload()
    phone.wait_for_selector(".msg")
    assert phone.locator(".msg").count() == count


def test_text_is_escaped(phone):
    phone.goto(WEB + "/")
    ask(phone, "<img src=x onerror=\"document.body.dataset.pwned=1\"><b>粗体</b>")
    assert phone.locator(".msg img, .msg b").count() == 0
    assert phone.evaluate("document.body.dataset.pwned") is None
    assert "<b>粗体</b>" in phone.locator(".msg.user .bubble").last.inner_text()


def test_embed_snippet_opens_the_widget(browser, tmp_path):
    host = tmp_path / "host.html"
    host.write_text(f'<!doctype html><meta charset="utf-8"><h1>协会网站</h1><script src="{WEB}/embed.js" async></script>',
                    encoding="utf-8")
    # The association's site: another origin (over http, as a real site is), embedding the widget.
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(f"http://127.0.0.1:{site.server_address[1]}/host.html")
    page.click("#jl-chat-launcher")
    frame = page.frame_locator("iframe[title='监理工程师证书办事助手']")
    frame.locator("#chat-input").fill("湖州市监理协会的地址在哪里")
    frame.locator("#chat-send").click()
    address = default_knowledge().contacts["huzhou_association"].address
    frame.locator(f".msg.bot .bubble:has-text('{address}')").wait_for(timeout=15000)
    page.screenshot(path=str(SHOTS / "embed.png"))
    page.close()
    site.shutdown()


def test_the_page_keeps_no_full_id_number(phone):
    phone.goto(WEB + "/")
    ask(phone, "查询办理进度，身份证号 330502-19850312-0112，姓名张伟")
    assert "330502-19850312-0112" in phone.locator(".msg.user .bubble").last.inner_text()
    stored = phone.evaluate("localStorage.getItem('jl-chat-v1')")
    assert "19850312" not in stored and "330*************12" in stored


def test_console_login_search_guide_and_lookup(browser):
    password = os.environ["E2E_ADMIN_PASSWORD"]
    kb = default_knowledge()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(WEB + "/console")
    assert page.url.endswith("/console/login")
    page.fill("input[name=username]", "e2e-admin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(WEB + "/console")
    page.fill("input[name=q]", "湖州培训合格证增加专业")
    page.click("form.search button")
    page.click("a[href='/console/procedures/H-ADD-SPECIALTY']")
    assert kb.procedures["H-ADD-SPECIALTY"].summary in page.inner_text("pre.guide")
    page.screenshot(path=str(SHOTS / "console-guide.png"), full_page=True)
    page.goto(WEB + "/console/applications")
    page.fill("input[name=id_number]", "330502198503120112")
    page.fill("input[name=name]", "张伟")
    page.click("form.card button")
    page.wait_for_selector("table")
    assert "330502198503120112" not in page.content()
    page.goto(WEB + "/console/audit")
    assert "e2e-admin" in page.inner_text("table")
    page.screenshot(path=str(SHOTS / "console-audit.png"), full_page=True)
    page.close()
