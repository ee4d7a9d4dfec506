import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanhai.accounts.scoping import scope_of
from shanhai.partnerships.access import access_org_unit, access_partnership, access_programme, visible_org_units
from shanhai.partnerships.selectors import partnership_list, programme_list
from shanhai.workforce.access import access_person
from tests.core.factories import PersonFactory


def test_health_commission_membership_covers_its_region(world, commission_user):
    scope = scope_of(commission_user)
    assert scope.read_paths == (world.changji.path,)
    assert scope.can_read_path(world.qitai_mch.path)
    assert not scope.can_read_path(world.xinjiang.path)


def test_partnerships_are_visible_from_both_ends_only(world, supporter_user, commission_user, hospital_admin, outsider):
    assert list(partnership_list(supporter_user)) == [world.partnership]
    assert list(partnership_list(commission_user)) == [world.partnership]
    assert list(partnership_list(hospital_admin)) == [world.partnership]
    assert list(partnership_list(outsider)) == []
    assert access_partnership(supporter_user, world.partnership.pk) == world.partnership
    with pytest.raises(Http404):
        access_partnership(outsider, world.partnership.pk)
    with pytest.raises(Http404):
        access_partnership(outsider, "not-a-number")


def test_programmes_visible_to_owner_side_and_participants(world, supporter_user, hospital_admin, outsider):
    assert list(programme_list(supporter_user)) == [world.programme]
    assert list(programme_list(hospital_admin)) == [world.programme]
    assert list(programme_list(outsider)) == []
    with pytest.raises(Http404):
        access_programme(outsider, world.programme.pk)
    with pytest.raises(PermissionDenied):
        access_programme(hospital_admin, world.programme.pk, for_write=True)
    assert access_programme(supporter_user, world.programme.pk, for_write=True) == world.programme


def test_org_units_visible_in_subtree_and_across_partnerships(world, mch_worker, supporter_user, outsider):
    assert set(visible_org_units(mch_worker).values_list("code", flat=True)) == {"H652325002"}
    seen_by_supporter = set(visible_org_units(supporter_user).values_list("code", flat=True))
    assert seen_by_supporter == {"350000", "350100", "350181", "H350181001", "H652325001"}
    with pytest.raises(Http404):
        access_org_unit(outsider, "652300")
    with pytest.raises(PermissionDenied):
        access_org_unit(supporter_user, "H652325001", for_write=True)  # visible as a partner, not writable


def test_people_are_scoped_by_institution(world, mch_worker, hospital_admin, outsider):
    person = PersonFactory(institution=world.qitai_mch)
    assert access_person(mch_worker, person.public_id) == person
    for user in (hospital_admin, outsider):
        with pytest.raises(Http404):
            access_person(user, person.public_id)
    with pytest.raises(Http404):
        access_person(mch_worker, "not-a-uuid")


def test_viewer_cannot_write(world, outsider, mch_worker):
    assert not scope_of(outsider).can_write_anything
    assert scope_of(mch_worker).can_write_path(world.qitai_mch.path)
    assert not scope_of(mch_worker).can_manage_partnerships
    assert not scope_of(None).read_paths


def test_admin_sees_everything(world, admin):
    assert scope_of(admin).is_admin
    assert visible_org_units(admin).count() == 12
