"""When a chat's digest is due: weekly or monthly at a local wall time in the chat's time zone.

Pure rules: every function takes the moment it reasons about, so tests drive them with any
clock. Instants are timezone-aware; results are in UTC.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class Frequency(StrEnum):
    WEEKLY = "weekly"  # day: 0 = Monday .. 6 = Sunday
    MONTHLY = "monthly"  # day: 1..31; the 31st in a shorter month is its last day


DEFAULT_TIMEZONES = {"ru": "Europe/Moscow", "en": "UTC"}
FALLBACK_TIMEZONE = "UTC"
# The IANA database's areas of places: "Etc/GMT+3" (which is UTC-3), "US/Eastern", "EST", "W-SU"
# and the server's "localtime" are aliases or traps, not a city a user lives in.
PLACE_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)
# The main cities of Russia and its neighbours as people there write them, by the zone each
# keeps (Saint Petersburg keeps Moscow time); the first is the one the zone is shown by.
_RUSSIAN_CITIES_BY_ZONE = {
    "Europe/Kaliningrad": ("Калининград",),
    "Europe/Moscow": (
        "Москва",
        "Санкт-Петербург",
        "Петербург",
        "Питер",
        "Нижний Новгород",
        "Казань",
        "Ростов-на-Дону",
        "Краснодар",
        "Воронеж",
        "Сочи",
    ),
    "Europe/Volgograd": ("Волгоград",),
    "Europe/Saratov": ("Саратов",),
    "Europe/Samara": ("Самара", "Ижевск"),
    "Europe/Ulyanovsk": ("Ульяновск",),
    "Europe/Astrakhan": ("Астрахань",),
    "Asia/Yekaterinburg": ("Екатеринбург", "Челябинск", "Уфа", "Пермь", "Тюмень"),
    "Asia/Omsk": ("Омск",),
    "Asia/Novosibirsk": ("Новосибирск",),
    "Asia/Barnaul": ("Барнаул",),
    "Asia/Tomsk": ("Томск",),
    "Asia/Novokuznetsk": ("Новокузнецк", "Кемерово"),
    "Asia/Krasnoyarsk": ("Красноярск",),
    "Asia/Irkutsk": ("Иркутск",),
    "Asia/Chita": ("Чита",),
    "Asia/Yakutsk": ("Якутск",),
    "Asia/Vladivostok": ("Владивосток", "Хабаровск"),
    "Asia/Sakhalin": ("Южно-Сахалинск",),
    "Asia/Magadan": ("Магадан",),
    "Asia/Kamchatka": ("Камчатка", "Петропавловск-Камчатский"),
    "Asia/Anadyr": ("Анадырь",),
    "Europe/Kyiv": ("Киев", "Київ"),
    "Europe/Minsk": ("Минск",),
    "Europe/Chisinau": ("Кишинёв",),
    "Europe/Riga": ("Рига",),
    "Europe/Vilnius": ("Вильнюс",),
    "Europe/Tallinn": ("Таллин", "Таллинн"),
    "Asia/Almaty": ("Алматы", "Астана", "Алма-Ата"),
    "Asia/Tashkent": ("Ташкент", "Самарканд"),
    "Asia/Bishkek": ("Бишкек",),
    "Asia/Dushanbe": ("Душанбе",),
    "Asia/Ashgabat": ("Ашхабад",),
    "Asia/Tbilisi": ("Тбилиси",),
    "Asia/Yerevan": ("Ереван",),
    "Asia/Baku": ("Баку",),
    "Asia/Ulaanbaatar": ("Улан-Батор",),
}
RUSSIAN_CITIES = {
    city: name for name, cities in _RUSSIAN_CITIES_BY_ZONE.items() for city in cities
}
# The zone each is shown by in Russian; Kyiv's old name is still the zone of older choices.
_RUSSIAN_NAMES = {zone: cities[0] for zone, cities in _RUSSIAN_CITIES_BY_ZONE.items()} | {
    "Europe/Kiev": "Киев"
}
DEFAULT_DAY = {Frequency.WEEKLY: 0, Frequency.MONTHLY: 1}


def city_of(timezone: str, locale: str) -> str:
    """A time zone as people name it, the city, not the database id: "Москва" in Russian where
    the table knows it, else the zone's last part ("New York")."""
    known = _RUSSIAN_NAMES.get(timezone) if locale == "ru" else None
    return known or timezone.split("/")[-1].replace("_", " ")


DEFAULT_TIME = time(9, 0)
DAY_RANGE = {Frequency.WEEKLY: range(7), Frequency.MONTHLY: range(1, 32)}
# Far enough back that the occurrence before any moment is among the candidates.
_LOOK_BACK = {Frequency.WEEKLY: timedelta(days=8), Frequency.MONTHLY: timedelta(days=63)}


