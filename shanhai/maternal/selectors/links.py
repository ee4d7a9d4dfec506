"""Links to the MCH record pages (the generic record pages of ``shanhai.records``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from shanhai.maternal.models import Child, Pregnancy


def pregnancy_url(pregnancy: Pregnancy) -> str:
    return reverse("records:detail", kwargs={"kind": "pregnancies", "public_id": pregnancy.public_id})


def child_url(child: Child) -> str:
    return reverse("records:detail", kwargs={"kind": "children", "public_id": child.public_id})


def create_url(slug: str, **query: Any) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"{reverse('records:create', kwargs={'kind': slug})}?{params}"
