"""The wizard's steps as data: what each answer means, which step comes next, the draft -> inputs.

The draft is the FSM data: a flat JSON-safe dict that survives a restart. Telegram-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ltv_engine.calc import resolve_lifetime
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs
from ltv_engine.parsing import (
    parse_calculable_churn,
    parse_count,
    parse_duration_months,
    parse_frequency,
    parse_money,
    parse_rate,
    parse_share,
)

Draft = dict[str, Any]
Updates = dict[str, Any]

MAIN_ORDER = ("business", "aov", "frequency", "margin", "lifetime_mode", "cac", "discount")
LIFETIME_BRANCHES: Mapping[str, tuple[str, ...]] = {
    LifetimeSource.MONTHS.value: ("lifetime",),
    LifetimeSource.CHURN.value: ("churn",),
    LifetimeSource.COUNTS.value: ("customers_start", "customers_end"),
}
SUMMARY = "summary"
# Where the wizard is, not what was answered: the live screen's message id, the way back, an edit.
EDIT_KEYS = frozenset({"screen", "editing", "trail", "before_edit"})
CURRENCIES = ("RUB", "USD", "EUR")


@dataclass(frozen=True, slots=True)
class Toggle:
    """Unit buttons on a step: which draft key they set and to which values."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    parse: Callable[[str, Draft], Updates] | None = None  # None: answered with buttons only
    choices: tuple[str, ...] = ()
    key: str | None = None  # where the answer goes in the draft; its value there may be kept
    optional: bool = False  # Skip stores None under ``key``
    toggle: Toggle | None = None


def _aov(text: str, draft: Draft) -> Updates:
    money = parse_money(text, field="aov")
    return {"aov": money.amount, "currency": money.currency or draft["currency"]}


def _cac(text: str, draft: Draft) -> Updates:
    money = parse_money(text, field="cac")
    if money.currency and money.currency != draft["currency"]:
        raise InvalidInput(Reason.CONFLICT, "cac", expected=draft["currency"], got=money.currency)
    return {"cac": money.amount}


def _frequency(text: str, draft: Draft) -> Updates:
    return {"orders_per_month": parse_frequency(text, default_per=draft["freq_unit"])}


def _lifetime(text: str, draft: Draft) -> Updates:
    return {"lifetime_months": parse_duration_months(text, default_unit=draft["lifetime_unit"])}


def _customers_end(text: str, draft: Draft) -> Updates:
    end = parse_count(text, field="customers_end")
    resolve_lifetime(_counts_lifetime(draft, end))  # end above start, no churn...: said now
    return {"customers_end": end}


def _churn(text: str, _draft: Draft) -> Updates:
    return {"monthly_churn": parse_calculable_churn(text)}


def _annual_discount_rate(text: str, _draft: Draft) -> Updates:
    return {"annual_discount_rate": parse_rate(text, field="annual_discount_rate")}


def _share(key: str, field: str) -> Callable[[str, Draft], Updates]:
    return lambda text, _draft: {key: parse_share(text, field=field)}


def _count(key: str) -> Callable[[str, Draft], Updates]:
    return lambda text, _draft: {key: parse_count(text, field=key)}


STEPS: Mapping[str, Step] = {
    step.name: step
    for step in (
        Step("business", choices=tuple(b.value for b in Business), key="business", optional=True),
        Step("aov", _aov, key="aov", toggle=Toggle("currency", CURRENCIES)),
        Step(
            "frequency",
            _frequency,
            key="orders_per_month",
            toggle=Toggle("freq_unit", ("month", "year")),
        ),
        Step("margin", _share("margin", "margin"), key="margin", optional=True),
        Step("lifetime_mode", choices=tuple(LIFETIME_BRANCHES)),
        Step(
            "lifetime",
            _lifetime,
            key="lifetime_months",
            toggle=Toggle("lifetime_unit", ("months", "years")),
        ),
        Step("churn", _churn, key="monthly_churn"),
        Step(
            "customers_start",
            _count("customers_start"),
            key="customers_start",
            toggle=Toggle("period_months", ("1", "3", "12")),
        ),
        Step("customers_end", _customers_end, key="customers_end"),
        Step("cac", _cac, key="cac", optional=True),
        Step("discount", _annual_discount_rate, key="annual_discount_rate", optional=True),
    )
}


