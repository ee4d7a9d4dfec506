"""Readable numbers (建册号 ``YC-…``, child numbers ``ET-…``) and the MCH pickers (issue 13 item 6): numbers are
given by the services, unique even when two writers race, searchable, and name a pregnancy or a child in forms
and imports; the child-check form types the child instead of listing every child."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from conftest import World
from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.maternal.models import AntenatalVisit, ChildCheck, Pregnancy
from shanhai.maternal.services import numbers
from shanhai.records.columns.picker import ReferenceTextField
from shanhai.records.forms import RecordForm
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from tests.maternal.factories import Places, make_child, make_mother, make_pregnancy, make_woman
from tests.maternal.mch_file import client_for

LMP = date(2024, 1, 10)  # registered on day 60: 2024-03-10


def _offered(html: str) -> list[str]:
    return re.findall(r'data-picker-value="([^"]+)"', html)


def test_pregnancies_are_numbered_by_institution_and_year(world: World, places: Places) -> None:
    first = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    second = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    elsewhere = make_pregnancy(registered_at=world.qitai_hospital, lmp=LMP, residence=places.township)
    next_year = make_pregnancy(registered_at=world.qitai_mch, lmp=date(2025, 1, 10), residence=places.township)

    assert [p.number for p in (first, second, elsewhere, next_year)] == [
        "YC-H652325002-2024-00001",
        "YC-H652325002-2024-00002",
        "YC-H652325001-2024-00001",
        "YC-H652325002-2025-00001",
    ]
    assert Pregnancy.objects.get(pk=first.pk).number == "YC-H652325002-2024-00001"


def test_a_number_taken_by_a_concurrent_writer_is_not_given_twice(
    world: World, places: Places, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    woman = make_woman(residence=places.township, registered_at=world.qitai_mch)
    # The first read misses the number another writer has just taken (as under READ COMMITTED before it commits).
    monkeypatch.setattr(numbers, "_last_sequence", _first_stale(numbers._last_sequence))
    second = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, woman=woman)

    assert (first.number, second.number) == ("YC-H652325002-2024-00001", "YC-H652325002-2024-00002")
    assert Pregnancy.objects.filter(number__startswith="YC-H652325002-2024-").count() == 2


def _first_stale(real):  # type: ignore[no-untyped-def]
    calls = []

    def last_sequence(model, prefix):  # type: ignore[no-untyped-def]
        calls.append(prefix)
        return 0 if len(calls) == 1 else real(model, prefix)

    return last_sequence


def test_children_are_numbered_by_institution_and_year_of_birth(world: World, places: Places) -> None:
    born = clock.today() - timedelta(days=100)
    one = make_child(residence=places.township, registered_at=world.qitai_mch, born=born)
    two = make_child(residence=places.township, registered_at=world.qitai_mch, born=born)

    assert (one.number, two.number) == (f"ET-H652325002-{born.year}-00001", f"ET-H652325002-{born.year}-00002")


def test_numbers_are_found_by_global_search_within_scope(
    world: World, places: Places, mch_worker: User, outsider: User
) -> None:
    pregnancy = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    child = make_child(residence=places.township, registered_at=world.qitai_mch, born=clock.today())

    found = client_for(mch_worker).post(reverse("portal:search"), {"q": pregnancy.number}).content.decode()
    found_child = client_for(mch_worker).post(reverse("portal:search"), {"q": child.number[:12]}).content.decode()
    not_yours = client_for(outsider).post(reverse("portal:search"), {"q": pregnancy.number}).content.decode()

    assert f"/records/pregnancies/{pregnancy.public_id}/" in found
    assert "张秀英" not in found and "张**" in found  # masked
    assert f"/records/children/{child.public_id}/" in found_child
    assert f"/records/pregnancies/{pregnancy.public_id}/" not in not_yours


def test_the_number_is_on_the_list_and_the_detail_page(world: World, places: Places, mch_worker: User) -> None:
    pregnancy = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    client = client_for(mch_worker)

    listed = client.get(reverse("records:list", kwargs={"kind": "pregnancies"}), {"q": pregnancy.number})
    detail = client.get(reverse("records:detail", kwargs={"kind": "pregnancies", "public_id": pregnancy.public_id}))

    assert pregnancy.number in listed.content.decode()
    assert pregnancy.number in detail.content.decode()


def test_an_import_names_a_pregnancy_by_its_number(world: World, places: Places, mch_worker: User) -> None:
    pregnancy = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    headers = ["Pregnancy (record number or ID number)", "Date", "Institution (code or name)"]

    result = import_rows(
        kind_of("antenatal-visits"), mch_worker, headers, [[pregnancy.number.lower(), "2024-03-10", "H652325002"]]
    )

    assert result.ok
    assert list(AntenatalVisit.objects.values_list("pregnancy__number", "visited_on")) == [
        (pregnancy.number, date(2024, 3, 10))
    ]


# --- the child-check form and its picker -------------------------------------------------------------------
@pytest.fixture
def children(world: World, places: Places) -> tuple:  # type: ignore[type-arg]
    """A child of Qitai MCH with its mother's file, and one at Jimsar that the Qitai clerk does not see."""
    mother = make_mother(
        residence=places.township, institution=world.qitai_mch, lmp=clock.today() - timedelta(days=400)
    )
    delivered_on = mother.delivery.delivered_on
    ours = make_child(residence=places.township, registered_at=world.qitai_mch, born=delivered_on, mother=mother)
    theirs = make_child(residence=places.jimsar, registered_at=places.jimsar_hospital, born=delivered_on)
    return mother, ours, theirs


