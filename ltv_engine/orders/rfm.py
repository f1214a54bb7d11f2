"""RFM segments a shop owner understands, and churn-risk bands from P(alive).

Each customer gets quintile scores 1..5 for Recency (days since the last purchase; more recent
scores higher), Frequency (distinct purchase days) and Monetary value (total revenue). Ties
share the quintile of their middle rank, so a column where everybody is equal scores 3 and
carries no signal either way. Recency also heeds the calendar, as ranks alone do not: in a shop
where most customers left long ago, the most recent fifth may not have bought for a year. A
customer who has lapsed (no purchase within the lapse window before the last order day, see
``measured``) scores at most 2, one who has not at least 3. With ``FM`` the rounded mean of F
and M, the first rule that matches names the segment:

| segment     | rule                              |
|-------------|-----------------------------------|
| new         | R >= 3 and one purchase day       |
| champions   | R >= 4 and FM >= 4                |
| loyal       | R >= 3 and FM >= 3                |
| potential   | R >= 3                            |
| cant_lose   | FM >= 4 (big spenders gone quiet) |
| at_risk     | FM = 3                            |
| hibernating | R = 2                             |
| lost        | the rest (R = 1, FM <= 2)         |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

from ltv_engine.orders.measured import customer_facts, lapse_window_days, lapsed_mask
from ltv_engine.orders.table import OrderTable

QUINTILES = 5
LOW_RISK_P_ALIVE = 0.7
HIGH_RISK_P_ALIVE = 0.3
RISK_BANDS = ("low", "medium", "high", "unknown")


class SegmentCode(StrEnum):
    CHAMPIONS = "champions"
    LOYAL = "loyal"
    POTENTIAL = "potential"
    NEW = "new"
    AT_RISK = "at_risk"
    CANT_LOSE = "cant_lose"
    HIBERNATING = "hibernating"
    LOST = "lost"


ACTIONS: Mapping[SegmentCode, str] = MappingProxyType(
    {
        SegmentCode.CHAMPIONS: "reward_and_ask_for_referrals",
        SegmentCode.LOYAL: "loyalty_program_and_upsell",
        SegmentCode.POTENTIAL: "personal_recommendations",
        SegmentCode.NEW: "onboarding_and_second_order_offer",
        SegmentCode.AT_RISK: "winback_personal_offer",
        SegmentCode.CANT_LOSE: "call_and_ask_for_feedback",
        SegmentCode.HIBERNATING: "reactivation_campaign",
        SegmentCode.LOST: "cheap_reminder_only",
    }
)


@dataclass(frozen=True, slots=True)
class Segment:
    code: SegmentCode
    count: int
    revenue_share: float  # share of the shop's revenue these customers brought
    action_code: str


@dataclass(frozen=True, slots=True)
class RfmScores:
    recency: npt.NDArray[np.int64]  # 1..5 per customer, 5 = bought most recently
    frequency: npt.NDArray[np.int64]
    monetary: npt.NDArray[np.int64]


def quintile_scores(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """1..5 by the quintile of each value's mid-rank; higher values score higher."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    mid_share = (rankdata(values, method="average") - 0.5) / values.size
    return np.clip(np.ceil(QUINTILES * mid_share), 1, QUINTILES).astype(np.int64)


def rfm_segments(table: OrderTable) -> tuple[npt.NDArray[np.str_], tuple[Segment, ...]]:
    """Per-customer segment codes (indexed by customer code) and the non-empty segments in
    ``SegmentCode`` order.

    Recency is counted to the last order day of the export: the function takes no "today".
    """
    facts = customer_facts(table)
    lapsed = lapsed_mask(facts, lapse_window_days(table), int(table.day.max()))
    scores = RfmScores(
        recency=_recency_scores(facts.last_day, lapsed),
        frequency=quintile_scores(facts.purchase_days.astype(np.float64)),
        monetary=quintile_scores(facts.revenue),
    )
    codes = _name_segments(scores, one_purchase_day=facts.purchase_days == 1)
    return codes, _segment_summary(codes, facts.revenue)


def _recency_scores(
    last_day: npt.NDArray[np.int64], lapsed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Quintiles of the last purchase day, at most 2 for the lapsed and at least 3 for the rest."""
    by_rank = quintile_scores(last_day.astype(np.float64))
    return np.where(lapsed, np.minimum(by_rank, 2), np.maximum(by_rank, 3))


def _name_segments(
    scores: RfmScores, *, one_purchase_day: npt.NDArray[np.bool_]
) -> npt.NDArray[np.str_]:
    r = scores.recency
    fm = np.floor((scores.frequency + scores.monetary) / 2 + 0.5)
    rules = [
        (SegmentCode.NEW, (r >= 3) & one_purchase_day),
        (SegmentCode.CHAMPIONS, (r >= 4) & (fm >= 4)),
        (SegmentCode.LOYAL, (r >= 3) & (fm >= 3)),
        (SegmentCode.POTENTIAL, r >= 3),
        (SegmentCode.CANT_LOSE, fm >= 4),
        (SegmentCode.AT_RISK, fm == 3),
        (SegmentCode.HIBERNATING, r == 2),
    ]
    names = [str(code) for code, _ in rules]
    chosen = np.select([mask for _, mask in rules], names, default=str(SegmentCode.LOST))
    return chosen.astype(np.str_)


def _segment_summary(
    codes: npt.NDArray[np.str_], revenue: npt.NDArray[np.float64]
) -> tuple[Segment, ...]:
    total = float(revenue.sum())
    segments = []
    for code in SegmentCode:
        members = codes == code
        count = int(members.sum())
        if count:
            share = float(revenue[members].sum()) / total if total > 0 else 0.0
            segments.append(Segment(code, count, share, ACTIONS[code]))
    return tuple(segments)


def risk_band(p_alive: npt.NDArray[np.float64]) -> npt.NDArray[np.str_]:
    """ "low" for P(alive) >= 0.7, "medium" from 0.3, "high" below; "unknown" where NaN
    (no model was fitted)."""
    p = np.asarray(p_alive, dtype=np.float64)
    *known, unknown = RISK_BANDS
    bands = np.select(
        [p >= LOW_RISK_P_ALIVE, p >= HIGH_RISK_P_ALIVE, p < HIGH_RISK_P_ALIVE],
        known,
        default=unknown,
    )
    return bands.astype(np.str_)
