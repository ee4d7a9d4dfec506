"""Every index the MCH models declare exists in the migrated database: SQLite rebuilds a table to add a column with
a default and re-creates only the declared indexes, so indexes made by plain SQL alone had silently gone (migration
0011); the covering indexes PostgreSQL alone gets (0010) are there on PostgreSQL."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {name for name, info in connection.introspection.get_constraints(cursor, table).items() if info["index"]}


def test_every_declared_index_exists() -> None:
    declared = [
        (model._meta.db_table, index.name)
        for model in apps.get_app_config("maternal").get_models()
        for index in model._meta.indexes
    ]
    assert len(declared) >= 10
    assert [(table, name) for table, name in declared if name not in _indexes(table)] == []


def test_the_covering_indexes_exist_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps the row id in every index")
    covering = importlib.import_module("shanhai.maternal.migrations.0010_covering_indexes")
    assert [(table, name) for name, table, _columns in covering.INDEXES if name not in _indexes(table)] == []
