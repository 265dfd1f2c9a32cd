"""The one Jinja2 environment of the web app's server-rendered pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from bot.answers.model import Phone
from bot.feedback.stats import LOCAL

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


def phone_links(text: str, phones: list[Phone]) -> Markup:
    """Escape a text and make each of the answer's phone numbers in it a tel: link."""
    html = str(escape(text))
    for number in dict.fromkeys(p.number for p in phones):
        html = html.replace(number, f'<a class="tel" href="tel:{number}">{number}</a>')
    return Markup(html)


def local_time(moment: datetime) -> str:
    """Return a stored (UTC) time as Beijing time, to the minute."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


templates.env.filters["phone_links"] = phone_links
templates.env.filters["local_time"] = local_time
