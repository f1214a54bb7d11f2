"""/digest: subscribe, weekly or monthly with day and time, time zone, pause, resume,
unsubscribe, and ``/digest now`` for a preview. Private chats, and group admins in groups."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, InaccessibleMessage, Message

from bot.digests.compose import compose, digest_screen
from bot.digests.keyboards import (
    DigestCb,
    day_keyboard,
    settings_keyboard,
    time_keyboard,
    timezone_keyboard,
)
from bot.digests.schedule import (
    DEFAULT_DAY,
    Frequency,
    InvalidSchedule,
    Schedule,
    default_schedule,
    default_timezone,
    next_due,
    zone_name,
)
from bot.filters import Magic
from bot.groups.admin import may_manage, may_manage_by
from bot.groups.wizard import Asked, open_setup
from bot.render import Texts
from bot.screens import replace as replace_screen
from bot.screens import send, topic_of
from bot.storage.base import Clock, Repository, utc_now
from bot.storage.digests import DigestSubscription
from bot.views import Screen
from bot.wizard.handlers import open_wizard
from bot.wizard.steps import from_inputs

CHAT_TYPES = (ChatType.PRIVATE, ChatType.GROUP, ChatType.SUPERGROUP)
STOP_WORDS = ("stop", "off", "unsubscribe")
TIME_OF_DAY = re.compile(r"(?P<hours>\d{1,2})(?:[:.](?P<minutes>\d{2}))?")


def build_router() -> Router:
    router = Router(name="digests")
    router.message.filter(Magic(F.chat.type.in_(CHAT_TYPES)))
    router.message.register(on_digest_command, Command("digest"))
    router.callback_query.register(on_digest_button, DigestCb.filter())
    return router


def _in_group(chat: Chat) -> bool:
    return chat.type != ChatType.PRIVATE


@dataclass(frozen=True, slots=True)
class Place:
    """Where the digest's settings are changed: the chat and, in a forum, the topic that
    its digests then go to (None: General)."""

    chat_id: int
    forum: bool = False
    topic: int | None = None

    @classmethod
    def of(cls, message: Message) -> Place:
        return cls(message.chat.id, bool(message.chat.is_forum), topic_of(message))


async def on_digest_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Texts,
    locale: str,
    repo: Repository,
    digest_clock: Clock = utc_now,
) -> None:
    if not await may_manage_by(bot, message):
        await send(message, Screen(t("digest_admins_only")))
        return
    place, now = Place.of(message), digest_clock()
    chat_id = place.chat_id
    word, _, rest = (command.args or "").strip().partition(" ")
    word = word.lower()
    if word == "now":
        await send(
            message,
            digest_screen(
                await compose(repo, chat_id, now, default_zone=default_timezone(t.locale)),
                t,
                group=_in_group(message.chat),
                preview=True,
            ),
        )
        return
    sub = await repo.get_digest_subscription(chat_id)
    note = None
    if word in ("pause", "resume") and sub is not None:
        sub = await repo.set_digest_paused(chat_id, word == "pause", next_due_at=_due(sub, now))
        note = "paused" if word == "pause" else "resumed"
    elif word in STOP_WORDS and sub is not None:
        await repo.delete_digest_subscription(chat_id)
        sub, note = None, "unsubscribed"
    elif word in ("tz", "time"):
        sub, note = await _set_from_text(repo, place, locale, sub, word, rest.strip(), now)
    elif word in STOP_WORDS:
        note = "nothing_to_stop"
    elif word in ("pause", "resume"):
        note = "no_digest"  # nothing to pause or resume
    elif word:
        note = "unknown_option"
    await send(message, settings_screen(sub, t, note=note, place=place))


async def _set_from_text(
    repo: Repository,
    place: Place,
    locale: str,
    sub: DigestSubscription | None,
    word: str,
    value: str,
    now: datetime,
) -> tuple[DigestSubscription | None, str]:
    """``/digest tz Berlin`` or ``/digest time 9:30``: subscribes if need be, and says so."""
    schedule = sub.schedule if sub else default_schedule(locale)
    try:
        if word == "tz":
            changed = replace(schedule, timezone=zone_name(value))
        else:
            changed = replace(schedule, at=_parse_time(value))
    except (InvalidSchedule, ValueError):
        return sub, "bad_" + word
    return await _save(repo, place, locale, sub, changed, now), "saved" if sub else "subscribed"


def _parse_time(value: str) -> time:
    """``9``, ``9:30``, ``09.30``: minutes always in two digits, so ``9.5`` is no 9:05."""
    found = TIME_OF_DAY.fullmatch(value)
    if found is None:
        raise ValueError(f"not a time of day: {value!r}")
    return time(int(found["hours"]), int(found["minutes"] or 0))


async def on_digest_button(
    query: CallbackQuery,
    callback_data: DigestCb,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    locale: str,
    repo: Repository,
    digest_clock: Clock = utc_now,
) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        await query.answer(t("outdated"))
        return
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(t.button("digest_admins_only"), show_alert=True)
        return
    chat, action, now = message.chat, callback_data.action, digest_clock()
    if action == "now":
        await query.answer()
        await send(
            message,
            digest_screen(
                await compose(repo, chat.id, now, default_zone=default_timezone(t.locale)),
                t,
                group=_in_group(chat),
                preview=True,
            ),
        )
        return
    if action == "update":
        await _update_numbers(query, message, state, t, repo, bot)
        return
    sub = await repo.get_digest_subscription(chat.id)
    try:
        place = Place.of(message)
        screen = await _apply(action, callback_data.value, sub, place, locale, repo, t, now)
    except (InvalidSchedule, ValueError):
        screen = None
    if screen is None:
        await query.answer(t("outdated"))
        return
    await query.answer()
    await replace_screen(query, screen)


async def _apply(
    action: str,
    value: str,
    sub: DigestSubscription | None,
    place: Place,
    locale: str,
    repo: Repository,
    t: Texts,
    now: datetime,
) -> Screen | None:
    """The screen after a settings button; ``None`` when the button no longer applies."""
    if action == "menu":
        return settings_screen(sub, t, place=place)
    if action == "subscribe":
        schedule = default_schedule(locale, Frequency(value))
        saved = await _save(repo, place, locale, sub, schedule, now)
        return settings_screen(saved, t, note="subscribed", place=place)
    if sub is None:
        return None
    schedule = sub.schedule
    if action == "pick_day":
        return Screen(
            t("digest_pick_day", frequency=schedule.frequency.value),
            day_keyboard(schedule.frequency, t),
        )
    if action == "pick_time":
        return Screen(t("digest_pick_time", timezone=schedule.timezone), time_keyboard(t))
    if action == "pick_tz":
        return Screen(t("digest_pick_timezone"), timezone_keyboard(locale, t))
    if action in ("pause", "resume"):
        paused = await repo.set_digest_paused(
            place.chat_id, action == "pause", next_due_at=_due(sub, now)
        )
        note = "paused" if action == "pause" else "resumed"
        return settings_screen(paused, t, note=note, place=place)
    if action == "unsubscribe":
        await repo.delete_digest_subscription(place.chat_id)
        return settings_screen(None, t, note="unsubscribed", place=place)
    changed = _changed(schedule, action, value)
    if changed is None:
        return None
    saved = await _save(repo, place, locale, sub, changed, now)
    if action == "freq":
        return Screen(
            t("digest_pick_day", frequency=changed.frequency.value),
            day_keyboard(changed.frequency, t),
        )
    return settings_screen(saved, t, note="saved", place=place)


def _changed(schedule: Schedule, action: str, value: str) -> Schedule | None:
    if action == "freq":
        frequency = Frequency(value)
        return replace(schedule, frequency=frequency, day=DEFAULT_DAY[frequency])
    if action == "day":
        return replace(schedule, day=int(value))
    if action == "time":
        return replace(schedule, at=time(int(value[:2]), int(value[2:])))
    if action == "tz":
        return replace(schedule, timezone=zone_name(value))
    return None


async def _save(
    repo: Repository,
    place: Place,
    locale: str,
    sub: DigestSubscription | None,
    schedule: Schedule,
    now: datetime,
) -> DigestSubscription:
    """Digests go where their settings were last saved: in a forum, that topic."""
    return await repo.save_digest_subscription(
        place.chat_id,
        schedule,
        locale=sub.locale if sub else locale,
        next_due_at=next_due(schedule, now),
        paused=sub.paused if sub else False,
        thread_id=place.topic,
    )


def _due(sub: DigestSubscription, now: datetime) -> datetime:
    """Pausing or resuming starts from now: digests missed while paused are not sent."""
    return next_due(sub.schedule, now)


def settings_screen(
    sub: DigestSubscription | None, t: Texts, *, note: str | None = None, place: Place
) -> Screen:
    """In a forum, the text says which topic the digests go to."""
    text = t("digest_settings", sub=sub, note=note, forum=place.forum, topic=place.topic)
    return Screen(text, settings_keyboard(sub, t))


async def _update_numbers(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    t: Texts,
    repo: Repository,
    bot: Bot,
) -> None:
    """The wizard, starting from the chat's numbers; in a group, the admin's setup of the team
    profile, its questions replying to the digest."""
    await query.answer()
    if message.chat.type != ChatType.PRIVATE:
        where = Asked(message.chat.id, None, topic_of(message), name=query.from_user.first_name)
        await open_setup(bot, where, state, t, repo, owner=query.from_user.id)
        return
    profile = await repo.get_profile(message.chat.id)
    await open_wizard(message, state, t, from_inputs(profile.inputs) if profile else None)
