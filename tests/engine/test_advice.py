import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from ltv_engine.advice import (
    BIG_TICKET,
    MIN_ITEMS,
    RULES,
    Advice,
    Family,
    advise,
    candidates,
)
from ltv_engine.calc import calculate
from ltv_engine.model import Band, Business, Lifetime, LifetimeSource, LtvInputs, LtvResult

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LOCALES = ("ru", "en")

BASE = LtvInputs(
    aov=2500,
    orders_per_month=1.5,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
    margin=0.3,
)


def shop(**changes: Any) -> LtvResult:
    """The base shop with some inputs changed; ``months``/``churn`` restate the lifetime."""
    if "months" in changes:
        changes["lifetime"] = Lifetime(LifetimeSource.MONTHS, months=changes.pop("months"))
    if "churn" in changes:
        changes["lifetime"] = Lifetime(LifetimeSource.CHURN, monthly_churn=changes.pop("churn"))
    return calculate(replace(BASE, **changes))


def fired(result: LtvResult) -> dict[str, str]:
    primary, fallback = candidates(result)
    return {advice.rule_id: advice.trigger for advice in primary + fallback}


def advice_of(result: LtvResult, rule_id: str) -> Advice:
    primary, fallback = candidates(result)
    return next(advice for advice in primary + fallback if advice.rule_id == rule_id)


# (rule, trigger, inputs that fire it); every (rule, trigger) pair in RULES appears here.
FIRING: list[tuple[str, str, dict[str, Any]]] = [
    ("loyalty_points", "rare_purchases", {"orders_per_month": 1 / 24, "months": 60}),
    ("loyalty_points", "low_frequency", {"orders_per_month": 0.5}),
    ("first_repeat_bonus", "rare_purchases", {"orders_per_month": 1 / 24, "months": 60}),
    ("first_repeat_bonus", "few_repeat_orders", {"orders_per_month": 0.2, "months": 10}),
    ("winback_calls", "high_churn", {"churn": 0.15}),
    ("feedback_survey", "high_churn", {"churn": 0.15}),
    ("feedback_survey", "short_lifetime", {"months": 6}),
    ("cross_sell_bundles", "frequent_orders", {"orders_per_month": 1.5}),
    ("free_delivery_threshold", "goods_delivery", {"business": None}),
    ("upsell_service", "big_ticket_business", {"business": Business.FURNITURE}),
    ("upsell_service", "rare_purchases", {"orders_per_month": 0.1}),
    (
        "subscription_consumables",
        "subscription_business",
        {"business": Business.COFFEE, "orders_per_month": 0.5},
    ),
    ("subscription_consumables", "regular_purchases", {"business": None}),
    ("margin_mix", "low_margin", {"margin": 0.2}),
    ("cac_too_high", "ltv_cac_below_1", {"cac": 30_000}),
    ("retention_before_scaling", "ltv_cac_1_to_3", {"cac": 10_000}),
    ("cac_room_to_scale", "ltv_cac_3_or_more", {"cac": 2_000}),
    ("thank_you_followup", "returning_customers", {}),
    ("thank_you_followup", "one_order", {"orders_per_month": 1, "months": 1}),  # 1 order
    ("thank_you_followup", "baseline", {"orders_per_month": 1, "months": 1.8}),  # 1.8 orders
    ("feedback_reviews", "baseline", {}),
    ("order_recommendations", "baseline", {}),
]

