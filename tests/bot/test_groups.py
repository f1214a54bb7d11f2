"""Team chats through the real dispatcher: commands in every form, admins, the group setup with
forced replies, two people at once, migration, removal, /forget and the intro."""

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.enums import ChatType
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerCallbackQuery, SendMessage, SetMyCommands
from aiogram.types import (
    Chat,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    ForceReply,
    Message,
    Update,
    User,
)

from bot.app import register_commands
from bot.groups.handlers import GROUP_COMMANDS
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession

GROUP = -1001
SUPERGROUP = -1009990001
ANNA, BORIS = 1, 2
SHOP = LtvInputs(
    aov=2500.0,
    orders_per_month=1.5,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18.0),
    margin=0.3,
    currency="RUB",
)
# 2500 x 1.5 a month x 18 months x 30 % margin
LTV_TEXT = "LTV: $20,250"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2025, 3, 1, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def repo(clock: Clock) -> AsyncIterator[SqliteRepository]:
    repository = await SqliteRepository.open(":memory:", now=clock)
    yield repository
    await repository.close()


def member(dp: Dispatcher, bot: Bot, user_id: int, name: str, **kwargs: str) -> TelegramClient:
    return TelegramClient(
        dp,
        bot,
        user_id=user_id,
        chat_id=GROUP,
        chat_type=ChatType.GROUP,
        language_code="en",
        first_name=name,
        **kwargs,
    )


@pytest.fixture
def anna(dp: Dispatcher, bot: Bot, session: RecordingSession) -> TelegramClient:
    session.admins[GROUP] = {ANNA}
    return member(dp, bot, ANNA, "Anna")


@pytest.fixture
def boris(dp: Dispatcher, bot: Bot) -> TelegramClient:
    return member(dp, bot, BORIS, "Boris")


def replies(session: RecordingSession) -> list[SendMessage]:
    return session.of_type(SendMessage)


async def command(client: TelegramClient, text: str) -> SendMessage:
    """Send a command; exactly one reply, to that very command."""
    sent = await client.send(text)
    messages = [method for method in sent if isinstance(method, SendMessage)]
    assert len(messages) == 1, f"{text!r} got {len(messages)} replies"
    (reply,) = messages
    assert reply.reply_parameters is not None
    assert reply.reply_parameters.message_id == client.last_message().message_id - 1
    return reply


async def set_team_profile(repo: SqliteRepository, inputs: LtvInputs = SHOP) -> None:
    await repo.upsert_chat(GROUP, kind="group", title="Shop team")
    await repo.save_profile(GROUP, inputs, user_id=ANNA, user_name="Anna Admin")


# --- /ltv -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "/ltv 2500 1.5 30% 18",
        "/ltv@ltv_test_bot 2500 1.5 30% 18",
        "/ltv check=2500 freq=1.5/mo margin=30% life=18m",
        "/ltv чек=2500 частота=1,5 маржа=30% срок=18 мес",
        "/ltv 2500 1.5 0.3 1.5 years",
    ],
)
async def test_ltv_with_numbers_answers_in_one_reply(
    boris: TelegramClient, repo: SqliteRepository, text: str
) -> None:
    reply = await command(boris, text)

    assert LTV_TEXT in boris.last_text()
    assert "× 30% margin" in boris.last_text()
    assert reply.reply_markup is None
    saved = await repo.list_calculations(GROUP)
    assert [(c.user_id, c.ltv) for c in saved] == [(BORIS, pytest.approx(20250))]


async def test_one_month_reads_in_the_singular(boris: TelegramClient) -> None:
    await command(boris, "/ltv 1000 1 30% 1")

    assert "× 1 order a month × 1 month × 30% margin" in boris.last_text()


async def test_cac_gives_the_ratio(boris: TelegramClient) -> None:
    await command(boris, "/ltv 2500 1.5 30% 18 1500")

    assert "LTV:CAC = 13.5:1" in boris.last_text()


async def test_digest_settings_answer_the_admin_who_asked(anna: TelegramClient) -> None:
    await command(anna, "/digest")  # a reply to that very command, as every group answer
    assert "digest" in anna.last_text().lower()


