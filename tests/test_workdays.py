"""Working days across statutory holidays and make-up workdays, and beyond the library's years."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from bot.rules.workdays import WorkCalendar


def test_counts_across_national_day_holiday():
    start = date(2026, 9, 30)
    result = WorkCalendar().add(start, 1)
    assert result.day > date(2026, 10, 1) and not result.estimated
    skipped = [start + timedelta(days=i) for i in range(1, (result.day - start).days)]
    assert skipped and all(not chinese_calendar.is_workday(d) for d in skipped)


def test_counts_a_make_up_weekend_workday():
    makeup = next(d for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
                  if d.weekday() >= 5 and chinese_calendar.is_workday(d))
    result = WorkCalendar().add(makeup - timedelta(days=1), 1)
    assert result.day == makeup


def test_ordinary_week():
    assert WorkCalendar().add(date(2026, 11, 17), 5).day == date(2026, 11, 24)


def test_zero_days_is_the_same_day():
    assert WorkCalendar().add(date(2026, 11, 17), 0).day == date(2026, 11, 17)


def test_unknown_year_is_an_estimate_on_weekdays():
    result = WorkCalendar().add(date(2030, 1, 4), 1)  # a Friday
    assert result.day == date(2030, 1, 7) and result.estimated


def test_extra_year_from_the_knowledge_file():
    calendar = WorkCalendar({2030: {"holidays": ("2030-01-07",), "workdays": ("2030-01-05",)}})
    result = calendar.add(date(2030, 1, 4), 2)
    assert result.day == date(2030, 1, 8) and not result.estimated
