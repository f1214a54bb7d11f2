"""What a digest says: the chat's LTV now, what moved it since the previous digest, one piece of
advice the chat has not been sent recently, and a nudge when the numbers are old."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.digests.keyboards import digest_keyboard
from bot.digests.schedule import zone
from bot.render import Texts
from bot.storage.base import Repository
from bot.views import Screen
from ltv_engine.advice import Advice, advise, candidates
from ltv_engine.calc import calculate, resolve_lifetime
from ltv_engine.model import Lever, LtvInputs, LtvResult

RECENT_ADVICE = 4  # advice sent in the chat's last four digests is not repeated if avoidable
ADVICE_POOL = 10
STALE_AFTER = timedelta(days=30)
UNCHANGED = 1e-9  # relative LTV change below this is no change

# How to put one input of ``after`` into ``before``: the effect of that input alone.
_SWAPS: dict[Lever, Callable[[LtvInputs, LtvInputs], LtvInputs]] = {
    Lever.AOV: lambda before, after: replace(before, aov=after.aov),
    Lever.FREQUENCY: lambda before, after: replace(
        before, orders_per_month=after.orders_per_month
    ),
    Lever.LIFETIME: lambda before, after: replace(before, lifetime=after.lifetime),
    Lever.MARGIN: lambda before, after: replace(before, margin=after.margin),
}


@dataclass(frozen=True, slots=True)
class Mover:
    """The input that moved LTV most, in its natural unit (months for the lifetime)."""

    lever: Lever
    before: float | None  # None: the margin was not given then (or is not now)
    after: float | None
    effect: float  # relative LTV change this input alone causes


@dataclass(frozen=True, slots=True)
class Change:
    since: datetime  # when the previous digest went out, in the chat's time zone
    before_ltv: float
    relative: float  # LTV now / LTV then - 1
    mover: Mover | None  # None when no input changed
    by_revenue: bool  # the margin was given on one side only: revenue LTVs are compared


@dataclass(frozen=True, slots=True)
class Digest:
    result: LtvResult | None  # None: the chat has no numbers yet
    updated_at: datetime | None  # when the numbers were last entered, in the chat's time zone
    change: Change | None  # None for the first digest, or another currency
    advice: Advice | None
    stale: bool  # the numbers are older than STALE_AFTER
    subscribed: bool  # False: a preview for a chat with no digest yet


async def compose(
    repo: Repository, chat_id: int, now: datetime, *, default_zone: str = "UTC"
) -> Digest:
    """The chat's digest; dates in the subscription's time zone, else in ``default_zone`` (a
    preview before subscribing)."""
    profile = await repo.get_profile(chat_id)
    subscription = await repo.get_digest_subscription(chat_id)
    subscribed = subscription is not None
    if profile is None:
        return Digest(None, None, None, None, stale=True, subscribed=subscribed)
    result = calculate(profile.inputs)
    sends = await repo.recent_digest_sends(chat_id, limit=RECENT_ADVICE)
    local = zone(subscription.schedule.timezone if subscription else default_zone)
    previous = next((send for send in sends if send.inputs is not None), None)
    change = None
    if previous is not None and previous.inputs is not None:
        since = previous.updated_at.astimezone(local)
        change = compare(previous.inputs, profile.inputs, since=since)
    recent_rules = [send.advice_rule for send in sends if send.advice_rule]
    return Digest(
        result,
        profile.updated_at.astimezone(local),
        change,
        pick_advice(result, recent_rules),
        stale=now - profile.updated_at > STALE_AFTER,
        subscribed=subscribed,
    )


def compare(before: LtvInputs, after: LtvInputs, *, since: datetime) -> Change | None:
    """How LTV changed from ``before`` to ``after``; ``None`` across currencies. With the margin
    given on one side only, revenue LTVs are compared: gross profit against revenue would show
    a leap of the margin, not of the shop."""
    if before.currency != after.currency:
        return None
    by_revenue = (before.margin is None) != (after.margin is None)
    measure = _revenue_ltv if by_revenue else _ltv
    then = measure(before)
    relative = measure(after) / then - 1
    mover = what_moved(before, after, measure) if abs(relative) > UNCHANGED else None
    return Change(since, then, relative, mover, by_revenue)


def _ltv(inputs: LtvInputs) -> float:
    return calculate(inputs).ltv


def _revenue_ltv(inputs: LtvInputs) -> float:
    return calculate(inputs).revenue_ltv


def what_moved(
    before: LtvInputs, after: LtvInputs, measure: Callable[[LtvInputs], float] = _ltv
) -> Mover | None:
    """The input whose change alone moves LTV (as ``measure`` takes it) the most; ``None`` if
    none changed."""
    base = measure(before)
    best: Mover | None = None
    for lever, swap in _SWAPS.items():
        mixed = swap(before, after)
        if mixed == before:
            continue
        effect = measure(mixed) / base - 1
        if best is None or abs(effect) > abs(best.effect):
            best = Mover(lever, _value(before, lever), _value(after, lever), effect)
    return best


def pick_advice(result: LtvResult, recent_rules: Sequence[str]) -> Advice | None:
    """The best advice not among ``recent_rules`` (newest first); when every one was sent
    recently, the one sent longest ago."""
    primary, fallback = candidates(result)
    ranked = list(advise(result, limit=ADVICE_POOL))
    seen = {advice.rule_id for advice in ranked}
    ranked += [advice for advice in (*primary, *fallback) if advice.rule_id not in seen]
    fresh = [advice for advice in ranked if advice.rule_id not in recent_rules]
    if fresh:
        return fresh[0]
    return max(ranked, key=lambda advice: recent_rules.index(advice.rule_id), default=None)


def _value(inputs: LtvInputs, lever: Lever) -> float | None:
    if lever is Lever.AOV:
        return inputs.aov
    if lever is Lever.FREQUENCY:
        return inputs.orders_per_month
    if lever is Lever.LIFETIME:
        return resolve_lifetime(inputs.lifetime)[0]
    return inputs.margin


def digest_screen(digest: Digest, t: Texts, *, group: bool, preview: bool = False) -> Screen:
    currency = digest.result.inputs.currency if digest.result else ""
    text = t.page("digest.j2", d=digest, currency=currency, group=group, preview=preview)
    keyboard = digest_keyboard(
        stale=digest.stale, has_numbers=bool(digest.result), subscribed=digest.subscribed, t=t
    )
    return Screen(text, keyboard)
