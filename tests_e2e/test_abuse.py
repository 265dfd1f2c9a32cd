"""Probing the live servers as an attacker would (issue 10): every channel, every limit, every stored row.

Runs last in tests_e2e (see conftest.py). The ID numbers used here are listed in this file, so
scripts/check_stored_ids.py, run after it by scripts/e2e.sh, looks for them in every stored table.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from bot.rules.idnumber import clean, read_all_ids
from bot.settings import get_settings

RASA = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
WEB = os.environ.get("WEB_URL", "http://127.0.0.1:8000")
TRACKER_DB = os.environ.get("TRACKER_DB", "")
WECHAT_TOKEN = os.environ.get("WECHAT_TOKEN", "e2e-token")
ZHANG = "330502198503120112"  # 张伟, on file
LINA = "330503197907080235"  # 李娜, on file
LIUYANG = "330102199005150477"  # 刘洋, on file
WANGQIANG = "33052119680101035X"  # 王强, on file
WRITTEN_FORMS = [
    "330502-19850312-0112", "330502—19850312—0112", "330502–19850312–0112", "330502.19850312.0112",
    "330502  19850312  0112", "３３０５０２１９８５０３１２０１１２", "330502\u300019850312\u30000112",
]
TRY_AGAIN = "暂停"


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def say(sender: str, text: str, browser: str | None = None) -> str:
    """Send a message to the REST channel, as the web relay for a browser address when one is given."""
    headers = {"Content-Type": "application/json"}
    if browser:
        headers |= {"X-Relay-Secret": get_settings().relay_secret, "X-Client-Address": browser}
    status, _, body = http(RASA + "/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode(),
                           headers)
    assert status == 200, body
    return "\n".join(m.get("text") or "" for m in json.loads(body))


def fresh() -> str:
    return f"abuse-{uuid.uuid4().hex[:12]}"


def stored_rows(sender: str) -> list[str]:
    with sqlite3.connect(TRACKER_DB) as db:
        return [row[0] for row in db.execute("select data from events where sender_id = ?", (sender,))]


def strings_in(value: object) -> list[str]:
    """Return every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def holds(rows: list[str], number: str) -> bool:
    """Say whether stored rows hold a number: read by the reader, or its digits with separators dropped."""
    text = "\n".join(rows)
    return number in read_all_ids(text) or number[6:17] in re.sub(r"[^0-9]", "", clean(text))


@pytest.mark.skipif(not TRACKER_DB, reason="needs the tracker store of the running servers (scripts/e2e.sh)")
@pytest.mark.parametrize("written", WRITTEN_FORMS)
def test_every_written_form_is_used_for_the_lookup_and_masked_in_the_store(written):
    sender = fresh()
    reply = say(sender, f"查询办理进度，身份证号{written}，姓名张伟", browser="198.51.100.10")
    assert "审核中" in reply and ZHANG not in reply
    rows = stored_rows(sender)
    assert rows and not holds(rows, ZHANG)
    assert any("330*************12" in row for row in rows)


@pytest.mark.skipif(not TRACKER_DB, reason="needs the tracker store of the running servers (scripts/e2e.sh)")
def test_a_number_split_over_two_messages_is_read_and_masked_in_both():
    sender = fresh()
    say(sender, "我想查一下办理进度", browser="198.51.100.11")
    first = say(sender, "身份证号 330502 19850312", browser="198.51.100.11")
    assert "剩余" in first
    second = say(sender, "0112，姓名张伟", browser="198.51.100.11")
    assert "审核中" in second
    rows = stored_rows(sender)
    assert not holds(rows, ZHANG) and "19850312" not in "".join(rows)


@pytest.mark.skipif(not TRACKER_DB, reason="needs the tracker store of the running servers (scripts/e2e.sh)")
def test_the_last_digits_said_after_a_tail_word_are_masked_in_the_store_and_the_page():
    sender = fresh()
    say(sender, "身份证尾号0235的办好了吗", browser="198.51.100.12")
    say(sender, "证件后四位是 1234 我的变更批了没", browser="198.51.100.12")
    texts = [json.loads(row).get("text") or "" for row in stored_rows(sender)]
    assert "身份证尾号****的办好了吗" in texts and "证件后四位是 **** 我的变更批了没" in texts
    strings = [s for row in stored_rows(sender) for s in strings_in(json.loads(row))]  # not the timestamps' digits
    assert strings and not any(tail in s for s in strings for tail in ("0235", "1234"))
    status, headers, _ = http(WEB + "/api/chat", json.dumps({"sender": fresh(), "message": "我的尾号是0235"}).encode(),
                              {"Content-Type": "application/json"})
    assert status == 200 and urllib.parse.unquote(headers["x-masked-message"]) == "我的尾号是****"


