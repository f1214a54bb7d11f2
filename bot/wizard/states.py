from aiogram.fsm.state import State, StatesGroup


class LtvWizard(StatesGroup):
    business = State()
    aov = State()
    frequency = State()
    margin = State()
    lifetime_mode = State()
    lifetime = State()
    churn = State()
    customers_start = State()
    customers_end = State()
    cac = State()
    discount = State()
    summary = State()
