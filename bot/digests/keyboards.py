"""The digest's inline buttons: their data (one CallbackData factory) and keyboards."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.digests.schedule import DAY_RANGE, Frequency
from bot.render import Texts
from bot.storage.digests import DigestSubscription

HOURS = range(6, 23)
TIMEZONES = {
    "ru": (
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Samara",
        "Asia/Yekaterinburg",
        "Asia/Omsk",
        "Asia/Novosibirsk",
        "Asia/Krasnoyarsk",
        "Asia/Irkutsk",
        "Asia/Vladivostok",
        "UTC",
    ),
    "en": (
        "UTC",
        "Europe/London",
        "Europe/Berlin",
        "Europe/Kyiv",
        "Asia/Dubai",
        "Asia/Kolkata",
        "Asia/Singapore",
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
    ),
}


class DigestCb(CallbackData, prefix="dg"):
    # menu | subscribe | freq | pick_day | day | pick_time | time | pick_tz | tz | pause
    # | resume | unsubscribe | now | update
    action: str
    value: str = ""


def _button(text: str, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=DigestCb(action=action, value=value).pack()
    )


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[start : start + width]) for start in range(0, len(buttons), width)]


def _markup(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def digest_keyboard(
    *, stale: bool, has_numbers: bool, subscribed: bool, t: Texts
) -> InlineKeyboardMarkup:
    """Under a digest: update the numbers when they are old, change or stop the digest (set
    one up, under a preview for a chat that has none)."""
    update = [_button(t.button("btn_digest_update", has_numbers=has_numbers), "update")]
    manage = [
        _button(t.button("btn_digest_settings"), "menu"),
        _button(t.button("btn_digest_stop"), "unsubscribe"),
    ]
    set_up = [_button(t.button("btn_digest_set_up"), "menu")]
    return _markup(update if stale else [], manage if subscribed else set_up)


def settings_keyboard(sub: DigestSubscription | None, t: Texts) -> InlineKeyboardMarkup:
    preview = [_button(t.button("btn_digest_preview"), "now")]
    if sub is None:
        subscribe = [
            _button(t.button("btn_digest_subscribe", frequency=f.value), "subscribe", f.value)
            for f in Frequency
        ]
        return _markup(subscribe, preview)
    schedule = sub.schedule
    frequencies = [
        _button(
            t.button("btn_digest_frequency", frequency=f.value, selected=f is schedule.frequency),
            "freq",
            f.value,
        )
        for f in Frequency
    ]
    when = [
        _button(
            t.button("btn_digest_day", frequency=schedule.frequency.value, day=schedule.day),
            "pick_day",
        ),
        _button(t.button("btn_digest_time", at=schedule.at), "pick_time"),
        _button(t.button("btn_digest_timezone", timezone=schedule.timezone), "pick_tz"),
    ]
    pause = ("resume", "btn_digest_resume") if sub.paused else ("pause", "btn_digest_pause")
    manage = [
        _button(t.button(pause[1]), pause[0]),
        _button(t.button("btn_digest_unsubscribe"), "unsubscribe"),
    ]
    return _markup(frequencies, when, manage, preview)


def day_keyboard(frequency: Frequency, t: Texts) -> InlineKeyboardMarkup:
    days = [
        _button(t.button("btn_digest_day", frequency=frequency.value, day=day), "day", str(day))
        for day in DAY_RANGE[frequency]
    ]
    width = 4 if frequency is Frequency.WEEKLY else 7
    return InlineKeyboardMarkup(inline_keyboard=[*_rows(days, width), [_back(t)]])


def time_keyboard(t: Texts) -> InlineKeyboardMarkup:
    # ":" separates CallbackData fields, so the value is "HHMM"
    hours = [_button(f"{hour:02d}:00", "time", f"{hour:02d}00") for hour in HOURS]
    return InlineKeyboardMarkup(inline_keyboard=[*_rows(hours, 6), [_back(t)]])


def timezone_keyboard(locale: str, t: Texts) -> InlineKeyboardMarkup:
    zones = [
        _button(t.button("btn_digest_zone", timezone=name), "tz", name)
        for name in TIMEZONES.get(locale, TIMEZONES["en"])
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*_rows(zones, 2), [_back(t)]])


def _back(t: Texts) -> InlineKeyboardButton:
    return _button(t.button("btn_back"), "menu")
