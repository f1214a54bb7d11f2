"""Tailored advice as data: each rule fires on this shop's numbers and kind of business,
and is worth the LTV uplift of its lever (acquisition advice: the money per customer between
the CAC and the LTV, or the highest CAC at 3:1). Wording lives in templates/<locale>/advice.j2."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, partial
from operator import itemgetter
from typing import Literal, NamedTuple

from ltv_engine.calc import HEALTHY_LTV_CAC, STEPS, calculate
from ltv_engine.model import Band, Business, Lever, LifetimeSource, LtvResult


class Family(StrEnum):
    LOYALTY = "loyalty"
    CROSS_SELL = "cross_sell"
    SUBSCRIPTION = "subscription"
    FEEDBACK = "feedback"
    ACQUISITION = "acquisition"


Facts = Mapping[str, float | str]
# What a rule can require of a result; computed once per result (see _signals).
Signal = Literal[
    "rare_orders",  # less than one order a month
    "frequent_orders",
    "rare_purchases",  # less than one in RARE_ORDERS_PER_MONTH
    "rewards_fit",  # points or a discount of MIN_REWARD_PCT stay within a third of the margin
    "churn_stated",  # the lifetime came as churn or customer counts, not months
    "high_churn",
    "short_lifetime",
    "regulars_exist",  # win-back needs customers who used to come back
    "one_order",  # about one order a lifetime: no next order to time a message by
    "repeat_orders",  # not one_order: points can be spent on a next purchase
    "few_repeat_orders",
    "margin_known",  # gross-profit LTV: acquisition can be judged on it
    "low_margin",
    "big_ticket",
    "not_big_ticket",
    "consumables",
    "goods",  # anything but services
    "subscription_fits",  # never big-ticket or rare; besides consumables only bought monthly
    "loses_money",
    "room_to_grow",
    "room_to_scale",  # LTV:CAC of SCALE_FROM_LTV_CAC or more
]
Needs = frozenset[Signal]


def _needs(*signals: Signal) -> Needs:
    return frozenset(signals)


class Advice(NamedTuple):  # a tuple: several are built per reply, and cheaply
    rule_id: str  # stable id the templates dispatch on
    family: Family
    lever: Lever | None
    # Money per customer, >= 0: the LTV uplift the advice targets; for acquisition, how far the
    # CAC is above the LTV, or below the highest CAC at 3:1 (figures the reply shows)
    worth: float
    trigger: str  # why it fired, e.g. "high_churn"
    facts: Facts  # numbers the template quotes
    ltv: float  # the LTV the worth adds to: an uplift is shown as the change of LTV it makes


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    family: Family
    lever: Lever | None
    triggers: tuple[tuple[str, Needs], ...]  # the first whose signals all hold is the trigger
    facts: Callable[[LtvResult], Facts]
    worth: Callable[[LtvResult], float] | None = None  # None: the sensitivity uplift of lever
    fallback: bool = False  # only offered to reach MIN_ITEMS


class _Firing(NamedTuple):
    """A rule that fires; as a tuple it sorts best first, ties in ``RULES`` order."""

    rank: int  # see _RANK_SCALE
    position: int  # in RULES: unique among the primary (or fallback) rules, so sorts stop here
    rule: Rule
    trigger: str
    worth: float


_new_firing = partial(tuple.__new__, _Firing)  # skips the Python-level _Firing.__new__
# A firing's rank is its worth relative to the LTV in units of 1e-9, negated: it sorts best
# first, and worths equal to 9 decimals tie. round(x * scale), not round(x, 9), which goes
# through text.
_RANK_SCALE = 1e9


MIN_ITEMS = 3
CLOSE_WORTH = 0.8  # an unseen family within 20 % of the best worth goes first
HIGH_CHURN = 0.10  # monthly
SHORT_LIFETIME_MONTHS = 1 / HIGH_CHURN
LOW_MARGIN = 0.25
# Scaling acquisition is advised when a customer may cost at least a tenth more and stay at
# 3:1 (LTV:CAC from 3.3): at 3:1 itself there is nothing to add ("+0 ₽").
SCALE_FROM_LTV_CAC = 3.3
FEW_REPEAT_ORDERS = 3.0
REGULAR_ORDERS = 2.0
RARE_ORDERS_PER_MONTH = 1 / 6  # a purchase less than every half year
DAYS_PER_MONTH = 30.4
# A gap between orders within 4 % of a week or a month is named by it ("every week"): 30 or
# 31 days are a month, while a subscription's 28, a tenth sooner than monthly buying, are not.
NEAR_PERIOD = 0.04
WEEK_DAYS = 7
DAILY_BELOW_DAYS = 1.5  # shown in whole days as one: 21 orders a month are every working day
# Goods are delivered at most weekly: a week's supply keeps, and daily deliveries of coffee
# beans or pet food would cost more than the orders they bring forward.
MIN_DELIVERY_DAYS = 7
MONTHS_PER_YEAR = 12
# From about two months on, a gap is said in months, and from a year in years ("раз в 2,5
# месяца", "через 2 года"), never in hundreds of days.
LONG_GAP_DAYS = 2 * DAYS_PER_MONTH
# Fewer expected orders than this are about one: by the time a next order would be due, about
# half the customers or more are gone (with a steady churn, e^(-1/orders) of them stay a gap).
ONE_ORDER_BELOW = 1.5
FIRST_MONTH_DAYS = 30  # a second order within the first month is worth the most
# A customer is worth a win-back call after half as long again as the usual gap with no order,
# and never sooner than a month.
QUIET_GAPS = 1.5
MIN_QUIET_DAYS = 30
COUPON_DAYS_STEP = 10  # a coupon lasts a round number of days
_FREQUENCY_FACTOR = 1 + STEPS[Lever.FREQUENCY]
MIN_REWARD_PCT = 2  # below this, points or a discount are not worth announcing
FREE_DELIVERY_ABOVE_AOV = (1.15, 1.20)
CONSUMABLES = frozenset(
    {Business.GROCERIES, Business.COSMETICS, Business.COFFEE, Business.PETS, Business.HOUSEHOLD}
)
BIG_TICKET = frozenset({Business.FURNITURE, Business.ELECTRONICS})
_BAND_SIGNALS: Mapping[Band | None, tuple[Signal, ...]] = {
    None: (),
    Band.LOSES_MONEY: ("loses_money",),
    Band.ROOM_TO_GROW: ("room_to_grow",),
    Band.HEALTHY: (),  # healthy enough to scale: "room_to_scale", from LTV:CAC
}


def _signals(r: LtvResult) -> frozenset[Signal]:
    inputs = r.inputs
    orders = inputs.orders_per_month
    margin = inputs.margin
    business = inputs.business
    frequent = orders >= 1
    rare = orders < RARE_ORDERS_PER_MONTH
    big_ticket = business in BIG_TICKET
    consumables = business in CONSUMABLES
    signals: set[Signal] = {
        "frequent_orders" if frequent else "rare_orders",
        "big_ticket" if big_ticket else "not_big_ticket",
        *_BAND_SIGNALS[r.band],
    }
    if rare:
        signals.add("rare_purchases")
    if margin is None or margin * 100 / 3 >= MIN_REWARD_PCT:
        signals.add("rewards_fit")
    if margin is not None:
        signals.add("margin_known")
        if margin < LOW_MARGIN:
            signals.add("low_margin")
    if inputs.lifetime.source is not LifetimeSource.MONTHS:  # as _churn_stated, inline
        signals.add("churn_stated")
    if r.monthly_churn > HIGH_CHURN:
        signals.add("high_churn")
    if r.lifetime_months < SHORT_LIFETIME_MONTHS:
        signals.add("short_lifetime")
    if r.expected_orders >= REGULAR_ORDERS:
        signals.add("regulars_exist")
    if r.expected_orders < ONE_ORDER_BELOW:
        signals.add("one_order")
    else:
        signals.add("repeat_orders")
    if r.expected_orders < FEW_REPEAT_ORDERS:
        signals.add("few_repeat_orders")
    if consumables:
        signals.add("consumables")
    if r.ltv_cac is not None and r.ltv_cac >= SCALE_FROM_LTV_CAC:
        signals.add("room_to_scale")
    if business is not Business.SERVICES:
        signals.add("goods")
    if not (big_ticket or rare) and (consumables or frequent):
        signals.add("subscription_fits")
    return frozenset(signals)


# --- facts --------------------------------------------------------------------------------


def _reward_band(margin: float | None, usual_pct: tuple[int, int]) -> tuple[float, float]:
    """A points or discount band in whole percent, kept within a third of the margin so the
    reward does not eat the profit; ``usual_pct`` is the market's band, e.g. (3, 5)."""
    low, high = usual_pct
    if margin is not None:
        high = min(high, max(MIN_REWARD_PCT, math.floor(margin * 100 / 3 + 1e-9)))
    return min(low, high - 1) / 100, high / 100