def _check(client, child: str, institution: int):  # type: ignore[no-untyped-def]
    """A 1-month check posted by the form (the clerk's few institutions stay a select: its value is the choice's id)."""
    return client.post(
        reverse("records:create", kwargs={"kind": "child-checks"}),
        {
            "child": child,
            "kind": "m1",
            "checked_on": (clock.today() - timedelta(days=1)).isoformat(),
            "institution": str(institution),
            "weight_grams": "4200",
            "length_cm": "54.5",
        },
    )


def test_the_child_check_form_types_the_child_and_lists_none(world: World, mch_worker: User, children: tuple) -> None:  # type: ignore[type-arg]
    _mother, ours, theirs = children
    form = RecordForm(kind_of("child-checks"), mch_worker)
    page = client_for(mch_worker).get(reverse("records:create", kwargs={"kind": "child-checks"})).content.decode()

    assert isinstance(form.fields["child"], ReferenceTextField)
    assert ours.number not in page and theirs.number not in page
    assert '<select name="child"' not in page
    assert len(page.encode()) < 30_000


def test_the_child_check_form_preselects_a_child_by_its_number(world: World, mch_worker: User, children: tuple) -> None:  # type: ignore[type-arg]
    _mother, ours, _theirs = children
    url = reverse("records:create", kwargs={"kind": "child-checks"})

    page = client_for(mch_worker).get(url, {"child": str(ours.public_id)}).content.decode()

    assert f'value="{ours.number}"' in page


def test_a_typed_child_number_saves_the_check(world: World, mch_worker: User, children: tuple) -> None:  # type: ignore[type-arg]
    _mother, ours, _theirs = children

    response = _check(client_for(mch_worker), ours.number, world.qitai_mch.pk)

    assert response.status_code == 302
    assert list(ChildCheck.objects.values_list("child__number", "kind", "weight_grams")) == [(ours.number, "m1", 4200)]


def test_a_child_out_of_scope_is_refused_with_the_import_message(
    world: World, mch_worker: User, children: tuple
) -> None:  # type: ignore[type-arg]
    _mother, _ours, theirs = children

    response = _check(client_for(mch_worker), theirs.number, world.qitai_mch.pk)

    assert response.status_code == 400
    assert f"“{theirs.number}” was not found among the records you can see." in response.content.decode()
    assert ChildCheck.objects.count() == 0


def test_the_child_picker_suggests_children_in_scope_by_number_or_mother_id(
    world: World,
    mch_worker: User,
    children: tuple,  # type: ignore[type-arg]
) -> None:
    mother, ours, theirs = children
    client = client_for(mch_worker)
    pick = reverse("records:pick", kwargs={"kind": "child-checks", "key": "child"})
    mother_id = mother.woman.id_number

    by_number = _offered(client.post(pick, {"q": "ET-"}).content.decode())
    by_mother = client.post(pick, {"q": mother_id}).content.decode()
    by_part = _offered(client.post(pick, {"q": mother_id[:10]}).content.decode())
    nothing_typed = _offered(client.post(pick, {"q": ""}).content.decode())

    assert by_number == [ours.number]  # not the Jimsar child
    assert _offered(by_mother) == [ours.number]
    assert mother_id not in by_mother  # the ID number is never echoed
    assert by_part == [] and nothing_typed == []
    assert theirs.number not in by_number


def test_the_pregnancy_picker_matches_a_whole_id_number_only(world: World, places: Places, mch_worker: User) -> None:
    pregnancy = make_pregnancy(registered_at=world.qitai_mch, lmp=LMP, residence=places.township)
    outside = make_pregnancy(registered_at=places.jimsar_hospital, lmp=LMP, residence=places.jimsar)
    client = client_for(mch_worker)
    pick = reverse("records:pick", kwargs={"kind": "antenatal-visits", "key": "pregnancy"})

    whole = _offered(client.post(pick, {"q": pregnancy.woman.id_number}).content.decode())
    part = _offered(client.post(pick, {"q": pregnancy.woman.id_number[:-1]}).content.decode())
    by_number = _offered(client.post(pick, {"q": "YC-"}).content.decode())
    not_seen = _offered(client.post(pick, {"q": outside.woman.id_number}).content.decode())

    assert whole == [pregnancy.number] and by_number == [pregnancy.number]
    assert part == [] and not_seen == []


def test_a_purple_only_pregnancy_lists_as_purple_not_green(world) -> None:
    """Issue 14: the record list's colour column follows the badge — purple alone is purple; with a colour, both."""
    from types import SimpleNamespace

    from shanhai.records.kinds import kind_of

    column = kind_of("pregnancies").column("current_colour")
    assert column.cell(SimpleNamespace(current_colour="green", is_purple=True)) == "Purple (infectious disease)"
    assert column.cell(SimpleNamespace(current_colour="", is_purple=True)) == "Purple (infectious disease)"
    both = column.cell(SimpleNamespace(current_colour="orange", is_purple=True))
    assert both.startswith("Orange") and both.endswith("Purple (infectious disease)")
    assert column.cell(SimpleNamespace(current_colour="green", is_purple=False)).startswith("Green")
