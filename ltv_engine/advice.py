"""Tailored advice as data: each rule fires on this shop's numbers and kind of business,
and is worth the LTV uplift of its lever. Wording lives in templates/<locale>/advice.j2."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from typing import NamedTuple

from ltv_engine.calc import HEALTHY_LTV_CAC, STEPS, calculate
from ltv_engine.model import Band, Business, Lever, LifetimeSource, LtvResult


class Family(StrEnum):
    LOYALTY = "loyalty"
    CROSS_SELL = "cross_sell"
    SUBSCRIPTION = "subscription"
    FEEDBACK = "feedback"
    ACQUISITION = "acquisition"


Facts = Mapping[str, float | str]
Predicate = Callable[[LtvResult], bool]


@dataclass(frozen=True, slots=True)
class Advice:
    rule_id: str  # stable id the templates dispatch on
    family: Family
    lever: Lever | None
    worth: float  # LTV uplift (money per customer) the advice targets, >= 0
    trigger: str  # why it fired, e.g. "high_churn"
    facts: Facts  # numbers the template quotes


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    family: Family
    lever: Lever | None
    triggers: tuple[tuple[str, Predicate], ...]  # the first that holds is the trigger
    facts: Callable[[LtvResult], Facts]
    worth: Callable[[LtvResult], float] | None = None  # None: the sensitivity uplift of lever
    fallback: bool = False  # only offered to reach MIN_ITEMS

    def trigger(self, result: LtvResult) -> str | None:
        for code, holds in self.triggers:
            if holds(result):
                return code
        return None

    def worth_for(self, result: LtvResult, uplifts: Mapping[Lever, float]) -> float:
        if self.worth is not None:
            return self.worth(result)
        return uplifts.get(self.lever, 0.0) if self.lever else 0.0


class _Firing(NamedTuple):
    rule: Rule
    trigger: str
    worth: float
    rank: float  # best first; worths equal to 9 decimals of the LTV tie and keep the RULES order

    def advice(self, result: LtvResult) -> Advice:
        rule = self.rule
        return Advice(
            rule.id, rule.family, rule.lever, self.worth, self.trigger, rule.facts(result)
        )


MIN_ITEMS = 3
CLOSE_WORTH = 0.8  # an unseen family within 20 % of the best worth goes first
HIGH_CHURN = 0.10  # monthly
SHORT_LIFETIME_MONTHS = 1 / HIGH_CHURN
LOW_MARGIN = 0.25
FEW_REPEAT_ORDERS = 3.0
REGULAR_ORDERS = 2.0
RARE_ORDERS_PER_MONTH = 1 / 6  # a purchase less than every half year
DAYS_PER_MONTH = 30.4
MIN_REWARD_PCT = 2  # below this, points or a discount are not worth announcing
FREE_DELIVERY_ABOVE_AOV = (1.15, 1.20)
CONSUMABLES = frozenset(
    {Business.GROCERIES, Business.COSMETICS, Business.COFFEE, Business.PETS, Business.HOUSEHOLD}
)
BIG_TICKET = frozenset({Business.FURNITURE, Business.ELECTRONICS})


# --- conditions ---------------------------------------------------------------------------


def _rare_orders(r: LtvResult) -> bool:
    return r.inputs.orders_per_month < 1


def _frequent_orders(r: LtvResult) -> bool:
    return r.inputs.orders_per_month >= 1


def _margin_allows_rewards(r: LtvResult) -> bool:
    margin = r.inputs.margin
    return margin is None or margin * 100 / 3 >= MIN_REWARD_PCT


def _churn_stated(r: LtvResult) -> bool:
    return r.inputs.lifetime.source is not LifetimeSource.MONTHS


def _high_churn(r: LtvResult) -> bool:
    return r.monthly_churn > HIGH_CHURN


def _regulars_exist(r: LtvResult) -> bool:
    """Win-back needs customers who used to come back, so that going quiet is noticeable."""
    return r.expected_orders >= REGULAR_ORDERS


def _low_margin(r: LtvResult) -> bool:
    return r.inputs.margin is not None and r.inputs.margin < LOW_MARGIN


def _band_is(band: Band) -> Predicate:
    return lambda r: r.band is band


def _business_in(kinds: frozenset[Business]) -> Predicate:
    return lambda r: r.inputs.business in kinds


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda r: first(r) and second(r)


def _always(r: LtvResult) -> bool:
    return True


def _subscription_fits(r: LtvResult) -> bool:
    """Never for rare big-ticket goods; for an unknown kind of goods, when bought monthly."""
    business = r.inputs.business
    return business not in BIG_TICKET and (business in CONSUMABLES or _frequent_orders(r))


# --- facts --------------------------------------------------------------------------------


def _reward_band(margin: float | None, usual_pct: tuple[int, int]) -> tuple[float, float]:
    """A points or discount band in whole percent, kept within a third of the margin so the
    reward does not eat the profit; ``usual_pct`` is the market's band, e.g. (3, 5)."""
    low, high = usual_pct
    if margin is not None:
        high = min(high, max(MIN_REWARD_PCT, math.floor(margin * 100 / 3 + 1e-9)))
    return min(low, high - 1) / 100, high / 100


