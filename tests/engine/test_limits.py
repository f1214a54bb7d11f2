"""The accepted interval of a range: every value in it passes ``check_range``, and the values
just outside it do not (calculate's fast path relies on the first)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import LIMITS, Range, check_range

CLOSED = [
    field
    for field, limit in LIMITS.items()
    if (limit.low_inclusive or limit.smallest) and limit.high_inclusive
]


@pytest.mark.parametrize("field", CLOSED)
def test_the_ends_of_the_accepted_interval_pass_and_beyond_them_fail(field: str) -> None:
    lowest, highest = LIMITS[field].accepted
    assert check_range(lowest, field) == lowest
    assert check_range(highest, field) == highest
    for outside in (math.nextafter(lowest, -math.inf), math.nextafter(highest, math.inf)):
        with pytest.raises(InvalidInput):
            check_range(outside, field)


@pytest.mark.parametrize("field", CLOSED)
@given(st.data())
def test_every_value_within_the_accepted_interval_passes(field: str, data: st.DataObject) -> None:
    lowest, highest = LIMITS[field].accepted
    value = data.draw(st.floats(lowest, highest))
    assert check_range(value, field) == value


@pytest.mark.parametrize(
    "limit", [Range(0.0, 1.0), Range(0.0, 1.0, smallest=0.1, high_inclusive=False)]
)
def test_an_open_range_has_no_accepted_interval(limit: Range) -> None:
    with pytest.raises(ValueError, match="open range"):
        _ = limit.accepted


def test_a_churn_of_100_percent_is_refused_as_such() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_range(1.0, "monthly_churn")
    assert caught.value.reason is Reason.CHURN_100_OR_MORE