NOT_FIRING: list[tuple[str, dict[str, Any]]] = [
    ("loyalty_points", {"orders_per_month": 1.5}),
    ("loyalty_points", {"orders_per_month": 0.5, "margin": 0.05}),  # points would eat the profit
    ("first_repeat_bonus", {"orders_per_month": 1.5}),
    ("winback_calls", {"churn": 0.05}),
    ("winback_calls", {"churn": 0.15, "orders_per_month": 0.2}),  # 1.3 orders: no regulars
    ("feedback_survey", {"churn": 0.05}),
    ("feedback_survey", {"months": 18}),
    ("cross_sell_bundles", {"orders_per_month": 0.5}),
    ("cross_sell_bundles", {"business": Business.ELECTRONICS}),
    ("cross_sell_bundles", {"orders_per_month": 1, "months": 1}),  # 1 order: no visits
    ("free_delivery_threshold", {"business": Business.SERVICES}),
    ("upsell_service", {"business": Business.COFFEE}),
    ("subscription_consumables", {"business": None, "orders_per_month": 0.5}),
    ("subscription_consumables", {"business": Business.FURNITURE, "orders_per_month": 3}),
    ("subscription_consumables", {"business": Business.ELECTRONICS}),
    ("subscription_consumables", {"business": Business.COFFEE, "margin": 0.05}),
    ("subscription_consumables", {"business": Business.COFFEE, "orders_per_month": 0.1}),
    ("subscription_consumables", {"business": Business.SERVICES, "orders_per_month": 3}),
    ("subscription_consumables", {"business": None, "months": 1}),  # 1.5 orders in a lifetime
    ("margin_mix", {"margin": 0.3}),
    ("margin_mix", {"margin": None}),
    ("cac_too_high", {"cac": 10_000}),
    ("cac_too_high", {"cac": None}),
    ("retention_before_scaling", {"cac": 2_000}),
    ("cac_room_to_scale", {"cac": 10_000}),
    ("cac_room_to_scale", {"cac": 0.0}),
    ("cac_room_to_scale", {"cac": 2_000, "margin": None}),  # a revenue ratio cannot judge it
    ("retention_before_scaling", {"cac": 10_000 * 0.3, "margin": None}),  # revenue ratio 4.5
]


@pytest.mark.parametrize(("rule_id", "trigger", "changes"), FIRING)
def test_rule_fires(rule_id: str, trigger: str, changes: dict[str, Any]) -> None:
    assert fired(shop(**changes)).get(rule_id) == trigger


@pytest.mark.parametrize(("rule_id", "changes"), NOT_FIRING)
def test_rule_does_not_fire(rule_id: str, changes: dict[str, Any]) -> None:
    assert rule_id not in fired(shop(**changes))


def test_every_trigger_of_every_rule_has_a_firing_case() -> None:
    declared = {(rule.id, code) for rule in RULES for code, _ in rule.triggers}
    assert {(rule_id, trigger) for rule_id, trigger, _ in FIRING} == declared


def test_rule_ids_are_unique() -> None:
    assert len({rule.id for rule in RULES}) == len(RULES)


@pytest.mark.parametrize(
    ("margin", "points"),
    [(0.3, (0.03, 0.05)), (0.12, (0.03, 0.04)), (0.09, (0.02, 0.03)), (0.06, (0.01, 0.02))],
)
def test_points_stay_within_a_third_of_the_margin(
    margin: float, points: tuple[float, float]
) -> None:
    facts = advice_of(shop(orders_per_month=0.5, margin=margin), "loyalty_points").facts
    assert (facts["points_low"], facts["points_high"]) == pytest.approx(points)


def test_points_use_the_usual_band_when_the_margin_is_unknown() -> None:
    facts = advice_of(shop(orders_per_month=0.5, margin=None), "loyalty_points").facts
    assert (facts["points_low"], facts["points_high"]) == pytest.approx((0.03, 0.05))


@pytest.mark.parametrize(("margin", "discount"), [(0.4, (0.05, 0.10)), (0.2, (0.05, 0.06))])
def test_subscription_discount_is_small(margin: float, discount: tuple[float, float]) -> None:
    result = shop(business=Business.PETS, margin=margin)
    facts = advice_of(result, "subscription_consumables").facts
    assert (facts["discount_low"], facts["discount_high"]) == pytest.approx(discount)
    assert facts["business"] == "pets"


SERVICE_RULES = [
    ("cross_sell_bundles", {"margin": 0.2}),
    ("margin_mix", {"margin": 0.2}),
    ("thank_you_followup", {}),
    ("order_recommendations", {}),
    ("upsell_service", {"orders_per_month": 1 / 24, "months": 60}),
    ("first_repeat_bonus", {"orders_per_month": 1 / 24, "months": 60}),
]


