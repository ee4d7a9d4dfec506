"""A residence is a region: the women form offers counties and townships, never an institution (issue 13)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from shanhai.accounts.models import User
from shanhai.records.forms import RecordForm
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from tests.maternal.factories import mch_places


def test_the_residence_picker_offers_regions_only(world: World, mch_worker: User) -> None:
    places = mch_places(world)
    form = RecordForm(kind_of("women"), mch_worker)
    offered = set(form.fields["residence"].queryset.values_list("code", flat=True))  # type: ignore[attr-defined]
    assert places.township.code in offered and world.qitai.code in offered
    assert world.qitai_mch.code not in offered and places.township_centre.code not in offered


def test_an_institution_typed_as_a_residence_is_refused_with_a_clear_message(world: World, mch_worker: User) -> None:
    column = kind_of("women").column("residence")
    with pytest.raises(ValidationError) as refused:
        column.parse(world.qitai_mch.code, Lookup(mch_worker))
    assert "county or township" in refused.value.messages[0]
