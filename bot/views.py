"""What the bot shows: text and buttons for each screen, rendered from templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import LanguageCb, ResultCb, StartCb
from bot.render import LOCALES, Texts
from bot.storage.base import CalculationRecord
from bot.wizard.keyboards import result_keyboard, step_keyboard, summary_keyboard
from bot.wizard.steps import SUMMARY, Draft, to_inputs
from ltv_engine.advice import advise
from ltv_engine.calc import STEPS as LEVER_STEPS
from ltv_engine.errors import InvalidInput
from ltv_engine.model import Lever, LifetimeSource, LtvResult

TELEGRAM_TEXT_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup | None = None

    def __post_init__(self) -> None:
        if len(self.text) > TELEGRAM_TEXT_LIMIT:
            raise ValueError(f"message of {len(self.text)} characters exceeds Telegram's limit")


def step_screen(
    step: str, draft: Draft, t: Texts, *, error: InvalidInput | None = None, group: bool = False
) -> Screen:
    """The step's question (in a group, with no word of the buttons a group does not show)."""
    if step == SUMMARY:
        screen = summary_screen(draft, t)
    else:
        prompt = t("ask_" + step, draft=draft, editing=bool(draft.get("editing")), group=group)
        screen = Screen(prompt, step_keyboard(step, draft, t))
    if error is None:
        return screen
    explained = invalid_text(error, step, draft, t, group=group)
    return Screen(explained + "\n\n" + screen.text, screen.markup)


def quick_usage_screen(error: InvalidInput, t: Texts) -> Screen:
    """What is wrong with an /ltv line, with the way to write it."""
    return Screen(
        t(
            "quick_usage",
            field=error.field,
            reason=error.reason.value,
            argument=error.details.get("argument"),
            details=error.details,
        )
    )


def invalid_text(
    error: InvalidInput, step: str, draft: Draft, t: Texts, *, group: bool = False
) -> str:
    return t(
        "invalid",
        reason=error.reason.value,
        field=error.field or step,
        step=step,
        details=error.details,
        draft=draft,
        group=group,
    )


def summary_screen(draft: Draft, t: Texts) -> Screen:
    inputs = to_inputs(draft)
    return Screen(t.page("summary.j2", inputs=inputs), summary_keyboard(t))


def result_screen(calc_id: int, result: LtvResult, t: Texts) -> Screen:
    keyboard = result_keyboard(calc_id, result.sensitivity, t, by_churn=_by_churn(result))
    return Screen(result_text(result, t), keyboard)


def result_text(result: LtvResult, t: Texts) -> str:
    return t.page("result.j2", r=result, advice=advise(result), currency=result.inputs.currency)


def whatif_screen(
    calc_id: int, base: LtvResult, improved: LtvResult, lever: Lever, t: Texts
) -> Screen:
    by_churn = _by_churn(base)
    text = t.page(
        "whatif.j2",
        lever=lever.value,
        step=LEVER_STEPS[lever],
        base=base,
        improved=improved,
        currency=base.inputs.currency,
        by_churn=by_churn,
    )
    others = [effect for effect in base.sensitivity if effect.lever is not lever]
    keyboard = result_keyboard(calc_id, others, t, by_churn=by_churn, back_to_result=True)
    return Screen(text, keyboard)


def _by_churn(result: LtvResult) -> bool:
    """Lifetime stated as churn: its lever is "churn -10 %", not "lifetime +10 %"."""
    return result.inputs.lifetime.source is not LifetimeSource.MONTHS


def history_screen(records: Sequence[CalculationRecord], t: Texts, zone: str) -> Screen:
    """Dated in the time zone ``zone``."""
    text = t.page("history.j2", records=records, zone=zone)
    buttons = [
        [
            InlineKeyboardButton(
                text=t.button("btn_open", record=record, zone=zone),
                callback_data=ResultCb(action="open", calc_id=record.id).pack(),
            )
        ]
        for record in records
    ]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None)


def start_screen(first_name: str, has_profile: bool, resumable: bool, t: Texts) -> Screen:
    """With a calculation under way, the text says that starting anew drops it: its buttons
    start afresh without asking again."""
    starts = ["afresh", "afresh_recalc"] if resumable else ["calc", "recalc"]
    actions = ["resume"] * resumable + starts[: 1 + has_profile]
    text = t("start", name=first_name, has_profile=has_profile, resumable=resumable)
    return Screen(text, _start_keyboard(actions, t))


def unfinished_screen(t: Texts, afresh: StartCb | ResultCb) -> Screen:
    """A new calculation asked for while one is under way: carry on with it, or start the new
    one with ``afresh`` (StartCb "afresh" or "afresh_recalc", ResultCb "redo"), which asks no
    more. Nothing is dropped unasked."""
    label = t.button(
        "btn_" + ("redo" if isinstance(afresh, ResultCb) else "start_" + afresh.action)
    )
    rows = [
        [_start_button("resume", t)],
        [InlineKeyboardButton(text=label, callback_data=afresh.pack())],
    ]
    return Screen(t("unfinished_calc"), InlineKeyboardMarkup(inline_keyboard=rows))


def _start_keyboard(actions: list[str], t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_start_button(action, t)] for action in actions])


def _start_button(action: str, t: Texts) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t.button("btn_start_" + action), callback_data=StartCb(action=action).pack()
    )


def language_screen(t: Texts) -> Screen:
    row = [
        InlineKeyboardButton(
            text=t.button("btn_language", code=code), callback_data=LanguageCb(code=code).pack()
        )
        for code in LOCALES
    ]
    return Screen(t("choose_language"), InlineKeyboardMarkup(inline_keyboard=[row]))