@pytest.mark.parametrize(("rule_id", "changes"), SERVICE_RULES)
@pytest.mark.parametrize("business", [Business.SERVICES, Business.CLOTHING, None])
def test_advice_that_could_name_goods_knows_whether_services_are_sold(
    rule_id: str, changes: dict[str, Any], business: Business | None
) -> None:
    facts = advice_of(shop(business=business, **changes), rule_id).facts
    assert facts["services"] is (business is Business.SERVICES)


@pytest.mark.parametrize(("churn", "lost"), [(0.125, 13), (0.124, 12), (0.145, 15), (0.15, 15)])
def test_customers_lost_per_100_round_half_up_from_the_percent_shown(
    churn: float, lost: int
) -> None:
    assert advice_of(shop(churn=churn), "winback_calls").facts["lost_per_100"] == lost


@pytest.mark.parametrize(
    ("orders", "gap"),
    [
        (365.25 / 12, (1, "day")),  # "daily" as the bot reads it
        (21.0, (1, "day")),  # every working day
        (20.0, (2, "day")),
        (365.25 / 12 / 7, (1, "week")),
        (4.0, (8, "day")),
        (1.0, (1, "month")),
        (0.98, (1, "month")),  # 31 days
        (1.06, (29, "day")),
        (2.0, (15, "day")),
        (0.51, (60, "day")),  # 59.6 days
        (0.5, (2.0, "month")),  # 60.8 days: from two months on, in months
        (1 / 3, (3.0, "month")),
        (0.2, (5.0, "month")),
        (1 / 12, (1.0, "year")),
        (0.04, (2.1, "year")),  # 760 days
        (1 / 24, (2.0, "year")),
    ],
)
def test_a_gap_between_orders_is_said_by_a_period_near_it_or_counted(
    orders: float, gap: tuple[float, str]
) -> None:
    advice = advice_of(shop(orders_per_month=orders, months=200), "thank_you_followup")
    assert (advice.facts["usual_gap"], advice.facts["usual_unit"]) == gap


@given(st.floats(1 / 6, 60), st.sampled_from([Business.COFFEE, Business.PETS, None]))
def test_goods_are_delivered_at_most_weekly(orders: float, business: Business | None) -> None:
    result = shop(orders_per_month=orders, business=business, months=36)
    for advice in candidates(result)[0]:
        if advice.rule_id == "subscription_consumables":
            days = advice.facts["delivery_days"]
            assert isinstance(days, int) and days >= 7


@pytest.mark.parametrize(("aov", "threshold"), [(2500, 3000), (65, 75), (1234, 1450)])
def test_free_delivery_threshold_is_a_round_sum_just_above_the_check(
    aov: float, threshold: float
) -> None:
    assert advice_of(shop(aov=aov), "free_delivery_threshold").facts["threshold"] == threshold


@given(st.floats(0.01, 1e8))
def test_free_delivery_threshold_is_15_to_20_percent_above(aov: float) -> None:
    threshold = advice_of(shop(aov=aov), "free_delivery_threshold").facts["threshold"]
    assert isinstance(threshold, float)
    assert aov * 1.15 * (1 - 1e-12) <= threshold <= aov * 1.2 * (1 + 1e-12)


def test_lever_rules_are_worth_their_lever_uplift() -> None:
    result = shop(churn=0.15, margin=0.2, cac=3_000)
    assert result.band is Band.ROOM_TO_GROW
    uplift = {effect.lever: effect.uplift for effect in result.sensitivity}
    primary, _ = candidates(result)
    for advice in primary:
        assert advice.lever is not None
        assert advice.worth == uplift[advice.lever]


def test_acquisition_worth_is_the_money_per_customer_against_cac() -> None:
    losing = shop(cac=30_000)
    assert advice_of(losing, "cac_too_high").worth == pytest.approx(30_000 - losing.ltv)
    healthy = shop(cac=2_000)
    quote = advice_of(healthy, "cac_room_to_scale").facts
    assert quote["max_cac"] == pytest.approx(healthy.ltv / 3)
    room = healthy.ltv / 3 - 2_000  # more a customer may cost at 3:1, not the profit LTV - CAC
    assert advice_of(healthy, "cac_room_to_scale").worth == pytest.approx(room)


