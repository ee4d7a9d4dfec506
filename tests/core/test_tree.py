import pytest
from django.core.exceptions import ValidationError

from shanhai.core.models import AuditEntry, OrgUnit, OrgUnitKind
from shanhai.core.selectors import ancestors, children, subtree
from shanhai.core.services import org_unit_create, org_unit_move, org_unit_update
from tests.core.factories import OrgUnitFactory


def _paths_are_consistent() -> None:
    """Every unit's path, level and ancestor columns agree with its parent chain."""
    for unit in OrgUnit.objects.all():
        chain = []
        node: OrgUnit | None = unit
        while node is not None:
            chain.append(node.pk)
            node = node.parent
        chain.reverse()
        assert unit.path == "/" + "".join(f"{pk}/" for pk in chain)
        assert unit.level == len(chain)
        assert [getattr(unit, f"anc_{k}") for k in range(1, 7)] == chain + [None] * (6 - len(chain))


def test_create_sets_path_level_and_ancestors(world):
    assert (
        world.qitai_hospital.path
        == f"/{world.xinjiang.pk}/{world.changji.pk}/{world.qitai.pk}/{world.qitai_hospital.pk}/"
    )
    assert world.qitai_hospital.level == 4
    assert world.qitai_hospital.ancestor_ids == [
        world.xinjiang.pk,
        world.changji.pk,
        world.qitai.pk,
        world.qitai_hospital.pk,
    ]
    _paths_are_consistent()


def test_subtree_and_ancestors_selectors(world):
    assert set(subtree(world.changji).values_list("code", flat=True)) == {
        "652300",
        "W652300",
        "652325",
        "H652325001",
        "H652325002",
    }
    assert set(subtree(world.changji, include_self=False).values_list("code", flat=True)) == {
        "W652300",
        "652325",
        "H652325001",
        "H652325002",
    }
    assert list(ancestors(world.qitai_mch).values_list("code", flat=True)) == ["650000", "652300", "652325"]
    assert list(ancestors(world.qitai_mch, include_self=True).values_list("code", flat=True))[-1] == "H652325002"
    assert set(children(world.qitai).values_list("code", flat=True)) == {"H652325001", "H652325002"}


def test_subtree_query_does_not_recurse(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(subtree(world.xinjiang))) == 6


def test_move_subtree_rewrites_every_path(world):
    org_unit_move(actor=None, unit=world.qitai, new_parent=world.fuzhou)
    _paths_are_consistent()
    hospital = OrgUnit.objects.get(code="H652325001")
    assert hospital.ancestor_ids[:2] == [world.fujian.pk, world.fuzhou.pk]
    assert hospital.level == 4
    assert set(subtree(world.changji).values_list("code", flat=True)) == {"652300", "W652300"}
    assert AuditEntry.objects.filter(action="move", object_id=str(world.qitai.pk)).count() == 1


def test_move_to_root_and_deeper(world):
    org_unit_move(actor=None, unit=world.qitai, new_parent=None)
    _paths_are_consistent()
    assert OrgUnit.objects.get(code="652325").level == 1
    org_unit_move(actor=None, unit=OrgUnit.objects.get(code="652325"), new_parent=world.fuqing_hospital)
    _paths_are_consistent()
    assert OrgUnit.objects.get(code="H652325002").level == 6


def test_move_under_own_subtree_is_refused(world):
    with pytest.raises(ValidationError) as error:
        org_unit_move(actor=None, unit=world.changji, new_parent=world.qitai)
    assert "subunits" in str(error.value) or "下级" in str(error.value)
    _paths_are_consistent()


def test_tree_depth_is_limited(world):
    deep = OrgUnitFactory(
        kind=OrgUnitKind.CAMPUS, parent=OrgUnitFactory(kind=OrgUnitKind.CAMPUS, parent=world.qitai_hospital)
    )
    assert deep.level == 6
    with pytest.raises(ValidationError):
        OrgUnitFactory(kind=OrgUnitKind.CAMPUS, parent=deep)
    with pytest.raises(ValidationError):
        org_unit_move(actor=None, unit=world.qitai, new_parent=world.fuqing_hospital)  # Qitai's subtree is 3 deep


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "65232", "kind": OrgUnitKind.COUNTY}, "code"),
        ({"code": "H652325001"}, "code"),
        ({"name": " "}, "name"),
        ({"kind": OrgUnitKind.COUNTY, "code": "652399", "grade": "3A"}, "grade"),
    ],
)
def test_org_unit_validation(world, changes, field):
    from shanhai.core.models import HospitalGrade

    data = {"code": "X1", "name": "新机构", "kind": OrgUnitKind.GENERAL_HOSPITAL, "parent": world.qitai} | changes
    if isinstance(data.get("grade"), str):
        data["grade"] = HospitalGrade.objects.get(code=data["grade"])
    count = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as error:
        org_unit_create(actor=None, **data)
    assert field in error.value.message_dict
    assert OrgUnit.objects.count() == count


def test_update_is_audited_with_diff(world, admin):
    org_unit_update(actor=admin, unit=world.qitai_mch, name="奇台县妇幼保健计划生育服务中心")
    entry = AuditEntry.objects.filter(object_type="core.orgunit", action="update").get()
    assert entry.actor == admin
    assert entry.changes == {"name": ["奇台县妇幼保健院", "奇台县妇幼保健计划生育服务中心"]}
    assert entry.org_path == world.qitai_mch.path
