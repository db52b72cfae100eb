"""Goals on `followup_on_time`: the share of follow-ups opened in a goal's window (and scope)
that were closed within their SLA, as they stood at the end of the window's last day.

The data of the worked example: ten follow-ups of Support opened on 2025-01-05 at noon from
NPS detractors (the default rule: SLA 48 hours, so due 2025-01-07 at noon): seven closed a day
after opening (on time), two closed three days after (late), one never closed (past due since
2025-01-07). Measured on 2025-01-16:

  rate  = 7 / 10 = 70.0%,  n = 10 (every one is decided: closed, or past due)
  Wilson 95% with z = 1.959964: centre = (0.7 + z^2/20) / (1 + z^2/10) = 0.644818,
  half = z * sqrt(0.7 * 0.3 / 10 + z^2 / 400) / (1 + z^2/10) = 0.247715,
  so [39.677815, 89.220873]% (scipy.stats.binomtest(7, 10).proportion_ci(method="wilson")
  gives the same: 0.3967781474611453, 0.8922087325936991).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cxmetrics.models import Channel, Department, GoalSnapshot, RootCause
from cxmetrics.selectors.dashboards.goals import goals_board
from cxmetrics.selectors.goal_preview import goal_preview
from cxmetrics.selectors.goals import (
    goal_progress,
    goals_queryset,
    plan_attainment,
)
from cxmetrics.selectors.goals_batch import goals_progress
from cxmetrics.services import goals as goal_services
from cxmetrics.services.followups import update_followup
from cxmetrics.services.goals import snapshot_goals
from dashboards import figures
from tests.goals.conftest import (
    END,
    MID,
    START,
    csat_85,
    followup,
    make_goal,
    make_plan,
    moment,
    nps_30,
    support_ten,
)

RATE = 70.0
LOW, HIGH = 39.677815, 89.220873  # see the module docstring


def on_time_goal(actor, **overrides):
    values = {
        "name": "Close the loop on time",
        "metric": "followup_on_time",
        "baseline": 64.0,
        "target": 84.0,
        "min_n": 10,
        "scope_departments": list(Department.objects.filter(slug="support")),
    }
    values.update(overrides)
    return make_goal(actor=actor, **values)


def test_worked_example_seven_of_ten_closed_on_time(lead, admin_user):
    # given the ten follow-ups of Support, and a shared goal on their on-time rate
    support_ten(admin_user)
    goal = on_time_goal(lead)
    assert goal.departments.count() == 2  # support and product: shared

    # when it is measured half way through January
    progress = goal_progress(goal=goal, as_of=MID)

    # then 7 of 10 closed on time, with the Wilson interval
    assert progress["metric"] == "followup_on_time"
    assert progress["value"] == pytest.approx(RATE)
    assert progress["n"] == 10
    assert progress["low"] == pytest.approx(LOW, abs=1e-6)
    assert progress["high"] == pytest.approx(HIGH, abs=1e-6)
    assert progress["shared"] is True


def test_follow_ups_of_another_department_or_outside_the_window_are_left_out(lead, admin_user):
    # given the ten of Support, plus three on time that the goal's scope or window leaves out:
    # one of Billing, one opened the day before the goal starts, one the day after it ends
    support_ten(admin_user)
    followup(department="billing", closed_after=timedelta(hours=1), closer=admin_user)
    followup(
        opened=moment(START - timedelta(days=1)), closed_after=timedelta(hours=1), closer=admin_user
    )
    followup(
        opened=moment(END + timedelta(days=1)), closed_after=timedelta(hours=1), closer=admin_user
    )
    goal = on_time_goal(lead)

    # when it is measured after the goal ended
    progress = goal_progress(goal=goal, as_of=END + timedelta(days=5))

    # then still 7 of 10: the others would have made it 8 of 11 (72.7%) or more
    assert (progress["value"], progress["n"]) == (pytest.approx(RATE), 10)


def test_channel_and_handled_by_scope_the_response(lead, admin_user):
    # given on chat: 2 AI-handled follow-ups (1 on time, 1 late) and one handled by a human
    # (on time); on the web: the ten of Support (human)
    support_ten(admin_user)
    followup(channel="chat", handled_by="ai", closed_after=timedelta(hours=2), closer=admin_user)
    followup(channel="chat", handled_by="ai", closed_after=timedelta(hours=50), closer=admin_user)
    followup(channel="chat", handled_by="human", closed_after=timedelta(hours=2), closer=admin_user)
    chat = list(Channel.objects.filter(slug="chat"))

    # when goals on chat only, and on chat handled by AI, are measured
    on_chat = goal_progress(goal=on_time_goal(lead, scope_channels=chat), as_of=MID)
    chat_ai = goal_progress(
        goal=on_time_goal(lead, name="AI on chat", scope_channels=chat, scope_handled_by=["ai"]),
        as_of=MID,
    )

    # then chat: 2 of 3 on time; chat by AI: 1 of 2
    assert (on_chat["value"], on_chat["n"]) == (pytest.approx(200 / 3), 3)
    assert (chat_ai["value"], chat_ai["n"]) == (pytest.approx(50.0), 2)


def test_an_open_follow_up_not_yet_due_is_neither_on_time_nor_late(lead, admin_user):
    # given the ten, and one opened on 2025-01-16 at noon, still open, due on the 18th
    support_ten(admin_user)
    fresh = followup(opened=moment(MID))
    goal = on_time_goal(lead)

    # when measured on the 16th, it is left out of n: still 7 of 10
    on_the_16th = goal_progress(goal=goal, as_of=MID)
    assert (on_the_16th["value"], on_the_16th["n"]) == (pytest.approx(RATE), 10)

    # and on the 20th it is past due, so late: 7 of 11
    on_the_20th = goal_progress(goal=goal, as_of=date(2025, 1, 20))
    assert (on_the_20th["value"], on_the_20th["n"]) == (pytest.approx(700 / 11), 11)

    # and had it been closed on the 17th (on time), the 20th reads 8 of 11, the 16th still
    # 7 of 10 (on the 16th it was open and not yet due)
    update_followup(
        followup=fresh,
        actor=admin_user,
        changes={
            "status": "closed",
            "outcome": "resolved",
            "root_cause": RootCause.objects.get(name="Other"),
        },
        now=moment(date(2025, 1, 17)),
    )
    assert goal_progress(goal=goal, as_of=date(2025, 1, 20))["value"] == pytest.approx(800 / 11)
    assert goal_progress(goal=goal, as_of=MID)["n"] == 10


def test_status_and_the_minimum_n(lead, admin_user):
    # given the ten, and goals from 64 to 84 over January
    support_ten(admin_user)
    goal = on_time_goal(lead)
    few = on_time_goal(lead, name="Needs 30", min_n=30)

    # when measured on the 16th: expected = 64 + 15/30 * (84 - 64) = 74
    progress = goal_progress(goal=goal, as_of=MID)
    assert progress["expected"] == pytest.approx(74.0)
    # then 70 is below 74, but the upper bound 89.2 reaches it: at risk
    assert progress["status"] == "at_risk"
    # and with min_n 30 the same ten follow-ups are not enough data
    assert goal_progress(goal=few, as_of=MID)["status"] == "not_enough_data"
    # after the end, 70 < 84: missed
    assert goal_progress(goal=goal, as_of=END + timedelta(days=1))["status"] == "missed"


@pytest.mark.parametrize(
    ("gate", "paid_on", "payout"),
    [
        # paid on the lower bound 39.677815: 50 + (39.677815 - 30) / (50 - 30) * 50
        (True, LOW, 74.194537),
        # paid on 70: 100 + (70 - 50) / (80 - 50) * (150 - 100)
        (False, RATE, 133.333333),
    ],
)
def test_plan_pays_on_the_rate_with_the_confidence_gate(lead, admin_user, gate, paid_on, payout):
    # given the ten, and Support's January plan paying 100% on the goal through the curve
    # threshold 30 (pays 50%), target 50 (100%), stretch 80 (150%), n of at least 10
    support_ten(admin_user)
    goal = on_time_goal(lead)
    plan = make_plan(
        actor=lead,
        components=[(goal, 100, (30.0, 50.0, 80.0))],
        confidence_gate=gate,
        min_n=10,
    )

    # when its attainment is read after the period
    attainment = plan_attainment(plan=plan, as_of=END + timedelta(days=3))

    # then
    (component,) = attainment["components"]
    assert (component["measured"], component["n"]) == (pytest.approx(RATE), 10)
    assert component["low"] == pytest.approx(LOW, abs=1e-6)
    assert component["paid_on"] == pytest.approx(paid_on, abs=1e-6)
    assert component["payout_pct"] == pytest.approx(payout, abs=1e-5)
    assert attainment["total_pct"] == pytest.approx(payout, abs=1e-5)
    assert component["projected_payout_pct"] == pytest.approx(133.333333, abs=1e-5)


def test_plan_component_is_pending_under_its_minimum_n(lead, admin_user):
    # given the ten, and a plan asking for 30
    support_ten(admin_user)
    plan = make_plan(
        actor=lead, components=[(on_time_goal(lead), 100, (30.0, 50.0, 80.0))], min_n=30
    )
    # when read, then nothing is paid yet: pending, total unknown (never a silent 0)
    attainment = plan_attainment(plan=plan, as_of=END)
    assert attainment["components"][0]["status"] == "pending"
    assert attainment["total_pct"] is None


def test_a_period_is_judged_as_its_follow_ups_stood_when_it_ended(lead, admin_user):
    # given the ten, one opened on the period's last day at noon and closed on time the next
    # morning, and a plan on them
    support_ten(admin_user)
    followup(opened=moment(END), closed_after=timedelta(hours=20), closer=admin_user)
    plan = make_plan(
        actor=lead,
        components=[(on_time_goal(lead), 100, (30.0, 50.0, 80.0))],
        confidence_gate=True,
        min_n=10,
    )

    # when the period is closed two days after it ended
    goal_services.close_period(plan=plan, actor=admin_user, now=moment(END + timedelta(days=2)))
    plan.refresh_from_db()
    attainment = plan_attainment(plan=plan, as_of=END + timedelta(days=9))

    # then the statement reads 7 of 10: at the end of 31 January the last one was open and
    # not yet due, so neither on time nor late; nothing later changes that (no late data)
    assert attainment["source"] == "statement"
    (component,) = attainment["components"]
    assert (component["measured"], component["n"]) == (pytest.approx(RATE), 10)
    assert attainment["late_data"]["responses"] == 0


def test_nightly_snapshot_of_a_follow_up_goal(lead, admin_user):
    # given the ten and the goal
    support_ten(admin_user)
    goal = on_time_goal(lead)
    # when the snapshot of the 16th is taken
    assert snapshot_goals(as_of=MID) == 1
    # then it holds the measured rate, n and interval and the status
    snapshot = GoalSnapshot.objects.get(goal=goal, as_of=MID)
    assert (snapshot.value, snapshot.n) == (pytest.approx(RATE), 10)
    assert (snapshot.low, snapshot.high) == (
        pytest.approx(LOW, abs=1e-6),
        pytest.approx(HIGH, abs=1e-6),
    )
    assert snapshot.status == "at_risk"


@pytest.mark.parametrize("copies", [1, 3])
def test_goals_of_both_kinds_are_measured_in_constant_queries(
    lead, admin_user, django_assert_num_queries, copies
):
    # given `copies` x (an NPS goal, a CSAT goal, a follow-up goal), with data for each
    nps_30()
    csat_85()
    support_ten(admin_user)
    for number in range(copies):
        make_goal(actor=lead, name=f"nps {number}")
        make_goal(actor=lead, name=f"csat {number}", metric="csat", baseline=70, target=90)
        on_time_goal(lead, name=f"on time {number}")
    goals = list(goals_queryset())

    # when they are measured together: one rollup query and one follow-up query
    with django_assert_num_queries(2):
        together = goals_progress(goals=goals, as_of=MID)

    # then each reads its own metric, and the same as measured one by one
    values = {p["metric"]: (p["value"], p["n"]) for p in together}
    assert values == {
        "nps": (pytest.approx(30.0), 100),
        "csat": (pytest.approx(85.0), 100),
        "followup_on_time": (pytest.approx(RATE), 10),
    }
    assert together == [goal_progress(goal=goal, as_of=MID) for goal in goals]


def test_response_goals_alone_still_cost_one_query(lead, django_assert_num_queries):
    nps_30()
    make_goal(actor=lead)
    goals = list(goals_queryset())
    with django_assert_num_queries(1):
        goals_progress(goals=goals, as_of=MID)


def test_preview_of_a_follow_up_goal(lead, admin_user):
    # given the ten of Support and a fresh one of the 16th (open, not yet due)
    support_ten(admin_user)
    followup(opened=moment(MID))

    # when the editor previews a goal on Support's on-time rate for February, target 75
    preview = goal_preview(
        metric="followup_on_time",
        channels=[],
        handled_by=[],
        scope_departments=["support"],
        start=date(2025, 2, 1),
        end=date(2025, 2, 28),
        target=75.0,
        today=MID,
    )

    # then the last 90 days read 7 of 10 (the fresh one is not decided yet)
    assert (preview["value"], preview["n"]) == (pytest.approx(RATE), 10)
    assert (preview["low"], preview["high"]) == (
        pytest.approx(LOW, abs=1e-6),
        pytest.approx(HIGH, abs=1e-6),
    )
    # 11 opened in 90 days: 11/90 a day, so 11/90 * 28 = 3.422222 over February
    assert preview["per_day"] == pytest.approx(11 / 90)
    assert preview["expected_n"] == pytest.approx(3.422222, abs=1e-6)
    # two-proportion z-test: var = 0.7 * 0.3 * 100^2 = 2100,
    # se = sqrt(2100/10 + 2100/3.422222) = 28.699066, (1.959964 + 0.841621) * se = 80.402878
    assert preview["test"] == "two_proportion_z"
    assert preview["detectable"] == pytest.approx(80.402878, abs=1e-5)
    # so a target of 75 is inside the noise band
    assert preview["flag"] is not None


def test_the_api_takes_and_shows_a_follow_up_goal(lead, admin_user):
    # given the ten of Support
    support_ten(admin_user)
    client = Client()
    client.force_login(lead)

    # when the lead creates a goal on followup_on_time through the API
    answer = client.post(
        "/api/v1/goals",
        {
            "name": "Close the loop",
            "metric": "followup_on_time",
            "scope_departments": ["support"],
            "baseline": 64,
            "target": 84,
            "start": "2025-01-01",
            "end": "2025-01-31",
            "departments": ["support"],
            "min_n": 10,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.json()

    # then its progress shows the rate with n and interval
    progress = client.get(f"/api/v1/goals/{answer.json()['id']}/progress?as_of=2025-01-16").json()
    assert (progress["value"], progress["n"], progress["status"]) == (
        pytest.approx(RATE),
        10,
        "at_risk",
    )
    assert progress["low"] == pytest.approx(LOW, abs=1e-6)


def test_the_rate_must_stay_within_0_and_100(lead):
    errors = goal_services.goal_errors(
        values={
            "name": "x",
            "metric": "followup_on_time",
            "baseline": 50,
            "target": 101,
            "start": START,
            "end": END,
            "departments": [Department.objects.get(slug="support")],
            "owner": lead,
            "min_n": 30,
        }
    )
    assert errors == {"target": ["Must be between 0 and 100 for followup_on_time."]}


def test_the_window_is_whole_days_in_the_organisations_time_zone(settings, lead, admin_user):
    # given an organisation in Paris (UTC+1 in winter), the ten, and two follow-ups closed on
    # time 20 minutes after opening: one opened on 31 January at 23:30 in Paris (22:30 UTC),
    # one on 1 February at 00:30 in Paris (still 31 January, 23:30, in UTC)
    settings.TIME_ZONE = "Europe/Paris"
    paris = ZoneInfo("Europe/Paris")
    support_ten(admin_user)
    quick = timedelta(minutes=20)
    for opened in (datetime(2025, 1, 31, 23, 30), datetime(2025, 2, 1, 0, 30)):
        followup(opened=opened.replace(tzinfo=paris), closed_after=quick, closer=admin_user)
    goal = on_time_goal(lead)

    # when the January goal is measured after its end
    progress = goal_progress(goal=goal, as_of=date(2025, 2, 10))

    # then only the first is January's: 8 of 11 (the second would make 9 of 12)
    assert (progress["value"], progress["n"]) == (pytest.approx(800 / 11), 11)


def test_the_dashboards_goals_table_shows_the_rate(lead, admin_user):
    # given the ten and the shared goal
    support_ten(admin_user)
    on_time_goal(lead)
    # when the goals page's table is built for the 16th
    (row,) = figures.goal_rows(goals_board(as_of=MID))
    # then the rate reads as a percent with its interval and n
    assert row["metric"] == "Follow-ups closed on time"
    assert (row["value"], row["ci95"], row["n"]) == ("70.0%", "39.7% to 89.2%", 10)
    assert (row["expected"], row["target"], row["status"]) == ("74.0%", "84.0%", "At risk")
