"""What every console page shares: rendering with the CSRF token and the signed-in user."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from webapp.deps import csrf_token
from webapp.templating import templates


def page(request: Request, name: str, status_code: int = 200, **context: object) -> Response:
    """Render a console template with the session's CSRF token."""
    context.setdefault("user", None)
    return templates.TemplateResponse(request, f"console/{name}", {"csrf": csrf_token(request), **context},
                                      status_code=status_code)
