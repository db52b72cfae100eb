"""Every create, update and delete of a goal, target, weight or curve is in the audit trail."""

from __future__ import annotations

from cxmetrics.models import Channel, Goal
from cxmetrics.selectors.goals_audit import audit_log
from cxmetrics.services import goals as goal_services
from tests.goals.conftest import END, START, accept, make_goal, make_plan


def _changes(entry: dict) -> dict:
    return {c["field"]: (c["before"], c["after"]) for c in entry["changes"]}


def test_goal_create_update_delete_through_the_api_are_audited(clients):
    # given the Support lead creates a shared goal, raises its target, invites Stores, whose
    # lead accepts, and deletes it
    lead = clients("lead")
    created = lead.post(
        "/api/v1/goals",
        {
            "name": "Shared NPS",
            "metric": "nps",
            "baseline": 20,
            "target": 40,
            "start": str(START),
            "end": str(END),
            "departments": ["support"],
        },
        format="json",
    ).json()
    url = f"/api/v1/goals/{created['id']}"
    assert lead.patch(url, {"target": 45}, format="json").status_code == 200
    patch = {"departments": ["support", "stores"]}
    assert lead.patch(url, patch, format="json").status_code == 200
    accept(Goal.objects.get(pk=created["id"]), "stores")
    assert lead.delete(url).status_code == 204
    # when an executive reads the audit trail of that goal and of its invitations
    response = clients("executive").get(f"/api/v1/audit?model=goal&object_id={created['id']}")
    invitations = clients("executive").get("/api/v1/audit?model=goal_invitation").json()
    # then four entries, newest first, each by who did it, with the values before and after:
    # inviting Stores changed nothing of the goal; Stores taking part is its lead's change
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [e["action"] for e in entries] == ["deleted", "changed", "changed", "created"]
    assert [e["user"] for e in entries] == ["lead", "stores_lead", "lead", "lead"]
    deleted, departments, target, creation = entries
    assert _changes(target) == {"target": (40.0, 45.0)}
    assert _changes(departments) == {"departments": (["support"], ["stores", "support"])}
    assert _changes(creation)["departments"] == (None, ["support"])
    assert _changes(creation)["owner"] == (None, "lead")
    assert _changes(deleted)["target"] == (45.0, None)
    assert not Goal.objects.filter(pk=created["id"]).exists()
    # and the invitation: asked by lead, accepted by stores_lead (deleted with the goal)
    answered, asked = [e for e in invitations["results"] if e["action"] != "deleted"]
    assert (asked["action"], asked["user"], asked["object"]) == (
        "created",
        "lead",
        f"goal {created['id']}: stores (pending)",
    )
    assert _changes(asked)["invited_by"] == (None, "lead")
    assert (answered["action"], answered["user"]) == ("changed", "stores_lead")
    assert _changes(answered)["status"] == ("pending", "accepted")
    assert _changes(answered)["answered_by"] == (None, "stores_lead")


def test_weight_and_curve_changes_are_audited(clients, lead):
    # given a plan paying on two goals, 60/40
    first = make_goal(actor=lead)
    second = make_goal(actor=lead, name="Second")
    plan = make_plan(
        actor=lead, components=[(first, 60, (20.0, 40.0, 60.0)), (second, 40, (20.0, 40.0, 60.0))]
    )
    # when the Support lead moves to 70/30 and lowers the first threshold
    components = [
        {"goal": first.pk, "weight": 70, "threshold": 10, "target": 40, "stretch": 60},
        {"goal": second.pk, "weight": 30, "threshold": 20, "target": 40, "stretch": 60},
    ]
    url = f"/api/v1/incentive-plans/{plan.pk}"
    assert clients("lead").patch(url, {"components": components}, format="json").status_code == 200
    # then
    entries = clients("admin").get("/api/v1/audit?model=plan_component").json()["results"]
    changed = [e for e in entries if e["action"] == "changed"]
    assert sorted(tuple(sorted(_changes(e).items())) for e in changed) == sorted(
        [
            (("threshold", (20.0, 10.0)), ("weight", (60, 70))),
            (("weight", (40, 30)),),
        ]
    )
    assert {e["user"] for e in entries} == {"lead"}


def test_the_changes_are_those_simple_history_finds_against_the_row_before(lead):
    # given a goal edited in its fields, its channels, both, and archived
    goal = make_goal(actor=lead)
    web = list(Channel.objects.filter(slug="web"))
    goal_services.update_goal(goal=goal, actor=lead, target=45.0)
    goal_services.update_goal(goal=goal, actor=lead, scope_channels=web)
    goal_services.update_goal(goal=goal, actor=lead, scope_channels=[], min_n=50)
    goal_services.archive_goal(goal=goal, actor=lead)
    # when its audit trail is read
    entries = audit_log(model="goal", object_id=goal.pk)["results"]
    # then every change names the fields of diff_against(prev_record), in its order
    records = {f"goal:{r.history_id}": r for r in Goal.history.filter(id=goal.pk)}
    changed = [e for e in entries if e["action"] == "changed"]
    assert len(changed) == 4
    for entry in changed:
        record = records[entry["id"]]
        expected = [c.field for c in record.diff_against(record.prev_record).changes]
        assert [c["field"] for c in entry["changes"]] == expected


def test_audit_lists_every_model_newest_first_with_paging(clients, lead):
    # given a goal and a plan created by lead
    goal = make_goal(actor=lead)
    make_plan(actor=lead, components=[(goal, 100, (20.0, 40.0, 60.0))])
    # when
    everything = clients("executive").get("/api/v1/audit").json()
    page = clients("executive").get("/api/v1/audit?limit=1&offset=1").json()
    # then goal, plan and component creations, newest first
    assert everything["count"] == 3
    assert [e["model"] for e in everything["results"]] == [
        "plan_component",
        "incentive_plan",
        "goal",
    ]
    assert [e["model"] for e in page["results"]] == ["incentive_plan"]


def test_audit_rejects_bad_parameters_with_400(clients):
    # when / then
    for query in ("model=user", "limit=0", "limit=1000", "object_id=x", "since=yesterday"):
        assert clients("executive").get(f"/api/v1/audit?{query}").status_code == 400, query
