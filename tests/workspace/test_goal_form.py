"""The goal editor's pages (/goals/new, /goals/<id>/edit): what a lead types is saved through
the goal services, errors appear next to their fields with the typed value kept, the buttons
that only re-render (presets, "Use as baseline", "Update figures") save nothing, and every
page refuses whoever may not write that goal."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages

from cxmetrics import periods
from cxmetrics.models import Department, Goal, GoalInvitation
from cxmetrics.selectors.dashboards.filters import today
from cxmetrics.services import goals as goal_services
from tests.factories import make_user
from tests.goals.conftest import store

NAME = "NPS >= 45 across all channels by end of quarter"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def product_lead(org):
    return make_user("product_lead", role="team_lead", leads=["product"])


@pytest.fixture
def billing_lead(org):
    return make_user("billing_lead", role="team_lead", leads=["billing"])


@pytest.fixture
def admin_user(org):
    return make_user("boss", role="admin")


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def departments(*slugs):
    return list(Department.objects.filter(slug__in=slugs))


@pytest.fixture
def support_goal(lead):
    """Support's goal owned by `lead`, Product invited (pending)."""
    return goal_services.create_goal(
        actor=lead,
        name="CSAT to 85",
        metric="csat",
        baseline=80.0,
        target=85.0,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        departments=departments("support", "product"),
    )


