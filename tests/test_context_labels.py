"""Words that read differently by what they name (issue 13, item 9): a course's title is not an agreement's
(协议名称), a woman's or a doctor's name is not an institution's (名称); a visit of a specialty alliance is not an
antenatal visit. The record lists head their columns with the model fields' names."""

from __future__ import annotations

import pytest
from django.utils import translation

from shanhai.partnerships.models import Agreement
from shanhai.records.kinds import kind_of


@pytest.mark.parametrize(
    ("slug", "key", "zh", "en"),
    [
        ("courses", "title", "培训名称", "title"),
        ("women", "name", "姓名", "name"),
        ("children", "name", "姓名", "name"),
        ("staff", "name", "姓名", "name"),
    ],
)
def test_list_headings_name_what_they_head(slug: str, key: str, zh: str, en: str) -> None:
    kind = kind_of(slug)
    with translation.override("zh-hans"):
        assert kind.heading(kind.column(key)) == zh
    with translation.override("en"):
        assert kind.heading(kind.column(key)) == en


def test_the_generic_words_keep_their_own_translations() -> None:
    with translation.override("zh-hans"):
        assert str(Agreement._meta.get_field("title").verbose_name) == "协议名称"
        assert translation.gettext("name") == "名称"
        assert translation.gettext("Add an antenatal visit") == "添加产前检查"
        assert translation.gettext("Add a visit") != translation.gettext("Add an antenatal visit")
