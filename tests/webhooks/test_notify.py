"""Batched e-mail: one digest per person per run, never twice about the same item, people
without an e-mail address counted (not mailed, nothing recorded for them)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives

from cxmetrics.models import NotificationLog, NotifiedItem
from cxmetrics.services import notify
from cxmetrics.services.notify import DigestResult, notify_once, send_digest

pytestmark = pytest.mark.django_db

SUBJECT = "[cxmetrics] {count} new follow-up(s)"


def person(name: str, email: str | None = None) -> User:
    return User.objects.create_user(name, email=f"{name}@example.com" if email is None else email)


def item(n: int) -> dict:
    return {"id": n, "title": f"Follow-up #{n}", "detail": "NPS 3, chat", "url": f"/f/{n}"}


def test_one_mail_per_person_listing_all_their_items(mailoutbox):
    # given
    alice, bob = person("alice"), person("bob")
    # when
    result = send_digest(
        recipients_by_user={alice: [item(1), item(2), item(3)], bob: [item(4)]},
        subject=SUBJECT,
    )
    # then
    assert result == DigestResult(sent=2, items=4)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alice@example.com"], "[cxmetrics] 3 new follow-up(s)"),
        (["bob@example.com"], "[cxmetrics] 1 new follow-up(s)"),
    ]
    text = mailoutbox[0].body
    assert [line for line in text.splitlines() if line.startswith("- ")] == [
        "- Follow-up #1",
        "- Follow-up #2",
        "- Follow-up #3",
    ]
    assert "  /f/2" in text
    html, mimetype = mailoutbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="/f/3">Follow-up #3</a>' in html


def test_people_without_an_email_address_are_counted_not_mailed(mailoutbox):
    alice, nomail = person("alice"), person("carol", email="")
    result = send_digest(recipients_by_user={alice: [item(1)], nomail: [item(2)]}, subject="x")
    assert (result.sent, result.no_email) == (1, 1)
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


def test_nobody_is_mailed_about_nothing(mailoutbox):
    assert send_digest(recipients_by_user={person("alice"): []}, subject="x") == DigestResult()
    assert mailoutbox == []


def test_notify_once_mails_each_item_once_per_person(mailoutbox):
    # given two leads who both get the same three items
    alice, bob = person("alice"), person("bob")
    items = [item(1), item(2), item(3)]
    # when the run happens
    first = notify_once(kind="followup_new", items=items, users=[alice, bob], subject=SUBJECT)
    # then one mail each, recorded
    assert first == DigestResult(sent=2, items=6)
    assert len(mailoutbox) == 2
    assert NotifiedItem.objects.filter(kind="followup_new").count() == 6
    assert list(NotificationLog.objects.values_list("kind", "item_count")) == [
        ("followup_new", 3),
        ("followup_new", 3),
    ]
    # when the same run happens again, nothing is sent
    again = notify_once(kind="followup_new", items=items, users=[alice, bob], subject=SUBJECT)
    assert again == DigestResult(already_notified=6)
    assert len(mailoutbox) == 2
    # when one item is new, only it is mailed
    more = notify_once(
        kind="followup_new", items=[*items, item(4)], users=[alice, bob], subject=SUBJECT
    )
    assert (more.sent, more.items, more.already_notified) == (2, 2, 6)
    assert [m.subject for m in mailoutbox[2:]] == ["[cxmetrics] 1 new follow-up(s)"] * 2
    assert "Follow-up #4" in mailoutbox[2].body
    assert "Follow-up #1" not in mailoutbox[2].body


def test_kinds_are_separate(mailoutbox):
    # an item notified as new is notified again when it becomes overdue
    alice = person("alice")
    notify_once(kind="followup_new", items=[item(1)], users=[alice], subject="new")
    result = notify_once(kind="followup_overdue", items=[item(1)], users=[alice], subject="late")
    assert result.sent == 1
    assert [m.subject for m in mailoutbox] == ["new", "late"]


def test_items_by_user_gives_each_person_their_own_items(mailoutbox):
    alice, bob = person("alice"), person("bob")
    result = notify_once(
        kind="followup_new",
        items_by_user={alice: [item(1), item(1), item(2)], bob: [item(3)]},
        subject=SUBJECT,
    )
    assert (result.sent, result.items) == (2, 3)  # the repeated item once
    assert [m.subject for m in mailoutbox] == [
        "[cxmetrics] 2 new follow-up(s)",
        "[cxmetrics] 1 new follow-up(s)",
    ]


def test_people_without_an_address_get_their_items_once_they_have_one(mailoutbox):
    # given
    carol = person("carol", email="")
    # when
    result = notify_once(kind="followup_new", items=[item(1)], users=[carol], subject="x")
    # then counted, and nothing recorded for her
    assert result == DigestResult(no_email=1)
    assert not NotifiedItem.objects.exists()
    # when she has an address, the next run mails her
    carol.email = "carol@example.com"
    carol.save()
    assert notify_once(kind="followup_new", items=[item(1)], users=[carol], subject="x").sent == 1
    assert [m.to for m in mailoutbox] == [["carol@example.com"]]


def test_a_mail_that_fails_gives_its_items_back_to_the_next_run(mailoutbox, monkeypatch):
    # given an SMTP server that refuses bob's mail
    alice, bob = person("alice"), person("bob")
    real_send = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == ["bob@example.com"]:
            raise ConnectionRefusedError("SMTP down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    # when
    result = notify_once(kind="k.x", items=[item(1)], users=[alice, bob], subject="x")
    # then alice got hers, bob's item is not recorded
    assert (result.sent, result.failed) == (1, 1)
    assert list(NotifiedItem.objects.values_list("user__username", flat=True)) == ["alice"]
    # when SMTP is back, the next run mails bob only
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    again = notify_once(kind="k.x", items=[item(1)], users=[alice, bob], subject="x")
    assert (again.sent, again.already_notified) == (1, 1)
    assert [m.to for m in mailoutbox] == [["alice@example.com"], ["bob@example.com"]]


def test_a_run_that_meets_another_run_recording_the_same_items_sends_nothing(
    mailoutbox, monkeypatch
):
    # given another run records alice's item between this run's read and its insert
    alice = person("alice")

    def read_then_lose_the_race(**kwargs):
        NotifiedItem.objects.create(kind="followup_new", item_id="1", user=alice)
        return set()

    monkeypatch.setattr(notify, "_already_notified", read_then_lose_the_race)
    # when
    result = notify_once(kind="followup_new", items=[item(1)], users=[alice], subject="x")
    # then this run mails nothing (the other run mails it) and leaves the record as it was
    assert result == DigestResult()
    assert mailoutbox == []
    assert NotifiedItem.objects.count() == 1


def test_a_run_costs_two_queries_then_one_per_person(django_assert_num_queries, mailoutbox):
    alice, bob = person("alice"), person("bob")
    # read notified + savepoint, insert, release + one NotificationLog insert per person
    with django_assert_num_queries(1 + 3 + 2):
        notify_once(kind="followup_new", items=[item(1), item(2)], users=[alice, bob], subject="x")
