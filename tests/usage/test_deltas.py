"""Daily usage from cumulative readings: first reading, missing days, resets — totals exact."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from datos_cali.usage import daily_usage, increase
from tests.usage.conftest import reading


def test_consecutive_days_give_the_day_increase_and_the_first_reading_counts_whole():
    deltas = daily_usage(
        [reading("2021-03-02", 15, 4), reading("2021-03-01", 10, 1), reading("2021-03-03", 15, 9)]
    )
    assert [(d.day.day, d.views, d.downloads) for d in deltas] == [(1, 10, 1), (2, 5, 3), (3, 0, 5)]
    assert deltas[0].previous_day is None and deltas[1].days_covered == 1


def test_missing_days_are_attributed_to_the_day_collected_and_say_what_they_cover():
    deltas = daily_usage([reading("2021-03-30", 10, 2), reading("2021-04-02", 31, 7)])
    last = deltas[-1]
    assert (last.day, last.views, last.downloads) == (dt.date(2021, 4, 2), 21, 5)
    assert last.previous_day == dt.date(2021, 3, 30) and last.days_covered == 3


def test_a_counter_reset_counts_the_new_value_and_never_goes_negative():
    deltas = daily_usage(
        [reading("2021-05-01", 100, 40), reading("2021-05-02", 3, 41), reading("2021-05-03", 8, 2)]
    )
    assert [(d.views, d.downloads, d.reset) for d in deltas] == [
        (100, 40, False),
        (3, 1, True),  # views reset to 3; downloads kept counting
        (5, 2, True),  # downloads reset to 2
    ]
    assert increase(10, 10) == 0 and increase(10, 0) == 0 and increase(10, 4) == 4


def test_assets_and_portals_are_separate_series():
    deltas = daily_usage(
        [
            reading("2021-05-01", 5, 0, asset="aaaa-0001"),
            reading("2021-05-01", 7, 0, asset="bbbb-0002"),
            reading("2021-05-02", 9, 0, asset="aaaa-0001"),
            reading(
                "2021-05-02",
                2,
                0,
                asset="aaaa-0001",
                portal="ckan@local",
                target="datos.cali.gov.co",
            ),
        ]
    )
    by_series = {(d.portal, d.asset_id, d.day.day): d.views for d in deltas}
    assert by_series == {
        ("ckan@local", "aaaa-0001", 2): 2,
        ("socrata@local", "aaaa-0001", 1): 5,
        ("socrata@local", "aaaa-0001", 2): 4,
        ("socrata@local", "bbbb-0002", 1): 7,
    }


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.booleans(), st.integers(1, 4)), min_size=1, max_size=40
    )
)
def test_deltas_add_up_to_every_view_the_portal_counted(steps):
    """Whatever the gaps and (visible) resets, the deltas sum to the usage the portal counted."""
    counter, counted, day = 0, 0, dt.date(2021, 1, 1)
    readings = []
    for gained, reset, gap in steps:
        if reset and counter > 0:
            counter = gained % counter  # restarted from 0 and counted again: below the last reading
            counted += counter
        else:
            counter += gained
            counted += gained
        day += dt.timedelta(days=gap)
        readings.append(reading(day.isoformat(), counter, 0))
    deltas = daily_usage(readings)
    assert sum(d.views for d in deltas) == counted
    assert all(d.views >= 0 for d in deltas)
