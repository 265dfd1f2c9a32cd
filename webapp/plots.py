"""The dashboard's plots, drawn on the server as PNG (matplotlib's object API: no pyplot state, safe in threads).

Labels inside the images are codes, numbers and dates only (the server may have no Chinese font); the page
around them names everything in Chinese.
"""

from __future__ import annotations

import base64
import io

from matplotlib.figure import Figure

from bot.feedback.stats import Ratings, Stats, percentile

USEFUL_COLOUR, NOT_USEFUL_COLOUR, BAR_COLOUR, LINE_COLOUR = "#2e7d32", "#c62828", "#1a5fb4", "#e66100"
MAX_BARS = 15


def _png(fig: Figure) -> str:
    """Return a figure as a data: URI (the page's policy allows data: images)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def questions_per_day(stats: Stats) -> str:
    """Plot questions per day (bars) and the share answered (line, right axis)."""
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    x = list(range(len(stats.days)))
    ax.bar(x, [d.questions for d in stats.days], color=BAR_COLOUR, label="questions")
    ax.set_ylabel("questions")
    share = ax.twinx()
    share.plot([i for i, d in zip(x, stats.days, strict=True) if d.answered_share is not None],
               [100 * d.answered_share for d in stats.days if d.answered_share is not None],
               color=LINE_COLOUR, marker="o", markersize=3, label="answered %")
    share.set_ylim(0, 105)
    share.set_ylabel("answered %")
    step = max(1, len(x) // 10)
    ax.set_xticks(x[::step], [d.day.strftime("%m-%d") for d in stats.days][::step])
    fig.legend(loc="upper left", fontsize=8)
    return _png(fig)


def ratings(rows: list[Ratings]) -> str:
    """Plot ratings (有用 green, 没用 red) as stacked horizontal bars, most rated on top."""
    rows = rows[:MAX_BARS][::-1]
    fig = Figure(figsize=(7, 0.6 + 0.32 * len(rows)))
    ax = fig.subplots()
    y = list(range(len(rows)))
    ax.barh(y, [r.useful for r in rows], color=USEFUL_COLOUR, label="useful")
    ax.barh(y, [r.not_useful for r in rows], left=[r.useful for r in rows], color=NOT_USEFUL_COLOUR, label="not useful")
    ax.set_yticks(y, [r.key for r in rows], fontsize=8)
    ax.set_xlabel("ratings")
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)


def latency_per_day(stats: Stats) -> str:
    """Plot each day's median and 95th-percentile reply time."""
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    days = [(i, d) for i, d in enumerate(stats.days) if d.latencies]
    for share, colour, name in ((0.5, BAR_COLOUR, "median"), (0.95, LINE_COLOUR, "p95")):
        ax.plot([i for i, _ in days], [percentile(d.latencies, share) for _, d in days], color=colour, marker="o",
                markersize=3, label=name)
    ax.set_ylabel("ms")
    ax.set_ylim(bottom=0)
    step = max(1, len(stats.days) // 10)
    ax.set_xticks(list(range(len(stats.days)))[::step], [d.day.strftime("%m-%d") for d in stats.days][::step])
    ax.legend(loc="upper left", fontsize=8)
    return _png(fig)
