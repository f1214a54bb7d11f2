"""Scheduling rules with a controllable clock: time zones, month ends, DST, downtime."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.digests.schedule import (
    Frequency,
    InvalidSchedule,
    Schedule,
    default_schedule,
    due_now,
    last_due,
    next_due,
    occurrence,
    period_of,
)

MONDAY_9_MOSCOW = Schedule(Frequency.WEEKLY, 0, time(9, 0), "Europe/Moscow")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_weekly_due_at_local_time_in_the_zone() -> None:
    # 2024-03-25 is a Monday; 09:00 in Moscow (UTC+3) is 06:00 UTC.
    assert next_due(MONDAY_9_MOSCOW, utc(2024, 3, 25, 5, 59)) == utc(2024, 3, 25, 6, 0)
    assert next_due(MONDAY_9_MOSCOW, utc(2024, 3, 25, 6, 0)) == utc(2024, 4, 1, 6, 0)
    assert next_due(MONDAY_9_MOSCOW, utc(2024, 3, 20, 12, 0)) == utc(2024, 3, 25, 6, 0)


def test_the_local_day_not_the_utc_day_decides() -> None:
    # Sunday 22:00 UTC is already Monday 01:00 in Moscow: Monday's digest is still ahead.
    assert next_due(MONDAY_9_MOSCOW, utc(2024, 3, 24, 22, 0)) == utc(2024, 3, 25, 6, 0)
    tokyo_sunday_8 = Schedule(Frequency.WEEKLY, 6, time(8, 0), "Asia/Tokyo")
    # Sunday 08:00 in Tokyo (UTC+9) is Saturday 23:00 UTC.
    assert next_due(tokyo_sunday_8, utc(2024, 3, 23, 12, 0)) == utc(2024, 3, 23, 23, 0)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2024, 1, 31, 12), utc(2024, 2, 29, 9)),  # leap February: the 29th
        (utc(2023, 1, 31, 12), utc(2023, 2, 28, 9)),
        (utc(2024, 3, 31, 12), utc(2024, 4, 30, 9)),  # 30-day month: the 30th
        (utc(2024, 4, 30, 9), utc(2024, 5, 31, 9)),  # back to the 31st
        (utc(2024, 12, 31, 9), utc(2025, 1, 31, 9)),  # across the year
    ],
)
def test_monthly_on_the_31st_falls_on_the_last_day(after: datetime, expected: datetime) -> None:
    schedule = Schedule(Frequency.MONTHLY, 31, time(9, 0), "UTC")
    assert next_due(schedule, after) == expected


def test_wall_time_skipped_by_the_spring_jump_moves_forward() -> None:
    # Berlin, 2024-03-31 (Sunday): 02:00 CET -> 03:00 CEST; 02:30 does not exist.
    schedule = Schedule(Frequency.WEEKLY, 6, time(2, 30), "Europe/Berlin")
    due = next_due(schedule, utc(2024, 3, 30, 12))
    assert due == utc(2024, 3, 31, 1, 30)  # 03:30 CEST
    assert next_due(schedule, due) == utc(2024, 4, 7, 0, 30)  # 02:30 CEST


def test_wall_time_repeated_by_the_autumn_fall_is_sent_once() -> None:
    # Berlin, 2024-10-27 (Sunday): 03:00 CEST -> 02:00 CET; 02:30 happens twice.
    schedule = Schedule(Frequency.WEEKLY, 6, time(2, 30), "Europe/Berlin")
    first = next_due(schedule, utc(2024, 10, 26, 12))
    assert first == utc(2024, 10, 27, 0, 30)  # the first 02:30, still CEST
    assert next_due(schedule, first) == utc(2024, 11, 3, 1, 30)  # not the second 02:30


def test_new_york_keeps_local_time_across_dst() -> None:
    schedule = Schedule(Frequency.WEEKLY, 0, time(9, 0), "America/New_York")
    assert next_due(schedule, utc(2024, 3, 5)) == utc(2024, 3, 4 + 7, 13)  # EDT, UTC-4
    assert next_due(schedule, utc(2024, 2, 27)) == utc(2024, 3, 4, 14)  # EST, UTC-5


def test_downtime_across_several_periods_gives_one_digest_for_the_latest() -> None:
    was_due = utc(2024, 3, 4, 6)  # a Monday digest, missed
    now = utc(2024, 3, 27, 12)  # three more Mondays passed while the bot was down
    due = due_now(MONDAY_9_MOSCOW, was_due, now)
    assert due is not None
    assert due.occurrence == utc(2024, 3, 25, 6)
    assert due.period == "2024-W13"
    assert due.next_due == utc(2024, 4, 1, 6)
    # recorded and moved on: nothing more is due until the next Monday
    assert due_now(MONDAY_9_MOSCOW, due.next_due, now) is None
    assert due_now(MONDAY_9_MOSCOW, due.next_due, utc(2024, 3, 31, 23)) is None


def test_nothing_due_before_the_due_time() -> None:
    assert due_now(MONDAY_9_MOSCOW, utc(2024, 3, 25, 6), utc(2024, 3, 25, 5, 59)) is None
    due = due_now(MONDAY_9_MOSCOW, utc(2024, 3, 25, 6), utc(2024, 3, 25, 6))
    assert due is not None and due.period == "2024-W13"


def test_periods_are_iso_weeks_and_months_in_local_time() -> None:
    # 2024-12-30 is in ISO week 1 of 2025.
    assert period_of(MONDAY_9_MOSCOW, utc(2024, 12, 30, 6)) == "2025-W01"
    monthly = Schedule(Frequency.MONTHLY, 1, time(0, 30), "Asia/Tokyo")
    # 2024-03-31 16:00 UTC is already April 1st 01:00 in Tokyo.
    assert period_of(monthly, utc(2024, 3, 31, 16)) == "2024-04"


@pytest.mark.parametrize(
    "schedule",
    [
        MONDAY_9_MOSCOW,
        Schedule(Frequency.WEEKLY, 6, time(2, 30), "Europe/Berlin"),
        Schedule(Frequency.WEEKLY, 6, time(1, 30), "America/Havana"),  # DST at midnight
        Schedule(Frequency.MONTHLY, 31, time(2, 30), "Europe/London"),
        Schedule(Frequency.MONTHLY, 29, time(23, 59), "Pacific/Auckland"),
    ],
)
def test_two_years_of_digests_one_per_period_in_order(schedule: Schedule) -> None:
    hour = timedelta(hours=1)
    gaps = (
        (timedelta(days=7) - hour, timedelta(days=7) + hour)
        if schedule.frequency is Frequency.WEEKLY
        else (timedelta(days=28) - hour, timedelta(days=31) + hour)
    )
    moment = next_due(schedule, utc(2023, 1, 1))
    periods = [period_of(schedule, moment)]
    while moment < utc(2025, 1, 1):
        following = next_due(schedule, moment)
        assert gaps[0] <= following - moment <= gaps[1]
        assert last_due(schedule, following) == following
        assert last_due(schedule, following - timedelta(microseconds=1)) == moment
        periods.append(period_of(schedule, following))
        moment = following
    assert len(periods) == len(set(periods))


def test_an_occurrence_is_on_its_local_day() -> None:
    instant = occurrence(MONDAY_9_MOSCOW, date(2024, 3, 25))
    assert instant == utc(2024, 3, 25, 6) and instant.tzinfo is UTC


def test_defaults_follow_the_language() -> None:
    assert default_schedule("ru").timezone == "Europe/Moscow"
    assert default_schedule("en").timezone == "UTC"
    assert default_schedule("de").timezone == "UTC"
    monthly = default_schedule("ru", Frequency.MONTHLY)
    assert (monthly.day, monthly.at) == (1, time(9, 0))


@pytest.mark.parametrize(
    ("frequency", "day", "at", "zone"),
    [
        (Frequency.WEEKLY, 7, time(9), "UTC"),
        (Frequency.MONTHLY, 0, time(9), "UTC"),
        (Frequency.MONTHLY, 32, time(9), "UTC"),
        (Frequency.WEEKLY, 0, time(9), "Mars/Olympus"),
        (Frequency.WEEKLY, 0, time(9), "../../etc/passwd"),
        (Frequency.WEEKLY, 0, time(9, tzinfo=UTC), "UTC"),
    ],
)
def test_invalid_schedules_are_refused(
    frequency: Frequency, day: int, at: time, zone: str
) -> None:
    with pytest.raises(InvalidSchedule):
        Schedule(frequency, day, at, zone)
