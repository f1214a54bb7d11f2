import warnings

import numpy as np
import pytest

from ltv_engine.orders.bgnbd import BgNbdParams, expected_purchases
from ltv_engine.orders.charts import (
    CLV_KEYS,
    CUMULATIVE_KEYS,
    RETENTION_KEYS,
    clv_figure,
    clv_histogram,
    cumulative_purchases_chart,
    cumulative_repeat_purchases,
    retention_figure,
    retention_heatmap,
)
from ltv_engine.orders.cohorts import CohortTable, cohorts
from tests.orders.order_rows import table_from_rows

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 1_000_000
CDNOW_BG = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4)
ROWS = [
    ("A", "2023-01-02", 10.0),  # a Monday: the first week runs 2023-01-02 .. 01-08
    ("A", "2023-01-03", 10.0),
    ("A", "2023-01-03", 5.0),  # same day: not another repeat purchase
    ("A", "2023-01-20", 10.0),
    ("B", "2023-01-09", 10.0),
    ("B", "2023-01-22", 10.0),
]


def _labels(keys: tuple[str, ...]) -> dict[str, str]:
    return {key: f"Подпись {key}" for key in keys}  # Cyrillic must render without a warning


def _assert_png(image: bytes) -> None:
    assert image.startswith(PNG_MAGIC)
    assert len(image) < MAX_PNG_BYTES


def test_retention_heatmap_with_unobservable_cells() -> None:
    table = cohorts(table_from_rows([*ROWS, ("C", "2023-03-01", 1.0)]))
    assert np.isnan(table.retention).any()
    _assert_png(retention_heatmap(table, _labels(RETENTION_KEYS)))


def test_retention_heatmap_of_one_cohort_of_one_month() -> None:
    one = cohorts(table_from_rows([("A", "2024-05-05", 10.0)]))
    _assert_png(retention_heatmap(one, _labels(RETENTION_KEYS)))


def test_retention_heatmap_of_many_cohorts_stays_small() -> None:
    n = 60
    retention = np.tril(np.full((n, n), 0.3))[::-1]
    retention[np.triu_indices(n, 1)] = np.nan
    many = CohortTable(
        months=tuple(f"{2019 + i // 12}-{i % 12 + 1:02d}" for i in range(n)),
        sizes=np.full(n, 10, dtype=np.int64),
        retention=retention,
        cumulative_revenue_per_customer=retention * 100,
    )
    _assert_png(retention_heatmap(many, _labels(RETENTION_KEYS)))


def test_each_cohort_is_labelled_with_its_number_of_customers() -> None:
    table = cohorts(table_from_rows([*ROWS, ("C", "2023-03-01", 1.0)]))
    (axes, _) = retention_figure(table, _labels(RETENTION_KEYS)).axes  # the map, its colour bar
    names = [label.get_text() for label in axes.get_yticklabels()]
    assert names == ["2023-01 · 2", "2023-03 · 1"]


def test_a_missing_label_is_an_error_not_an_english_fallback() -> None:
    one = cohorts(table_from_rows([("A", "2024-05-05", 10.0)]))
    with pytest.raises(KeyError):
        retention_heatmap(one, {"title": "t"})


@pytest.mark.parametrize(
    "clv",
    [
        np.random.default_rng(1).lognormal(4, 1.5, 5000),
        np.array([np.nan, 12.0, np.nan]),
        np.array([5.0, 5.0, 5.0]),
        np.array([]),
    ],
    ids=["heavy_tail", "nans", "constant", "empty"],
)
def test_clv_histogram(clv: np.ndarray) -> None:
    _assert_png(clv_histogram(clv, "₽", _labels(CLV_KEYS)))


def test_cumulative_repeat_purchases_week_by_week() -> None:
    weeks, actual, expected = cumulative_repeat_purchases(table_from_rows(ROWS), CDNOW_BG)
    assert weeks.tolist() == [1, 2, 3]
    assert actual.tolist() == [1.0, 1.0, 3.0]  # A on 01-03; A on 01-20 and B on 01-22
    # A born on day 0 and B on day 7, ages taken at the end of each week, in weeks.
    ages_a = np.array([1.0, 2.0, 3.0])
    ages_b = np.array([0.0, 1.0, 2.0])
    want = expected_purchases(CDNOW_BG, ages_a) + expected_purchases(CDNOW_BG, ages_b)
    np.testing.assert_allclose(expected, want)


def test_cumulative_purchases_chart() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = cumulative_purchases_chart(
            table_from_rows(ROWS), CDNOW_BG, _labels(CUMULATIVE_KEYS)
        )
    _assert_png(image)


def test_the_clv_histogram_says_how_many_customers_are_off_the_chart() -> None:
    clv = np.random.default_rng(1).lognormal(4, 1.5, 5000)
    labels = _labels(CLV_KEYS) | {"clipped": "beyond {limit}: {count}"}
    limit = np.quantile(clv, 0.99)
    (axes,) = clv_figure(clv, "₽", labels).axes
    first, beyond = axes.get_xlabel().split("\n")
    assert first == "Подпись x_label (₽)"
    assert beyond == f"beyond {limit:.0f}: {np.count_nonzero(clv > limit)}"
    assert 0 < np.count_nonzero(clv > limit) < 100

    (axes,) = clv_figure(np.array([5.0, 5.0, 5.0]), "₽", labels).axes
    assert "\n" not in axes.get_xlabel()
