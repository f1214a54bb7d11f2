"""Inputs and outputs of the LTV calculation (the contract between engine and bot)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

DEFAULT_CURRENCY = "RUB"  # the currency of inputs that name none


class LifetimeSource(StrEnum):
    MONTHS = "months"  # the owner knows the lifetime
    CHURN = "churn"  # monthly churn rate
    COUNTS = "counts"  # customers at the start and at the end of a period


class Band(StrEnum):
    LOSES_MONEY = "loses_money"  # LTV:CAC < 1
    ROOM_TO_GROW = "room_to_grow"  # 1 <= LTV:CAC < 3
    HEALTHY = "healthy"  # LTV:CAC >= 3


class Lever(StrEnum):
    AOV = "aov"
    FREQUENCY = "frequency"
    LIFETIME = "lifetime"
    MARGIN = "margin"


class Business(StrEnum):
    GROCERIES = "groceries"
    COSMETICS = "cosmetics"
    COFFEE = "coffee"
    PETS = "pets"
    HOUSEHOLD = "household"
    CLOTHING = "clothing"
    ELECTRONICS = "electronics"
    FURNITURE = "furniture"
    SERVICES = "services"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Lifetime:
    """How long a customer keeps buying; exactly one way of stating it."""

    source: LifetimeSource
    months: float | None = None
    monthly_churn: float | None = None  # share, 0 < churn < 1
    customers_start: int | None = None
    customers_end: int | None = None
    period_months: float = 1.0  # length of the start..end period for COUNTS


@dataclass(frozen=True, slots=True)
class LtvInputs:
    aov: float  # average order value, in ``currency``
    orders_per_month: float
    lifetime: Lifetime
    margin: float | None = None  # gross margin as a share, 0 < margin <= 1
    cac: float | None = None
    annual_discount_rate: float | None = None  # share, e.g. 0.12
    currency: str = DEFAULT_CURRENCY
    business: Business | None = None


class LeverEffect(NamedTuple):  # a tuple: built four times per calculation, and cheaply
    lever: Lever
    step: float  # the relative step (0.10) or margin points (0.05) applied
    new_ltv: float  # headline LTV after the step
    uplift: float  # new_ltv - headline LTV, in money


class LtvResult(NamedTuple):  # a tuple: built once per calculation and per what-if, cheaply
    inputs: LtvInputs
    lifetime_months: float
    monthly_churn: float
    revenue_ltv: float
    gross_profit_ltv: float | None
    ltv: float  # headline: gross-profit LTV when margin is known, else revenue LTV
    discounted_ltv: float | None
    ltv_cac: float | None
    band: Band | None
    payback_months: float | None
    max_cac_3_to_1: float
    value_per_month: float  # headline value a customer brings per month
    expected_orders: float
    sensitivity: tuple[LeverEffect, ...] = ()  # best first