def _gap_days(r: LtvResult) -> float:
    """Days between a customer's orders."""
    return DAYS_PER_MONTH / r.inputs.orders_per_month


def _usual_gap_days(r: LtvResult) -> float:
    return round(_gap_days(r))


_A_DAY, _A_WEEK, _A_MONTH = (1, "day"), (1, "week"), (1, "month")


def _said_gap(gap_days: float) -> tuple[float, str]:
    """A gap between orders or deliveries as the advice says it, ``(count, unit)``: the period
    it is near, (1, "day"), (1, "week"), (1, "month"); else whole days, (15, "day"), up to
    LONG_GAP_DAYS; beyond, months or years as _in_months_or_years says them."""
    if gap_days < DAILY_BELOW_DAYS:
        return _A_DAY
    if abs(gap_days / WEEK_DAYS - 1) <= NEAR_PERIOD:
        return _A_WEEK
    if abs(gap_days / DAYS_PER_MONTH - 1) <= NEAR_PERIOD:
        return _A_MONTH
    if gap_days < LONG_GAP_DAYS:
        return round(gap_days), "day"
    return _in_months_or_years(gap_days / DAYS_PER_MONTH)


def _sooner_gap_days(gap_days: float) -> float:
    """Days between orders if customers bought as much more often as the frequency step that
    advice on frequency is worth: a little less than the usual ``gap_days``."""
    return gap_days / _FREQUENCY_FACTOR


