"""Global search (issue 13, item 6): institutions, people, consultation and record numbers, a woman by her exact ID
number — within the user's scope, women shown masked, nothing found outside it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import World
from shanhai.accounts.models import User
from shanhai.maternal.services import woman_create
from tests.core.factories import PersonFactory
from tests.maternal.factories import id_number, mch_places

URL = reverse("portal:search")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_institutions_and_people_within_scope(world: World, hospital_admin: User, outsider: User) -> None:
    doctor = PersonFactory(name="阿依古丽", institution=world.qitai_hospital)
    page = _client(hospital_admin).post(URL, {"q": "阿依古丽"}).content.decode()
    assert str(doctor.public_id) in page and 'data-group="people"' in page
    assert "奇台县人民医院" in _client(hospital_admin).post(URL, {"q": "奇台县"}).content.decode()
    assert 'data-group="people"' not in _client(outsider).post(URL, {"q": "阿依古丽"}).content.decode()


def test_a_record_number_finds_the_record_only_for_those_who_see_it(
    world: World, hospital_admin: User, outsider: User
) -> None:
    doctor = PersonFactory(name="阿依古丽", institution=world.qitai_hospital)
    found = _client(hospital_admin).post(URL, {"q": str(doctor.public_id)}).content.decode()
    assert reverse("records:detail", kwargs={"kind": "staff", "public_id": doctor.public_id}) in found
    hidden = _client(outsider).post(URL, {"q": str(doctor.public_id)}).content.decode()
    assert reverse("records:detail", kwargs={"kind": "staff", "public_id": doctor.public_id}) not in hidden


def test_a_woman_is_found_by_her_id_number_masked_and_not_by_an_outsider(
    world: World, mch_worker: User, outsider: User
) -> None:
    places = mch_places(world)
    number = id_number()
    woman = woman_create(
        actor=None, name="马秀兰", id_number=number, residence=places.township, registered_at=world.qitai_mch
    )
    page = _client(mch_worker).post(URL, {"q": number}).content.decode()
    assert str(woman.public_id) in page
    assert "马秀兰" not in page and number not in page.replace(f'value="{number}"', "")  # only in the box typed in
    assert str(woman.public_id) not in _client(outsider).post(URL, {"q": number}).content.decode()


def test_a_one_character_query_asks_for_more(hospital_admin: User) -> None:
    page = _client(hospital_admin).post(URL, {"q": "奇"}).content.decode()
    assert 'role="alert"' in page


def test_the_query_never_goes_into_a_url(world: World, hospital_admin: User) -> None:
    page = _client(hospital_admin).post(URL, {"q": "652325199503010022"}).content.decode()
    assert "?q=" not in page and "q=652325" not in page
    assert _client(hospital_admin).get(URL, {"q": "奇台县"}).content.decode().count("奇台县人民医院") == 0
