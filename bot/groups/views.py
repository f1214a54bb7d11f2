"""What the bot shows in a group: one screen each, rendered from templates."""

from __future__ import annotations

from bot.render import Texts
from bot.storage.base import ShopProfile
from bot.views import Screen
from ltv_engine.advice import advise
from ltv_engine.calc import calculate
from ltv_engine.model import LtvResult


def quick_screen(result: LtvResult, t: Texts) -> Screen:
    return Screen(t.page("group_ltv.j2", r=result, currency=result.inputs.currency))


def team_screen(profile: ShopProfile, t: Texts) -> Screen:
    result = calculate(profile.inputs)
    return Screen(
        t.page(
            "team.j2",
            profile=profile,
            r=result,
            advice=advise(result),
            currency=profile.inputs.currency,
        )
    )