@pytest.mark.parametrize("text", ["/calc", "/history", "/language en"])
async def test_a_private_chats_command_is_told_where_it_works(
    boris: TelegramClient, text: str
) -> None:
    await command(boris, text)
    assert "work in a private chat with me" in boris.last_text()


async def test_a_command_for_another_bot_is_ignored(
    boris: TelegramClient, session: RecordingSession
) -> None:
    await boris.send("/ltv@other_bot 2500 1.5 30% 18")
    await boris.send("/team@other_bot")

    assert replies(session) == []


@pytest.mark.parametrize("text", ["/help", "/start", "/help@ltv_test_bot", "/start@ltv_test_bot"])
async def test_help_and_start_introduce_the_group_commands(
    boris: TelegramClient, text: str
) -> None:
    await command(boris, text)

    listed = [name for name in GROUP_COMMANDS if f"/{name} " in boris.last_text()]
    assert listed == [name for name in GROUP_COMMANDS if name != "help"]  # the menu, explained
    assert "order export" in boris.last_text()


async def test_plain_talk_in_the_group_is_ignored(
    boris: TelegramClient, session: RecordingSession
) -> None:
    await boris.send("what is our LTV, folks?")

    assert replies(session) == []


@pytest.mark.parametrize(
    ("text", "explained", "example"),
    [
        ("/ltv 2500", "purchase frequency is missing", "freq=1.5"),
        ("/ltv 2500 1.5 30%", "customer lifetime or the churn is missing", "life=18 or churn=5%"),
        (
            "/ltv 2500 1.5 30% 18 churn 5%",
            "Both the customer lifetime (18) and the churn (5%) are given",
            "churn=5% or life=18",
        ),
        ("/ltv abc 1.5 30% 18", "average order value abc is not a number", "order=2500"),
        ("/ltv 2500 1.5 130% 18", "margin 130% cannot exceed 100%", "margin=30%"),
        (
            "/ltv 2500₽ 1.5 30% 18 $40",
            "CAC must be in the order value's currency (₽)",
            "cac=1500",
        ),
        ("/ltv price=2500 freq=1.5 life=18", "do not know the argument price=", "Usage"),
        ("/ltv 2500 1.5 30% 18 1500 9", "9 is extra", "Usage"),
        (
            "/ltv 2500 1.5 18 1500",
            "and 1500 as the lifetime in months, over 100 years",
            "/ltv 2500 1.5 18 months 1500 — without a margin",
        ),
        (
            "/ltv 2500 2 раза в месяц в 3 магазинах 30% 18",
            "purchase frequency 2 раза в месяц в 3 магазинах holds several numbers",
            "freq=1.5",
        ),
    ],
)
async def test_a_bad_argument_gets_a_usage_line_naming_it(
    boris: TelegramClient, repo: SqliteRepository, text: str, explained: str, example: str
) -> None:
    await command(boris, text)

    answer = boris.last_text()
    assert explained in answer
    assert example in answer
    assert "/ltv 2500 1.5 30% 18" in answer
    assert await repo.list_calculations(GROUP) == []


@pytest.mark.parametrize(
    "text", ["/ltv 2500 1.5 30% 18 " + "a" * 4000, "/ltv " + "x" * 4000 + "=5 1.5 30% 18"]
)
async def test_a_huge_argument_is_quoted_short(boris: TelegramClient, text: str) -> None:
    await command(boris, text)

    answer = boris.last_text()
    assert "…" in answer and len(answer) < 500
    assert "Usage" in answer