def _usual_gap_days(r: LtvResult) -> float:
    return round(DAYS_PER_MONTH / r.inputs.orders_per_month)


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
    return {
        "orders_per_month": r.inputs.orders_per_month,
        "target_orders_per_month": _stepped(r.inputs.orders_per_month, Lever.FREQUENCY),
        "points_low": low,
        "points_high": high,
    }


def _first_repeat_facts(r: LtvResult) -> Facts:
    return {"expected_orders": r.expected_orders, "bonus_days": 30}


def _winback_facts(r: LtvResult) -> Facts:
    return {
        "monthly_churn": r.monthly_churn,
        "lost_per_100": round(r.monthly_churn * 100),
        "quiet_days": max(30, round(1.5 * _usual_gap_days(r))),
    }


def _retention_facts(r: LtvResult) -> Facts:
    return {
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
    }


def _threshold_facts(r: LtvResult) -> Facts:
    low, high = (r.inputs.aov * share for share in FREE_DELIVERY_ABOVE_AOV)
    return {"aov": r.inputs.aov, "threshold": _nice_number_between(low, high)}


def _subscription_facts(r: LtvResult) -> Facts:
    low, high = _reward_band(r.inputs.margin, (5, 10))
    business = r.inputs.business
    return {
        "discount_low": low,
        "discount_high": high,
        "orders_per_month": r.inputs.orders_per_month,
        "business": business.value if business else Business.OTHER.value,
    }


def _margin_facts(r: LtvResult) -> Facts:
    margin = r.inputs.margin or 0.0
    return {"margin": margin, "target_margin": min(1.0, margin + STEPS[Lever.MARGIN])}


def _cac_facts(r: LtvResult) -> Facts:
    cac = r.inputs.cac or 0.0
    return {
        "ltv": r.ltv,
        "cac": cac,
        "ltv_cac": r.ltv_cac or 0.0,
        "max_cac": r.max_cac_3_to_1,
        "ltv_needed": HEALTHY_LTV_CAC * cac,
    }


def _gap_days_facts(r: LtvResult) -> Facts:
    return {"usual_gap_days": _usual_gap_days(r)}


def _lifetime_facts(r: LtvResult) -> Facts:
    return {"lifetime_months": r.lifetime_months}


def _loss_per_customer(r: LtvResult) -> float:
    return (r.inputs.cac or 0.0) - r.ltv


def _profit_per_customer(r: LtvResult) -> float:
    return r.ltv - (r.inputs.cac or 0.0)


