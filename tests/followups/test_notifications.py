"""E-mail to the owners' leads (services.followups.notify_leads): one mail per lead per run
listing the new and newly overdue follow-ups of the departments they lead, nobody told twice,
leads without an address counted, never the customer id; the task, beat entry and command."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from cxmetrics.models import FollowUp, NotificationLog, NotifiedItem
from cxmetrics.services.followups import LeadsNotified, notify_leads
from cxmetrics.services.followups.notifications import lasted, subject_of
from cxmetrics.tasks import notify_followup_leads
from tests.factories import make_user
from tests.followups.conftest import NOW, followup_of, item, push

pytestmark = pytest.mark.django_db

RUN = NOW + timedelta(hours=1)  # the notification run: 10:00 UTC
LONG = (
    "Nobody answered my ticket for a week, write to jo.doe@example.com or call "
    "+44 20 7946 0958; the invoice was wrong twice and I was charged again after I cancelled."
)


REF = "9f2c" * 16  # a customer reference as ingest stores it (a keyed hash)


def opened(*, now=NOW, slug: str = "integrations", **overrides) -> FollowUp:
    """A stored detractor's follow-up opened at `now` (Support's unless `department`)."""
    overrides.setdefault("score", 3.0)
    (pk,) = push(item(**overrides), slug=slug, now=now)
    followup = followup_of(pk)
    assert followup is not None
    return followup


def lead(name: str, department: str, *, email: bool = True) -> User:
    user = make_user(name, role="team_lead", leads=[department])
    user.email = f"{name}@example.com" if email else ""
    user.save()
    return user


def bodies(mail) -> str:
    return mail.body + mail.alternatives[0][0]


def listed(mail) -> list[str]:
    """The item lines of a plain-text mail (one per follow-up)."""
    return [line for line in mail.body.splitlines() if line.startswith("- #")]


@pytest.fixture
def support_day(org, no_publish):
    """Two leads of Support, one of Billing; Support has three new follow-ups and one that
    is two hours overdue at RUN; Billing has none."""
    lead("ana", "support")
    lead("ben", "support")
    lead("dee", "billing")
    # due at NOW - 1 h: overdue by 2 h at RUN
    late = opened(score=2.0, channel="phone", customer_ref=REF, now=NOW - timedelta(hours=49))
    new = [
        opened(score=3.0, channel="chat", comment=LONG, customer_ref="a" + REF[1:]),
        opened(score=0.0, channel="web"),
        opened(score=6.0, channel="email"),
    ]
    return late, new


def test_worked_example_one_mail_per_lead_of_support_listing_overdue_then_new(
    support_day, mailoutbox
):
    late, (chat, web, email) = support_day
    # when
    result = notify_leads(now=RUN)
    # then exactly two mails, one to each lead of Support, none to Billing's lead
    assert result == LeadsNotified(new=3, overdue=1, mails=2, items=8)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["ana@example.com"], "[cxmetrics] 3 new follow-ups, 1 overdue"),
        (["ben@example.com"], "[cxmetrics] 3 new follow-ups, 1 overdue"),
    ]
    # each lists the overdue one first, then the new ones by due time, with their link
    due = "2026-03-04 09:00 UTC"
    assert listed(mailoutbox[0]) == [
        f"- #{late.pk} Support: NPS 2, Phone, overdue by 2 h 0 min (due 2026-03-02 08:00 UTC)",
        f"- #{chat.pk} Support: NPS 3, Chat, due {due}",
        f"- #{web.pk} Support: NPS 0, Web, due {due}",
        f"- #{email.pk} Support: NPS 6, Email, due {due}",
    ]
    assert listed(mailoutbox[1]) == listed(mailoutbox[0])
    text = mailoutbox[0].body
    assert "Overdue:\n- #" in text and "\nNew:\n- #" in text
    assert f"  http://127.0.0.1:8000/followups/{chat.pk}\n" in text
    # the comment masked and cut to 160 characters
    comment = (
        "Nobody answered my ticket for a week, write to [email] or call [phone]; the invoice "
        "was wrong twice and I was charged again after I cancelled."
    )
    assert len(comment) <= 160
    assert f'  "{comment}"' in text
    html = mailoutbox[0].alternatives[0][0]
    assert f'<a href="http://127.0.0.1:8000/followups/{late.pk}">#{late.pk} Support</a>' in html
    assert "<strong>overdue by 2 h 0 min</strong>" in html
    # never the customer reference
    assert FollowUp.objects.get(pk=late.pk).customer_ref == REF
    for mail in mailoutbox:
        assert REF not in bodies(mail) and REF[1:] not in bodies(mail)
    # the mail is logged per person, each item recorded under its kind
    assert NotificationLog.objects.filter(kind="followups", item_count=4).count() == 2
    assert sorted(NotifiedItem.objects.values_list("kind", flat=True).distinct()) == [
        "followup_new",
        "followup_overdue",
    ]


def test_a_long_comment_is_cut_with_an_ellipsis(org, no_publish, mailoutbox):
    # given
    lead("ana", "support")
    opened(comment="Slow. " * 60)
    # when
    notify_leads(now=RUN)
    # then
    (line,) = [line for line in mailoutbox[0].body.splitlines() if line.startswith('  "')]
    shown = line.strip()[1:-1]
    assert len(shown) == 160 and shown.endswith("…")


def test_a_second_run_sends_nothing_and_a_new_overdue_later_sends_one_mail(support_day, mailoutbox):
    _, (chat, web, email) = support_day
    notify_leads(now=RUN)
    mailoutbox.clear()
    # when the next run comes 15 minutes later
    again = notify_leads(now=RUN + timedelta(minutes=15))
    # then nobody is told again
    assert again == LeadsNotified(new=3, overdue=1, already_notified=8)
    assert mailoutbox == []
    # when, two days later, web has fallen overdue (due NOW + 48 h, in progress), chat was
    # closed in time and email's due time was moved on
    FollowUp.objects.filter(pk=web.pk).update(status="in_progress")
    FollowUp.objects.filter(pk=chat.pk).update(status="closed", outcome="resolved", closed_at=RUN)
    FollowUp.objects.filter(pk=email.pk).update(due_at=RUN + timedelta(days=3))
    result = notify_leads(now=RUN + timedelta(days=2, minutes=5))
    # then one mail per lead, listing web alone, as overdue
    assert result.mails == 2 and result.items == 2
    assert [m.subject for m in mailoutbox] == ["[cxmetrics] 1 overdue follow-up"] * 2
    assert listed(mailoutbox[0]) == [
        f"- #{web.pk} Support: NPS 0, Web, overdue by 1 h 5 min (due 2026-03-04 09:00 UTC)"
    ]


def test_leads_without_an_email_address_are_counted_and_told_once_they_have_one(
    org, no_publish, mailoutbox
):
    # given a lead of Support with an address and one without
    lead("ana", "support")
    cy = lead("cy", "support", email=False)
    followup = opened()
    # when
    result = notify_leads(now=RUN)
    # then
    assert (result.mails, result.no_email) == (1, 1)
    assert [m.to for m in mailoutbox] == [["ana@example.com"]]
    assert not NotifiedItem.objects.filter(user=cy).exists()
    # when cy adds an address before the next run
    cy.email = "cy@example.com"
    cy.save()
    mailoutbox.clear()
    result = notify_leads(now=RUN + timedelta(minutes=15))
    # then cy alone is told
    assert (result.mails, result.no_email, result.already_notified) == (1, 0, 1)
    assert [m.to for m in mailoutbox] == [["cy@example.com"]]
    assert listed(mailoutbox[0])[0].startswith(f"- #{followup.pk} Support")


def test_only_team_leads_of_the_owning_department_are_mailed(org, no_publish, mailoutbox):
    # given a Support lead, a Billing lead, a person listed as Support's lead without the
    # team-lead role, an inactive lead, and one person leading both Support and Billing
    lead("ana", "support")
    lead("dee", "billing")
    former = lead("old", "support")
    former.is_active = False
    former.save()
    no_role = make_user("nora", leads=["support"])
    no_role.email = "nora@example.com"
    no_role.save()
    both = make_user("bo", role="team_lead", leads=["support", "billing"])
    both.email = "bo@example.com"
    both.save()
    opened(department="support")
    opened(department="billing", slug="zendesk")
    # when
    notify_leads(now=RUN)
    # then bo gets one mail with both follow-ups, ana and dee one with their department's
    assert [(m.to[0], m.subject) for m in mailoutbox] == [
        ("ana@example.com", "[cxmetrics] 1 new follow-up"),
        ("bo@example.com", "[cxmetrics] 2 new follow-ups"),
        ("dee@example.com", "[cxmetrics] 1 new follow-up"),
    ]
    assert [line.split(":")[0][-7:] for line in listed(mailoutbox[1])] == ["Support", "Billing"]


def test_closed_old_and_future_follow_ups_are_not_listed(org, no_publish, mailoutbox):
    # given a follow-up opened and fallen overdue before the look-back, and a closed one
    lead("ana", "support")
    opened(now=NOW - timedelta(hours=24 + 48 + 2))  # due 26 h before RUN
    closed = opened()
    FollowUp.objects.filter(pk=closed.pk).update(status="closed", outcome="resolved", closed_at=NOW)
    # when
    result = notify_leads(now=RUN)
    # then
    assert result == LeadsNotified()
    assert mailoutbox == []


def test_a_follow_up_overdue_before_its_first_mail_is_listed_once_as_overdue(
    org, no_publish, mailoutbox
):
    # given a follow-up opened 49 h before the run (SLA 48 h): new and overdue at once
    lead("ana", "support")
    followup = opened(now=RUN - timedelta(hours=49))
    # when two runs come
    first = notify_leads(now=RUN)
    second = notify_leads(now=RUN + timedelta(minutes=15))
    # then it was listed once, as overdue, and never as new afterwards
    assert (first.new, first.overdue, first.items) == (0, 1, 1)
    assert (second.mails, second.already_notified) == (0, 1)
    assert list(NotifiedItem.objects.values_list("kind", "item_id")) == [
        ("followup_overdue", str(followup.pk))
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_a_run_costs_the_same_queries_for_1_and_for_20_follow_ups(
    org, no_publish, mailoutbox, django_assert_num_queries, count
):
    # given two leads of Support and `count` new follow-ups
    lead("ana", "support")
    lead("ben", "support")
    for _ in range(count):
        opened()
    # when / then: follow-ups, leads, notified before, savepoint + insert + release, and one
    # log row per mail (2)
    with django_assert_num_queries(8):
        result = notify_leads(now=RUN)
    assert result.mails == 2 and result.items == 2 * count


def test_durations_and_subjects_read_as_a_person_writes_them():
    assert [lasted(timedelta(minutes=m)) for m in (0, 59, 60, 185, 24 * 60 + 61)] == [
        "0 min",
        "59 min",
        "1 h 0 min",
        "3 h 5 min",
        "1 d 1 h",
    ]
    new, overdue = {"kind": "followup_new"}, {"kind": "followup_overdue"}
    assert subject_of([new]) == "[cxmetrics] 1 new follow-up"
    assert subject_of([overdue, overdue]) == "[cxmetrics] 2 overdue follow-ups"
    assert subject_of([overdue, new, new]) == "[cxmetrics] 2 new follow-ups, 1 overdue"


def test_the_task_the_beat_entry_and_the_command(org, no_publish, mailoutbox, monkeypatch):
    # given
    lead("ana", "support")
    opened(now=timezone.now())
    # then beat runs the task every CX_FOLLOWUP_NOTIFY_MINUTES (15 by default)
    entry = settings.CELERY_BEAT_SCHEDULE["notify-followup-leads"]
    assert entry["task"] == "cxmetrics.tasks.notify_followup_leads"
    assert entry["schedule"] == timedelta(minutes=15)
    # when the task runs, then when the command runs
    assert notify_followup_leads.delay().get()["mails"] == 1
    out = io.StringIO()
    call_command("notify_followups", stdout=out)
    # then the command found the same follow-up, already mailed
    assert len(mailoutbox) == 1
    assert "0 e-mail(s) listing 0 follow-up(s) (1 new and 0 overdue" in out.getvalue()