async def test_a_failure_in_a_group_points_to_help_not_calc(
    boris: TelegramClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.groups.handlers.calculate", broken)
    await boris.send("/ltv 2500 1.5 30% 18")

    assert "Something went wrong on my side" in boris.last_text()
    assert "/help" in boris.last_text() and "/calc" not in boris.last_text()


async def test_usage_in_russian(dp: Dispatcher, bot: Bot) -> None:
    olga = TelegramClient(dp, bot, user_id=3, chat_id=GROUP, chat_type=ChatType.GROUP)

    await command(olga, "/ltv 2500")

    assert "Не хватает значения: частота покупок" in olga.last_text()
    assert "частота=1,5" in olga.last_text()


async def test_ltv_alone_shows_how_to_set_a_profile_then_the_profile(
    boris: TelegramClient, repo: SqliteRepository
) -> None:
    await command(boris, "/ltv")
    assert "no shop profile yet" in boris.last_text()
    assert "/setup" in boris.last_text()

    await set_team_profile(repo)
    await command(boris, "/ltv@ltv_test_bot")

    assert "LTV: ₽20,250" in boris.last_text()  # in the profile's currency, roubles


async def test_quick_numbers_use_the_team_currency(
    boris: TelegramClient, repo: SqliteRepository
) -> None:
    await set_team_profile(repo)

    await command(boris, "/ltv 100 1 50% 10")

    assert "LTV: ₽500" in boris.last_text()
    assert "RUB" not in boris.last_text()  # the sign, as on the buttons


async def test_a_churn_line_is_calculated_by_the_churn(
    boris: TelegramClient, repo: SqliteRepository
) -> None:
    await command(boris, "/ltv check=2500 freq=1.5 margin=30% churn=5% a month")

    assert "LTV: $22,500" in boris.last_text()  # 2500 x 1.5 x 30 % / 5 %
    (stored,) = await repo.list_calculations(GROUP)
    assert stored.inputs.lifetime == Lifetime(LifetimeSource.CHURN, monthly_churn=0.05)


async def test_without_a_profile_the_first_calculation_sets_the_teams_currency(
    dp: Dispatcher, bot: Bot, boris: TelegramClient
) -> None:
    anna = TelegramClient(
        dp, bot, user_id=ANNA, chat_id=GROUP, chat_type=ChatType.GROUP, language_code="ru"
    )
    await command(anna, "/ltv 2500 1.5 30% 18")
    assert "20\xa0250\xa0₽" in anna.last_text()

    await command(boris, "/ltv 2500 1.5 30% 18")  # Boris writes in English: same shop

    assert "LTV: ₽20,250" in boris.last_text()


# --- /team, /useprofile, /forget -------------------------------------------------------


async def test_team_shows_profile_ltv_top_advice_and_who_changed_it(
    boris: TelegramClient, repo: SqliteRepository
) -> None:
    await set_team_profile(repo)

    await command(boris, "/team")

    team = boris.last_text()
    assert "team's shop profile" in team
    assert "LTV: ₽20,250" in team
    assert "At stake" in team  # the top advice
    assert "Changed by Anna Admin, 2025-03-01 12:00" in team


async def test_non_admins_are_refused_politely_and_nothing_changes(
    boris: TelegramClient, anna: TelegramClient, repo: SqliteRepository
) -> None:
    await set_team_profile(repo)
    await repo.upsert_chat(BORIS, kind="private")
    await repo.save_profile(BORIS, SHOP, user_id=BORIS, user_name="Boris")

    for text in ("/setup", "/useprofile", "/forget@ltv_test_bot"):
        await command(boris, text)
        assert "only the group's admins" in boris.last_text()

    profile = await repo.get_profile(GROUP)
    assert profile is not None and profile.updated_by_name == "Anna Admin"


async def test_admin_copies_their_private_profile(
    anna: TelegramClient, repo: SqliteRepository
) -> None:
    await command(anna, "/useprofile")
    assert "no profile in our private chat" in anna.last_text()

    await repo.upsert_chat(ANNA, kind="private")
    await repo.save_profile(ANNA, SHOP, user_id=ANNA, user_name="Anna")
    await command(anna, "/useprofile")

    assert "LTV: ₽20,250" in anna.last_text()
    profile = await repo.get_profile(GROUP)
    assert profile is not None
    assert (profile.inputs, profile.updated_by_id) == (SHOP, ANNA)


async def test_forget_deletes_the_group_data_at_once(
    anna: TelegramClient, repo: SqliteRepository
) -> None:
    await set_team_profile(repo)
    await command(anna, "/ltv 2500 1.5 30% 18")

    await command(anna, "/forget")

    assert "deleted this group's profile" in anna.last_text()
    assert await repo.get_profile(GROUP) is None
    assert await repo.list_calculations(GROUP) == []
    assert await repo.get_chat(GROUP) is None


async def test_forget_names_the_admins_whose_setup_it_stopped(
    dp: Dispatcher, bot: Bot, session: RecordingSession, repo: SqliteRepository
) -> None:
    """Their answers to its questions would otherwise be dropped without a word."""
    session.admins[GROUP] = {ANNA, BORIS}
    anna, boris = member(dp, bot, ANNA, "Anna"), member(dp, bot, BORIS, "Boris <Admin>")
    await boris.send("/setup")
    await boris.click("Cosmetics")
    await anna.send("/setup")  # the one who forgets: her own setup goes unmentioned

    said = (await command(anna, "/forget")).text

    assert said.endswith(
        f'\n<a href="tg://user?id={BORIS}">Boris &lt;Admin&gt;</a>, your unfinished setup is '
        "stopped too: /setup starts again."
    )
    assert "Anna" not in said


async def test_forget_with_no_setup_under_way_names_no_one(
    anna: TelegramClient, boris: TelegramClient, repo: SqliteRepository
) -> None:
    await set_team_profile(repo)
    await boris.send("/ltv 2500 1.5 30% 18")
    await command(anna, "/forget")
    assert anna.last_text() == "Done: I deleted this group's profile, history and settings."


# GroupAnonymousBot has no language: the bot answers it in Russian.
ANONYMOUS_REFUSALS = {"/forget": "group_admins_only", "/digest": "digest_admins_only"}


@pytest.mark.parametrize("text", sorted(ANONYMOUS_REFUSALS))
async def test_an_anonymous_admin_writing_as_the_group_is_an_admin(
    dp: Dispatcher, bot: Bot, repo: SqliteRepository, text: str
) -> None:
    await set_team_profile(repo)
    anonymous = TelegramClient(
        dp, bot, chat_id=GROUP, chat_type=ChatType.GROUP, language_code=None, on_behalf_of=GROUP
    )
    await anonymous.send(text)
    answer = anonymous.last_text()
    assert answer and answer != Renderer()("ru")(ANONYMOUS_REFUSALS[text])
    assert (await repo.get_profile(GROUP) is None) == (text == "/forget")


@pytest.mark.parametrize("text", ["/setup", "/useprofile"])
async def test_an_anonymous_admin_is_asked_to_set_up_as_themselves(
    dp: Dispatcher, bot: Bot, repo: SqliteRepository, text: str
) -> None:
    """What follows a /setup (buttons, replies) belongs to a person, whom the group hides."""
    anonymous = TelegramClient(
        dp, bot, chat_id=GROUP, chat_type=ChatType.GROUP, language_code=None, on_behalf_of=GROUP
    )
    await anonymous.send(text)
    assert anonymous.last_text() == Renderer()("ru")("group_write_as_yourself")
    assert await repo.get_profile(GROUP) is None


async def test_a_message_on_behalf_of_another_chat_is_no_admins(
    dp: Dispatcher, bot: Bot, repo: SqliteRepository
) -> None:
    """A post of the group's linked channel comes on behalf of the channel, not the group."""
    await set_team_profile(repo)
    channel = GROUP - 1
    channel_post = TelegramClient(
        dp, bot, chat_id=GROUP, chat_type=ChatType.GROUP, language_code=None, on_behalf_of=channel
    )
    await channel_post.send("/forget")
    assert channel_post.last_text() == Renderer()("ru")("group_admins_only")
    assert await repo.get_profile(GROUP) is not None


# --- /setup: the wizard with forced replies -----------------------------------------------


def fsm_key(user_id: int, chat_id: int = GROUP) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat_id, user_id=user_id)