def test_twenty_wrong_names_from_twenty_conversations_then_the_right_one_is_refused():
    for n in range(20):
        reply = say(fresh(), f"查询办理进度，身份证号{LINA}，姓名王芳", browser=f"203.0.113.{n + 1}")
        assert "补正" not in reply
    refused = say(fresh(), f"查询办理进度，身份证号{LINA}，姓名李娜", browser="203.0.113.200")
    assert TRY_AGAIN in refused and "补正" not in refused and LINA not in refused
    assert re.search(r"\d{4}-?\d{7}", refused)  # the association's phone


def test_restart_does_not_reset_the_limit():
    sender = fresh()
    for _ in range(5):
        say(sender, f"查询办理进度，身份证号{LIUYANG}，姓名王芳", browser="192.0.2.50")
        say(sender, "/restart", browser="192.0.2.50")
    refused = say(sender, f"查询办理进度，身份证号{LIUYANG}，姓名刘洋", browser="192.0.2.50")
    assert TRY_AGAIN in refused and "已受理" not in refused


def test_one_client_trying_many_numbers_is_stopped_and_cannot_pose_as_another():
    limit = get_settings().max_client_failures
    for n in range(limit):
        say(fresh(), f"查询办理进度，身份证号{'3305021985031201' + str(10 + n)}，姓名王芳", browser="192.0.2.77")
    refused = say(fresh(), f"查询办理进度，身份证号{WANGQIANG}，姓名王强", browser="192.0.2.77")
    assert TRY_AGAIN in refused and "办结" not in refused
    assert "办结" in say(fresh(), f"查询办理进度，身份证号{WANGQIANG}，姓名王强", browser="192.0.2.78")
    # Without the relay's secret, neither a header nor the body's metadata names the client: the caller's
    # own address is used, so claiming the locked client changes nothing here.
    lookup = json.dumps({"sender": fresh(), "message": f"查询办理进度，身份证号{WANGQIANG}，姓名王强",
                         "metadata": {"client": "web:192.0.2.77"}}).encode()
    forged = {"Content-Type": "application/json", "X-Relay-Secret": "guess", "X-Client-Address": "192.0.2.77"}
    status, _, body = http(RASA + "/webhooks/rest/webhook", lookup, forged)
    assert status == 200 and "办结" in "".join(m.get("text") or "" for m in json.loads(body))


def test_the_web_relay_answers_and_gives_the_page_only_the_masked_message():
    status, headers, body = http(WEB + "/api/chat", json.dumps({
        "sender": fresh(), "message": f"查询办理进度，身份证号{ZHANG}，姓名张伟"}).encode(),
        {"Content-Type": "application/json"})
    assert status == 200 and "审核中" in body
    stored = urllib.parse.unquote(headers["x-masked-message"])
    assert ZHANG not in stored and "330*************12" in stored


