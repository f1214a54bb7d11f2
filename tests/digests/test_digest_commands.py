"""/digest as a person uses it: subscribe, day, time, time zone, pause, resume, unsubscribe,
a preview; group admins only."""

import re
from datetime import time, timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.enums import ChatType
from aiogram.methods import AnswerCallbackQuery, SendMessage

from bot.digests.keyboards import TIMEZONES, DigestCb
from bot.digests.schedule import (
    RUSSIAN_CITIES,
    Frequency,
    InvalidSchedule,
    next_due,
    zone_name,
)
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from tests.digests.conftest import FakeClock
from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession

GROUP = -1009876543210
ADMIN, MEMBER = 3003, 4004
INPUTS = LtvInputs(
    aov=2500.0,
    orders_per_month=1.5,
    lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.05),
    margin=0.3,
    currency="RUB",
)


def buttons(client: TelegramClient) -> list[str]:
    markup = client.last_message().reply_markup
    assert markup is not None
    return [button.text for row in markup.inline_keyboard for button in row]


async def test_subscribe_weekly_with_the_language_default_zone(
    client: TelegramClient, ru_client: TelegramClient, repo: SqliteRepository
) -> None:
    await client.send("/digest")
    assert "LTV digest" in client.last_text()
    assert buttons(client) == ["📬 Weekly", "📬 Monthly", "👀 Preview"]
    await client.click("Weekly")
    text = client.last_text()
    assert "Subscribed" in text and "every Monday at 09:00, UTC time" in text
    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.schedule.timezone == "UTC" and not sub.paused

    await ru_client.send("/digest")
    await ru_client.click("Раз в неделю")
    assert "в понедельник в 09:00 (Москва)" in ru_client.last_text()  # the city, not the id
    ru_sub = await repo.get_digest_subscription(ru_client.chat.id)
    assert ru_sub is not None and ru_sub.schedule.timezone == "Europe/Moscow"


async def test_choose_day_time_and_zone_with_buttons(
    client: TelegramClient, repo: SqliteRepository, clock: FakeClock
) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    await client.click("Mon")
    assert "On which day of the week" in client.last_text()
    await client.click("Wed")
    await client.click("🕘 09:00")
    await client.click("18:00")
    await client.click("🌍 UTC")
    await client.click("Berlin")
    text = client.last_text()
    assert "every Wednesday at 18:00, Berlin time" in text
    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None
    assert (sub.schedule.day, sub.schedule.at, sub.schedule.timezone) == (
        2,
        time(18, 0),
        "Europe/Berlin",
    )
    assert sub.next_due_at == next_due(sub.schedule, clock.now)


async def test_monthly_on_the_31st(client: TelegramClient, repo: SqliteRepository) -> None:
    await client.send("/digest")
    await client.click("Monthly")
    await client.click("1")  # the day button of the default, the 1st
    await client.click("31")
    assert "monthly on the 31st (the last day in shorter months)" in client.last_text()
    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.schedule.frequency is Frequency.MONTHLY
    assert sub.schedule.day == 31


async def test_switching_frequency_asks_for_the_day(
    client: TelegramClient, repo: SqliteRepository
) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    await client.click("Monthly")
    assert "day of the month" in client.last_text()
    await client.click("15")
    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and (sub.schedule.frequency, sub.schedule.day) == (
        Frequency.MONTHLY,
        15,
    )


async def test_pause_skips_what_was_missed_and_resume_starts_from_now(
    client: TelegramClient, repo: SqliteRepository, clock: FakeClock
) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    await client.click("Pause")
    assert "paused" in client.last_text()
    assert "▶️ Resume" in buttons(client)
    paused = await repo.get_digest_subscription(client.chat.id)
    assert paused is not None and paused.paused
    assert await repo.due_digest_subscriptions(clock.now + timedelta(weeks=3)) == []
    clock.advance(timedelta(weeks=3))
    await client.click("Resume")
    resumed = await repo.get_digest_subscription(client.chat.id)
    assert resumed is not None and not resumed.paused and resumed.next_due_at > clock.now


