"""Buttons of the order-file flow."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup


class OrdersCb(CallbackData, prefix="od"):
    # role: the file's columns for a role, on the page holding ``column`` (the arrows), else
    #   on the page of the column read now; pick: read ``column`` for the role;
    # back | go | save
    action: str
    role: str = ""  # customer | date | amount
    column: int = -1  # index into the file's header list (names could exceed 64 bytes)


class OrdersFlow(StatesGroup):
    review = State()  # the columns are shown for checking
    analysed = State()  # the result is shown; its measured inputs can be saved
