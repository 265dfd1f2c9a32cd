"""Read dates relative to today ("后年三月", "上礼拜", "明年一月底", "还有两个多月") and resolve them on a given day."""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cached_property

from bot.knowledge.lexicon import Dates
from bot.language.text import chinese_number

_NUMBER = r"(?:\d{1,4}|[零一二两三四五六七八九十百俩]{1,4})"
PART_DAY = {"start": 1, "middle": 15}
CENTURY_AHEAD = 20  # a two-digit year up to this many years ahead is this century's, any later one the last


@dataclass(frozen=True)
class RelativeDate:
    """A date as a person says it: fields relative to today, or absolute where they named them."""

    year: int | None = None
    year_offset: int | None = None
    month: int | None = None
    month_offset: int | None = None
    part: str | None = None  # start | middle | end
    week_offset: int | None = None
    weekday: int | None = None
    day_offset: int | None = None
    day: int | None = None  # day of the month when said: "11月21号"
    months_ahead: float | None = None  # a span: "还有两个多月" = 2.5, "三个月前" = -3
    days_ahead: int | None = None
    undirected: bool | None = None  # a span said without 还有/后/前: "过期两个月了" leaves the direction to the words around

    def resolve(self, today: date) -> date:
        """Return the date meant, counted from today."""
        if self.months_ahead is not None:
            return add_months(today, self.months_ahead)
        if self.days_ahead is not None:
            return today + timedelta(days=self.days_ahead)
        if self.day_offset is not None:
            return today + timedelta(days=self.day_offset)
        if self.week_offset is not None:
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=self.week_offset)
            return monday + timedelta(days=self.weekday if self.weekday is not None else 2)
        year = self.year if self.year is not None else today.year + (self.year_offset or 0)
        if year < 100:  # "60年3月生的", "28年到期": the century that puts it within a lifetime of today
            year += 2000 if 2000 + year <= today.year + CENTURY_AHEAD else 1900
        if self.month_offset is not None:
            first = add_months(today.replace(day=1), self.month_offset)
            if self.day is not None:
                return first.replace(day=min(self.day, calendar.monthrange(first.year, first.month)[1]))
            return _day_in_month(first.year, first.month, self.part or "middle")
        if self.month is not None:
            if self.year is None and self.year_offset is None and self.month < today.month:
                year += 1  # "三月到期" said in November means next March
            if self.day is not None:
                return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))
            return _day_in_month(year, self.month, self.part or "middle")
        if self.part == "end":
            return date(year, 12, 31)
        if self.part == "start":
            return date(year, 1, 1)
        return date(year, 7, 1)

    def encode(self) -> str:
        """Return the date as a compact text (an entity value)."""
        return ";".join(f"{k}={v}" for k, v in asdict(self).items() if v is not None)

    @classmethod
    def decode(cls, text: str) -> RelativeDate:
        """Rebuild a date from its compact text."""
        fields: dict[str, object] = {}
        for part in filter(None, str(text).split(";")):
            key, _, value = part.partition("=")
            if key == "part":
                fields[key] = value
            elif key == "undirected":
                fields[key] = value == "True"
            elif key == "months_ahead":
                fields[key] = float(value)
            elif key in cls.__dataclass_fields__:
                fields[key] = int(value)
        return cls(**fields)  # type: ignore[arg-type]


def add_months(day: date, months: float) -> date:
    """Return the day a (possibly fractional) number of months later, clamped to the month's end."""
    whole = int(months) if months >= 0 else -int(-months)
    rest = months - whole
    index = day.year * 12 + day.month - 1 + whole
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    result = date(year, month + 1, min(day.day, last))
    return result + timedelta(days=round(rest * 30))


def months_between(start: date, end: date) -> float:
    """Return the months from start to end (negative when end is earlier), to a day's precision."""
    return (end - start).days / 30.44


def _day_in_month(year: int, month: int, part: str) -> date:
    if part == "end":
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, PART_DAY[part])


@dataclass(frozen=True)
class DateMention:
    """A date found in a message: where it stands and what it means."""

    start: int
    end: int
    text: str
    date: RelativeDate