async def test_unsubscribe_and_outdated_buttons(
    client: TelegramClient, repo: SqliteRepository, session: RecordingSession
) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    settings = client.last_message()
    await client.click("Unsubscribe")
    assert "Unsubscribed" in client.last_text()
    assert await repo.get_digest_subscription(client.chat.id) is None
    await client.click("Mon", message=settings)  # a button of the old settings
    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."


async def test_commands_for_zone_time_pause_and_stop(
    client: TelegramClient, repo: SqliteRepository
) -> None:
    await client.send("/digest tz Mars/Olympus")
    assert "I do not know that time zone" in client.last_text()
    assert await repo.get_digest_subscription(client.chat.id) is None
    await client.send("/digest time 7:45")
    assert "Subscribed" in client.last_text()  # not a bare "Saved": there was no digest
    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.schedule.at == time(7, 45)
    await client.send("/digest time 25:00")
    assert "could not read that time" in client.last_text()
    await client.send("/digest tz America/New_York")
    assert "Saved" in client.last_text()
    await client.send("/digest pause")
    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.paused and sub.schedule.timezone == "America/New_York"
    await client.send("/digest stop")
    assert await repo.get_digest_subscription(client.chat.id) is None
    await client.send("/digest stop")
    assert "nothing to stop" in client.last_text()


@pytest.mark.parametrize(
    "typed", ["Europe", "America", "localtime", "Factory", "x" * 300, "../../etc/passwd", ""]
)
async def test_a_zone_that_is_no_place_is_refused_with_an_example(
    client: TelegramClient, repo: SqliteRepository, typed: str
) -> None:
    await client.send(f"/digest tz {typed}")

    assert "I do not know that time zone" in client.last_text()
    assert "e.g. /digest tz Berlin or /digest tz New York" in client.last_text()  # tags unseen
    assert await repo.get_digest_subscription(client.chat.id) is None


@pytest.mark.parametrize(
    ("locale", "typed", "zone", "shown"),
    [
        ("en", "New York", "America/New_York", "every Monday at 09:00, New York time"),
        ("en", "kyiv", "Europe/Kyiv", "every Monday at 09:00, Kyiv time"),
        ("ru", "Москва", "Europe/Moscow", "в понедельник в 09:00 (Москва)"),
        ("ru", "Алматы", "Asia/Almaty", "в понедельник в 09:00 (Алматы)"),
        ("ru", "Tbilisi", "Asia/Tbilisi", "в понедельник в 09:00 (Тбилиси)"),
    ],
)
async def test_a_zone_is_set_by_typing_its_city(
    dp: Dispatcher,
    bot: Bot,
    repo: SqliteRepository,
    locale: str,
    typed: str,
    zone: str,
    shown: str,
) -> None:
    client = TelegramClient(dp, bot, language_code=locale)
    await client.send(f"/digest tz {typed}")

    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.schedule.timezone == zone
    assert shown in client.last_text()


async def test_a_zone_is_read_whatever_its_case(
    client: TelegramClient, repo: SqliteRepository
) -> None:
    await client.send("/digest tz europe/moscow")

    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.schedule.timezone == "Europe/Moscow"