def _in_months_or_years(months: float) -> tuple[float, str]:
    """``months`` to one decimal, in years from a year on: (1.5, "month"), (2.0, "year")."""
    tenths_of_months = round(10 * months)  # round(x, 1) is slower
    if tenths_of_months < 10 * MONTHS_PER_YEAR:
        return tenths_of_months / 10, "month"
    return round(tenths_of_months / MONTHS_PER_YEAR) / 10, "year"


def _nice_number_between(low: float, high: float) -> float:
    """The roundest number in [low, high]: 3000 in [2875, 3000], 75 in [74.75, 78]."""
    step = 10.0 ** math.ceil(math.log10(high))
    while True:
        for multiple in (5.0, 2.0, 1.0):
            candidate = math.ceil(low / (step * multiple)) * step * multiple
            if candidate <= high:
                return candidate
        step /= 10


def _stepped(value: float, lever: Lever) -> float:
    return value * (1 + STEPS[lever])


def _points_facts(r: LtvResult) -> Facts:
    low, high = _reward_band(r.inputs.margin, (3, 5))
    orders = r.inputs.orders_per_month
    gap, gap_unit = _said_gap(_gap_days(r))
    return {
        "orders_per_month": orders,
        "gap": gap,
        "gap_unit": gap_unit,
        "points_low": low,
        "points_high": high,
    }


def _sells_services(r: LtvResult) -> bool:
    """Services are offered on top, as a package or a follow-up visit: no cart, no goods."""
    return r.inputs.business is Business.SERVICES


def _first_repeat_facts(r: LtvResult) -> Facts:
    return {
        "expected_orders": r.expected_orders,
        "bonus_days": _coupon_days(r),
        "services": _sells_services(r),
    }


def _coupon_days(r: LtvResult) -> int:
    """How long the coupon for the next order lasts: a little less than customers now take to
    order again, so it brings that order forward, and never less than the first month. Where
    purchases are rare, waiting for the next one is no use: the coupon is then for something to
    go with the purchase, within the first month."""
    if r.inputs.orders_per_month < RARE_ORDERS_PER_MONTH:  # as the signal rare_purchases
        return FIRST_MONTH_DAYS
    rounded = math.floor(_sooner_gap_days(_gap_days(r)) / COUPON_DAYS_STEP) * COUPON_DAYS_STEP
    return max(FIRST_MONTH_DAYS, rounded)


def _winback_facts(r: LtvResult) -> Facts:
    quiet, quiet_unit = _said_gap(max(MIN_QUIET_DAYS, round(QUIET_GAPS * _usual_gap_days(r))))
    return {
        "churn_stated": _churn_stated(r),
        "monthly_churn": r.monthly_churn,
        "lost_per_100": _people_per_100(r.monthly_churn),
        "quiet": quiet,  # no order for this long: (1, "month"), (45, "day"), (7.5, "month")
        "quiet_unit": quiet_unit,
    }