class InvalidSchedule(ValueError):
    """A day out of range, a wall time with a zone, or a time zone zoneinfo does not know."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        raise InvalidSchedule(f"unknown time zone {name!r}") from None


def zone_name(typed: str) -> str:
    """A time zone a user typed or picked, as the IANA database spells it: "europe/moscow",
    "Moscow", "new york" or "Москва" -> "Europe/Moscow". Only Area/City-style names of places,
    their cities (in English, or in Russian from ``RUSSIAN_CITIES``) and UTC are accepted."""
    found = _zone_names().get(_key(typed))
    if found is None:
        raise InvalidSchedule(f"unknown time zone {typed!r}")
    return found


def _key(name: str) -> str:
    """A name as it is compared: "New_York", "new york" and "NEW-YORK" are one, as are "ё"
    and "е"."""
    spaced = name.replace("_", " ").replace("-", " ").lower().replace("ё", "е")
    return " ".join(spaced.split())


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Full names first, then Russian cities, then the city part of a full name. A city named
    in two areas ("Asia/Istanbul", "Europe/Istanbul") is one zone under two names: the first
    in sorted order answers."""
    places = sorted(name for name in available_timezones() if name.split("/")[0] in PLACE_AREAS)
    names = {_key(name): name for name in [*places, "UTC"]}
    for city, name in RUSSIAN_CITIES.items():
        names.setdefault(_key(city), name)
    for name in places:
        names.setdefault(_key(name.rsplit("/", 1)[-1]), name)
    return names


@dataclass(frozen=True, slots=True)
class Schedule:
    frequency: Frequency
    day: int
    at: time  # local wall time, naive
    timezone: str  # IANA name, e.g. "Europe/Moscow"

    def __post_init__(self) -> None:
        if self.day not in DAY_RANGE[self.frequency]:
            raise InvalidSchedule(f"day {self.day} is out of range for {self.frequency}")
        if self.at.tzinfo is not None:
            raise InvalidSchedule("the time of day is local wall time: give it without a zone")
        zone(self.timezone)


def default_timezone(locale: str) -> str:
    return DEFAULT_TIMEZONES.get(locale, FALLBACK_TIMEZONE)


def default_schedule(locale: str, frequency: Frequency = Frequency.WEEKLY) -> Schedule:
    return Schedule(frequency, DEFAULT_DAY[frequency], DEFAULT_TIME, default_timezone(locale))


def occurrence(schedule: Schedule, local_day: date) -> datetime:
    """The UTC instant of the digest on ``local_day``.

    A wall time skipped by a daylight-saving jump is moved forward by the jump (02:30 on the
    night clocks go 02:00 -> 03:00 is 03:30); a wall time that happens twice is the first.
    Both follow from ``fold=0`` (PEP 495).
    """
    wall = datetime.combine(local_day, schedule.at, tzinfo=zone(schedule.timezone))
    return wall.astimezone(UTC)


def next_due(schedule: Schedule, after: datetime) -> datetime:
    """The first digest strictly after ``after``."""
    start = after.astimezone(zone(schedule.timezone)).date() - timedelta(days=1)
    for day in _days_from(schedule, start):
        instant = occurrence(schedule, day)
        if instant > after:
            return instant
    raise AssertionError("unreachable: the day sequence is endless")


def last_due(schedule: Schedule, moment: datetime) -> datetime:
    """The latest digest at or before ``moment``."""
    local = moment.astimezone(zone(schedule.timezone)).date()
    latest: datetime | None = None
    for day in _days_from(schedule, local - _LOOK_BACK[schedule.frequency]):
        instant = occurrence(schedule, day)
        if instant > moment:
            break
        latest = instant
    if latest is None:
        raise AssertionError("unreachable: the look-back spans more than one period")
    return latest


def period_of(schedule: Schedule, instant: datetime) -> str:
    """The period a digest at ``instant`` belongs to: "2024-W13" (ISO week) or "2024-03".

    One digest per period: moving the day within a week does not bring a second one.
    """
    local = instant.astimezone(zone(schedule.timezone)).date()
    if schedule.frequency is Frequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local.year}-{local.month:02d}"


@dataclass(frozen=True, slots=True)
class Due:
    period: str
    occurrence: datetime  # the scheduled instant of that period's digest
    next_due: datetime  # when the one after it is due


def due_now(schedule: Schedule, next_due_at: datetime, now: datetime) -> Due | None:
    """``None`` before ``next_due_at``. From then on, however many periods passed while the
    bot was down, one digest: for the latest period that has begun; the next comes after now.
    """
    if now < next_due_at:
        return None
    latest = last_due(schedule, now)
    return Due(period_of(schedule, latest), latest, next_due(schedule, now))


def _days_from(schedule: Schedule, start: date) -> Iterator[date]:
    """The local days of digests from ``start`` on, in order."""
    if schedule.frequency is Frequency.WEEKLY:
        day = start + timedelta(days=(schedule.day - start.weekday()) % 7)
        while True:
            yield day
            day += timedelta(days=7)
    year, month = start.year, start.month
    while True:
        last = calendar.monthrange(year, month)[1]
        day = date(year, month, min(schedule.day, last))
        if day >= start:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
