"""PNG charts of an order analysis, drawn with matplotlib's object API (no pyplot, no GUI).

Every word on a chart comes from the ``labels`` mapping the caller renders per locale; the
keys each chart reads are listed in ``RETENTION_KEYS``, ``CLV_KEYS`` and ``CUMULATIVE_KEYS``.
Numbers on the charts are digits and ISO months only. Each chart is a ``*_figure`` (for a
caller that wants to look at it) and a function that draws that figure as a PNG.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ltv_engine.orders.bgnbd import BgNbdParams, expected_purchases
from ltv_engine.orders.cohorts import CohortTable
from ltv_engine.orders.measured import customer_facts
from ltv_engine.orders.summary import first_of_day
from ltv_engine.orders.table import OrderTable

RETENTION_KEYS = ("title", "x_label", "y_label", "colorbar")
CLV_KEYS = ("title", "x_label", "y_label", "mean", "median", "clipped")  # clipped: {count} {limit}
CUMULATIVE_KEYS = ("title", "x_label", "y_label", "actual", "expected")

DPI = 100
MAX_ANNOTATED_CELLS = 24  # per side of the heatmap; beyond that the digits would not fit
MAX_TICKS = 24
CLV_CLIP_QUANTILE = 0.99  # the histogram's x axis stops here so a few whales do not hide the rest
WEEK_DAYS = 7


def retention_heatmap(cohorts: CohortTable, labels: Mapping[str, str]) -> bytes:
    return _png(retention_figure(cohorts, labels))


def retention_figure(cohorts: CohortTable, labels: Mapping[str, str]) -> Figure:
    """Cohorts down (each month with its number of customers: "2023-01 · 120"), months since
    the first purchase across, share still buying in colour."""
    share = np.ma.masked_invalid(cohorts.retention * 100.0)
    n_cohorts, width = share.shape
    figure = Figure(figsize=(min(4 + 0.45 * width, 14), min(2.5 + 0.35 * n_cohorts, 12)))
    axes = figure.add_subplot()
    image = axes.imshow(share, aspect="auto", cmap="Blues", vmin=0.0, vmax=100.0)
    figure.colorbar(image, ax=axes, label=labels["colorbar"])
    sized = [
        f"{month} · {size}" for month, size in zip(cohorts.months, cohorts.sizes, strict=True)
    ]
    axes.set_yticks(*_thinned_ticks(sized))
    axes.set_xticks(*_thinned_ticks([str(k) for k in range(width)]))
    if max(n_cohorts, width) <= MAX_ANNOTATED_CELLS:
        _annotate_cells(axes, share)
    _set_titles(axes, labels)
    return figure


def _thinned_ticks(names: list[str]) -> tuple[list[int], list[str]]:
    step = max(1, -(-len(names) // MAX_TICKS))
    positions = list(range(0, len(names), step))
    return positions, [names[i] for i in positions]


def _annotate_cells(axes: Axes, share: np.ma.MaskedArray) -> None:
    for (row, column), value in np.ndenumerate(share.filled(np.nan)):
        if np.isfinite(value):
            colour = "white" if value > 60 else "black"
            axes.text(
                column,
                row,
                f"{value:.0f}",
                ha="center",
                va="center",
                color=colour,
                fontsize="small",
            )


def whole_number(value: float) -> str:
    """An amount as a plain whole number (``32186``), for callers with no locale."""
    return f"{value:.0f}"


def clv_histogram(
    clv: npt.NDArray[np.float64],
    currency_label: str,
    labels: Mapping[str, str],
    *,
    money: Callable[[float], str] = whole_number,
) -> bytes:
    return _png(clv_figure(clv, currency_label, labels, money=money))


def clv_figure(
    clv: npt.NDArray[np.float64],
    currency_label: str,
    labels: Mapping[str, str],
    *,
    money: Callable[[float], str] = whole_number,
) -> Figure:
    """Customers by predicted CLV; the x axis reads "<x_label> (<currency_label>)" and stops
    at the 99th percentile, saying under it how many customers are beyond (``clipped``, with
    ``{count}`` and ``{limit}``, the limit written by ``money``); mean and median are marked."""
    values = np.asarray(clv, dtype=np.float64)
    values = values[np.isfinite(values)]
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    x_label = f"{labels['x_label']} ({currency_label})"
    if values.size:
        upper = float(np.quantile(values, CLV_CLIP_QUANTILE))
        shown = values[values <= upper] if upper > values.min() else values
        axes.hist(shown, bins=min(50, max(5, shown.size // 10)), color="#4c72b0")
        axes.axvline(float(values.mean()), color="#dd8452", label=labels["mean"])
        axes.axvline(float(np.median(values)), color="#55a868", ls="--", label=labels["median"])
        axes.legend()
        if beyond := values.size - shown.size:
            x_label += "\n" + labels["clipped"].format(count=beyond, limit=money(upper))
    axes.set_xlabel(x_label)
    axes.set_ylabel(labels["y_label"])
    axes.set_title(labels["title"])
    return figure


def cumulative_purchases_chart(
    table: OrderTable,
    bg: BgNbdParams,
    labels: Mapping[str, str],
    *,
    unit_days: float = 7.0,
) -> bytes:
    """Repeat purchases so far, week by week: what happened against what BG/NBD expects for
    customers acquired when they were (as lifetimes' ``plot_cumulative_transactions``).

    ``unit_days`` is the time unit the parameters were fitted in.
    """
    weeks, actual, expected = cumulative_repeat_purchases(table, bg, unit_days=unit_days)
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    axes.plot(weeks, actual, color="#4c72b0", label=labels["actual"])
    axes.plot(weeks, expected, color="#dd8452", ls="--", label=labels["expected"])
    axes.legend()
    _set_titles(axes, labels)
    return _png(figure)


def cumulative_repeat_purchases(
    table: OrderTable, bg: BgNbdParams, *, unit_days: float = 7.0
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Week numbers 1..W from the first order day, and the repeat purchase days (a customer's
    days after their first) seen and expected by the end of each week."""
    start = int(table.day.min())
    n_weeks = (int(table.day.max()) - start) // WEEK_DAYS + 1
    week_ends = start + WEEK_DAYS * np.arange(1, n_weeks + 1)
    facts = customer_facts(table)
    births, born = np.unique(facts.first_day, return_counts=True)
    purchase_day_weeks = (table.day[first_of_day(table.customer, table.day)] - start) // WEEK_DAYS
    all_days = np.cumsum(np.bincount(purchase_day_weeks, minlength=n_weeks))
    birth_weeks = (births - start) // WEEK_DAYS
    first_days = np.cumsum(np.bincount(birth_weeks, weights=born, minlength=n_weeks))
    ages = np.clip(week_ends[:, None] - births[None, :], 0, None) / unit_days
    expected = expected_purchases(bg, ages.ravel()).reshape(ages.shape) @ born.astype(np.float64)
    weeks = np.arange(1, n_weeks + 1, dtype=np.int64)
    return weeks, (all_days - first_days).astype(np.float64), expected.astype(np.float64)


def _set_titles(axes: Axes, labels: Mapping[str, str]) -> None:
    axes.set_title(labels["title"])
    axes.set_xlabel(labels["x_label"])
    axes.set_ylabel(labels["y_label"])


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A character the font lacks (an emoji in a shop's label) is drawn as a box, not fatal.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