def _people_per_100(share: float) -> int:
    """A share of people as a whole count of every 100, rounded half up from the percent as
    shown to one decimal: 12.5 % are 13 in 100 (round() would give 12, half to even)."""
    return math.floor(round(share * 100, 1) + 0.5)


def _churn_stated(r: LtvResult) -> bool:
    """Whether the lifetime lever was stepped as churn -10 % (lifetime +11.1 %), not as the
    lifetime +10 %: the worth of advice on the lifetime says which (see calc.STEPS)."""
    return r.inputs.lifetime.source is not LifetimeSource.MONTHS


def _retention_facts(r: LtvResult) -> Facts:
    return {
        "churn_stated": _churn_stated(r),
        "monthly_churn": r.monthly_churn,
        "target_monthly_churn": r.monthly_churn * (1 - STEPS[Lever.LIFETIME]),
        "lifetime_months": r.lifetime_months,
        "target_lifetime_months": _stepped(r.lifetime_months, Lever.LIFETIME),
    }


def _aov_facts(r: LtvResult) -> Facts:
    return {
        "aov": r.inputs.aov,
        "target_aov": _stepped(r.inputs.aov, Lever.AOV),
        "orders_per_month": r.inputs.orders_per_month,
        "services": _sells_services(r),
    }


def _bundle_facts(r: LtvResult) -> Facts:
    usual_gap, usual_unit = _said_gap(_gap_days(r))
    return {
        "orders_per_month": r.inputs.orders_per_month,
        "usual_gap": usual_gap,
        "usual_unit": usual_unit,
        "services": _sells_services(r),
    }


def _upsell_facts(r: LtvResult) -> Facts:
    gap, gap_unit = _said_gap(_gap_days(r))
    business = r.inputs.business or Business.OTHER
    return {**_aov_facts(r), "gap": gap, "gap_unit": gap_unit, "business": business}


def _threshold_facts(r: LtvResult) -> Facts:
    aov = r.inputs.aov
    low, high = FREE_DELIVERY_ABOVE_AOV
    return {"aov": aov, "threshold": _nice_number_between(aov * low, aov * high)}


def _subscription_facts(r: LtvResult) -> Facts:
    low, high = _reward_band(r.inputs.margin, (5, 10))
    gap_days = _gap_days(r)
    delivery_days = max(MIN_DELIVERY_DAYS, int(_sooner_gap_days(gap_days)))  # a little sooner
    usual_gap, usual_unit = _said_gap(gap_days)
    delivery_gap, delivery_unit = _said_gap(delivery_days)
    business = r.inputs.business
    return {
        "discount_low": low,
        "discount_high": high,
        "orders_per_month": r.inputs.orders_per_month,
        "usual_gap_days": round(gap_days),  # the days compare, the said gaps are shown
        "usual_gap": usual_gap,
        "usual_unit": usual_unit,
        "delivery_days": delivery_days,
        "delivery_gap": delivery_gap,
        "delivery_unit": delivery_unit,
        "business": business or Business.OTHER,  # a StrEnum: its value without .value's cost
    }


def _margin_facts(r: LtvResult) -> Facts:
    margin = r.inputs.margin or 0.0
    return {
        "margin": margin,
        "target_margin": min(1.0, margin + STEPS[Lever.MARGIN]),
        "services": _sells_services(r),
    }


def _cac_facts(r: LtvResult) -> Facts:
    cac = r.inputs.cac or 0.0
    return {
        "ltv": r.ltv,
        "cac": cac,
        "ltv_cac": r.ltv_cac or 0.0,
        "max_cac": r.max_cac_3_to_1,
        "ltv_needed": HEALTHY_LTV_CAC * cac,
    }


def _scaling_facts(r: LtvResult) -> Facts:
    return {**_cac_facts(r), "churn_stated": _churn_stated(r)}


def _gap_facts(r: LtvResult) -> Facts:
    usual_gap, usual_unit = _said_gap(_gap_days(r))
    return {"usual_gap": usual_gap, "usual_unit": usual_unit, "services": _sells_services(r)}


def _lifetime_facts(r: LtvResult) -> Facts:
    return {"churn_stated": _churn_stated(r), "lifetime_months": r.lifetime_months}


