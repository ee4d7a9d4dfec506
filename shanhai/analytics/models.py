"""The monthly fact table (architecture §4): the only source of additive numbers."""

from django.db import models


class FactCell(models.Model):
    """The columns a fact and a roll-up row share: a metric's value (and the number of records behind
    it) for one month, with the unit's ancestors by level and the programme and partnership credited."""

    metric = models.PositiveSmallIntegerField()
    anc_1 = models.BigIntegerField(null=True)
    anc_2 = models.BigIntegerField(null=True)
    anc_3 = models.BigIntegerField(null=True)
    anc_4 = models.BigIntegerField(null=True)
    anc_5 = models.BigIntegerField(null=True)
    anc_6 = models.BigIntegerField(null=True)
    programme_id = models.BigIntegerField(default=0)
    partnership_id = models.BigIntegerField(default=0)
    month = models.PositiveIntegerField()
    value = models.FloatField(default=0)
    record_count = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Fact(FactCell):
    """One metric's contribution of one org unit (and partnership) in one month.

    Plain integer columns, no foreign keys: the table is rewritten in bulk by `rebuild_facts`.
    ``anc_k`` is the id of the unit's ancestor at level k (itself at its own level), copied at
    write time so any level groups without joins. ``partnership_id``/``programme_id`` are 0 when
    the record is credited to none (0, not NULL, so the unique key catches every duplicate).
    ``record_count`` counts the records behind the value; a row at 0 records is deleted, so a
    row's existence means "reported".
    """

    org_unit_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "org_unit_id", "partnership_id", "month"], name="fact_unique_cell"
            )
        ]
        indexes = [
            models.Index(fields=["metric", "anc_1", "month"], name="fact_anc1"),
            models.Index(fields=["metric", "anc_2", "month"], name="fact_anc2"),
            models.Index(fields=["metric", "anc_3", "month"], name="fact_anc3"),
            models.Index(fields=["metric", "programme_id", "month"], name="fact_programme"),
            models.Index(fields=["metric", "partnership_id", "month"], name="fact_partnership"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}@{self.org_unit_id}/{self.partnership_id}/{self.month}={self.value}"


#: The region levels the roll-up keeps (province, prefecture, county).
ROLLUP_LEVELS = (1, 2, 3)


class FactRollup(FactCell):
    """The facts summed per ancestor at the region levels: for every fact and every level k in
    :data:`ROLLUP_LEVELS` with ``anc_k`` set, one row per (metric, k, anc_k, partnership, month).

    ``unit_id`` is ``anc_k``; ``anc_1 … anc_k`` are copied from the facts (the same for all facts
    under ``anc_k``), deeper ones are NULL. A province broken down by prefecture, or all counties,
    read a few thousand of these rows instead of every institution's facts. Kept in step with
    :class:`Fact` in the same transaction by ``facts.apply``/``rebuild``/``refresh_ancestors``/
    ``repoint_partnership``; a row at 0 records is deleted, like a fact.
    """

    level = models.PositiveSmallIntegerField()
    unit_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "level", "unit_id", "partnership_id", "month"], name="fact_rollup_unique_cell"
            )
        ]
        indexes = [
            models.Index(fields=["metric", "level", "anc_1", "month"], name="fact_rollup_anc1"),
            models.Index(fields=["metric", "level", "anc_2", "month"], name="fact_rollup_anc2"),
            models.Index(fields=["metric", "level", "programme_id", "month"], name="fact_rollup_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}@{self.level}:{self.unit_id}/{self.partnership_id}/{self.month}={self.value}"