async def test_a_forged_zone_button_is_outdated(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    await client.press_forged(DigestCb(action="tz", value="Europe").pack())

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."


@pytest.mark.parametrize(
    ("typed", "at"), [("9", time(9)), ("9.30", time(9, 30)), ("09:05", time(9, 5))]
)
async def test_a_time_of_day_in_the_ways_people_write_it(
    client: TelegramClient, repo: SqliteRepository, typed: str, at: time
) -> None:
    await client.send(f"/digest time {typed}")

    sub = await repo.get_digest_subscription(client.chat.id)
    assert sub is not None and sub.schedule.at == at


@pytest.mark.parametrize("typed", ["9.5", "9:5", "24:00", "9:60", "noon", "9:30:15"])
async def test_a_time_that_could_be_misread_is_refused(
    client: TelegramClient, repo: SqliteRepository, typed: str
) -> None:
    await client.send(f"/digest time {typed}")

    assert "could not read that time" in client.last_text()
    assert await repo.get_digest_subscription(client.chat.id) is None


@pytest.mark.parametrize("typed", ["etc/gmt+3", "EST", "CET", "W-SU", "Zulu", "US/Eastern"])
def test_an_alias_that_is_no_place_is_refused(typed: str) -> None:
    """ "Etc/GMT+3" is UTC-3: a Moscow user typing it would get digests six hours late."""
    with pytest.raises(InvalidSchedule):
        zone_name(typed)


def test_places_and_utc_are_accepted() -> None:
    assert [zone_name(typed) for typed in ("utc", "america/argentina/buenos_aires")] == [
        "UTC",
        "America/Argentina/Buenos_Aires",
    ]


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Moscow", "Europe/Moscow"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("  Kyiv ", "Europe/Kyiv"),
        ("port-au-prince", "America/Port-au-Prince"),
        ("America/New York", "America/New_York"),
        ("Москва", "Europe/Moscow"),
        ("санкт-петербург", "Europe/Moscow"),
        ("Санкт Петербург", "Europe/Moscow"),
        ("Київ", "Europe/Kyiv"),
        ("Астана", "Asia/Almaty"),
        ("Кишинёв", "Europe/Chisinau"),
        ("Кишинев", "Europe/Chisinau"),
    ],
)
def test_a_city_names_its_zone_in_english_or_russian(typed: str, zone: str) -> None:
    assert zone_name(typed) == zone


def test_every_russian_city_is_shown_in_russian_and_read_back() -> None:
    """The settings name a zone by the Russian name of its city wherever the table knows one."""
    texts = Renderer()("ru")
    for zone in set(RUSSIAN_CITIES.values()):
        shown = texts.button("btn_digest_zone", timezone=zone)
        assert re.fullmatch(r"[А-ЯЁ][А-ЯЁа-яё -]+", shown), (zone, shown)
        assert zone_name(shown) == zone
    assert texts.button("btn_digest_zone", timezone="Europe/Kiev") == "Киев"  # older choices
    assert texts.button("btn_digest_zone", timezone="Asia/Ho_Chi_Minh") == "Ho Chi Minh"
    english = Renderer()("en")
    assert english.button("btn_digest_zone", timezone="Europe/Moscow") == "Moscow"


def test_every_zone_on_a_button_is_known() -> None:
    for zones in TIMEZONES.values():
        assert [zone_name(name) for name in zones] == list(zones)


async def test_preview_and_the_buttons_under_a_digest(
    client: TelegramClient, repo: SqliteRepository
) -> None:
    await client.send("/digest now")
    assert "You have not calculated your LTV yet" in client.last_text()
    await repo.save_profile(client.chat.id, INPUTS, user_id=None, user_name=None)
    await client.send("/digest now")
    preview = client.last_text()
    assert "A preview" in preview and "Customer LTV" in preview and "One thing to do" in preview
    assert buttons(client) == ["🔔 Set up a digest"]  # nothing to change or stop yet
    await client.click("Set up a digest")
    assert "📬 Weekly" in buttons(client)
    await client.send("/digest")
    await client.click("Weekly")
    await client.send("/digest now")
    assert "🔕 Stop" in buttons(client)
    await client.click("Change the digest")
    assert "every Monday" in client.last_text()
    await client.send("/digest now")
    await client.click("Stop")
    assert await repo.get_digest_subscription(client.chat.id) is None


async def test_update_button_opens_the_wizard_on_the_chats_numbers(
    client: TelegramClient, repo: SqliteRepository, clock: FakeClock
) -> None:
    await repo.upsert_chat(client.chat.id, kind="private")
    await repo.save_profile(client.chat.id, INPUTS, user_id=None, user_name=None)
    clock.advance(timedelta(days=40))
    await client.send("/digest now")
    stale = client.last_text()
    assert "over a month ago" in stale and "\n\n\n" not in stale  # one blank line before it
    await client.click("Update my numbers")
    assert "Check your numbers" in client.last_text()


def group_client(dp: Dispatcher, bot: Bot, user_id: int) -> TelegramClient:
    return TelegramClient(
        dp, bot, user_id=user_id, chat_id=GROUP, chat_type=ChatType.SUPERGROUP, language_code="en"
    )