def _loss_per_customer(r: LtvResult) -> float:
    return (r.inputs.cac or 0.0) - r.ltv


def _room_below_3_to_1(r: LtvResult) -> float:
    """How much more a customer may cost before LTV:CAC falls below 3:1: the room to scale."""
    return max(0.0, r.max_cac_3_to_1 - (r.inputs.cac or 0.0))  # 0, not float noise, at 3:1


# --- the rules ----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "loyalty_points",
        Family.LOYALTY,
        Lever.FREQUENCY,
        (
            # no points expiry for rare purchases; no points at all where none is spent
            ("rare_purchases", _needs("rare_purchases", "rewards_fit", "repeat_orders")),
            ("low_frequency", _needs("rare_orders", "rewards_fit", "repeat_orders")),
        ),
        _points_facts,
    ),
    Rule(
        "first_repeat_bonus",
        Family.LOYALTY,
        Lever.FREQUENCY,
        (
            ("rare_purchases", _needs("few_repeat_orders", "rare_purchases")),  # an add-on
            ("few_repeat_orders", _needs("few_repeat_orders")),
        ),
        _first_repeat_facts,
    ),
    Rule(
        "winback_calls",
        Family.LOYALTY,
        Lever.LIFETIME,
        (("high_churn", _needs("high_churn", "regulars_exist")),),
        _winback_facts,
    ),
    Rule(
        "feedback_survey",
        Family.FEEDBACK,
        Lever.LIFETIME,
        (
            ("high_churn", _needs("churn_stated", "high_churn")),
            ("short_lifetime", _needs("short_lifetime")),
        ),
        _retention_facts,
    ),
    Rule(
        "cross_sell_bundles",
        Family.CROSS_SELL,
        Lever.AOV,
        (  # "see your shop often" needs customers who come back
            ("frequent_orders", _needs("frequent_orders", "not_big_ticket", "regulars_exist")),
        ),
        _bundle_facts,
    ),
    Rule(
        "free_delivery_threshold",
        Family.CROSS_SELL,
        Lever.AOV,
        (("goods_delivery", _needs("goods")),),
        _threshold_facts,
    ),
    Rule(
        "upsell_service",
        Family.CROSS_SELL,
        Lever.AOV,
        (  # "big and rare" only where the numbers show rare purchases, whatever is sold
            ("rare_purchases", _needs("rare_purchases")),
            ("big_ticket_business", _needs("big_ticket")),  # sold with delivery, assembly
        ),
        _upsell_facts,
    ),
    Rule(
        "subscription_consumables",
        Family.SUBSCRIPTION,
        Lever.FREQUENCY,
        (
            ("subscription_business", _needs("consumables", "subscription_fits", "rewards_fit")),
            (  # "regularly, almost on a schedule" needs customers who come back
                "regular_purchases",
                _needs("subscription_fits", "rewards_fit", "goods", "regulars_exist"),
            ),
        ),
        _subscription_facts,
    ),
    Rule(
        "margin_mix",
        Family.CROSS_SELL,
        Lever.MARGIN,
        (("low_margin", _needs("low_margin")),),
        _margin_facts,
    ),
    Rule(
        "cac_too_high",
        Family.ACQUISITION,
        None,
        (("ltv_cac_below_1", _needs("loses_money")),),
        _cac_facts,
        worth=_loss_per_customer,
    ),
    Rule(
        "retention_before_scaling",
        Family.ACQUISITION,
        Lever.LIFETIME,
        (("ltv_cac_1_to_3", _needs("room_to_grow")),),
        _scaling_facts,
    ),
    Rule(
        "cac_room_to_scale",
        Family.ACQUISITION,
        None,
        (("ltv_cac_3_or_more", _needs("room_to_scale", "margin_known")),),  # never on revenue
        _cac_facts,
        worth=_room_below_3_to_1,
    ),
    Rule(
        "thank_you_followup",
        Family.LOYALTY,
        Lever.FREQUENCY,
        (
            ("returning_customers", _needs("regulars_exist")),
            ("one_order", _needs("one_order")),  # a second order to earn, not to time
            ("baseline", _needs()),  # no "customers come back every N days"
        ),
        _gap_facts,
        fallback=True,
    ),
    Rule(
        "feedback_reviews",
        Family.FEEDBACK,
        Lever.LIFETIME,
        (("baseline", _needs()),),
        _lifetime_facts,
        fallback=True,
    ),
    Rule(
        "order_recommendations",
        Family.CROSS_SELL,
        Lever.AOV,
        (("baseline", _needs()),),
        _aov_facts,
        fallback=True,
    ),
)
_PRIMARY = tuple(rule for rule in RULES if not rule.fallback)
_FALLBACK = tuple(rule for rule in RULES if rule.fallback)