# --- the rules ----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "loyalty_points",
        Family.LOYALTY,
        Lever.FREQUENCY,
        (("low_frequency", _both(_rare_orders, _margin_allows_rewards)),),
        _points_facts,
    ),
    Rule(
        "first_repeat_bonus",
        Family.LOYALTY,
        Lever.FREQUENCY,
        (("few_repeat_orders", lambda r: r.expected_orders < FEW_REPEAT_ORDERS),),
        _first_repeat_facts,
    ),
    Rule(
        "winback_calls",
        Family.LOYALTY,
        Lever.LIFETIME,
        (("high_churn", _both(_high_churn, _regulars_exist)),),
        _winback_facts,
    ),
    Rule(
        "feedback_survey",
        Family.FEEDBACK,
        Lever.LIFETIME,
        (
            ("high_churn", _both(_churn_stated, _high_churn)),
            ("short_lifetime", lambda r: r.lifetime_months < SHORT_LIFETIME_MONTHS),
        ),
        _retention_facts,
    ),
    Rule(
        "cross_sell_bundles",
        Family.CROSS_SELL,
        Lever.AOV,
        (
            (
                "frequent_orders",
                _both(_frequent_orders, lambda r: r.inputs.business not in BIG_TICKET),
            ),
        ),
        _aov_facts,
    ),
    Rule(
        "free_delivery_threshold",
        Family.CROSS_SELL,
        Lever.AOV,
        (("goods_delivery", lambda r: r.inputs.business is not Business.SERVICES),),
        _threshold_facts,
    ),
    Rule(
        "upsell_service",
        Family.CROSS_SELL,
        Lever.AOV,
        (
            ("big_ticket_business", _business_in(BIG_TICKET)),
            ("rare_purchases", lambda r: r.inputs.orders_per_month < RARE_ORDERS_PER_MONTH),
        ),
        _aov_facts,
    ),
    Rule(
        "subscription_consumables",
        Family.SUBSCRIPTION,
        Lever.FREQUENCY,
        (
            ("subscription_business", _both(_business_in(CONSUMABLES), _margin_allows_rewards)),
            ("regular_purchases", _both(_subscription_fits, _margin_allows_rewards)),
        ),
        _subscription_facts,
    ),
    Rule(
        "margin_mix",
        Family.CROSS_SELL,
        Lever.MARGIN,
        (("low_margin", _low_margin),),
        _margin_facts,
    ),
    Rule(
        "cac_too_high",
        Family.ACQUISITION,
        None,
        (("ltv_cac_below_1", _band_is(Band.LOSES_MONEY)),),
        _cac_facts,
        worth=_loss_per_customer,
    ),
    Rule(
        "retention_before_scaling",
        Family.ACQUISITION,
        Lever.LIFETIME,
        (("ltv_cac_1_to_3", _band_is(Band.ROOM_TO_GROW)),),
        _cac_facts,
    ),
    Rule(
        "cac_room_to_scale",
        Family.ACQUISITION,
        None,
        (("ltv_cac_3_or_more", _band_is(Band.HEALTHY)),),
        _cac_facts,
        worth=_profit_per_customer,
    ),
    Rule(
        "thank_you_followup",
        Family.LOYALTY,
        Lever.FREQUENCY,
        (("baseline", _always),),
        _gap_days_facts,
        fallback=True,
    ),
    Rule(
        "feedback_reviews",
        Family.FEEDBACK,
        Lever.LIFETIME,
        (("baseline", _always),),
        _lifetime_facts,
        fallback=True,
    ),
    Rule(
        "order_recommendations",
        Family.CROSS_SELL,
        Lever.AOV,
        (("baseline", _always),),
        _aov_facts,
        fallback=True,
    ),
)


def candidates(result: LtvResult) -> tuple[tuple[Advice, ...], tuple[Advice, ...]]:
    """Every advice whose rule fires: ``(primary, fallback)``, each in ``RULES`` order."""
    result = _with_sensitivity(result)
    primary, fallback = _firings(result)
    return (
        tuple(firing.advice(result) for firing in primary),
        tuple(firing.advice(result) for firing in fallback),
    )


def advise(result: LtvResult, *, limit: int = 5) -> tuple[Advice, ...]:
    """Up to ``limit`` pieces of advice, best worth first, at least MIN_ITEMS (or ``limit``).

    The choice favours a family not yet chosen when its worth is close to the best one, so
    equal uplifts of several levers give varied advice rather than three loyalty ideas.
    Facts are built only for the advice chosen.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    result = _with_sensitivity(result)
    primary, fallback = _firings(result)
    chosen = _pick_varied(_by_worth(primary), limit)
    if len(chosen) < MIN_ITEMS:
        wanted = min(limit, MIN_ITEMS) - len(chosen)
        chosen += _pick_varied(_by_worth(fallback), wanted, chosen)
    return tuple(firing.advice(result) for firing in _by_worth(chosen))


def _with_sensitivity(result: LtvResult) -> LtvResult:
    """Worth comes from the sensitivity: a result computed without it is recomputed."""
    return result if result.sensitivity else calculate(result.inputs)


def _firings(result: LtvResult) -> tuple[list[_Firing], list[_Firing]]:
    uplifts = {effect.lever: effect.uplift for effect in result.sensitivity}
    ltv = result.ltv
    primary: list[_Firing] = []
    fallback: list[_Firing] = []
    for rule in RULES:
        trigger = rule.trigger(result)
        if trigger is not None:
            worth = rule.worth_for(result, uplifts)
            firing = _Firing(rule, trigger, worth, -round(worth / ltv, 9))
            (fallback if rule.fallback else primary).append(firing)
    return primary, fallback


_RANK = attrgetter("rank")


def _by_worth(firings: list[_Firing]) -> list[_Firing]:
    """Best first, ties in the RULES order (the sort is stable)."""
    return sorted(firings, key=_RANK)


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
