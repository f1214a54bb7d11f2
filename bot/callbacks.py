"""Every inline button's data, as CallbackData factories (never hand-built strings)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class WizardCb(CallbackData, prefix="wz"):
    step: str  # the step the button belongs to: a button from an older step is outdated
    action: str  # pick | unit | skip | keep | back | cancel | edit | calc
    value: str = ""


class ResultCb(CallbackData, prefix="rs"):
    action: str  # whatif | recalc | redo (recalc, no question asked) | history | open
    calc_id: int = 0
    lever: str = ""


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class StartCb(CallbackData, prefix="st"):
    action: str  # calc | recalc | resume | afresh, afresh_recalc (no question asked)
