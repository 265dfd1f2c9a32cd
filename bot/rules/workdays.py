"""Count working days: chinese_calendar where it knows the year, knowledge/holidays.yml beyond."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class WorkdayResult:
    """A date reached by counting working days, and whether every day counted was known."""

    day: date
    estimated: bool


class WorkCalendar:
    """Decide working days from chinese_calendar, then from extra years, else Monday to Friday."""

    def __init__(self, extra_years: dict[int, dict[str, tuple[str, ...]]] | None = None) -> None:
        self.extra: dict[int, tuple[set[date], set[date]]] = {
            year: ({date.fromisoformat(d) for d in days.get("holidays", ())},
                   {date.fromisoformat(d) for d in days.get("workdays", ())})
            for year, days in (extra_years or {}).items()
        }

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """Return (is a working day, the calendar of that year is known)."""
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            pass
        if day.year in self.extra:
            holidays, workdays = self.extra[day.year]
            if day in workdays:
                return True, True
            return day.weekday() < 5 and day not in holidays, True
        return day.weekday() < 5, False

    def add(self, start: date, working_days: int) -> WorkdayResult:
        """Return the date `working_days` working days after start (start itself not counted)."""
        day, estimated, left = start, False, working_days
        while left > 0:
            day += timedelta(days=1)
            workday, known = self.is_workday(day)
            estimated |= not known
            left -= workday
        return WorkdayResult(day, estimated)