@pytest.mark.parametrize(
    ("cac", "advised"),
    [
        (497.64, False),  # $65 x 2.2 x 18 x 58 % = $1 492.92: exactly 3:1, "+$0" to add
        (452.5, False),  # 3.299:1: less than a tenth more to add
        (452.4, True),  # 3.3:1
    ],
)
def test_scaling_is_advised_only_with_room_to_add_a_tenth_to_the_cac(
    cac: float, advised: bool
) -> None:
    result = shop(aov=65, orders_per_month=2.2, margin=0.58, cac=cac)
    assert result.band is Band.HEALTHY
    primary, fallback = candidates(result)
    assert ("cac_room_to_scale" in {a.rule_id for a in primary + fallback}) is advised


def test_the_biggest_worth_comes_first() -> None:
    items = advise(shop(cac=30_000, margin=0.2))
    assert items[0].rule_id == "cac_too_high"
    assert items[1].rule_id == "margin_mix"  # +5 points of a 20 % margin beats any 10 % step


def test_close_worths_give_varied_families() -> None:
    # Every 10 % step is worth the same here: the top three must not share a family.
    items = advise(shop(orders_per_month=0.5, business=Business.COFFEE))
    assert len({advice.family for advice in items[:3]}) == 3


def test_fallbacks_fill_up_to_three() -> None:
    # Services, rare purchases stated in months, long lifetime, thin margin, unknown CAC.
    result = shop(
        business=Business.SERVICES, orders_per_month=0.5, months=24, margin=0.05, cac=None
    )
    primary, _ = candidates(result)
    items = advise(result)
    assert len(primary) < MIN_ITEMS
    assert len(items) == MIN_ITEMS
    assert {"thank_you_followup", "feedback_reviews"} & {a.rule_id for a in items}


def test_fallbacks_stay_out_when_rules_suffice() -> None:
    fallbacks = {rule.id for rule in RULES if rule.fallback}
    result = shop(business=Business.COFFEE, orders_per_month=0.5, churn=0.15, cac=10_000)
    assert not fallbacks & {advice.rule_id for advice in advise(result)}


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 10])
def test_limit_is_respected(limit: int) -> None:
    result = shop(business=Business.COFFEE, orders_per_month=0.5, churn=0.15, cac=10_000)
    assert len(advise(result, limit=limit)) == min(limit, len(candidates(result)[0]))


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="limit"):
        advise(shop(), limit=0)


def test_a_result_without_sensitivity_gets_the_same_advice() -> None:
    result = shop(churn=0.15, cac=10_000)
    assert advise(calculate(result.inputs, with_sensitivity=False)) == advise(result)


valid_inputs = st.builds(
    LtvInputs,
    aov=st.floats(0.01, 1e7),
    orders_per_month=st.floats(0.01, 50),
    lifetime=st.one_of(
        st.builds(Lifetime, st.just(LifetimeSource.MONTHS), months=st.floats(0.5, 600)),
        st.builds(Lifetime, st.just(LifetimeSource.CHURN), monthly_churn=st.floats(0.002, 0.99)),
    ),
    margin=st.none() | st.floats(0.01, 1.0),
    cac=st.none() | st.floats(0.0, 1e7),
    business=st.none() | st.sampled_from(list(Business)),
)


@given(valid_inputs)
def test_any_valid_input_gets_three_to_five_distinct_ordered_items(inputs: LtvInputs) -> None:
    items = advise(calculate(inputs))
    assert MIN_ITEMS <= len(items) <= 5
    assert len({advice.rule_id for advice in items}) == len(items)
    worths = [advice.worth for advice in items]
    assert all(w >= 0 for w in worths)
    # Equal to about 10 digits counts as a tie (rounding both could split a tie at a boundary).
    assert all(
        earlier >= later - 1e-10 * max(earlier, later) for earlier, later in pairwise(worths)
    )
    assert advise(calculate(inputs)) == items