def candidates(result: LtvResult) -> tuple[tuple[Advice, ...], tuple[Advice, ...]]:
    """Every advice whose rule fires: ``(primary, fallback)``, each in ``RULES`` order."""
    result = _with_sensitivity(result)
    signals = _signals(result)
    return (
        tuple(_advice(result, firing) for firing in _firings(result, signals, fallback=False)),
        tuple(_advice(result, firing) for firing in _firings(result, signals, fallback=True)),
    )


def advise(result: LtvResult, *, limit: int = 5) -> tuple[Advice, ...]:
    """Up to ``limit`` pieces of advice, best worth first, at least MIN_ITEMS (or ``limit``).

    The choice favours a family not yet chosen when its worth is close to the best one, so
    equal uplifts of several levers give varied advice rather than three loyalty ideas.
    Facts are built only for the advice chosen, fallbacks considered only when needed.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    result = _with_sensitivity(result)
    signals = _signals(result)
    chosen = _pick_varied(sorted(_firings(result, signals, fallback=False)), limit)
    if len(chosen) < MIN_ITEMS:
        wanted = min(limit, MIN_ITEMS) - len(chosen)
        fallback = sorted(_firings(result, signals, fallback=True))
        chosen += _pick_varied(fallback, wanted, chosen)
    chosen.sort(key=_RANK)  # by rank alone: equal ranks keep the order they were picked in
    return tuple([_advice(result, firing) for firing in chosen])


def _with_sensitivity(result: LtvResult) -> LtvResult:
    """Worth comes from the sensitivity: a result computed without it is recomputed."""
    return result if result.sensitivity else calculate(result.inputs)


def _firings(result: LtvResult, signals: frozenset[Signal], *, fallback: bool) -> list[_Firing]:
    """The primary (or fallback) rules that fire, in ``RULES`` order."""
    uplifts: dict[Lever | None, float] = {lever: up for lever, _, _, up in result.sensitivity}
    per_ltv = _RANK_SCALE / result.ltv
    firings: list[_Firing] = []
    for position, rule, trigger in _triggered(signals, fallback):
        worth = uplifts.get(rule.lever, 0.0) if rule.worth is None else rule.worth(result)
        firings.append(_new_firing((-round(worth * per_ltv), position, rule, trigger, worth)))
    return firings


@lru_cache(maxsize=1024)  # a result's signals take far fewer combinations than that
def _triggered(signals: frozenset[Signal], fallback: bool) -> tuple[tuple[int, Rule, str], ...]:
    """``(position, rule, trigger)`` of each primary (or fallback) rule that fires."""
    fired = []
    for position, rule in enumerate(_FALLBACK if fallback else _PRIMARY):
        trigger = next((code for code, needs in rule.triggers if needs <= signals), None)
        if trigger is not None:
            fired.append((position, rule, trigger))
    return tuple(fired)


_RANK = itemgetter(0)


_new_advice = partial(tuple.__new__, Advice)  # skips the Python-level Advice.__new__


def _advice(result: LtvResult, firing: _Firing) -> Advice:
    rule = firing.rule
    return _new_advice(
        (
            rule.id,
            rule.family,
            rule.lever,
            firing.worth,
            firing.trigger,
            rule.facts(result),
            result.ltv,
        )
    )


def _pick_varied(
    ranked: list[_Firing], count: int, already: list[_Firing] | None = None
) -> list[_Firing]:
    """Take ``count`` from ``ranked`` (best first), preferring an unseen family among those
    within CLOSE_WORTH of the best one left."""
    seen = {firing.rule.family for firing in already or ()}
    left = list(ranked)
    picked: list[_Firing] = []
    while left and len(picked) < count:
        close = CLOSE_WORTH * left[0].worth
        index = 0
        for position, firing in enumerate(left):
            if firing.worth < close:
                break
            if firing.rule.family not in seen:
                index = position
                break
        fresh = left.pop(index)
        picked.append(fresh)
        seen.add(fresh.rule.family)
    return picked
