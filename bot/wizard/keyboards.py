"""Inline keyboards of the wizard and of the result.

Markups are built directly rather than through InlineKeyboardBuilder (whose export deep-copies
every button), and the wizard's are cached: aiogram's types are frozen, and a step keyboard
depends only on the locale, the step, the toggle's value and whether there is a way back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import ResultCb, WizardCb
from bot.render import Texts
from bot.wizard.steps import MAIN_ORDER, STEPS, SUMMARY, Draft, keeps_answer, label_words
from ltv_engine.model import LeverEffect

KEYBOARD_CACHE_SIZE = 512  # locales x steps x toggle values x back or not, with room to spare

T = TypeVar("T")


def _button(text: str, data: WizardCb | ResultCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _in_pairs(items: Sequence[T]) -> list[list[T]]:
    return [list(items[i : i + 2]) for i in range(0, len(items), 2)]


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def typed_choices(step: str, t: Texts) -> dict[str, str]:
    """The words of each choice button's label on ``step`` (``label_words``) -> the choice;
    none on the summary, whose buttons are edits."""
    choices = STEPS[step].choices if step in STEPS else ()
    return {label_words(t.button("btn_choice", step=step, value=v)): v for v in choices}


def step_keyboard(step: str, draft: Draft, t: Texts) -> InlineKeyboardMarkup:
    toggle = STEPS[step].toggle
    current = str(draft.get(toggle.key)) if toggle else None
    return _step_keyboard(step, current, bool(draft.get("trail")), keeps_answer(step, draft), t)


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def _step_keyboard(
    step: str, toggle_value: str | None, has_back: bool, can_keep: bool, t: Texts
) -> InlineKeyboardMarkup:
    spec = STEPS[step]
    rows = _in_pairs(
        [
            _button(
                t.button("btn_choice", step=step, value=v),
                WizardCb(step=step, action="pick", value=v),
            )
            for v in spec.choices
        ]
    )
    if spec.toggle:
        key = spec.toggle.key
        rows.append(
            [
                _button(
                    t.button("btn_toggle", key=key, value=v, selected=v == toggle_value),
                    WizardCb(step=step, action="unit", value=v),
                )
                for v in spec.toggle.values
            ]
        )
    if can_keep:
        rows.append([_button(t.button("btn_keep"), WizardCb(step=step, action="keep"))])
    if spec.optional:
        rows.append([_button(t.button("btn_skip"), WizardCb(step=step, action="skip"))])
    navigation = [_button(t.button("btn_cancel"), WizardCb(step=step, action="cancel"))]
    if has_back:
        navigation.insert(0, _button(t.button("btn_back"), WizardCb(step=step, action="back")))
    rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def summary_keyboard(t: Texts) -> InlineKeyboardMarkup:
    edits = [
        _button(t.button("btn_edit", step=step), WizardCb(step=SUMMARY, action="edit", value=step))
        for step in MAIN_ORDER
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[
            *_in_pairs(edits),
            [_button(t.button("btn_calculate"), WizardCb(step=SUMMARY, action="calc"))],
            [_button(t.button("btn_cancel"), WizardCb(step=SUMMARY, action="cancel"))],
        ]
    )


def result_keyboard(
    calc_id: int,
    effects: Sequence[LeverEffect],
    t: Texts,
    *,
    by_churn: bool = False,
    back_to_result: bool = False,
) -> InlineKeyboardMarkup:
    """A what-if button per lever, named with the step it takes (the margin's may be short of
    5 points near 100 %)."""
    whatifs = [
        _button(
            t.button("btn_whatif", lever=e.lever.value, by_churn=by_churn, step=e.step),
            ResultCb(action="whatif", calc_id=calc_id, lever=e.lever.value),
        )
        for e in effects
    ]
    rows = _in_pairs(whatifs)
    if back_to_result:
        rows.append(
            [_button(t.button("btn_back_to_result"), ResultCb(action="open", calc_id=calc_id))]
        )
    rows.append(
        [
            _button(t.button("btn_recalc"), ResultCb(action="recalc", calc_id=calc_id)),
            _button(t.button("btn_history"), ResultCb(action="history")),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)