@given(valid_inputs)
def test_no_subscription_for_big_ticket_goods(inputs: LtvInputs) -> None:
    items = advise(calculate(inputs), limit=len(RULES))
    if inputs.business in BIG_TICKET:
        assert Family.SUBSCRIPTION not in {advice.family for advice in items}


@given(valid_inputs)
def test_points_never_exceed_a_third_of_the_margin(inputs: LtvInputs) -> None:
    for advice in candidates(calculate(inputs))[0]:
        if advice.rule_id == "loyalty_points" and inputs.margin is not None:
            points_high = advice.facts["points_high"]
            assert isinstance(points_high, float)
            assert points_high <= inputs.margin / 3 + 1e-12


@given(valid_inputs)
def test_every_advice_carries_the_ltv_its_worth_adds_to(inputs: LtvInputs) -> None:
    result = calculate(inputs)
    primary, fallback = candidates(result)
    assert {advice.ltv for advice in primary + fallback} == {result.ltv}


# --- wording --------------------------------------------------------------------------------

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "a"}


def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / locale),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    # As bot.formatting's: money is HTML-safe, its currency escaped (the template prints it as is).
    env.filters["money"] = lambda value, currency: Markup(f"{value:,.0f} ") + escape(currency)
    env.filters["money_change"] = lambda new, old, currency: (
        Markup(f"{new - old:+,.0f} ") + (escape(currency))
    )
    env.filters["percent"] = lambda share, digits=1: f"{share * 100:.{digits}f}%"
    env.filters["num"] = lambda value, digits=1: f"{value:.{digits}f}"
    env.filters["quantity"] = lambda count, *forms, digits=1: (
        f"{count:.{digits}f} {forms[0] if count == 1 else forms[-1]}"
    )
    return env


def render(locale: str, advice: Advice, currency: str = "RUB") -> str:
    module = environment(locale).get_template("advice.j2").make_module()
    advice_item = getattr(module, "advice_item")  # noqa: B009  # a macro, unknown to mypy
    return str(advice_item(advice, currency)).strip()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_rule_id_has_wording(locale: str) -> None:
    text = (TEMPLATES / locale / "advice.j2").read_text(encoding="utf-8")
    for rule in RULES:
        assert f'"{rule.id}"' in text, rule.id


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("rule_id", "trigger", "changes"), FIRING)
def test_every_trigger_renders(
    locale: str, rule_id: str, trigger: str, changes: dict[str, Any]
) -> None:
    advice = advice_of(shop(**changes), rule_id)
    text = render(locale, advice)
    lines = text.splitlines()
    assert re.fullmatch(r"<b>[^<]+</b>", lines[0])
    assert f"{advice.worth:,.0f} RUB" in text
    assert sum(line.startswith("•") for line in lines) in {1, 2, 3}
    assert set(re.findall(r"</?\s*([a-zA-Z]+)", text)) <= ALLOWED_TAGS
    assert len(text) < 550


@pytest.mark.parametrize("locale", LOCALES)
def test_a_typed_currency_reaches_the_text_only_through_the_money_filter(locale: str) -> None:
    advice = advice_of(shop(business=Business.COFFEE), "free_delivery_threshold")
    text = render(locale, advice, currency="<script>")
    assert "<script>" not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_an_unknown_rule_fails_to_render(locale: str) -> None:
    advice = advice_of(shop(), "feedback_reviews")._replace(rule_id="no_such_rule")
    with pytest.raises(UndefinedError):
        render(locale, advice)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_unknown_trigger_fails_to_render(locale: str) -> None:
    advice = advice_of(shop(months=6), "feedback_survey")._replace(trigger="no_such_trigger")
    with pytest.raises(UndefinedError):
        render(locale, advice)


def test_a_rule_without_a_lever_states_its_worth() -> None:
    for rule in RULES:
        if rule.lever is None:
            assert rule.family is Family.ACQUISITION
            assert rule.worth is not None, rule.id
