"""Console dashboard: questions per day, share answered, ratings, unanswered wordings, reply times; CSV export."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from bot.feedback.stats import CSV_COLUMNS
from webapp import plots
from webapp.deps import CurrentUser, State
from webapp.routers.console_common import page
from webapp.routers.console_review import ANSWER_KIND_NAMES

router = APIRouter(prefix="/console")
Days = Annotated[int, Query(ge=1, le=366)]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def _cell(value: object) -> object:
    """Return a CSV cell that a spreadsheet shows as text, never runs."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request, user: CurrentUser, state: State, days: Days = 30) -> Response:
    """Show the numbers and plots of the last days."""
    numbers = state.dashboard.stats(days=days)
    images = {}
    if numbers.questions:
        images = {"daily": plots.questions_per_day(numbers), "latency": plots.latency_per_day(numbers)}
    if numbers.by_procedure:
        images["procedures"] = plots.ratings(numbers.by_procedure)
    if numbers.by_kind:
        images["kinds"] = plots.ratings(numbers.by_kind)
    titles = {code: p.title for code, p in state.kb.procedures.items()}
    return page(request, "stats.html", user=user, days=days, stats=numbers, images=images, titles=titles,
                kind_names=ANSWER_KIND_NAMES)


@router.get("/stats.csv")
def stats_csv(user: CurrentUser, state: State, days: Days = 30) -> Response:
    """Download the turns of the last days (messages masked), one row each; the download is audited."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    rows = 0
    for row in state.dashboard.rows(days=days):
        writer.writerow({k: _cell(v) for k, v in row.items()})
        rows += 1
    state.audit.record(username=user.username, action="export", subject=f"stats.csv {days}d", records=[f"{rows} rows"])
    start, end, _since = state.dashboard.period(days)
    name = f"assistant-turns-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