def posted(**overrides):
    """The form as a lead fills it for NAME (Support and Product, all channels)."""
    data = {
        "name": NAME,
        "description": "Shared by Support and Product.",
        "metric": "nps",
        "baseline": "30",
        "target": "45",
        "stretch": "50",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "min_n": "30",
        "departments": ["support", "product"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class Controls(HTMLParser):
    """The form controls of a page: values of inputs by name, checked boxes, selected options."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.checked: dict[str, list[str]] = {}
        self.labels: list[str] = []
        self._select: str | None = None
        self._label = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.checked.setdefault(a["name"], []).append(a["value"])
        elif tag == "input" and a.get("name"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a["value"]
        elif tag == "label":
            self._label = True
            self.labels.append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "label":
            self._label = False

    def handle_data(self, data):
        if self._label:
            self.labels[-1] += data.strip()


def errors_next_to(html: str, field: str) -> list[str]:
    """The error messages inside the block of `field` (its label and control, or fieldset)."""
    blocks = re.split(r'(?=<div class="mb-3 cx-field|<fieldset )', html)
    mine = [
        b
        for b in blocks
        if f'for="id_{field}"' in b.split("</label>")[0] or f'id="id_{field}_fieldset"' in b
    ]
    assert len(mine) == 1, f"no single block for {field}"
    block = mine[0].split("</fieldset>")[0]
    return re.findall(r'class="invalid-feedback d-block"[^>]*>([^<]*)<', block)


# --- creating a goal -----------------------------------------------------------------------


def test_a_lead_creates_a_shared_goal_and_product_is_invited(login, lead):
    # when Support's lead saves the form with Support and Product
    response = login(lead).post("/goals/new", posted())

    # then the goal is saved with what was typed, owned by the lead
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/goals/{goal.pk}"
    assert (goal.name, goal.description, goal.metric) == (
        NAME,
        "Shared by Support and Product.",
        "nps",
    )
    assert (goal.baseline, goal.target, goal.stretch, goal.min_n) == (30.0, 45.0, 50.0, 30)
    assert (goal.start, goal.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert goal.owner == lead
    # across all channels, whoever handled it
    assert list(goal.scope_channels.all()) == []
    assert goal.scope_handled_by == []
    # and Support takes part at once, Product is invited
    assert [d.slug for d in goal.departments.all()] == ["support"]
    invitation = GoalInvitation.objects.get()
    assert (invitation.department.slug, invitation.status) == ("product", "pending")
    assert invitation.invited_by == lead
    # and the lead is told so
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == [
        f"Goal “{NAME}” saved.",
        "Product has been invited; it takes part once one of its leads accepts.",
    ]


def test_the_scope_is_saved_as_checked(login, lead):
    login(lead).post(
        "/goals/new",
        posted(
            channels=["chat", "web"],
            handled_by=["ai", "ai_to_human"],
            stretch="",
            departments=["support"],
        ),
    )

    goal = Goal.objects.get()
    assert sorted(c.slug for c in goal.scope_channels.all()) == ["chat", "web"]
    assert goal.scope_handled_by == ["ai", "ai_to_human"]
    assert goal.stretch is None
    assert not GoalInvitation.objects.exists()


def test_the_audit_history_names_the_lead(login, lead):
    login(lead).post("/goals/new", posted())

    assert Goal.objects.get().history.get().history_user == lead


def test_an_admin_commits_every_department_at_once(login, admin_user):
    login(admin_user).post("/goals/new", posted())

    goal = Goal.objects.get()
    assert sorted(d.slug for d in goal.departments.all()) == ["product", "support"]
    assert not GoalInvitation.objects.exists()


# --- errors next to their fields -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message", "kept"),
    [
        ({"target": "150"}, "target", "Must be between -100 and 100 for NPS.", "150"),
        ({"metric": "csat", "target": "-5"}, "target", "Must be between 0 and 100 for CSAT.", "-5"),
        ({"end": "2026-09-30"}, "end", "Must be on or after the start.", "2026-09-30"),
        ({"stretch": "40"}, "stretch", "Must be at or above the target.", "40"),
        ({"baseline": "about 30"}, "baseline", "Type a number, such as 45 or 4.5.", "about 30"),
        ({"baseline": ""}, "baseline", "A number is required.", ""),
        ({"start": ""}, "start", "A date is required.", ""),
        ({"name": "  "}, "name", "A name is required.", "  "),
        ({"min_n": "0"}, "min_n", "Must be a whole number between 1 and 1000000.", "0"),
    ],
)
def test_a_wrong_value_is_shown_next_to_its_field_and_kept(
    login, lead, changes, field, message, kept
):
    # when
    response = login(lead).post("/goals/new", posted(**changes))

    # then nothing is saved, the page comes back with the message next to the field
    assert response.status_code == 200
    assert not Goal.objects.exists()
    html = response.content.decode()
    assert errors_next_to(html, field) == [message]
    # and what the lead typed is still there, as are the other fields
    controls = Controls(html)
    assert controls.values[field] == kept
    assert controls.values["name"] == changes.get("name", NAME)
    assert controls.checked["departments"] == ["product", "support"]


def test_no_department_is_an_error_next_to_the_departments(login, lead):
    response = login(lead).post("/goals/new", posted(departments=None))

    html = response.content.decode()
    assert errors_next_to(html, "departments") == [
        "At least one participating department is required."
    ]
    assert Controls(html).values["target"] == "45"
    assert not Goal.objects.exists()


def test_several_errors_are_shown_at_once(login, lead):
    response = login(lead).post(
        "/goals/new", posted(target="150", end="2026-01-01", departments=None)
    )

    html = response.content.decode()
    assert errors_next_to(html, "target") == ["Must be between -100 and 100 for NPS."]
    assert errors_next_to(html, "end") == ["Must be on or after the start."]
    assert errors_next_to(html, "departments") != []


def test_only_departments_the_lead_does_not_lead_is_an_error_on_the_departments(login, lead):
    # Support's lead wants a goal of Product alone: the lead must commit one of their own
    response = login(lead).post("/goals/new", posted(departments=["product"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert errors_next_to(html, "departments") == [
        "You lead support; product is not one of your departments."
    ]
    assert not Goal.objects.exists()
    assert not GoalInvitation.objects.exists()


# --- buttons that re-render without saving ---------------------------------------------


def test_a_preset_fills_start_and_end_without_saving(login, lead):
    # given a half-filled form (no name yet)
    data = posted(name="", start="", end="", preset="this_quarter")

    # when "This quarter" is pressed
    response = login(lead).post("/goals/new", data)

    # then the dates are this quarter's and nothing is saved or complained about
    quarter = periods.preset("this_quarter", today())
    controls = Controls(response.content.decode())
    assert response.status_code == 200
    assert (controls.values["start"], controls.values["end"]) == (
        quarter.start.isoformat(),
        quarter.end.isoformat(),
    )
    assert controls.values["target"] == "45"
    assert controls.checked["departments"] == ["product", "support"]
    assert "invalid-feedback" not in response.content.decode()
    assert not Goal.objects.exists()


def test_every_preset_is_a_button_carrying_its_dates(login, lead):
    html = login(lead).get("/goals/new").content.decode()

    for period in periods.presets(today()):
        button = re.search(rf'<button[^>]*name="preset" value="{period.key}"[^>]*>', html)
        assert f'data-start="{period.start.isoformat()}"' in button.group(0)
        assert f'data-end="{period.end.isoformat()}"' in button.group(0)
        assert f">{period.label}</button>" in html


@pytest.fixture
def recent_nps(org):
    """Last week: 50 promoters, 30 passives, 20 detractors (NPS 30) on web, 40 detractors
    (NPS -100) on chat: NPS over both = 100 * (50 - 60) / 140 = -7.1."""
    day = today() - timedelta(days=7)
    store(scores=[9] * 50 + [7] * 30 + [3] * 20, metric="nps", day=day, channel="web")
    store(scores=[3] * 40, metric="nps", day=day, channel="chat")


def test_the_page_shows_the_figures_and_suggests_the_baseline(login, lead, recent_nps):
    html = login(lead).get("/goals/new").content.decode()

    value = re.search(r'id="figure-value" data-value="([^"]+)"', html).group(1)
    assert float(value) == pytest.approx(-7.142857, abs=1e-5)
    assert '<span id="figure-n">140</span>' in html
    assert re.search(r'name="use_baseline" value="-7.1"', html)
    assert "Use as baseline" in html


def test_use_as_baseline_fills_the_baseline_without_saving(login, lead, recent_nps):
    response = login(lead).post("/goals/new", posted(baseline="", use_baseline="-7.1"))

    assert Controls(response.content.decode()).values["baseline"] == "-7.1"
    assert not Goal.objects.exists()


def test_update_figures_follows_the_fields_as_posted(login, lead, recent_nps):
    """Web only: NPS 30 from 100 answers; rate 100/90 a day over Q4 2026 (92 days) = 102.2,
    about 102 responses."""
    response = login(lead).post("/goals/new", posted(channels=["web"], figures="1"))

    html = response.content.decode()
    assert re.search(r'id="figure-value" data-value="30(\.0)?"', html)
    assert '<span id="figure-n">100</span>' in html
    assert "About 102</span>" in html
    assert "cannot be told from noise with about 102 responses" in html
    assert Controls(html).checked["channels"] == ["web"]
    assert not Goal.objects.exists()


def test_a_wrong_target_leaves_the_figures_standing(login, lead, recent_nps):
    response = login(lead).post("/goals/new", posted(target="150"))

    html = response.content.decode()
    assert errors_next_to(html, "target") == ["Must be between -100 and 100 for NPS."]
    assert '<span id="figure-n">140</span>' in html
    assert '<svg class="cx-noise-strip' in html


def test_the_edit_page_measures_the_goals_own_scope(login, lead, recent_nps):
    # given a goal measured on Billing's responses only (the form does not change that)
    goal = goal_services.create_goal(
        actor=lead,
        name="Billing's NPS",
        metric="nps",
        baseline=0.0,
        target=10.0,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        departments=departments("support"),
        scope_departments=departments("billing"),
    )

    # when its edit page is opened, then saved
    html = login(lead).get(f"/goals/{goal.pk}/edit").content.decode()
    login(lead).post(f"/goals/{goal.pk}/edit", posted(departments=["support"], target="20"))

    # then the figures are Billing's (none; the recent answers are Support's), and the scope stays
    assert 'data-scope-departments="billing"' in html
    assert "No responses in this scope in the last 90 days" in html
    goal.refresh_from_db()
    assert goal.target == 20.0
    assert [d.slug for d in goal.scope_departments.all()] == ["billing"]


def test_a_scope_without_answers_says_so(login, lead, recent_nps):
    response = login(lead).post("/goals/new", posted(channels=["email"], figures="1"))

    assert "No responses in this scope in the last 90 days" in response.content.decode()


# --- editing ---------------------------------------------------------------------------


def test_the_edit_page_shows_the_goal_as_stored(login, lead, support_goal):
    html = login(lead).get(f"/goals/{support_goal.pk}/edit").content.decode()

    controls = Controls(html)
    assert controls.values["name"] == "CSAT to 85"
    assert controls.values["metric"] == "csat"
    assert controls.values["target"] == "85.0"
    assert (controls.values["start"], controls.values["end"]) == ("2026-01-01", "2026-03-31")
    # Product is still invited: it stays wanted
    assert controls.checked["departments"] == ["product", "support"]
    assert "Save goal" in html


def test_a_lead_edits_their_goal_and_invites_billing(login, lead, support_goal):
    # when the owner raises the target and adds Billing
    data = posted(
        name="CSAT to 88",
        metric="csat",
        baseline="80",
        target="88",
        stretch="",
        start="2026-01-01",
        end="2026-03-31",
        departments=["support", "product", "billing"],
    )
    response = login(lead).post(f"/goals/{support_goal.pk}/edit", data)

    # then the goal is changed, Billing invited, Product still waiting (and not told again)
    assert response["Location"] == f"/goals/{support_goal.pk}"
    support_goal.refresh_from_db()
    assert (support_goal.name, support_goal.target) == ("CSAT to 88", 88.0)
    pending = GoalInvitation.objects.filter(status="pending").values_list("department__slug")
    assert sorted(slug for (slug,) in pending) == ["billing", "product"]
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == [
        "Goal “CSAT to 88” saved.",
        "Billing has been invited; it takes part once one of its leads accepts.",
    ]


def test_unchecking_an_invited_department_withdraws_its_invitation(login, lead, support_goal):
    data = posted(metric="csat", target="85", stretch="", departments=["support"])

    login(lead).post(f"/goals/{support_goal.pk}/edit", data)

    assert not GoalInvitation.objects.exists()
    assert [d.slug for d in support_goal.departments.all()] == ["support"]


def test_an_edit_error_is_shown_next_to_its_field(login, lead, support_goal):
    response = login(lead).post(
        f"/goals/{support_goal.pk}/edit", posted(metric="csat", target="101")
    )

    assert errors_next_to(response.content.decode(), "target") == [
        "Must be between 0 and 100 for CSAT."
    ]
    support_goal.refresh_from_db()
    assert support_goal.target == 85.0


# --- who may open the pages --------------------------------------------------------------


def test_labels_of_every_control(login, lead):
    html = login(lead).get("/goals/new").content.decode()

    controls = Controls(html)
    for label in (
        "Name",
        "Description",
        "Metric",
        "Baseline",
        "Target",
        "Stretch",
        "Start",
        "End",
        "Minimum responses",
    ):
        assert label in controls.labels
    for legend in ("Channels", "Departments taking part", "Handled by"):
        assert f'<legend class="form-label fs-6">{legend}</legend>' in html
    assert html.count('type="date"') == 2
    assert "None checked means all" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, org, method, support_goal):
    for path in ("/goals/new", f"/goals/{support_goal.pk}/edit"):
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("role", ["executive", "integrator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_executives_and_integrators_may_not_write_goals(login, request, role, method, support_goal):
    user = request.getfixturevalue(role)
    for path in ("/goals/new", f"/goals/{support_goal.pk}/edit"):
        response = getattr(login(user), method)(path, posted() if method == "post" else None)
        assert response.status_code == 403
        assert "Only team leads and admins create or change goals" in response.content.decode()
    assert Goal.objects.count() == 1


@pytest.mark.parametrize("someone", ["billing_lead", "product_lead"])
def test_another_lead_may_not_edit_the_goal(login, request, someone, support_goal):
    # Billing takes no part; Product is invited. Neither owns the goal.
    user = request.getfixturevalue(someone)
    client = login(user)

    page = client.get(f"/goals/{support_goal.pk}/edit")
    sent = client.post(f"/goals/{support_goal.pk}/edit", posted(metric="csat", target="90"))

    for response in (page, sent):
        assert response.status_code == 403
        assert "Only the goal&#x27;s owner (lead) or an admin may change it." in (
            response.content.decode()
        )
    support_goal.refresh_from_db()
    assert support_goal.target == 85.0


def test_an_admin_may_edit_any_goal(login, admin_user, support_goal):
    assert login(admin_user).get(f"/goals/{support_goal.pk}/edit").status_code == 200


def test_a_missing_goal_is_not_found(login, lead):
    assert login(lead).get("/goals/999999/edit").status_code == 404