async def test_in_a_group_only_admins_manage_the_digest(
    dp: Dispatcher, bot: Bot, session: RecordingSession, repo: SqliteRepository
) -> None:
    session.admins[GROUP] = {ADMIN}
    admin, member = group_client(dp, bot, ADMIN), group_client(dp, bot, MEMBER)
    await member.send("/digest")
    assert "Only the group's admins" in member.last_text()
    await admin.send("/digest")
    await admin.click("Weekly")
    assert "Subscribed" in admin.last_text()
    await member.click("Pause")
    assert session.last(AnswerCallbackQuery).show_alert is True
    sub = await repo.get_digest_subscription(GROUP)
    assert sub is not None and not sub.paused
    await admin.send("/ltv 2500 1.5 30% 18")  # a calculation is no team profile
    await admin.send("/digest now")
    assert "The team has no shop profile yet: /setup" in admin.last_text()
    digest = admin.last_message()

    await member.click("Calculate LTV", message=digest)
    assert session.last(AnswerCallbackQuery).show_alert is True
    await admin.click("Calculate LTV", message=digest)  # the admin's setup, asked right here
    question = session.last(SendMessage)
    assert "What do you sell" in (question.text or "")
    await admin.click("Cosmetics")
    typed = session.last(SendMessage)  # a forced reply: it must reach the admin, not the bot
    assert "Average order value" in (typed.text or "")
    assert typed.reply_parameters is None  # a reply to the bot's digest would target the bot
    assert f'<a href="tg://user?id={ADMIN}">' in (typed.text or "")
    await admin.reply("2500", to=admin.last_message())
    following = session.last(SendMessage)
    assert following.reply_parameters is not None and "tg://user" not in (following.text or "")


async def test_in_a_forum_digests_go_to_the_topic_their_settings_were_saved_in(
    dp: Dispatcher, bot: Bot, session: RecordingSession, repo: SqliteRepository
) -> None:
    session.admins[GROUP] = {ADMIN}
    admin = group_client(dp, bot, ADMIN)
    admin.chat = admin.chat.model_copy(update={"is_forum": True})
    admin.topic = 77
    await admin.send("/digest")
    await admin.click("Weekly")
    assert "📍 In this topic." in admin.last_text()
    sub = await repo.get_digest_subscription(GROUP)
    assert sub is not None and sub.thread_id == 77

    admin.topic = None  # General
    await admin.send("/digest")
    assert "📍 In another topic of this group." in admin.last_text()
    await admin.click("Pause")  # pausing keeps the topic
    sub = await repo.get_digest_subscription(GROUP)
    assert sub is not None and sub.paused and sub.thread_id == 77
    await admin.send("/digest time 10:00")  # a change made in General moves it there
    assert "📍 In this topic." in admin.last_text()
    sub = await repo.get_digest_subscription(GROUP)
    assert sub is not None and sub.thread_id is None
    admin.topic = 77
    await admin.send("/digest")
    assert "📍 In the General topic." in admin.last_text()


async def test_no_word_of_topics_outside_a_forum(client: TelegramClient) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    assert "📍" not in client.last_text()


async def test_callback_data_fits_telegram(client: TelegramClient) -> None:
    await client.send("/digest")
    await client.click("Weekly")
    for picker in ("Mon", "🕘 09:00", "🌍 UTC"):
        await client.click(picker)
        markup = client.last_message().reply_markup
        assert markup is not None
        for row in markup.inline_keyboard:
            for button in row:
                assert button.callback_data and len(button.callback_data.encode()) <= 64
        await client.click("« Back")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("/digest foo", "I do not know that option"),
        ("/digest pause", "No digest is on in this chat: subscribe below first"),
        ("/digest stop", "No digest is on in this chat, so there is nothing to stop"),
    ],
)
async def test_a_digest_option_that_does_nothing_says_why(
    client: TelegramClient, typed: str, said: str
) -> None:
    await client.send(typed)
    assert said in client.last_text()
    assert "How often?" in client.last_text()  # the settings are still there to use
