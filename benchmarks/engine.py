"""Time of one LTV calculation with its advice ranking (target: 20 us), and of the reply
rendered (target: 100 us), judged twice: its text alone (``result_text``), and the whole reply
with its buttons, as the bot's ``result_screen`` builds them. Each row says whether it met its
target.

Run: ``.venv/bin/python -m benchmarks.engine``. Each figure is the median of several timeit
runs of many calls each, in microseconds per call.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable

from ltv_engine.advice import advise
from ltv_engine.calc import calculate
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs

TARGET_US = 20.0
RENDERED_TARGET_US = 100.0
RUNS = 7
INPUTS = {
    "months": LtvInputs(
        aov=2500,
        orders_per_month=1.5,
        lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
        margin=0.3,
        cac=1500,
        annual_discount_rate=0.12,
        business=Business.GROCERIES,
    ),
    "counts": LtvInputs(
        aov=65,
        orders_per_month=0.6,
        lifetime=Lifetime(
            LifetimeSource.COUNTS, customers_start=200, customers_end=150, period_months=3
        ),
        margin=0.58,
        cac=40,
        currency="USD",
    ),
}


def microseconds_per_call(action: Callable[[], object]) -> float:
    timer = timeit.Timer(action)
    calls, _ = timer.autorange()  # enough calls for about 0.2 s per run
    runs = timer.repeat(repeat=RUNS, number=calls)
    return statistics.median(runs) / calls * 1e6


def engine_rows(inputs: LtvInputs) -> list[tuple[str, float, float | None]]:
    result = calculate(inputs)
    return [
        (
            "calculate, no sensitivity",
            microseconds_per_call(lambda: calculate(inputs, with_sensitivity=False)),
            None,
        ),
        ("calculate with sensitivity", microseconds_per_call(lambda: calculate(inputs)), None),
        ("advise (ranking only)", microseconds_per_call(lambda: advise(result)), None),
        (
            "full: calculate + advise",
            microseconds_per_call(lambda: advise(calculate(inputs))),
            TARGET_US,
        ),
    ]


# --- with the reply rendered: needs the bot's renderer ----------------------------------------


def rendered_reply_rows(inputs: LtvInputs) -> list[tuple[str, float, float | None]] | None:
    """The full calculation plus the result message as the bot renders it (Russian): its text
    alone, and the whole reply with its buttons."""
    try:
        from bot.render import Renderer
        from bot.views import result_screen, result_text
    except ImportError:
        return None
    texts = Renderer()("ru")
    return [
        (
            "full + reply text (ru)",
            microseconds_per_call(lambda: result_text(calculate(inputs), texts)),
            RENDERED_TARGET_US,
        ),
        (
            "full + reply with buttons (ru)",
            microseconds_per_call(lambda: result_screen(1, calculate(inputs), texts)),
            RENDERED_TARGET_US,
        ),
    ]


def main() -> None:
    print(f"{'lifetime':<10}{'case':<32}{'us/call':>10}{'target us':>11}  verdict")
    for name, inputs in INPUTS.items():
        rows = engine_rows(inputs)
        rendered = rendered_reply_rows(inputs)
        for case, micros, target in rows + (rendered or []):
            judged = f"{target:>11.0f}  {_verdict(micros, target)}" if target else ""
            print(f"{name:<10}{case:<32}{micros:>10.1f}{judged}")
        if rendered is None:
            print(f"{name:<10}{'full + rendered reply':<32}{'n/a':>10}  (bot.render missing)")


def _verdict(micros: float, target: float) -> str:
    return "met" if micros < target else "MISSED"


if __name__ == "__main__":
    main()