async def answer(client: TelegramClient, text: str) -> None:
    """Reply to the bot's latest message, which must be a forced reply to this person."""
    question = client.last_message()
    request = client.session.last(SendMessage)
    assert isinstance(request.reply_markup, ForceReply)
    assert request.reply_markup.selective is True
    await client.reply(text, to=question)


async def test_admin_sets_the_team_profile_in_the_group(
    anna: TelegramClient, repo: SqliteRepository, session: RecordingSession
) -> None:
    await command(anna, "/setup")
    assert "What do you sell" in anna.last_text()
    await anna.click("Cosmetics")
    assert "Average order value" in anna.last_text()
    assert "Reply to this message" in anna.last_text()
    assert "/cancel stops.\nNo unit buttons in a group" in anna.last_text()  # a forced reply
    for text in ("$65", "0.6", "58%"):
        await answer(anna, text)
    await anna.click("lifetime")
    assert "type the unit, e.g. 18 months" in anna.last_text()
    await answer(anna, "18 months")
    await answer(anna, "40")
    assert "to skip" in anna.last_text()
    await answer(anna, "-")
    assert "Check your numbers" in anna.last_text()

    await anna.click("Calculate LTV")

    assert "LTV: $407.16" in anna.last_text()
    assert "Changed by Anna" in anna.last_text()
    profile = await repo.get_profile(GROUP)
    assert profile is not None and profile.inputs.aov == 65 and profile.inputs.currency == "USD"
    assert await session_state(anna) is None


