"""People pages: list and detail (phones masked), create and edit for writers, all scoped."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shanhai.accounts.models import Role
from shanhai.core.models import AuditEntry, ProfessionalTitle
from shanhai.workforce.models import Person
from tests.core.factories import PersonFactory, make_user

LIST = reverse("workforce:person_list")
CREATE = reverse("workforce:person_create")
PHONE, MASKED = "13812345678", "138****5678"


def detail_url(person):
    return reverse("workforce:person_detail", args=[person.public_id])


def edit_url(person):
    return reverse("workforce:person_edit", args=[person.public_id])


def in_default_language(msgid):
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(msgid)


@pytest.fixture
def doctor(world):
    return PersonFactory(
        name="李建华", institution=world.qitai_hospital, phone=PHONE, title=ProfessionalTitle.objects.get(code="232")
    )


@pytest.fixture
def viewer(world):
    return make_user("qitai-viewer", unit=world.qitai_hospital, role=Role.VIEWER)


def form_data(institution, **changes):
    data = {
        "name": "阿依古丽",
        "gender": "female",
        "institution": institution.pk,
        "department": "",
        "title": "",
        "phone": "13912345678",
    }
    return data | changes


def test_pages_send_anonymous_users_to_login(client, doctor):
    for url in (LIST, CREATE, detail_url(doctor), edit_url(doctor)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["hospital_admin", "commission_user", "viewer"])
def test_list_shows_people_in_scope_with_masked_phone(client, doctor, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert "李建华" in content
    assert detail_url(doctor) in content
    assert MASKED in content
    assert PHONE not in content


@pytest.mark.parametrize("persona", ["outsider", "supporter_user", "mch_worker"])
def test_list_hides_people_outside_scope(client, doctor, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "李建华" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"q": "建华"}, True),
        ({"q": "奇台县人民"}, True),
        ({"q": "王"}, False),
        ({"title_level": "associate_senior"}, True),
        ({"title_level": "senior"}, False),
        ({"institution": "qitai_hospital"}, True),
        ({"institution": "qitai_mch"}, False),
    ],
)
def test_list_filters(client, world, doctor, commission_user, query, shown):
    query = {k: getattr(world, v).pk if hasattr(world, v) else v for k, v in query.items()}
    client.force_login(commission_user)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert ("李建华" in response.content.decode()) is shown


def test_htmx_request_gets_only_the_results_fragment(client, doctor, hospital_admin):
    client.force_login(hospital_admin)
    response = client.get(LIST, {"q": "李"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="person-results">')
    assert "<html" not in content
    assert MASKED in content
    assert PHONE not in content


def test_list_query_count_does_not_grow_with_rows(client, world, doctor, hospital_admin, django_assert_num_queries):
    client.force_login(hospital_admin)
    client.get(LIST)
    with django_assert_num_queries(6):
        client.get(LIST)
    for index in range(10):
        PersonFactory(name=f"医生{index}", institution=world.qitai_hospital)
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert response.content.decode().count(MASKED) == 11


@pytest.mark.parametrize("persona", ["hospital_admin", "commission_user", "viewer"])
def test_detail_masks_the_phone(client, doctor, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(detail_url(doctor))
    content = response.content.decode()
    assert response.status_code == 200
    assert "李建华" in content
    assert reverse("portal:org_detail", args=["H652325001"]) in content
    assert MASKED in content
    assert PHONE not in content


@pytest.mark.parametrize("persona", ["outsider", "supporter_user", "mch_worker"])
def test_detail_is_404_outside_scope(client, doctor, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(detail_url(doctor)).status_code == 404


def test_detail_of_an_unknown_public_id_is_404(client, doctor, hospital_admin):
    client.force_login(hospital_admin)
    assert client.get("/people/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"/people/{doctor.pk}/").status_code == 404


def test_create_saves_and_audits(client, world, mch_worker):
    client.force_login(mch_worker)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(world.qitai_mch, phone="139 1234 5678"))
    person = Person.objects.get(name="阿依古丽")
    assert response.status_code == 302
    assert response["Location"] == detail_url(person)
    assert (person.institution, person.phone) == (world.qitai_mch, "13912345678")
    entry = AuditEntry.objects.get(object_type="workforce.person", object_id=str(person.public_id))
    assert (entry.action, entry.actor) == ("create", mch_worker)
    assert "13912345678" not in str(entry.changes)


def test_create_offers_only_institutions_the_user_writes_to(client, world, mch_worker):
    client.force_login(mch_worker)
    assert list(client.get(CREATE).context["form"].fields["institution"].queryset) == [world.qitai_mch]
    response = client.post(CREATE, form_data(world.qitai_hospital))
    assert "institution" in response.context["form"].errors
    assert not Person.objects.exists()


def test_create_with_a_bad_phone_saves_nothing(client, world, hospital_admin):
    client.force_login(hospital_admin)
    response = client.post(CREATE, form_data(world.qitai_hospital, phone="12345"))
    msgid = "Enter an 11-digit mobile number or a landline such as 0994-1234567."
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [in_default_language(msgid)]
    assert escape(in_default_language(msgid)) in response.content.decode()
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(object_type="workforce.person").exists()


@pytest.mark.parametrize("persona", ["outsider", "viewer"])
def test_read_only_users_cannot_create(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(world.qitai_hospital)).status_code == 403
    assert not Person.objects.exists()


def test_edit_form_never_shows_the_phone(client, doctor, hospital_admin):
    client.force_login(hospital_admin)
    response = client.get(edit_url(doctor))
    content = response.content.decode()
    assert response.status_code == 200
    assert MASKED in content
    assert PHONE not in content


def test_edit_keeps_the_phone_when_left_empty(client, world, doctor, hospital_admin):
    client.force_login(hospital_admin)
    response = client.post(
        edit_url(doctor), form_data(world.qitai_hospital, name="李建华", gender="male", title=doctor.title.pk, phone="")
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert (doctor.gender, doctor.phone) == ("male", PHONE)
    entry = AuditEntry.objects.get(object_type="workforce.person", action="update")
    assert (entry.actor, entry.changes) == (hospital_admin, {"gender": ["female", "male"]})


def test_edit_replaces_or_removes_the_phone(client, world, doctor, hospital_admin):
    client.force_login(hospital_admin)
    data = form_data(world.qitai_hospital, name="李建华", title=doctor.title.pk, phone="13987654321")
    client.post(edit_url(doctor), data)
    doctor.refresh_from_db()
    assert doctor.phone == "13987654321"
    client.post(edit_url(doctor), data | {"phone": "", "clear_phone": "on"})
    doctor.refresh_from_db()
    assert doctor.phone == ""


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("supporter_user", 404), ("viewer", 403)])
def test_edit_is_refused_and_changes_nothing(client, world, doctor, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    data = form_data(world.qitai_hospital, name="改名")
    assert client.get(edit_url(doctor)).status_code == status
    assert client.post(edit_url(doctor), data).status_code == status
    doctor.refresh_from_db()
    assert (doctor.name, doctor.phone) == ("李建华", PHONE)
    assert not AuditEntry.objects.filter(object_type="workforce.person", action="update").exists()
