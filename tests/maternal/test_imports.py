"""Importing women, then pregnancies, then antenatal visits from XLSX (each file all or nothing), and
re-importing an export."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import World
from shanhai.accounts.models import User
from shanhai.maternal import services
from shanhai.maternal.models import Pregnancy, Woman
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.tabular import read_table
from tests.maternal.factories import Places
from tests.maternal.mch_file import ID_NUMBER, NAME, PHONE, MchFile, assert_masked, client_for, make_id


# --- importing women, pregnancies and visits ----------------------------------------------------------------------
def workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Client, slug: str, content: bytes) -> Any:
    file = io.BytesIO(content)
    file.name = f"{slug}.xlsx"
    return client.post(reverse("records:import", kwargs={"kind": slug}), {"file": file})


WOMEN_HEADERS = [
    "Name",
    "ID number",
    "Phone",
    "Residence (county or township)",
    "Registering institution (code or name)",
]
PREGNANCY_HEADERS = [
    "Woman (record number or ID number)",
    "Registration date",
    "Registering institution (code or name)",
    "Last menstrual period",
    "Gravidity",
    "Parity",
]
VISIT_HEADERS = ["Pregnancy (record number or ID number)", "Date", "Institution (code or name)"]


def women_rows(places: Places, world: World) -> list[list[Any]]:
    return [
        ["李秀英", make_id(date(1992, 5, 17), 24), "13812345678", places.township.code, world.qitai_mch.code],
        ["张丽", make_id(date(1990, 8, 9), 42), "", "奇台县", world.qitai_mch.name],
    ]


def test_a_good_set_of_files_imports_women_then_pregnancies_then_visits(
    world: World, places: Places, mch_worker: User
) -> None:
    client = client_for(mch_worker)
    ids = [row[1] for row in women_rows(places, world)]
    women = upload(client, "women", workbook(WOMEN_HEADERS, women_rows(places, world)))
    pregnancies = upload(
        client,
        "pregnancies",
        workbook(
            PREGNANCY_HEADERS,
            [
                [ids[0], "2024-03-01", world.qitai_mch.code, "2024-01-01", 2, 1],
                [ids[1].lower(), "2024-04-02", "奇台县妇幼保健院", "2024-02-10", None, None],
            ],
        ),
    )
    visits = upload(
        client,
        "antenatal-visits",
        workbook(
            VISIT_HEADERS,
            [
                [ids[0], "2024-03-01", world.qitai_mch.code],
                [ids[0], "2024-05-10", world.qitai_mch.code],
                [ids[1], "2024-04-02", world.qitai_mch.code],
            ],
        ),
    )

    assert [r.status_code for r in (women, pregnancies, visits)] == [200, 200, 200]
    assert Woman.objects.count() == 2
    assert sorted(Pregnancy.objects.values_list("registered_on", "gravidity", "parity")) == [
        (date(2024, 3, 1), 2, 1),
        (date(2024, 4, 2), 1, 0),
    ]
    first = Pregnancy.objects.get(registered_on=date(2024, 3, 1))
    assert (first.antenatal_visit_count, first.is_early_registered) == (2, True)
    for response in (women, pregnancies, visits):
        assert_masked(response.content.decode())


def test_one_bad_row_imports_nothing_and_names_every_problem(world: World, places: Places, mch_worker: User) -> None:
    good, duplicate = women_rows(places, world)
    bad_checksum = [
        "马兰",
        good[1][:-1] + ("1" if good[1][-1] != "1" else "2"),
        "",
        places.township.code,
        world.qitai_mch.code,
    ]
    duplicate[1] = good[1]
    result = import_rows(kind_of("women"), mch_worker, WOMEN_HEADERS, [good, bad_checksum, duplicate])
    # Cells are checked first; the services' checks (a number registered twice) run once every cell is right.
    twice = import_rows(kind_of("women"), mch_worker, WOMEN_HEADERS, [good, duplicate])

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "ID number", "This ID number's check digit is wrong; check the number for a typing error."),
    ]
    assert [(e.row, e.column, e.message) for e in twice.errors] == [
        (3, "ID number", "A woman with this ID number is already registered."),
    ]
    assert (result.created, twice.created, Woman.objects.count()) == (0, 0, 0)
    assert_masked(json.dumps(result.errors_as_dicts(), ensure_ascii=False))


def test_a_pregnancy_of_an_unknown_or_unseen_woman_is_refused(world: World, places: Places, mch_worker: User) -> None:
    unknown = make_id(date(1991, 1, 1), 58)
    other = services.woman_create(
        actor=None,
        name="阿依夏",
        id_number=make_id(date(1994, 4, 4), 60),
        residence=places.jimsar,
        registered_at=places.jimsar_hospital,
    )
    rows = [
        [unknown, "2024-03-01", world.qitai_mch.code, "2024-01-01", 1, 0],
        [make_id(date(1994, 4, 4), 60), "2024-03-01", world.qitai_mch.code, "2024-01-01", 1, 0],
        ["not-a-number", "2024-03-01", world.qitai_mch.code, "2024-01-01", 1, 0],
    ]
    result = import_rows(kind_of("pregnancies"), mch_worker, PREGNANCY_HEADERS, rows)

    column = "Woman (record number or ID number)"
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, column, "No woman with this ID number among the records you can see."),
        (3, column, "No woman with this ID number among the records you can see."),
        (4, column, "An ID number has 18 characters: 17 digits and a digit or X."),
    ]
    assert Pregnancy.objects.count() == 0
    errors = json.dumps(result.errors_as_dicts(), ensure_ascii=False)
    assert (unknown in errors, other.id_number in errors) == (False, False)


def test_the_export_of_women_reimports_to_the_same_records(mch: MchFile, mch_worker: User) -> None:
    export = client_for(mch_worker).get(reverse("records:export", kwargs={"kind": "women"}))
    headers, rows = read_table("women.xlsx", export.content)

    result = import_rows(kind_of("women"), mch_worker, headers, rows)

    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    mch.woman.refresh_from_db()
    assert (mch.woman.name, mch.woman.id_number, mch.woman.phone) == (NAME, ID_NUMBER, PHONE)