async def session_state(client: TelegramClient) -> str | None:
    return await client.dp.storage.get_state(fsm_key(client.user.id))


async def test_a_file_sent_mid_setup_leaves_the_setup_in_place(anna: TelegramClient) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    await answer(anna, "$65")
    question = anna.last_message()

    await anna.send_document("orders.csv", b"not;an;export\n1;2;3\n")
    await anna.reply("0.6", to=question)

    assert "Gross margin" in anna.last_text()


async def setup_to_summary(anna: TelegramClient, aov: str) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    for text in (aov, "0.6", "58%"):
        await answer(anna, text)
    await anna.click("lifetime")
    for text in ("18 months", "40", "-"):
        await answer(anna, text)


async def test_an_earlier_setups_summary_is_outdated(
    anna: TelegramClient, repo: SqliteRepository, session: RecordingSession
) -> None:
    await setup_to_summary(anna, "$65")
    old_summary = anna.last_message()
    await command(anna, "/cancel")
    await setup_to_summary(anna, "$1000")

    await anna.click("Calculate LTV", message=old_summary)

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."
    assert await repo.get_profile(GROUP) is None
    await anna.click("Calculate LTV")
    profile = await repo.get_profile(GROUP)
    assert profile is not None and profile.inputs.aov == 1000


async def test_a_bad_answer_is_explained_and_asked_again(anna: TelegramClient) -> None:
    await command(anna, "/setup")
    await anna.click("Skip")

    await answer(anna, "abc")

    assert "could not read a number" in anna.last_text()
    assert "Average order value" in anna.last_text()
    await answer(anna, "65")
    assert "Purchase frequency" in anna.last_text()


async def test_setup_starts_at_the_summary_of_an_existing_profile(
    anna: TelegramClient, repo: SqliteRepository
) -> None:
    await set_team_profile(repo)

    await command(anna, "/setup")
    assert "Check your numbers" in anna.last_text()
    await anna.click("Average order")
    await answer(anna, "3000")
    await anna.click("Calculate LTV")

    profile = await repo.get_profile(GROUP)
    assert profile is not None and profile.inputs.aov == 3000


