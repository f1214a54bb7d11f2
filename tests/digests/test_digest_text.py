"""What a digest reads like: each part on its own line, and the sentence of what moved LTV
agreeing with its numbers, in ru and en."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.digests.compose import Digest, compare, digest_screen, pick_advice
from bot.render import Renderer
from ltv_engine.calc import calculate
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs

RENDERER = Renderer()
SINCE = datetime(2024, 3, 25, 9, tzinfo=UTC)
SHOP = LtvInputs(
    aov=2500.0,
    orders_per_month=1.5,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
    margin=0.3,
    cac=1500.0,
    currency="RUB",
)
HEADINGS = {"ru": ("<b>📬 Ваш дайджест LTV</b>", "<b>💡 Что сделать сейчас</b>")}
HEADINGS["en"] = ("<b>📬 Your LTV digest</b>", "<b>💡 One thing to do now</b>")


def months(count: float) -> Lifetime:
    return Lifetime(LifetimeSource.MONTHS, months=count)


def digest_text(locale: str, now: LtvInputs, before: LtvInputs | None = None) -> str:
    result = calculate(now)
    change = compare(before, now, since=SINCE) if before is not None else None
    digest = Digest(result, SINCE, change, pick_advice(result, []), stale=False, subscribed=True)
    return digest_screen(digest, RENDERER(locale), group=False).text


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("cac", [1500.0, None])
@pytest.mark.parametrize(
    ("before", "change_mark"),
    [(None, None), (replace(SHOP, aov=2000.0), "📈"), (SHOP, "➖")],
    ids=["first", "changed", "unchanged"],
)
def test_each_part_of_a_digest_starts_its_own_line(
    locale: str, cac: float | None, before: LtvInputs | None, change_mark: str | None
) -> None:
    """LTV:CAC once ran into the change ("17:1📈 LTV +66.7%…"), and a first digest with a CAC
    had no blank line before the advice."""
    now = replace(SHOP, cac=cac)
    title, advice = HEADINGS[locale]

    lines = digest_text(locale, now, replace(before, cac=cac) if before else None).split("\n")

    starts = [title, "", "💰", RENDERER(locale).money(2500.0, "RUB")]
    starts += ["LTV:CAC = "] if cac else []
    starts += [change_mark] if change_mark else []
    starts += ["", advice]
    assert [line[: len(start)] for line, start in zip(lines, starts, strict=False)] == starts
    if cac:
        assert lines[4].endswith(":1")  # nothing runs on after the ratio


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_revenue_note_follows_the_change_on_its_own_line(locale: str) -> None:
    fewer_and_no_margin = replace(SHOP, margin=None, orders_per_month=1.0)
    lines = digest_text(locale, fewer_and_no_margin, SHOP).split("\n")

    change = next(number for number, line in enumerate(lines) if line.startswith("📉"))
    assert lines[change + 1].startswith(("Маржа больше не указана", "The margin is no longer"))
    assert lines[change + 2 : change + 4] == ["", HEADINGS[locale][1]]


ONE_MONTH, A_YEAR = replace(SHOP, lifetime=months(1)), replace(SHOP, lifetime=months(12))


@pytest.mark.parametrize(
    ("locale", "before", "now", "sentence"),
    [
        ("en", SHOP, ONE_MONTH, "customer lifetime fell from 18 to 1 month."),
        ("en", ONE_MONTH, SHOP, "customer lifetime rose from 1 to 18 months."),
        ("en", SHOP, A_YEAR, "customer lifetime fell from 18 to 12 months."),
        ("ru", SHOP, A_YEAR, "срок жизни клиента сократился с 18 до 12 мес."),
        ("ru", ONE_MONTH, SHOP, "срок жизни клиента вырос с 1 до 18 мес."),
        ("en", SHOP, replace(SHOP, orders_per_month=1.0), "frequency fell from 1.5 to 1 a month."),
        ("ru", SHOP, replace(SHOP, orders_per_month=2.0), "покупок выросла с 1,5 до 2 в месяц."),
        ("en", SHOP, replace(SHOP, aov=2800.0), "the average order rose from ₽2,500 to ₽2,800."),
        ("ru", SHOP, replace(SHOP, aov=2000.0), "средний чек снизился с 2 500 ₽ до 2 000 ₽."),
        ("en", SHOP, replace(SHOP, margin=0.35), "the margin rose from 30% to 35%."),
        ("ru", SHOP, replace(SHOP, margin=0.25), "маржа снизилась с 30% до 25%."),
    ],
)
def test_what_moved_ltv_reads_as_one_correct_sentence(
    locale: str, before: LtvInputs, now: LtvInputs, sentence: str
) -> None:
    """ "…с 18 до 12 мес.." had two full stops; "from 18 to 1 months" did not agree."""
    text = digest_text(locale, now, before).replace("\xa0", " ")
    moved = next(line for line in text.split("\n") if line.startswith(("📈", "📉")))

    assert moved.endswith(sentence)
    assert ".." not in moved