class DateReader:
    """Find relative dates in normalised text with the lexicon's date words."""

    def __init__(self, words: Dates) -> None:
        self.w = words

    @staticmethod
    def _alt(words: object) -> str:
        return "|".join(sorted((re.escape(str(w)) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        w = self.w
        part = f"(?P<part>{self._alt(w.parts)})?"
        year = rf"(?:(?P<year_word>{self._alt(w.years)})年?|(?P<year_num>(?:19|20)?\d{{2}})年)"
        month = (rf"(?:(?P<month_num>{_NUMBER})月份?(?:(?P<day_num>{_NUMBER})[号日])?|"
                 rf"(?P<month_word>{self._alt(w.months)})(?:(?P<word_day_num>{_NUMBER})[号日])?)")
        season = rf"(?P<season>{self._alt(w.seasons)})"
        week = rf"(?P<week_word>{self._alt(w.weeks)})(?P<weekday>{self._alt(w.weekdays)})?"
        day = rf"(?P<day_word>{self._alt(w.days)})"
        span = (rf"(?P<ahead>{self._alt(w.ahead)})?\s*(?P<amount>{_NUMBER}|{self._alt(w.half)})\s*个?"
                rf"(?P<more1>{self._alt(w.more)})?(?P<unit>{self._alt(w.units)})(?P<more2>{self._alt(w.more)}|半)?"
                rf"(?P<after>{self._alt(w.ahead)}|{self._alt(w.behind)})?")
        year_part = rf"(?P<year_part>{self._alt(w.year_parts)})"
        dated = rf"(?:{year})?\s*(?:{month}|{season}|{year_part})?{part}"
        return re.compile(rf"{dated}|{week}|{day}|{span}")

    def find(self, text: str) -> list[DateMention]:
        """Return the dates named in text."""
        out: list[DateMention] = []
        for m in self._pattern.finditer(text):
            if not m.group(0).strip():
                continue
            meant = self._read(m)
            if meant is not None:
                out.append(DateMention(m.start(), m.end(), m.group(0), meant))
        return out

    def _read(self, m: re.Match[str]) -> RelativeDate | None:
        g = m.groupdict()
        w = self.w
        if g["week_word"]:
            weekday = w.weekdays[g["weekday"]] if g["weekday"] else None
            return RelativeDate(week_offset=w.weeks[g["week_word"]], weekday=weekday)
        if g["day_word"]:
            return RelativeDate(day_offset=w.days[g["day_word"]])
        if g["unit"]:
            return self._span(g)
        part = w.parts.get(g["part"] or "")
        if g["year_part"]:
            if len(g["year_part"]) == 1 and not (g["year_word"] or g["year_num"]):
                return None
            part = w.year_parts[g["year_part"]]
            if not (g["year_word"] or g["year_num"]):
                return RelativeDate(year_offset=0, part=part)
        year_offset = w.years[g["year_word"]] if g["year_word"] else None
        year = None
        if g["year_num"]:
            digits = int(g["year_num"])
            year = digits  # two digits: the century is chosen against today
        if g["month_word"]:  # "下个月", "下个月10号"
            number = chinese_number(g["word_day_num"]) if g["word_day_num"] else None
            day = int(number) if number is not None and 1 <= number <= 31 else None
            return RelativeDate(month_offset=w.months[g["month_word"]], day=day, part=part)
        month = None
        if g["month_num"]:
            number = chinese_number(g["month_num"])
            if number is None or not 1 <= number <= 12:
                return None
            month = int(number)
        day = None
        if g["day_num"]:
            number = chinese_number(g["day_num"])
            day = int(number) if number is not None and 1 <= number <= 31 else None
        if g["season"]:
            first, last = w.seasons[g["season"]]
            month = first if part == "start" else last if part == "end" else (first if first == last else
                                                                                   (first % 12) + 1)
            part = part or "middle"
        if year is None and year_offset is None and month is None:
            return None
        return RelativeDate(year=year, year_offset=year_offset, month=month, day=day, part=part)

    def _span(self, g: dict[str, str | None]) -> RelativeDate | None:
        w = self.w
        amount = 0.5 if g["amount"] in w.half else chinese_number(g["amount"] or "")
        if amount is None:
            return None
        if g["more1"] or g["more2"] == "半" or g["more2"] in w.more:
            amount += 0.5
        sign = -1 if g["after"] in w.behind else 1
        if not (g["ahead"] or g["after"]):
            sign = 0  # "两个月" alone: a span, not a date ("过期两个月了" is read with the expiry words)
        unit = w.units[g["unit"] or ""]
        if unit == "year":
            return RelativeDate(months_ahead=sign * amount * 12) if sign else _bare(amount * 12)
        if unit == "month":
            return RelativeDate(months_ahead=sign * amount) if sign else _bare(amount)
        days = amount * (7 if unit == "week" else 1)
        return RelativeDate(days_ahead=int(sign * days)) if sign else _bare(days / 30.44)


def _bare(months: float) -> RelativeDate:
    """Return a span said without direction, as months ahead (the caller decides the direction)."""
    return RelativeDate(months_ahead=months, undirected=True)
