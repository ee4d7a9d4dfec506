"""The worklist on a phone and in clear for one's own work: cards on a narrow screen and a sign-off column on paper;
names and phones in clear for one reason per work session, only of the women the user may reveal, each audited
once per session (the fields and the reason, never the values); the rate limit counts the session, not the women."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core import clock
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.maternal.models import Pregnancy
from shanhai.maternal.worklist_reveal import SESSION_KEY
from tests.maternal.factories import Places, make_pregnancy, make_woman
from tests.maternal.mch_file import client_for

REASON = "电话通知产前检查"
QITAI_NAME, QITAI_PHONE = "李秀英", "13812345678"
OTHER_NAME, OTHER_PHONE = "王桂兰", "13987654321"
JIMSAR_NAME, JIMSAR_PHONE = "马玉梅", "13700001111"
WORKLIST = reverse("maternal:worklist")
START = reverse("maternal:worklist_reveal_start")
STOP = reverse("maternal:worklist_reveal_stop")


def due_pregnancy(registered_at: Any, residence: Any, name: str, phone: str, born: date) -> Pregnancy:
    """A woman 17 weeks pregnant today, never seen since registration: antenatal contacts due."""
    woman = make_woman(residence=residence, registered_at=registered_at, name=name, phone=phone, born=born)
    return make_pregnancy(registered_at=registered_at, woman=woman, lmp=clock.today() - timedelta(days=120))


@pytest.fixture
def women(world: World, places: Places) -> list[Pregnancy]:
    """Two women of Qitai MCH hospital and one of Jimsar hospital."""
    return [
        due_pregnancy(world.qitai_mch, places.township, QITAI_NAME, QITAI_PHONE, date(1994, 2, 3)),
        due_pregnancy(world.qitai_mch, places.township, OTHER_NAME, OTHER_PHONE, date(1996, 7, 8)),
        due_pregnancy(places.jimsar_hospital, places.jimsar, JIMSAR_NAME, JIMSAR_PHONE, date(1993, 4, 5)),
    ]


@pytest.fixture
def clerk(revealer: User, places: Places) -> User:
    """Qitai MCH's clerk who may reveal there, and who also reads Jimsar hospital's files without that right."""
    membership_grant(actor=None, user=revealer, org_unit=places.jimsar_hospital, role=Role.VIEWER)
    return User.objects.get(pk=revealer.pk)


def reveal_entries() -> list[tuple[str, dict[str, Any]]]:
    return list(AuditEntry.objects.filter(action=AuditAction.REVEAL).order_by("pk").values_list("object_id", "changes"))


def page_of(client: Client) -> str:
    response = client.get(WORKLIST)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def test_masked_by_default_with_cards_for_a_phone_and_a_sign_off_column_for_paper(
    women: list[Pregnancy], clerk: User
) -> None:
    content = page_of(client_for(clerk))

    for clear in (QITAI_NAME, QITAI_PHONE, OTHER_NAME, JIMSAR_NAME, JIMSAR_PHONE, "tel:"):
        assert clear not in content
    # Each woman has two antenatal contacts on the list (the early one overdue, 16–20 weeks due): six rows, each
    # with its sign-off cell on paper, and one card per woman on a phone.
    assert content.count('<li class="work-card">') == 3
    assert content.count('<td class="print-only sign-off"></td>') == 6
    assert '<div class="table-scroll worklist-table">' in content
    assert "@media (max-width: 40rem)" in open_css()
    assert "Reveal names and phones for this work session" in content
    assert reveal_entries() == []


def open_css() -> str:
    from django.contrib.staticfiles import finders

    path = finders.find("maternal/mch.css")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as css:
        return css.read()


def test_a_session_reason_shows_the_names_and_phones_of_her_women_only_audited_once_each(
    women: list[Pregnancy], clerk: User
) -> None:
    client = client_for(clerk)
    assert client.post(START, {"reason": REASON}).status_code == 302

    first, second = page_of(client), page_of(client)

    for content in (first, second):
        assert QITAI_NAME in content and f'href="tel:{QITAI_PHONE}"' in content
        assert OTHER_NAME in content and f'href="tel:{OTHER_PHONE}"' in content
        assert JIMSAR_NAME not in content and JIMSAR_PHONE not in content  # Jimsar's file: read, not revealed
        assert "Stop showing names and phones" in content
    qitai = sorted(str(p.woman.public_id) for p in women[:2])
    entries = reveal_entries()
    assert sorted(object_id for object_id, _ in entries) == qitai  # once per woman, not per page view
    for _object_id, changes in entries:
        assert changes == {"_": {"fields": ["name", "phone"], "reason": REASON, "on": "worklist"}}
    for clear in (QITAI_NAME, QITAI_PHONE, OTHER_NAME, OTHER_PHONE):
        assert not AuditEntry.objects.filter(changes__icontains=clear).exists()
        assert not AuditEntry.objects.filter(object_repr__icontains=clear).exists()


def test_the_rate_limit_counts_the_session_start_not_each_woman(
    women: list[Pregnancy], clerk: User, rate_limits: dict[str, str | None]
) -> None:
    rate_limits["reveal"] = "1/h"
    client = client_for(clerk)
    assert client.post(START, {"reason": REASON}).status_code == 302
    assert QITAI_NAME in page_of(client) and OTHER_NAME in page_of(client)

    assert client.post(START, {"reason": "再次查看"}).status_code == 429
    assert client.session[SESSION_KEY]["reason"] == REASON


def test_a_user_without_the_permission_is_refused_and_sees_masked_data(
    women: list[Pregnancy], mch_worker: User
) -> None:
    client = client_for(mch_worker)
    assert "Reveal names and phones for this work session" not in page_of(client)

    assert client.post(START, {"reason": REASON}).status_code == 403

    assert SESSION_KEY not in client.session
    assert QITAI_NAME not in page_of(client)
    assert reveal_entries() == [("", {"_": {"fields": ["name", "phone"], "refused": True}})]


def test_a_reason_too_short_starts_nothing(women: list[Pregnancy], clerk: User) -> None:
    client = client_for(clerk)
    response = client.post(START, {"reason": "看"}, follow=True)

    assert "Give the reason for viewing personal data." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert QITAI_NAME not in response.content.decode()
    assert reveal_entries() == []


def test_stop_ends_the_session_and_a_new_one_audits_again(women: list[Pregnancy], clerk: User) -> None:
    client = client_for(clerk)
    client.post(START, {"reason": REASON})
    assert QITAI_NAME in page_of(client)

    assert client.post(STOP).status_code == 302

    assert SESSION_KEY not in client.session
    assert QITAI_NAME not in page_of(client)
    client.post(START, {"reason": "产后访视电话"})
    assert QITAI_NAME in page_of(client)
    assert len(reveal_entries()) == 4  # two women, two sessions


def test_the_session_expires_after_two_hours(
    women: list[Pregnancy], clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(clerk)
    client.post(START, {"reason": REASON})
    later = clock.now() + timedelta(hours=2, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)

    assert QITAI_NAME not in page_of(client)
    assert SESSION_KEY not in client.session
    assert reveal_entries() == []


def test_the_page_in_clear_takes_one_more_query(women: list[Pregnancy], clerk: User) -> None:
    client = client_for(clerk)
    page_of(client)  # warm-up: the session and the scope as on every request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as masked:
        page_of(client)
    client.post(START, {"reason": REASON})
    page_of(client)  # audits the two women
    with CaptureQueriesContext(connection) as revealed:
        page_of(client)
    # One more: the institutions of the women shown (the session is saved only when a woman is first audited).
    assert len(revealed.captured_queries) == len(masked.captured_queries) + 1