def signed(timestamp: int) -> dict[str, str]:
    nonce = uuid.uuid4().hex[:8]
    signature = hashlib.sha1("".join(sorted([WECHAT_TOKEN, str(timestamp), nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": str(timestamp), "nonce": nonce}


def wechat(query: dict[str, str], user: str, text: str, msg_id: int) -> tuple[int, str]:
    xml = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
    status, _, body = http(RASA + "/webhooks/wechat/webhook?" + urllib.parse.urlencode(query), xml.encode(),
                           {"Content-Type": "application/xml"})
    return status, body


def test_wechat_refuses_a_day_old_signature():
    status, _ = wechat(signed(int(time.time()) - 86400), f"o-{fresh()}", "你好", time.time_ns())
    assert status == 403


@pytest.mark.skipif(not TRACKER_DB, reason="needs the tracker store of the running servers (scripts/e2e.sh)")
def test_wechat_retry_gets_the_same_reply_without_a_second_turn():
    user, msg_id = f"o-{fresh()}", time.time_ns()
    first = wechat(signed(int(time.time())), user, "湖州市监理协会的电话是多少", msg_id)
    again = wechat(signed(int(time.time())), user, "湖州市监理协会的电话是多少", msg_id)
    assert first[0] == again[0] == 200
    content = re.compile(r"<Content><!\[CDATA\[(.*)\]\]></Content>", re.S)
    assert content.search(first[1]).group(1) == content.search(again[1]).group(1)
    turns = [row for row in stored_rows(user) if json.loads(row)["event"] == "user"]
    assert len(turns) == 1


def test_security_headers_on_every_page():
    for path in ["/", "/console/login", "/static/chat.js", "/embed.js"]:
        _, headers, _ = http(WEB + path)
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers["x-content-type-options"] == "nosniff" and "referrer-policy" in headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    _, widget, _ = http(WEB + "/widget")
    assert "frame-ancestors" in {k.lower(): v for k, v in widget.items()}["content-security-policy"]


def test_embed_script_ignores_the_host_header():
    _, _, script = http(WEB + "/embed.js", headers={"Host": "evil.example.com"})
    assert "evil.example.com" not in script and json.dumps(get_settings().public_url) in script


class Console:
    """A browser session on the staff console (cookies kept, CSRF token read from the page)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, path: str, form: dict[str, str] | None = None, files: bytes | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if files is not None:
            boundary = uuid.uuid4().hex
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in (form or {}).items()]
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
                         f"Content-Type: text/csv\r\n\r\n".encode() + files + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        elif form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(form).encode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(urllib.request.Request(WEB + path, data=body, headers=headers), timeout=30)
            status, text, got = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as e:
            status, text, got = e.code, e.read().decode("utf-8", "replace"), e.headers
        for cookie in got.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, text

    def csrf(self, path: str = "/console/login") -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.request(path)[1]).group(1)

    def login(self, username: str, password: str) -> int:
        return self.request("/console/login", {"csrf": self.csrf(), "username": username, "password": password})[0]


ADMIN_PASSWORD = os.environ.get("E2E_ADMIN_PASSWORD", "")


@pytest.mark.skipif(not ADMIN_PASSWORD, reason="needs the e2e administrator (scripts/e2e.sh)")
def test_logout_invalidates_the_session_on_the_server():
    console = Console()
    assert console.login("e2e-admin", ADMIN_PASSWORD) == 303
    stolen = dict(console.cookies)
    assert console.request("/console")[0] == 200
    assert console.request("/console/logout", {"csrf": console.csrf("/console")})[0] == 303
    replay = Console()
    replay.cookies = stolen
    assert replay.request("/console")[0] == 303


@pytest.mark.skipif(not ADMIN_PASSWORD, reason="needs the e2e administrator (scripts/e2e.sh)")
def test_an_upload_with_nul_bytes_gets_a_4xx_with_a_message():
    console = Console()
    assert console.login("e2e-admin", ADMIN_PASSWORD) == 303
    token = console.csrf("/console/import")
    status, page = console.request("/console/import", {"csrf": token}, files=b"application_no,id_number\x00\n1,2\n")
    assert status == 422 and "NUL" in page


@pytest.mark.skipif(not ADMIN_PASSWORD, reason="needs the e2e administrator (scripts/e2e.sh)")
def test_an_administrator_sees_and_lifts_the_lock_of_an_id():
    console = Console()
    assert console.login("e2e-admin", ADMIN_PASSWORD) == 303
    status, page = console.request("/console/locks?" + urllib.parse.urlencode({"id_number": LINA}))
    assert status == 200 and "当前被锁定" in page and LINA not in page
    subject = re.search(r'name="scope" value="id">\s*<input type="hidden" name="subject" value="([0-9a-f]{64})">'
                        r'<button type="submit">解除</button></form></td></tr>', page.split("← 查找的号码")[1]).group(1)
    console.request("/console/locks/lift", {"csrf": console.csrf("/console/locks"), "scope": "id", "subject": subject})
    assert "补正" in say(fresh(), f"查询办理进度，身份证号{LINA}，姓名李娜", browser="203.0.113.201")


def test_console_logins_are_throttled():
    console = Console()
    statuses = [console.login("e2e-nobody", f"wrong-password-{n}") for n in range(get_settings().max_login_failures)]
    assert set(statuses) == {401}
    status, page = console.request("/console/login", {"csrf": console.csrf(), "username": "e2e-nobody",
                                                      "password": "still-wrong"})
    assert status == 429 and "分钟后再试" in page
