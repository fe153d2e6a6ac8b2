"""The demo plan holds the services' rules at any reference time: every hour of two whole weeks in
Beijing time, and every five minutes across a week boundary (Sunday 23:30 → Monday 00:30).

The rules are the ones the services enforce when the seeder sends the plan (weekly hours, overlaps,
capacity, skills, sign-ups only until an activity ends, check-in windows, deadlines ahead and within
the planning horizon, nothing that already happened placed in the future). They are written out here
from the services' own definitions (the kit's Beijing week), not from the plan's code.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest

from services.common.clock import BEIJING, beijing, beijing_week
from services.common.settings import Settings
from wushe_cli.demo.plan import DemoPlan, build_plan

HORIZON = timedelta(days=Settings().planning_horizon_days)
SEEDING_TAKES_AT_MOST = timedelta(minutes=30)  # a run, from its first record to its last sign-up
CHECK_IN_OPENS_BEFORE = timedelta(hours=1)  # services/volunteers/signups/service.py
RECORDING_WINDOW = timedelta(days=30)  # services/volunteers/signups/service.py: the organiser enters the sheet

MONDAY = datetime(2026, 11, 30, tzinfo=BEIJING)
EVERY_HOUR_OF_TWO_WEEKS = [MONDAY + timedelta(hours=h) for h in range(14 * 24)]
ACROSS_A_WEEK_BOUNDARY = [
    datetime(2026, 12, 6, 23, 30, tzinfo=BEIJING) + timedelta(minutes=m) for m in range(0, 61, 5)
] + [datetime(2026, 12, 6, 23, 59, 59, tzinfo=BEIJING), datetime(2026, 12, 31, 23, 59, tzinfo=BEIJING)]


def broken_rules(plan: DemoPlan) -> list[str]:
    """Every rule the plan breaks at its reference time, in words."""
    ref, today = plan.reference, beijing(plan.reference).date()
    broken: list[str] = []
    volunteers = {v.key: v for v in plan.volunteers}
    booked: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for activity in plan.activities:
        name = activity.key
        if not activity.starts_at < activity.ends_at <= ref + HORIZON:
            broken.append(f"{name}: times out of order or beyond the horizon")
        if len(activity.signups) > activity.capacity:
            broken.append(f"{name}: more sign-ups than places (no one would be confirmed to check in)")
        if not activity.held and activity.ends_at <= ref + SEEDING_TAKES_AT_MOST:
            broken.append(f"{name}: ends before the seeder can sign volunteers up")
        if activity.held:
            if activity.ends_at > ref:
                broken.append(f"{name}: a held activity that has not ended (it could not be completed)")
            if activity.ends_at + RECORDING_WINDOW <= ref + SEEDING_TAKES_AT_MOST:
                broken.append(f"{name}: ended too long ago for its organiser to enter the sheet")
            for number, _ in enumerate(activity.signups):
                arrived, left = activity.check_in_at(number), activity.check_out_at(number)
                if not activity.starts_at - CHECK_IN_OPENS_BEFORE <= arrived <= activity.ends_at:
                    broken.append(f"{name}: check-in {number} outside the window")
                if not arrived <= left <= ref:
                    broken.append(f"{name}: check-out {number} before check-in or in the future")
        elif activity.starts_at <= ref:
            broken.append(f"{name}: the next activity is not ahead")
        for key in activity.signups:
            missing = set(activity.skills) - set(volunteers[key].body["skills"])
            if missing:
                broken.append(f"{name}: {key} lacks {missing}")
            booked[key].append((activity.starts_at, activity.ends_at))
    for key, times in booked.items():
        times.sort()
        for (_, first_end), (second_start, _) in pairwise(times):
            if second_start < first_end:
                broken.append(f"{key}: two activities overlap")
        weeks = {beijing_week(moment) for start, end in times for moment in (start, end - timedelta(microseconds=1))}
        cap = volunteers[key].body["max_hours_per_week"]
        for week_start, week_end in weeks:
            hours = sum(
                max(0.0, (min(end, week_end) - max(start, week_start)).total_seconds() / 3600) for start, end in times
            )
            if hours > cap:
                broken.append(f"{key}: {hours} h in the week of {week_start:%Y-%m-%d}, over {cap} h")
    for recipient in plan.recipients:
        if recipient.consent_at > ref:
            broken.append(f"{recipient.key}: consent in the future")
        if not date(1900, 1, 1) <= date.fromisoformat(recipient.body["birth_date"]) <= today:
            broken.append(f"{recipient.key}: birth date out of range")
    for script in plan.cases:
        for step in script.steps:
            if step.op == "record" and plan.served_on(step.days_ago) > today:
                broken.append(f"{script.key}: a service record in the future (Beijing date)")
        for need in script.needs:
            if not ref < plan.deadline(need.deadline_days) <= ref + HORIZON:
                broken.append(f"{need.key}: deadline not ahead or beyond the horizon")
    for project in plan.projects:
        if not project.starts_on <= today <= project.ends_on <= today + HORIZON:
            broken.append(f"{project.key}: not running at the reference")
    return broken


@pytest.mark.parametrize(
    "reference", EVERY_HOUR_OF_TWO_WEEKS + ACROSS_A_WEEK_BOUNDARY, ids=lambda r: f"{r:%a %m-%d %H:%M}"
)
def test_the_plan_keeps_every_rule(reference: datetime) -> None:
    assert broken_rules(build_plan(reference)) == []


class TestPurity:
    def test_the_same_reference_gives_the_same_plan(self) -> None:
        reference = datetime(2026, 12, 1, 18, 44, tzinfo=BEIJING)
        assert build_plan(reference) == build_plan(reference)

    def test_only_the_times_move_with_the_reference(self) -> None:
        one = build_plan(datetime(2026, 12, 1, 10, tzinfo=BEIJING))
        other = build_plan(datetime(2027, 6, 13, 23, 30, tzinfo=BEIJING))
        assert one.counts() == other.counts()
        assert [r.body for r in one.recipients] == [r.body for r in other.recipients]
        assert [(a.key, a.signups, a.ends_at - a.starts_at) for a in one.activities] == [
            (a.key, a.signups, a.ends_at - a.starts_at) for a in other.activities
        ]

    def test_the_volunteers_of_both_activities_are_the_tightest_case(self) -> None:
        """Without this, the weekly-hours rule above could hold only because nobody does both."""
        plan = build_plan(datetime(2026, 12, 1, 10, tzinfo=BEIJING))
        both = {
            key
            for held in plan.activities
            if held.held
            for nxt in plan.activities
            if not nxt.held and nxt.station_key == held.station_key
            for key in set(held.signups) & set(nxt.signups)
        }
        caps = {v.key: v.body["max_hours_per_week"] for v in plan.volunteers}
        assert min(caps[key] for key in both) == 4

    def test_a_naive_reference_is_refused(self) -> None:
        with pytest.raises(ValueError):
            build_plan(datetime.combine(date(2026, 12, 1), time(10)))
