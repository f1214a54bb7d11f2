"""Inline keyboards of the wizard and of the result."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import ResultCb, WizardCb
from bot.render import Texts
from bot.wizard.steps import MAIN_ORDER, STEPS, SUMMARY, Draft
from ltv_engine.model import Lever


def _button(text: str, data: WizardCb | ResultCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def step_keyboard(step: str, draft: Draft, t: Texts) -> InlineKeyboardMarkup:
    spec = STEPS[step]
    choices = [
        _button(
            t.button("btn_choice", step=step, value=v), WizardCb(step=step, action="pick", value=v)
        )
        for v in spec.choices
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    if spec.toggle:
        current = str(draft.get(spec.toggle.key))
        rows.append(
            [
                _button(
                    t.button("btn_toggle", key=spec.toggle.key, value=v, selected=v == current),
                    WizardCb(step=step, action="unit", value=v),
                )
                for v in spec.toggle.values
            ]
        )
    if spec.skip_key:
        rows.append([_button(t.button("btn_skip"), WizardCb(step=step, action="skip"))])
    navigation = [_button(t.button("btn_cancel"), WizardCb(step=step, action="cancel"))]
    if draft.get("trail"):
        navigation.insert(0, _button(t.button("btn_back"), WizardCb(step=step, action="back")))
    rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def summary_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for step in MAIN_ORDER:
        builder.button(
            text=t.button("btn_edit", step=step),
            callback_data=WizardCb(step=SUMMARY, action="edit", value=step),
        )
    builder.adjust(2)
    builder.row(_button(t.button("btn_calculate"), WizardCb(step=SUMMARY, action="calc")))
    builder.row(_button(t.button("btn_cancel"), WizardCb(step=SUMMARY, action="cancel")))
    return builder.as_markup()


def result_keyboard(
    calc_id: int,
    levers: list[Lever],
    t: Texts,
    *,
    by_churn: bool = False,
    back_to_result: bool = False,
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for lever in levers:
        builder.button(
            text=t.button("btn_whatif", lever=lever.value, by_churn=by_churn),
            callback_data=ResultCb(action="whatif", calc_id=calc_id, lever=lever.value),
        )
    builder.adjust(2)
    if back_to_result:
        builder.row(
            _button(t.button("btn_back_to_result"), ResultCb(action="open", calc_id=calc_id))
        )
    builder.row(
        _button(t.button("btn_recalc"), ResultCb(action="recalc", calc_id=calc_id)),
        _button(t.button("btn_history"), ResultCb(action="history")),
    )
    return builder.as_markup()