def new_draft(currency: str) -> Draft:
    return {
        "currency": currency,
        "freq_unit": "month",
        "lifetime_unit": "months",
        "period_months": "1",
        "trail": [],
        "editing": False,
    }


def answer_text(step: str, text: str, draft: Draft) -> Updates:
    """Parse a typed answer; raises InvalidInput with the reason the bot explains."""
    parse = STEPS[step].parse
    if parse is None:
        raise InvalidInput(Reason.AMBIGUOUS, step)
    return parse(text, draft)


def answer_choice(step: str, value: str, draft: Draft) -> Updates:
    spec = STEPS[step]
    if value not in spec.choices:
        raise InvalidInput(Reason.UNKNOWN_UNIT, step)
    return {"business" if step == "business" else "lifetime_mode": value}


def after_typed_choice(
    step: str, text: str, draft: Draft, labels: Mapping[str, str]
) -> tuple[str, Draft]:
    """The step and draft after text typed where buttons ask: words of one button's label
    alone ("косметика", "отток"; ``labels``: each label's ``label_words`` -> its choice), or at
    the lifetime's choice of way the lifetime or the churn itself ("18 мес", "5% в месяц"),
    which answers that way's question at once. ``InvalidInput`` for text that is neither (its
    field ``step``), or for a lifetime or churn that cannot be (its own field)."""
    typed = set(label_words(text).split())
    chosen = [value for label, value in labels.items() if typed and typed <= set(label.split())]
    if len(chosen) == 1:
        return advanced(step, draft, answer_choice(step, chosen[0], draft))
    if step != "lifetime_mode" or not any(char.isdigit() for char in text):
        raise InvalidInput(Reason.AMBIGUOUS, step)
    mode = LifetimeSource.CHURN if "%" in text else LifetimeSource.MONTHS
    branch_step = LIFETIME_BRANCHES[mode.value][0]
    updates = answer_text(branch_step, text, draft)
    _, at_branch = advanced(step, draft, {"lifetime_mode": mode.value})
    return advanced(branch_step, at_branch, updates)