async def test_two_members_setting_up_at_once_never_mix(
    anna: TelegramClient, boris: TelegramClient, session: RecordingSession
) -> None:
    session.admins[GROUP] = {ANNA, BORIS}
    await command(anna, "/setup")
    annas_menu = anna.last_message()
    await command(boris, "/setup")
    boris_menu = boris.last_message()

    await boris.click("Groceries", message=annas_menu)  # not his
    alert = session.last(AnswerCallbackQuery)
    assert alert.show_alert is True and "belongs to someone else" in (alert.text or "")
    await anna.click("Cosmetics", message=annas_menu)
    annas_question = anna.last_message()
    await boris.click("Groceries", message=boris_menu)
    boris_question = boris.last_message()

    await boris.reply("2500", to=annas_question)  # not his question: asked his own again
    assert "Your reply went to an earlier message" in boris.last_text()
    assert "Average order value" in boris.last_text()
    boris_question = boris.last_message()
    await anna.reply("$65", to=annas_question)
    await boris.reply("2500", to=boris_question)
    await anna.reply("/cancel", to=anna.last_message())

    annas = await anna.dp.storage.get_data(fsm_key(ANNA))
    boris_data = await boris.dp.storage.get_data(fsm_key(BORIS))
    assert annas == {}
    assert (boris_data["business"], boris_data["aov"], boris_data["currency"]) == (
        "groceries",
        2500,
        "USD",
    )
    assert await session_state(boris) == "LtvWizard:frequency"


async def test_an_admin_demoted_mid_setup_cannot_save(
    anna: TelegramClient, repo: SqliteRepository, session: RecordingSession
) -> None:
    await set_team_profile(repo, SHOP)
    await command(anna, "/setup")
    session.admins[GROUP] = set()

    await anna.click("Calculate LTV")

    assert session.last(AnswerCallbackQuery).show_alert is True
    profile = await repo.get_profile(GROUP)
    assert profile is not None and profile.updated_by_name == "Anna Admin"


# --- the bot's membership ----------------------------------------------------------------

BOT_USER = User(id=42, is_bot=True, first_name="LTV Test", username="ltv_test_bot")
ADDER = User(id=ANNA, is_bot=False, first_name="Anna", language_code="en")


async def membership(dp: Dispatcher, bot: Bot, *, joined: bool) -> None:
    left, present = ChatMemberLeft(user=BOT_USER), ChatMemberMember(user=BOT_USER)
    kicked = ChatMemberBanned(user=BOT_USER, until_date=datetime(1970, 1, 1, tzinfo=UTC))
    event = ChatMemberUpdated(
        chat=Chat(id=GROUP, type=ChatType.GROUP, title="Shop team"),
        from_user=ADDER,
        date=datetime.now(UTC),
        old_chat_member=left if joined else present,
        new_chat_member=present if joined else kicked,
    )
    await dp.feed_update(bot, Update(update_id=1, my_chat_member=event))


async def test_intro_once_when_added_and_data_back_when_readded(
    dp: Dispatcher, bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: Clock
) -> None:
    await membership(dp, bot, joined=True)
    (intro,) = replies(session)
    assert intro.chat_id == GROUP
    assert "/ltv" in intro.text and "/setup" in intro.text and "admin" in intro.text
    await repo.save_profile(GROUP, SHOP, user_id=ANNA, user_name="Anna")

    await membership(dp, bot, joined=False)
    chat = await repo.get_chat(GROUP)
    assert chat is not None and not chat.active
    clock.now += timedelta(days=29)
    assert await repo.purge_removed(timedelta(days=30)) == []
    await membership(dp, bot, joined=True)

    assert len(replies(session)) == 1  # no second intro
    chat = await repo.get_chat(GROUP)
    assert chat is not None and chat.active
    assert await repo.get_profile(GROUP) is not None


async def test_data_of_a_removed_group_is_purged_after_30_days(
    dp: Dispatcher, bot: Bot, repo: SqliteRepository, clock: Clock
) -> None:
    await membership(dp, bot, joined=True)
    await repo.save_profile(GROUP, SHOP, user_id=ANNA, user_name="Anna")
    await repo.add_calculation(GROUP, ANNA, SHOP, ltv=20250, revenue_ltv=67500)
    await repo.upsert_chat(ANNA, kind="private")
    await membership(dp, bot, joined=False)

    clock.now += timedelta(days=30, seconds=1)
    assert await repo.purge_removed(timedelta(days=30)) == [GROUP]

    assert await repo.get_chat(GROUP) is None
    assert await repo.get_profile(GROUP) is None
    assert await repo.list_calculations(GROUP) == []
    assert await repo.get_chat(ANNA) is not None  # active chats stay


