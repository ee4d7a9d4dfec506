"""The MCH pages: the pregnancy page, finding a woman by ID number, the menu."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from shanhai.accounts.models import User
from shanhai.maternal.models import Woman
from tests.maternal.factories import Places
from tests.maternal.mch_file import ID_NUMBER, MchFile, assert_masked, client_for, detail_url, make_id


# --- the pregnancy page ------------------------------------------------------------------------------------------
def test_the_pregnancy_page_shows_facts_timeline_schedule_case_and_referrals(mch: MchFile, mch_worker: User) -> None:
    content = client_for(mch_worker).get(detail_url("pregnancies", mch.pregnancy)).content.decode()

    for text in [
        "李**",
        "138****5678",
        "2024-01-01",  # LMP
        "2024-10-07",  # EDD
        "G1 P0",
        "2024-03-01 · 奇台县妇幼保健院 · 8+4 weeks",
        "Orange (higher risk)",
        "2.1 Fairly serious cardiovascular disease",
        "1.6 Scarred uterus",
        "High-risk case (专案)",
        "李医生",
        "2024-03-14 12:00",  # report due: noon of the grading day + 72 h
        "奇台县妇幼保健院 → 奇台县人民医院",
        "Early pregnancy (before week 13)",
        "Maternal death",
        "王**",
    ]:
        assert text in content, text
    assert 'class="state-done">Done' in content
    assert content.count('class="state-missed">Missed') == 4
    assert f"/mch/pregnancies/{mch.pregnancy.public_id}/assess/" in content
    assert f"/records/antenatal-visits/new/?pregnancy={mch.pregnancy.public_id}" not in content  # not ongoing
    assert 'value="accepted"' in content and 'value="declined"' in content and 'value="cancelled"' in content


def test_a_reader_sees_the_page_without_any_action(mch: MchFile, reader: User) -> None:
    content = client_for(reader).get(detail_url("pregnancies", mch.pregnancy)).content.decode()

    assert "李**" in content
    assert "/mch/cases/" not in content
    assert "/mch/referrals/" not in content
    assert "/assess/" not in content


# --- finding a woman by ID number ---------------------------------------------------------------------------------
def test_finding_a_woman_by_id_number_goes_to_her_page(mch: MchFile, mch_worker: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(mch_worker)
    page = client.get(reverse("maternal:woman_find"))
    token = page.cookies["csrftoken"].value

    found = client.post(reverse("maternal:woman_find"), {"id_number": ID_NUMBER.lower(), "csrfmiddlewaretoken": token})
    no_token = client.post(reverse("maternal:woman_find"), {"id_number": ID_NUMBER})

    assert found.status_code == 302
    assert found["Location"] == detail_url("women", mch.woman)
    assert ID_NUMBER not in found["Location"]
    assert no_token.status_code == 403


def test_an_unknown_and_an_unseen_woman_get_the_same_answer(mch: MchFile, outsider: User, mch_worker: User) -> None:
    url = reverse("maternal:woman_find")
    unseen = client_for(outsider).post(url, {"id_number": ID_NUMBER})
    unknown = client_for(mch_worker).post(url, {"id_number": make_id(date(1990, 1, 1), 12)})
    bad = client_for(mch_worker).post(url, {"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")})

    message = "No woman with this ID number among the records you can see."
    assert (unseen.status_code, unknown.status_code) == (200, 200)
    assert message in unseen.content.decode() and message in unknown.content.decode()
    assert ID_NUMBER not in unseen.content.decode()
    assert "This ID number&#x27;s check digit is wrong; check the number for a typing error." in bad.content.decode()
    assert ID_NUMBER[:-1] not in bad.content.decode()


def test_registering_the_same_id_number_twice_is_refused_on_the_form(
    mch: MchFile, mch_worker: User, places: Places
) -> None:
    response = client_for(mch_worker).post(
        reverse("records:create", kwargs={"kind": "women"}),
        {
            "name": "张丽",
            "id_number": ID_NUMBER,
            "phone": "",
            "residence": places.township.pk,
            "registered_at": mch.woman.registered_at_id,
        },
    )

    assert response.status_code == 400
    assert "A woman with this ID number is already registered." in response.content.decode()
    # What she typed comes back as typed (in this POST's answer only); nothing of the woman on file does.
    assert f'value="{ID_NUMBER}"' in response.content.decode()
    assert Woman.objects.count() == 1
    assert_masked(response.content.decode().replace(ID_NUMBER, ""))


def test_the_mch_pages_are_in_the_menu(mch_worker: User) -> None:
    content = client_for(mch_worker).get(reverse("maternal:home")).content.decode()

    assert '<a href="/mch/"' in content
    assert "/indicators/dashboard/?indicator=mch.early_registration_rate" in content


def test_a_refused_new_woman_keeps_what_was_typed_and_saves_once_the_error_is_fixed(
    mch: MchFile, mch_worker: User, places: Places
) -> None:
    client, url = client_for(mch_worker), reverse("records:create", kwargs={"kind": "women"})
    typed_id = make_id(date(1991, 4, 2), 31)
    data = {
        "name": "赵丽华",
        "id_number": typed_id,
        "phone": "13900001111",
        "residence": "no-such-region",
        "registered_at": mch.woman.registered_at_id,
    }
    refused = client.post(url, data)
    saved = client.post(url, data | {"residence": places.township.pk})

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "no-store" in refused["Cache-Control"]
    for key in ("name", "id_number", "phone"):
        assert f'name="{key}" value="{data[key]}"' in page
    summary = page.index('class="form-errors" role="alert"')
    assert summary < page.index('name="name"') and '<a href="#id_residence">' in page[summary:]
    assert "This value is masked" not in saved.content.decode()
    assert saved.status_code == 302
    assert Woman.objects.filter(id_number_digest__isnull=False).count() == 2