def label_words(text: str) -> str:
    """A button label or a typed answer as words alone: "💄 Косметика" and "косметика" alike."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def answer_toggle(step: str, value: str) -> Updates:
    toggle = STEPS[step].toggle
    if toggle is None or value not in toggle.values:
        raise InvalidInput(Reason.UNKNOWN_UNIT, step)
    return {toggle.key: value}


def answer_skip(step: str) -> Updates:
    spec = STEPS[step]
    if spec.key is None or not spec.optional:
        raise InvalidInput(Reason.MISSING, step)
    return {spec.key: None}


def keeps_answer(step: str, draft: Draft) -> bool:
    """A typed answer of ``step`` is in the draft already (the user came Back, or edits): it
    may be kept as it is. A skipped step has none: Skip keeps it skipped."""
    spec = STEPS[step]
    # None: skipped (Skip says the same), or a lifetime way not taken in a recalculated profile
    return spec.parse is not None and spec.key is not None and draft.get(spec.key) is not None


def answer_kept(step: str, draft: Draft) -> Updates:
    """Nothing new for ``step``: its answer stays. A count at the end is checked again, as the
    count at the start may have changed since."""
    if not keeps_answer(step, draft):
        raise InvalidInput(Reason.MISSING, step)
    if step == "customers_end":
        resolve_lifetime(_counts_lifetime(draft))
    return {}


def opening(currency: str, known: Draft | None = None) -> tuple[str, Draft]:
    """Where a wizard starts: the first question of a new draft, or the summary of ``known``."""
    if known is None:
        return MAIN_ORDER[0], new_draft(currency)
    return SUMMARY, known


def advanced(step: str, draft: Draft, updates: Updates) -> tuple[str, Draft]:
    """The step after ``step`` answered with ``updates``, and the draft there."""
    draft = draft | updates
    following = next_step(step, draft)
    if step == "aov" and following == SUMMARY and _cac_now_in_another_currency(draft):
        following = "cac"  # asked again, in the new currency (kept if the user goes Back)
    return following, draft | {"trail": [*draft.get("trail", []), step]}


def _cac_now_in_another_currency(draft: Draft) -> bool:
    """An edit of the average order changed the currency the known CAC was given in."""
    before = draft.get("before_edit")
    return (
        before is not None
        and before.get("cac") is not None
        and before.get("currency") != draft["currency"]
    )


def after_press(step: str, draft: Draft, action: str, value: str) -> tuple[str, Draft]:
    """The step and draft after a wizard button; ``InvalidInput`` for one that makes no sense."""
    if action == "back":
        return step_back(draft)
    if action == "unit":
        return step, draft | answer_toggle(step, value)
    if action == "edit":
        return value, begin_edit(draft, value)
    if action == "pick":
        return advanced(step, draft, answer_choice(step, value, draft))
    if action == "keep":
        return advanced(step, draft, answer_kept(step, draft))
    return advanced(step, draft, answer_skip(step))


def begin_edit(draft: Draft, step: str) -> Draft:
    """Leave the summary to change ``step``; the draft as it was is kept to come back to."""
    if step not in MAIN_ORDER:
        raise InvalidInput(Reason.UNKNOWN_UNIT, step)
    as_it_was = {key: value for key, value in draft.items() if key not in EDIT_KEYS}
    return draft | {"editing": True, "trail": [SUMMARY], "before_edit": as_it_was}


def step_back(draft: Draft) -> tuple[str, Draft]:
    """The previous step and the draft there. Back out of an edit to the summary puts the draft
    back as it was: a lifetime mode picked and left half-answered must not stay behind."""
    *trail, previous = draft["trail"]
    if previous == SUMMARY and "before_edit" in draft:
        return previous, draft["before_edit"]
    return previous, draft | {"trail": trail}


def at_summary(draft: Draft) -> Draft:
    """The draft as the summary keeps it: complete, no edit in progress."""
    kept = {key: value for key, value in draft.items() if key != "before_edit"}
    return kept | {"editing": False, "trail": []}


def next_step(step: str, draft: Draft) -> str:
    if step == "lifetime_mode":
        return LIFETIME_BRANCHES[draft["lifetime_mode"]][0]
    branch = LIFETIME_BRANCHES.get(draft.get("lifetime_mode", ""), ())
    if step in branch[:-1]:
        return branch[branch.index(step) + 1]
    if draft.get("editing"):
        return SUMMARY
    if step in branch:
        return "cac"
    following = MAIN_ORDER[MAIN_ORDER.index(step) + 1 :]
    return following[0] if following else SUMMARY


def _counts_lifetime(draft: Draft, end: int | None = None) -> Lifetime:
    return Lifetime(
        LifetimeSource.COUNTS,
        customers_start=draft["customers_start"],
        customers_end=draft["customers_end"] if end is None else end,
        period_months=float(draft["period_months"]),
    )


def _lifetime_of(draft: Draft) -> Lifetime:
    source = LifetimeSource(draft["lifetime_mode"])
    if source is LifetimeSource.MONTHS:
        return Lifetime(source, months=draft["lifetime_months"])
    if source is LifetimeSource.CHURN:
        return Lifetime(source, monthly_churn=draft["monthly_churn"])
    return _counts_lifetime(draft)


def to_inputs(draft: Draft) -> LtvInputs:
    business = draft.get("business")
    return LtvInputs(
        aov=draft["aov"],
        orders_per_month=draft["orders_per_month"],
        lifetime=_lifetime_of(draft),
        margin=draft.get("margin"),
        cac=draft.get("cac"),
        annual_discount_rate=draft.get("annual_discount_rate"),
        currency=draft["currency"],
        business=Business(business) if business else None,
    )


def from_inputs(inputs: LtvInputs) -> Draft:
    """A complete draft (for "recalculate" and editing a saved profile)."""
    lifetime = inputs.lifetime
    draft = new_draft(inputs.currency) | {
        "business": inputs.business.value if inputs.business else None,
        "aov": inputs.aov,
        "orders_per_month": inputs.orders_per_month,
        "margin": inputs.margin,
        "cac": inputs.cac,
        "annual_discount_rate": inputs.annual_discount_rate,
        "lifetime_mode": lifetime.source.value,
        "lifetime_months": lifetime.months,
        "monthly_churn": lifetime.monthly_churn,
        "customers_start": lifetime.customers_start,
        "customers_end": lifetime.customers_end,
        "period_months": format(lifetime.period_months, "g"),
    }
    return draft