# --- migration to a supergroup ------------------------------------------------------------


async def feed_service_message(
    dp: Dispatcher,
    bot: Bot,
    chat: Chat,
    *,
    migrate_to_chat_id: int | None = None,
    migrate_from_chat_id: int | None = None,
) -> None:
    message = Message(
        message_id=99,
        date=datetime.now(UTC),
        chat=chat,
        from_user=ADDER,
        migrate_to_chat_id=migrate_to_chat_id,
        migrate_from_chat_id=migrate_from_chat_id,
    )
    await dp.feed_update(bot, Update(update_id=2, message=message))


@pytest.mark.parametrize("supergroup_speaks_first", [False, True])
async def test_migration_moves_profile_history_settings_and_a_setup(
    dp: Dispatcher,
    bot: Bot,
    anna: TelegramClient,
    repo: SqliteRepository,
    clock: Clock,
    supergroup_speaks_first: bool,
) -> None:
    await set_team_profile(repo)
    await repo.set_language(GROUP, "ru")
    await command(anna, "/ltv 100 1 50% 10")
    await command(anna, "/setup")
    old_chat = Chat(id=GROUP, type=ChatType.GROUP, title="Shop team")
    new_chat = Chat(id=SUPERGROUP, type=ChatType.SUPERGROUP, title="Shop team")

    if supergroup_speaks_first:
        clock.now += timedelta(seconds=1)
        await feed_service_message(dp, bot, new_chat, migrate_from_chat_id=GROUP)
    clock.now += timedelta(seconds=1)
    await feed_service_message(dp, bot, old_chat, migrate_to_chat_id=SUPERGROUP)
    await feed_service_message(dp, bot, new_chat, migrate_from_chat_id=GROUP)

    profile = await repo.get_profile(SUPERGROUP)
    assert profile is not None and profile.inputs == SHOP
    assert [c.ltv for c in await repo.list_calculations(SUPERGROUP)] == [500]
    chat = await repo.get_chat(SUPERGROUP)
    assert chat is not None and (chat.kind, chat.language) == ("supergroup", "ru")
    assert await repo.get_chat(GROUP) is None
    moved = StorageKey(bot_id=42, chat_id=SUPERGROUP, user_id=ANNA)
    assert await dp.storage.get_state(moved) == "LtvWizard:summary"


