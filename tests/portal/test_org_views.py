"""Pages of the org tree, the overview and the audit trail, through the personas of the root conftest."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from shanhai.core.models import AuditEntry, OrgUnit
from shanhai.core.periods import parse_period
from shanhai.core.services import org_unit_update
from shanhai.portal.tables import changes_html

NOT_REPORTED = "not reported"


def detail(code: str) -> str:
    return reverse("portal:org_detail", args=[code])


def snapshot_units() -> list[tuple]:
    return list(OrgUnit.objects.order_by("pk").values_list("pk", "code", "name", "kind", "path", "parent_id"))


# --- anonymous users go to the login page ----------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/org/",
        "/org/H652325001/",
        "/org/H652325001/children/",
        "/org/new/?parent=H652325001",
        "/org/H652325001/edit/",
        "/org/H652325001/move/",
        "/audit/",
    ],
)
def test_anonymous_is_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_post_saves_nothing(client, world):
    before = snapshot_units()
    response = client.post("/org/H652325001/edit/", {"code": "H652325001", "name": "x", "kind": "general_hospital"})
    assert response.status_code == 302
    assert snapshot_units() == before


# --- overview ----------------------------------------------------------------------------------
def test_home_shows_receiving_side_headlines(client, hospital_admin, world, django_assert_max_num_queries):
    client.force_login(hospital_admin)
    # The headline and the latest month with data (15), and an institution administrator's parts: MCH records in
    # scope, the consultation queues, imaging studies, targets, the month's reports due (about 18 more, whatever the
    # records).
    with django_assert_max_num_queries(36):
        response = client.get("/")
    assert response.status_code == 200
    [headline] = response.context["headlines"]
    assert headline.unit == world.qitai_hospital
    assert headline.supporting is None
    assert [(v.code, v.display) for v in headline.receiving] == [
        ("partnerships_active", "1"),
        ("supporting_institutions", "1"),
        ("recipient_institutions", "1"),
        ("agreements_signed", NOT_REPORTED),
    ]
    assert response.context["period"] == parse_period("2021")  # the year of the world's latest facts
    assert 'data-indicator="partnerships_active"' in response.content.decode()
    assert "奇台县人民医院" in response.content.decode()


def test_home_shows_supporting_side_for_supporters(client, supporter_user, world):
    client.force_login(supporter_user)
    response = client.get("/")
    [headline] = response.context["headlines"]
    assert headline.unit == world.fujian
    assert [v.display for v in headline.supporting] == ["1", "1", "1", NOT_REPORTED]
    assert headline.receiving is None  # Fujian receives nothing: no row of "not reported" on its home
    assert "As receiving side" not in response.content.decode()


def test_home_period_picker(client, hospital_admin, world):
    client.force_login(hospital_admin)
    response = client.get("/?period=2020")
    assert response.context["period"].code == "2020"
    [headline] = response.context["headlines"]
    assert [v.display for v in headline.receiving] == [NOT_REPORTED] * 4


def test_home_bad_period_shows_the_message_and_the_year_with_data(client, hospital_admin, world):
    client.force_login(hospital_admin)
    response = client.get("/?period=2023X")
    assert response.status_code == 200
    assert response.context["period"] == parse_period("2021")
    assert response.context["period_form"].errors["period"] == [
        "“2023X” is not a period. Use 202305 (month), 2023Q2 (quarter), 2023 (year), 2021Oct (MCH year) "
        "or 202001..202305 (range)."
    ]
    assert "is not a period" in response.content.decode()


def test_home_without_membership(client, django_user_model, world):
    user = django_user_model.objects.create_user(username="nobody", password="correct-horse-9")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["headlines"] == []
    assert "not attached to any organisation" in response.content.decode()


def test_home_sidebar_skips_audit_for_viewers(client, outsider, admin, world):
    client.force_login(outsider)
    assert reverse("portal:audit_list") not in client.get("/").content.decode()
    client.force_login(admin)
    assert reverse("portal:audit_list") in client.get("/").content.decode()


# --- tree ------------------------------------------------------------------------------------
def test_org_tree_of_admin_starts_at_top_level(client, admin, world, django_assert_max_num_queries):
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        response = client.get("/org/")
    assert response.status_code == 200
    units = list(response.context["units"])
    assert {u.code for u in units} == {"350000", "650000", "460000"}
    assert all(u.has_children for u in units)
    content = response.content.decode()
    assert 'hx-get="/org/650000/children/"' in content
    assert 'hx-trigger="toggle once"' in content


def test_org_tree_starts_at_the_users_roots(client, hospital_admin, world):
    client.force_login(hospital_admin)
    response = client.get("/org/")
    units = list(response.context["units"])
    assert [(u.code, u.has_children) for u in units] == [("H652325001", False)]
    content = response.content.decode()
    assert "奇台县人民医院" in content
    assert "新疆维吾尔自治区" not in content


def test_org_children_fragment(client, commission_user, world, django_assert_max_num_queries):
    client.force_login(commission_user)
    with django_assert_max_num_queries(8):
        response = client.get("/org/652300/children/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert {u.code for u in response.context["units"]} == {"W652300", "652325"}
    assert "昌吉州卫生健康委员会" in content and "奇台县" in content


def test_org_children_hides_units_outside_scope(client, supporter_user, world):
    client.force_login(supporter_user)
    # The partner hospital is visible through the partnership, its county is not.
    assert client.get("/org/H652325001/children/").status_code == 200
    assert client.get("/org/652325/children/").status_code == 404


def test_org_children_outsider_gets_404(client, outsider, world):
    client.force_login(outsider)
    assert client.get("/org/652325/children/").status_code == 404


# --- detail ----------------------------------------------------------------------------------
def test_org_detail(client, hospital_admin, world, django_assert_max_num_queries):
    client.force_login(hospital_admin)
    # The record apps' figures (one fact query, a few per measure), the latest data (2), zero or unknown (2), and
    # one count per part of the registered breakdowns ("By kind", 11 parts).
    with django_assert_max_num_queries(62):
        response = client.get(detail("H652325001"))
    assert response.status_code == 200
    assert [(a.code, readable) for a, readable in response.context["ancestors"]] == [
        ("650000", False),
        ("652300", False),
        ("652325", False),
    ]
    assert [p.pk for p in response.context["partnerships"]] == [world.partnership.pk]
    assert [v.display for v in response.context["headline"].receiving] == ["1", "1", "1", NOT_REPORTED]
    assert response.context["can_write"] is True
    content = response.content.decode()
    assert "福清市医院 → 奇台县人民医院" in content
    assert reverse("portal:org_edit", args=["H652325001"]) in content


def test_org_detail_region_lists_partnerships_in_its_subtree(client, commission_user, world):
    client.force_login(commission_user)
    response = client.get(detail("652300"))
    assert [p.pk for p in response.context["partnerships"]] == [world.partnership.pk]
    assert {u.code for u in response.context["children"]} == {"W652300", "652325"}
    assert [(a.code, readable) for a, readable in response.context["ancestors"]] == [("650000", False)]


def test_org_detail_partner_side_is_read_only(client, supporter_user, world):
    client.force_login(supporter_user)
    response = client.get(detail("H652325001"))
    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert response.context["headline"] is None  # a partner unit's own numbers stay with its organisation
    content = response.content.decode()
    assert reverse("portal:org_edit", args=["H652325001"]) not in content
    assert 'data-indicator="' not in content
    assert "福清市医院 → 奇台县人民医院" in content


def test_org_detail_outsider_gets_404(client, outsider, world):
    client.force_login(outsider)
    response = client.get(detail("H652325001"))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


# --- create ----------------------------------------------------------------------------------
CAMPUS = {"code": "H652325001-B", "name": "奇台县人民医院东院区", "short_name": "", "kind": "campus", "grade": ""}


def test_writer_creates_a_unit_and_it_is_audited(client, hospital_admin, world):
    client.force_login(hospital_admin)
    assert client.get("/org/new/?parent=H652325001").status_code == 200
    response = client.post("/org/new/?parent=H652325001", CAMPUS)
    assert response.status_code == 302
    assert response["Location"] == detail("H652325001-B")
    unit = OrgUnit.objects.get(code="H652325001-B")
    assert (unit.parent, unit.name, unit.kind, unit.level) == (
        world.qitai_hospital,
        "奇台县人民医院东院区",
        "campus",
        5,
    )
    entry = AuditEntry.objects.get(object_type="core.orgunit", object_id=str(unit.pk))
    assert (entry.action, entry.actor, entry.org_unit) == ("create", hospital_admin, unit)


def test_create_shows_service_errors_and_saves_nothing(client, hospital_admin, world):
    client.force_login(hospital_admin)
    before = snapshot_units()
    response = client.post("/org/new/?parent=H652325001", {**CAMPUS, "code": "H652325002"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Another organisation already uses the code H652325002."]}
    assert "Another organisation already uses the code H652325002." in response.content.decode()
    assert snapshot_units() == before


def test_create_form_errors_and_nothing_saved(client, hospital_admin, world):
    client.force_login(hospital_admin)
    before = snapshot_units()
    response = client.post("/org/new/?parent=H652325001", {**CAMPUS, "kind": "county", "code": "QT1"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["A province, prefecture or county uses its six-digit GB/T 2260 code."]
    }
    assert snapshot_units() == before


def test_create_outside_scope_is_404_and_saves_nothing(client, outsider, world):
    client.force_login(outsider)
    before = snapshot_units()
    assert client.post("/org/new/?parent=H652325001", CAMPUS).status_code == 404
    assert snapshot_units() == before


def test_viewer_cannot_create_in_own_subtree(client, outsider, world):
    client.force_login(outsider)
    before = snapshot_units()
    response = client.post("/org/new/?parent=460000", {**CAMPUS, "code": "H460-NEW"})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert snapshot_units() == before


def test_top_level_units_need_a_system_admin(client, supporter_user, admin, world):
    province = {"code": "630000", "name": "青海省", "kind": "province", "short_name": "", "grade": ""}
    client.force_login(supporter_user)
    assert client.post("/org/new/", province).status_code == 403
    assert not OrgUnit.objects.filter(code="630000").exists()
    client.force_login(admin)
    assert client.post("/org/new/", province).status_code == 302
    assert OrgUnit.objects.get(code="630000").level == 1


# --- edit ------------------------------------------------------------------------------------
def edit_data(unit: OrgUnit, **changes: str) -> dict[str, str]:
    data = {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "grade": str(unit.grade_id or ""),
        "valid_from": "",
        "valid_to": "",
    }
    return {**data, **changes}


def test_writer_edits_a_unit_and_it_is_audited(client, hospital_admin, world):
    client.force_login(hospital_admin)
    response = client.post("/org/H652325001/edit/", edit_data(world.qitai_hospital, short_name="奇台县医院"))
    assert response.status_code == 302
    world.qitai_hospital.refresh_from_db()
    assert world.qitai_hospital.short_name == "奇台县医院"
    entry = AuditEntry.objects.filter(object_type="core.orgunit", action="update").get()
    assert (entry.actor, entry.changes) == (hospital_admin, {"short_name": ["", "奇台县医院"]})


def test_edit_without_changes_writes_no_audit_entry(client, hospital_admin, world):
    client.force_login(hospital_admin)
    response = client.post("/org/H652325001/edit/", edit_data(world.qitai_hospital))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="update").exists()


def test_edit_shows_service_errors_and_saves_nothing(client, hospital_admin, world):
    client.force_login(hospital_admin)
    before = snapshot_units()
    response = client.post("/org/H652325001/edit/", edit_data(world.qitai_hospital, code="H652325002"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Another organisation already uses the code H652325002."]}
    assert snapshot_units() == before
    assert not AuditEntry.objects.filter(action="update").exists()


def test_edit_outside_scope_is_404_and_unchanged(client, outsider, mch_worker, world):
    before = snapshot_units()
    for user in (outsider, mch_worker):
        client.force_login(user)
        assert client.get("/org/H652325001/edit/").status_code == 404
        assert client.post("/org/H652325001/edit/", edit_data(world.qitai_hospital, name="改名")).status_code == 404
    assert snapshot_units() == before


def test_read_only_access_cannot_edit(client, supporter_user, outsider, world):
    before = snapshot_units()
    client.force_login(supporter_user)  # sees the partner hospital, may not write there
    assert client.post("/org/H652325001/edit/", edit_data(world.qitai_hospital, name="改名")).status_code == 403
    client.force_login(outsider)  # a viewer in its own subtree
    assert client.post("/org/460000/edit/", edit_data(world.hainan, name="改名")).status_code == 403
    assert snapshot_units() == before
    assert not AuditEntry.objects.filter(action="update").exists()


# --- move ------------------------------------------------------------------------------------
def test_writer_moves_a_unit_and_it_is_audited(client, commission_user, world):
    client.force_login(commission_user)
    assert client.get("/org/H652325002/move/").status_code == 200
    response = client.post("/org/H652325002/move/", {"parent_code": "652300"})
    assert response.status_code == 302
    world.qitai_mch.refresh_from_db()
    assert world.qitai_mch.parent == world.changji
    assert world.qitai_mch.path == f"{world.changji.path}{world.qitai_mch.pk}/"
    entry = AuditEntry.objects.get(action="move")
    assert (entry.actor, entry.changes) == (commission_user, {"parent": [world.qitai.pk, world.changji.pk]})


@pytest.mark.parametrize(
    ("parent_code", "message"),
    [
        ("460000", "No organisation you can see has the code 460000."),
        ("H350181001", "You may not place organisations there."),
        ("", "Only a system administrator can make a top-level organisation."),
    ],
)
def test_move_target_must_be_writable(client, commission_user, world, parent_code, message):
    # The commission sees Fuqing hospital (the supporter of a partnership in Changji) but may not write there.
    client.force_login(commission_user)
    before = snapshot_units()
    response = client.post("/org/H652325002/move/", {"parent_code": parent_code})
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent_code": [message]}
    assert snapshot_units() == before
    assert not AuditEntry.objects.filter(action="move").exists()


def test_move_under_itself_shows_the_service_message(client, admin, world):
    client.force_login(admin)
    before = snapshot_units()
    response = client.post("/org/652325/move/", {"parent_code": "H652325001"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "An organisation cannot be moved under itself or its own subunits."
    ]
    assert snapshot_units() == before


def test_move_outside_scope_is_404_and_viewer_403(client, outsider, supporter_user, world):
    before = snapshot_units()
    client.force_login(outsider)
    assert client.post("/org/H652325002/move/", {"parent_code": "460000"}).status_code == 404
    assert client.post("/org/H460100001/move/", {"parent_code": ""}).status_code == 403
    client.force_login(supporter_user)
    assert client.post("/org/H652325001/move/", {"parent_code": "350181"}).status_code == 403
    assert snapshot_units() == before


# --- audit trail -----------------------------------------------------------------------------
def test_audit_list_for_admin(client, admin, world, django_assert_max_num_queries):
    for number in range(60):
        org_unit_update(actor=admin, unit=world.haikou_hospital, short_name=f"海口{number}")
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        response = client.get("/audit/?action=update")
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == 60
    assert len(table.page.object_list) == 50
    content = response.content.decode()
    assert "<del>海口58</del> → <ins>海口59</ins>" in content
    assert "short name" in content  # the field's verbose name


def test_audit_list_is_scoped_and_filtered(client, hospital_admin, admin, world):
    org_unit_update(actor=admin, unit=world.qitai_hospital, short_name="奇台医院")
    org_unit_update(actor=admin, unit=world.haikou_hospital, short_name="海口医院")
    client.force_login(hospital_admin)
    response = client.get("/audit/")
    assert response.status_code == 200
    rows = list(response.context["table"].page.object_list)
    entries = [row.record for row in rows]
    assert {e.org_unit for e in entries} == {world.qitai_hospital}
    assert {(e.action, e.object_type) for e in entries} == {
        ("create", "core.orgunit"),
        ("update", "core.orgunit"),
        ("create", "accounts.membership"),
        ("create", "partnerships.partnership"),
    }
    response = client.get("/audit/?action=update&actor=admin-user&object_type=core.orgunit")
    assert [row.record.changes for row in response.context["table"].page.object_list] == [
        {"short_name": ["", "奇台医院"]}
    ]


def test_audit_list_is_404_without_audit_role(client, outsider, mch_worker, world):
    for user in (outsider, mch_worker):
        client.force_login(user)
        assert client.get("/audit/").status_code == 404


def test_audit_changes_are_readable(db):
    with translation.override("en"):
        created = changes_html({"name": [None, "奇台县"], "short_name": [None, ""]}, "core.orgunit", "create")
        assert created == (
            '<details class="changes-recorded"><summary>Recorded values</summary>'
            '<ul class="changes"><li><span class="field-name">name</span>: 奇台县</li></ul></details>'
        )
        updated = changes_html({"short_name": ["", "<b>奇台</b>"]}, "core.orgunit", "update")
        assert updated == (
            '<ul class="changes"><li><span class="field-name">short name</span>: '
            '<span class="muted">—</span> → <ins>&lt;b&gt;奇台&lt;/b&gt;</ins></li></ul>'
        )
        assert changes_html({}, "core.orgunit", "update") == '<span class="muted">no field changed</span>'
