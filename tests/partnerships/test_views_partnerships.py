"""Partnership pages: list (filters, htmx fragment, query count), detail, create/edit, agreements, targets."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shanhai.accounts.models import Role
from shanhai.core import clock
from shanhai.core.models import AuditEntry, OrgUnitKind
from shanhai.partnerships.models import Agreement, Partnership, Target
from shanhai.partnerships.services import agreement_add
from tests.core.factories import OrgUnitFactory, PartnershipFactory, make_user

LIST = reverse("partnerships:partnership_list")
CREATE = reverse("partnerships:partnership_create")


def message(msgid, **params):
    """A service message as the page shows it (default language, HTML-escaped)."""
    with translation.override(settings.LANGUAGE_CODE):
        return escape(translation.gettext(msgid) % params if params else translation.gettext(msgid))


def detail_url(partnership):
    return reverse("partnerships:partnership_detail", args=[partnership.pk])


def edit_url(partnership):
    return reverse("partnerships:partnership_edit", args=[partnership.pk])


@pytest.fixture
def viewer(world):
    """A read-only user at the receiving hospital: sees the partnership, may not change it."""
    return make_user("qitai-viewer", unit=world.qitai_hospital, role=Role.VIEWER)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def form_data(world, **changes):
    data = {
        "programme": world.programme.pk,
        "supporter": world.fuqing_hospital.pk,
        "recipient": world.qitai_mch.pk,
        "mode": "pairing",
        "level": "institution",
        "started_on": "2022-01-01",
        "ended_on": "",
        "baseline_start": "",
        "baseline_end": "",
        "description": "",
        "department": "",
    }
    return data | changes


# --- anonymous ---------------------------------------------------------------------------------
def test_every_page_sends_anonymous_users_to_login(client, world):
    agreement = agreement_add(actor=None, partnership=world.partnership, title="协议", signed_on=dt.date(2021, 3, 1))
    pk = world.partnership.pk
    urls = [
        LIST,
        CREATE,
        detail_url(world.partnership),
        edit_url(world.partnership),
        reverse("partnerships:agreement_document", args=[pk, agreement.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for name in ("partnerships:agreement_add", "partnerships:target_set"):
        response = client.post(reverse(name, args=[pk]), {"title": "x", "signed_on": "2021-01-01"})
        assert response.status_code == 302
    assert Agreement.objects.count() == 1
    assert Target.objects.count() == 0


# --- list ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["supporter_user", "commission_user", "hospital_admin", "admin"])
def test_list_shows_the_partnership_to_both_sides(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "福清市医院" in content
    assert "奇台县人民医院" in content
    assert detail_url(world.partnership) in content
    assert "<html" in content


@pytest.mark.parametrize("persona", ["outsider", "mch_worker"])
def test_list_hides_partnerships_outside_scope(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert detail_url(world.partnership) not in response.content.decode()
    assert "奇台县人民医院" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "active"}, True),
        ({"status": "ended"}, False),
        ({"status": "planned"}, False),
        ({"mode": "counterpart"}, True),
        ({"mode": "pairing"}, False),
        ({"region": "652325"}, True),
        ({"region": "350181"}, True),
        ({"q": "奇台"}, True),
        ({"q": "海口"}, False),
    ],
)
def test_list_filters(client, world, supporter_user, query, shown):
    client.force_login(supporter_user)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert (detail_url(world.partnership) in response.content.decode()) is shown


def test_list_filters_by_visible_programme(client, world, supporter_user):
    other = PartnershipFactory(supporter=world.fuqing_hospital, recipient=world.qitai_mch, mode="pairing")
    client.force_login(supporter_user)
    content = client.get(LIST, {"programme": world.programme.pk}).content.decode()
    assert detail_url(world.partnership) in content
    assert detail_url(other) not in content


def test_region_choices_are_regions_the_user_can_see(client, world, supporter_user):
    client.force_login(supporter_user)
    response = client.get(LIST, {"region": "460000"})
    region_codes = [code for code, _label in response.context["filter"].form.fields["region"].choices if code]
    assert region_codes == ["350000", "350100", "350181"]
    assert response.context["filter"].form.errors["region"]
    assert detail_url(world.partnership) in response.content.decode()


def test_htmx_request_gets_only_the_results_fragment(client, world, supporter_user):
    client.force_login(supporter_user)
    response = client.get(LIST, {"mode": "counterpart"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="partnership-results">')
    assert "<html" not in content
    assert detail_url(world.partnership) in content


def test_list_query_count_does_not_grow_with_rows(client, world, supporter_user, django_assert_num_queries):
    client.force_login(supporter_user)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(7):
        client.get(LIST)
    with django_assert_num_queries(6):
        client.get(LIST, headers={"HX-Request": "true"})
    for index in range(12):
        recipient = OrgUnitFactory(kind=OrgUnitKind.GENERAL_HOSPITAL, parent=world.qitai, name=f"奇台医院{index}")
        PartnershipFactory(supporter=world.fuqing_hospital, recipient=recipient, programme=world.programme)
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert response.content.decode().count("奇台医院") == 12


def test_list_paginates_by_fifty(client, world, admin):
    for index in range(50):
        recipient = OrgUnitFactory(kind=OrgUnitKind.GENERAL_HOSPITAL, parent=world.qitai, name=f"受援医院{index}")
        PartnershipFactory(supporter=world.fuqing_hospital, recipient=recipient)
    client.force_login(admin)
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(first.context["table"].page.object_list) == 50
    assert len(second.context["table"].page.object_list) == 1


# --- detail --------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["supporter_user", "commission_user", "hospital_admin"])
def test_detail_shows_both_sides_and_indicator_tiles(client, world, persona, request):
    agreement_add(
        actor=None, partnership=world.partnership, title="福清—奇台结对帮扶协议", signed_on=dt.date(2021, 3, 1)
    )
    client.force_login(request.getfixturevalue(persona))
    response = client.get(detail_url(world.partnership))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal:org_detail", args=["H350181001"]) in content
    assert reverse("portal:org_detail", args=["H652325001"]) in content
    assert "福清市医院" in content
    assert "福清—奇台结对帮扶协议" in content
    assert 'data-indicator="agreements_signed"' in content
    [tile] = response.context["tiles"]
    assert (tile.code, tile.value) == ("agreements_signed", 1.0)
    assert response.context["period"].code == f"202103..{clock.today():%Y%m}"


@pytest.mark.parametrize("persona", ["outsider", "mch_worker"])
def test_detail_is_404_outside_scope(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(detail_url(world.partnership)).status_code == 404
    assert client.get(reverse("partnerships:partnership_detail", args=[999999])).status_code == 404


def test_detail_period_picker_and_bad_period(client, world, supporter_user):
    client.force_login(supporter_user)
    response = client.get(detail_url(world.partnership), {"period": "2021"})
    assert response.context["period"].code == "2021"
    bad = client.get(detail_url(world.partnership), {"period": "2021-13"})
    assert bad.status_code == 200
    assert escape("“2021-13”") in bad.content.decode()
    assert bad.context["period"].code == f"202103..{clock.today():%Y%m}"


def test_manage_forms_are_shown_to_managers_only(client, world, supporter_user, viewer):
    add_url = reverse("partnerships:agreement_add", args=[world.partnership.pk])
    client.force_login(supporter_user)
    assert add_url in client.get(detail_url(world.partnership)).content.decode()
    client.force_login(viewer)
    content = client.get(detail_url(world.partnership)).content.decode()
    assert add_url not in content
    assert edit_url(world.partnership) not in content


# --- create and edit -----------------------------------------------------------------------------
def test_create_saves_through_the_service_and_audits(client, world, commission_user):
    client.force_login(commission_user)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(world))
    created = Partnership.objects.get(recipient=world.qitai_mch)
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    assert (created.supporter, created.mode, created.programme) == (world.fuqing_hospital, "pairing", world.programme)
    entry = AuditEntry.objects.get(object_type="partnerships.partnership", object_id=str(created.pk))
    assert (entry.action, entry.actor) == ("create", commission_user)


@pytest.mark.parametrize("persona", ["outsider", "mch_worker", "viewer"])
def test_read_only_users_cannot_create(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    count = Partnership.objects.count()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(world)).status_code == 403
    assert Partnership.objects.count() == count


@pytest.mark.parametrize(
    ("changes", "field", "msgid", "params"),
    [
        (
            {"supporter": "qitai_mch"},
            "recipient",
            "The supporting and the receiving organisation must be different.",
            {},
        ),
        (
            {"ended_on": "2021-12-31"},
            "ended_on",
            "The end date (%(end)s) is before the start date (%(start)s).",
            {"end": dt.date(2021, 12, 31), "start": dt.date(2022, 1, 1)},
        ),
        (
            {"recipient": "qitai_hospital", "mode": "counterpart"},
            "__all__",
            "%(supporter)s already supports %(recipient)s in this mode from %(start)s; "
            "end that partnership first or change the dates.",
            {"supporter": "福清市医院", "recipient": "奇台县人民医院", "start": dt.date(2021, 3, 1)},
        ),
    ],
)
def test_create_shows_service_errors_and_saves_nothing(client, world, commission_user, changes, field, msgid, params):
    changes = {k: getattr(world, v).pk if hasattr(world, v) else v for k, v in changes.items()}
    client.force_login(commission_user)
    count, audits = Partnership.objects.count(), AuditEntry.objects.count()
    response = client.post(CREATE, form_data(world, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.non_field_errors() if field == "__all__" else form.errors[field]
    assert list(errors) == [translation.gettext(msgid) % params if params else translation.gettext(msgid)]
    assert message(msgid, **params) in response.content.decode()
    assert (Partnership.objects.count(), AuditEntry.objects.count()) == (count, audits)


def test_create_refuses_pairs_that_do_not_touch_the_users_units(client, world, hospital_admin):
    other = OrgUnitFactory(code="H350181009", name="福清市中医院", kind=OrgUnitKind.TCM_HOSPITAL, parent=world.fuqing)
    PartnershipFactory(supporter=other, recipient=world.qitai_hospital, mode="pairing")
    client.force_login(hospital_admin)
    count = Partnership.objects.count()
    response = client.post(CREATE, form_data(world, supporter=world.fuqing_hospital.pk, recipient=other.pk))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Partnership.objects.count() == count


def test_create_offers_only_visible_institutions(client, world, supporter_user):
    client.force_login(supporter_user)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["supporter"].queryset) == [world.fuqing_hospital, world.qitai_hospital]
    response = client.post(CREATE, form_data(world, recipient=world.haikou_hospital.pk))
    assert "recipient" in response.context["form"].errors
    assert not Partnership.objects.filter(recipient=world.haikou_hospital).exists()


def test_edit_saves_changes_and_audits(client, world, commission_user):
    client.force_login(commission_user)
    response = client.get(edit_url(world.partnership))
    assert response.status_code == 200
    assert response.context["form"]["started_on"].value() == dt.date(2021, 3, 1)
    data = form_data(
        world, recipient=world.qitai_hospital.pk, mode="counterpart", started_on="2021-03-01", ended_on="2025-12-31"
    )
    response = client.post(edit_url(world.partnership), data)
    assert response.status_code == 302
    world.partnership.refresh_from_db()
    assert world.partnership.ended_on == dt.date(2025, 12, 31)
    entry = AuditEntry.objects.filter(object_type="partnerships.partnership", action="update").get()
    assert entry.actor == commission_user
    assert entry.changes == {"ended_on": [None, "2025-12-31"]}


def test_edit_with_end_before_start_saves_nothing(client, world, hospital_admin):
    client.force_login(hospital_admin)
    data = form_data(
        world, recipient=world.qitai_hospital.pk, mode="counterpart", started_on="2021-03-01", ended_on="2020-01-01"
    )
    response = client.post(edit_url(world.partnership), data)
    assert response.status_code == 200
    assert (
        message(
            "The end date (%(end)s) is before the start date (%(start)s).",
            end=dt.date(2020, 1, 1),
            start=dt.date(2021, 3, 1),
        )
        in response.content.decode()
    )
    world.partnership.refresh_from_db()
    assert world.partnership.ended_on is None
    assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("mch_worker", 404), ("viewer", 403)])
def test_edit_is_refused_and_changes_nothing(client, world, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    data = form_data(
        world, recipient=world.qitai_hospital.pk, mode="counterpart", started_on="2021-03-01", ended_on="2025-12-31"
    )
    assert client.get(edit_url(world.partnership)).status_code == status
    assert client.post(edit_url(world.partnership), data).status_code == status
    world.partnership.refresh_from_db()
    assert world.partnership.ended_on is None
    assert not AuditEntry.objects.filter(action="update").exists()


# --- agreements ----------------------------------------------------------------------------------
def test_agreement_add_with_document_and_download(client, world, hospital_admin, supporter_user, media):
    client.force_login(hospital_admin)
    document = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 agreement", content_type="application/pdf")
    response = client.post(
        reverse("partnerships:agreement_add", args=[world.partnership.pk]),
        {"title": "结对帮扶协议", "signed_on": "2021-03-01", "document": document},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.title, agreement.signed_on) == ("结对帮扶协议", dt.date(2021, 3, 1))
    assert (
        AuditEntry.objects.filter(object_type="partnerships.agreement", action="create", actor=hospital_admin).count()
        == 1
    )
    url = reverse("partnerships:agreement_document", args=[world.partnership.pk, agreement.pk])
    assert url in client.get(detail_url(world.partnership)).content.decode()
    client.force_login(supporter_user)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 agreement"
    assert download["Content-Disposition"].startswith("attachment;")


def test_agreement_in_the_future_is_refused(client, world, hospital_admin, media):
    client.force_login(hospital_admin)
    tomorrow = clock.today() + dt.timedelta(days=1)
    response = client.post(
        reverse("partnerships:agreement_add", args=[world.partnership.pk]),
        {"title": "结对帮扶协议", "signed_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert message("The signing date cannot be in the future.") in response.content.decode()
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("mch_worker", 404), ("viewer", 403)])
def test_agreement_add_is_refused_and_saves_nothing(client, world, persona, status, request, media):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("partnerships:agreement_add", args=[world.partnership.pk]),
        {"title": "结对帮扶协议", "signed_on": "2021-03-01"},
    )
    assert response.status_code == status
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "mch_worker"])
def test_agreement_document_is_404_outside_scope(client, world, persona, request, media):
    document = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 secret", content_type="application/pdf")
    agreement = agreement_add(
        actor=None, partnership=world.partnership, title="协议", signed_on=dt.date(2021, 3, 1), document=document
    )
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("partnerships:agreement_document", args=[world.partnership.pk, agreement.pk]))
    assert response.status_code == 404
    assert b"secret" not in response.content


def test_agreement_document_of_another_partnership_is_404(client, world, supporter_user, media):
    hidden = PartnershipFactory(supporter=world.haikou_hospital, recipient=OrgUnitFactory(parent=world.hainan))
    document = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 secret", content_type="application/pdf")
    agreement = agreement_add(
        actor=None, partnership=hidden, title="协议", signed_on=dt.date(2021, 3, 1), document=document
    )
    client.force_login(supporter_user)
    url = reverse("partnerships:agreement_document", args=[world.partnership.pk, agreement.pk])
    assert client.get(url).status_code == 404


# --- targets -------------------------------------------------------------------------------------
def test_target_set_saves_and_shows_the_indicator_name(client, world, supporter_user):
    client.force_login(supporter_user)
    response = client.post(
        reverse("partnerships:target_set", args=[world.partnership.pk]),
        {"indicator": "agreements_signed", "value": "2", "due_on": "2025-12-31", "note": ""},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.indicator, target.value, target.due_on) == ("agreements_signed", 2.0, dt.date(2025, 12, 31))
    assert AuditEntry.objects.filter(object_type="partnerships.target", actor=supporter_user).count() == 1
    with translation.override(settings.LANGUAGE_CODE):
        from shanhai.analytics.registry import registry

        name = registry.get("agreements_signed").name()
    assert name in client.get(detail_url(world.partnership)).content.decode()


def test_target_with_unknown_indicator_saves_nothing(client, world, supporter_user):
    client.force_login(supporter_user)
    response = client.post(
        reverse("partnerships:target_set", args=[world.partnership.pk]),
        {"indicator": "no_such_indicator", "value": "2", "due_on": "2025-12-31"},
    )
    assert response.status_code == 200
    assert "indicator" in response.context["target_form"].errors
    assert Target.objects.count() == 0


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("mch_worker", 404), ("viewer", 403)])
def test_target_set_is_refused_and_saves_nothing(client, world, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("partnerships:target_set", args=[world.partnership.pk]),
        {"indicator": "agreements_signed", "value": "2", "due_on": "2025-12-31"},
    )
    assert response.status_code == status
    assert Target.objects.count() == 0