async def test_migration_moves_tables_added_later(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    repo = await SqliteRepository.open(str(path))
    await repo.upsert_chat(GROUP, kind="group")
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE later_feature (chat_id INTEGER, note TEXT)")
        raw.execute("INSERT INTO later_feature VALUES (?, 'kept')", (GROUP,))

    await repo.migrate_chat(GROUP, SUPERGROUP)
    await repo.close()

    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT chat_id, note FROM later_feature").fetchall()
    assert rows == [(SUPERGROUP, "kept")]


# --- the command menu ---------------------------------------------------------------------


async def test_group_command_menu_in_every_language(bot: Bot, session: RecordingSession) -> None:
    await register_commands(bot, Renderer())

    group_menus = [
        call
        for call in session.of_type(SetMyCommands)
        if call.scope and call.scope.type == "all_group_chats"
    ]
    assert sorted(str(call.language_code) for call in group_menus) == ["None", "en", "ru"]
    for call in group_menus:
        assert [c.command for c in call.commands] == list(GROUP_COMMANDS)
        assert all(c.description for c in call.commands)


async def test_setup_questions_speak_of_no_buttons_a_group_does_not_show(
    anna: TelegramClient,
) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    assert "with a button" not in anna.last_text()  # the currency is typed in a group
    await answer(anna, "$65")
    frequency_question = anna.last_text()
    await answer(anna, "0.6")
    margin_question = anna.last_text()

    assert "with a button" not in frequency_question
    assert "No unit buttons in a group" in frequency_question
    assert "press Skip" not in margin_question
    assert "or with - to skip" in margin_question


async def test_a_reply_to_an_earlier_question_is_asked_again_not_lost(
    anna: TelegramClient,
) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    first_question = anna.last_message()
    await answer(anna, "abc")  # refused: the question is asked again in a new message
    latest_question = anna.last_message()

    await anna.reply("$65", to=first_question)

    asked_again = anna.last_text()
    assert asked_again.startswith("↩️ Your reply went to an earlier message")
    assert "Average order value" in asked_again
    await anna.reply("$65", to=latest_question)  # now an earlier one too
    assert anna.last_text().startswith("↩️ Your reply went to an earlier message")
    await answer(anna, "$65")
    assert "Purchase frequency" in anna.last_text()


async def test_setup_again_mid_setup_asks_its_question_again_and_keeps_the_answers(
    anna: TelegramClient,
) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    await answer(anna, "$65")

    await command(anna, "/setup")

    asked_again = anna.last_text()
    assert asked_again.startswith("⏳ Your setup is already under way")
    assert "Purchase frequency" in asked_again
    await answer(anna, "0.6")
    assert "Gross margin" in anna.last_text()


async def test_typing_where_buttons_answer_is_told_so(anna: TelegramClient) -> None:
    await command(anna, "/setup")
    question = anna.last_message()  # "What do you sell", buttons only

    await anna.reply("sure", to=question)

    told = anna.last_text()
    assert told.startswith("👆 This step is answered with the buttons")
    assert "What do you sell" in told
    await anna.click("Cosmetics")
    assert "Average order value" in anna.last_text()


async def test_a_choice_or_a_lifetime_typed_where_buttons_answer_is_taken(
    anna: TelegramClient,
) -> None:
    """As in the private wizard: a button's words, or at the lifetime's choice the lifetime."""
    await command(anna, "/setup")
    await anna.reply("cosmetics", to=anna.last_message())
    assert "Average order value" in anna.last_text()
    for typed in ("$65", "0.6", "58%"):
        await answer(anna, typed)
    await anna.reply("18 months", to=anna.last_message())
    assert "Customer acquisition cost" in anna.last_text()


async def test_setup_questions_stay_in_the_topic_it_was_asked_in(
    dp: Dispatcher, bot: Bot, session: RecordingSession
) -> None:
    session.admins[GROUP] = {ANNA}
    anna = member(dp, bot, ANNA, "Anna")
    anna.chat = anna.chat.model_copy(update={"type": ChatType.SUPERGROUP, "is_forum": True})
    anna.topic = 77
    await anna.send("/setup")

    question = anna.last_message()
    assert question.message_thread_id == 77 and "What do you sell" in (question.text or "")
    await anna.click("Cosmetics")
    following = session.last(SendMessage)  # a typed answer's question: a new message
    assert following.message_thread_id == 77 and "Average order value" in (following.text or "")


async def test_a_forged_calculate_mid_setup_is_outdated_not_a_crash(
    anna: TelegramClient, session: RecordingSession, repo: SqliteRepository
) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    question = anna.last_message()

    await anna.press_forged(f"gw:{ANNA}:aov:calc:", message=question)

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."
    assert await repo.get_profile(GROUP) is None


async def test_no_churn_in_a_group_setup_explains_the_way_out_without_buttons(
    anna: TelegramClient,
) -> None:
    await command(anna, "/setup")
    await anna.click("Cosmetics")
    for text in ("$65", "0.6", "58%"):
        await answer(anna, text)
    await anna.click("customers at start and end")
    await answer(anna, "100")
    await answer(anna, "100")

    explained = anna.last_text()
    assert "no churn is visible" in explained
    assert "Send /cancel, then /setup again" in explained and "Press Back" not in explained


async def test_text_replied_to_the_setup_summary_is_told_to_press_a_button(
    anna: TelegramClient,
) -> None:
    """The summary's buttons are edits: typing there gets the note, not an error."""
    await setup_to_summary(anna, "$65")
    await anna.reply("cosmetics", to=anna.last_message())
    told = anna.last_text()
    assert told.startswith("👆 This step is answered with the buttons")
    assert "Something went wrong" not in told
