"""Console sessions: log in (throttled per user name and address), log out (ended on the server)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from webapp.deps import ClientAddress, CsrfChecked, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """Show the login form."""
    return page(request, "login.html")


@router.post("/login", dependencies=[CsrfChecked])
def login(request: Request, state: State, address: ClientAddress, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "") -> Response:
    """Check the password and open a session, unless this user name or address failed too often."""
    username = username.strip()[:64]
    if state.throttle.blocked(username=username, address=address):
        minutes = state.settings.login_window_minutes
        return page(request, "login.html", status_code=429,
                    error=f"登录失败次数过多，已暂停登录，请{minutes}分钟后再试；如忘记密码请联系管理员。")
    user = state.accounts.authenticate(username=username, password=password)
    if user is None:
        state.throttle.record_failure(username=username, address=address)
        return page(request, "login.html", status_code=401, error="用户名或密码错误")
    state.throttle.forget(username=username)
    request.session.clear()
    request.session["token"] = state.accounts.start_session(username=user.username)
    return RedirectResponse("/console", status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, state: State) -> Response:
    """End the session on the server, so the cookie stops working everywhere."""
    token = request.session.get("token")
    if isinstance(token, str):
        state.accounts.end_session(token=token)
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)
