"""Bulk loading of MCH records: thousands of pregnancies in a few statements, with what the services
would have given them one write at a time (the demo's S4 city-wide cohort; data brought over from
another system into a database nobody is writing to).

The rules are the services' own (``rules.py``): ID numbers checked and digested (``identity``), an
assessment's result from its factors (``rules.assessment_result``) and grading only at a level-2+
institution, the 专案 opened by the first orange, red or purple grading with its reporting deadline and
moved up by a later one (``rules.case_opened_by`` / ``case_escalation``), the stored fields by
``derived.py``, the worklist's scheduled items by ``due.py`` and the facts by ``indicators.pregnancy_rows`` / ``child_rows``. What differs: rows are inserted with one prepared
statement per table, and the audit trail gets **one** entry for the whole batch, naming what it
loaded, instead of one per record. Not repeated: the services' per-record checks of dates and
sequence (a visit before the delivery, one ongoing pregnancy per woman …): the caller builds
consistent records. For edits, use the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.analytics import facts
from shanhai.core import clock
from shanhai.core.audit import audit_record
from shanhai.core.models import AuditAction, OrgUnit
from shanhai.maternal import due, risk
from shanhai.maternal.derived import derive_child, derive_dates, derive_pregnancy
from shanhai.maternal.identity import birth_date_of, id_number_digest, normalise_id_number, normalise_phone
from shanhai.maternal.indicators import child_rows, pregnancy_rows
from shanhai.maternal.models import (
    AntenatalVisit,
    AssessmentKind,
    Child,
    ChildCheck,
    Delivery,
    MaternalDeath,
    PostpartumVisit,
    Pregnancy,
    Referral,
    RiskAssessment,
    RiskCase,
    Woman,
)
from shanhai.maternal.rules import (
    assessment_result,
    can_grade,
    case_escalation,
    case_opened_by,
    catalogue_for,
    gestation_days,
    mch_rules,
    needs_case,
    noon,
)
from shanhai.maternal.services.numbers import CHILD_LETTERS, PREGNANCY_LETTERS, number_all, number_prefix

#: Values per ``IN (…)`` lookup, and rows per ``executemany`` call (``INSERT_CHUNK``).
BATCH_SIZE = 400
INSERT_CHUNK = 2000

M = TypeVar("M", bound=models.Model)


@dataclass
class MaternalBatch:
    """Unsaved records that refer to each other by object (``Pregnancy(woman=woman)``); saved in
    dependency order by :func:`bulk_load`. ``cases`` is filled by :func:`open_cases`."""

    women: list[Woman] = field(default_factory=list)
    pregnancies: list[Pregnancy] = field(default_factory=list)
    assessments: list[RiskAssessment] = field(default_factory=list)
    cases: list[RiskCase] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    antenatal_visits: list[AntenatalVisit] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    deaths: list[MaternalDeath] = field(default_factory=list)
    postpartum_visits: list[PostpartumVisit] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    child_checks: list[ChildCheck] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


# --- what the services compute on each write --------------------------------------------------------------
def grade_assessments(assessments: Iterable[RiskAssessment]) -> None:
    """Fill in each assessment's result from its factors, as ``assessment_create`` does
    (``rules.assessment_result``): a grading is refused below level 2 and counts as confirmed on its day."""
    catalogues: dict[int, risk.RiskCatalogue] = {}
    graders: dict[int, bool] = {}
    now = clock.now()
    for assessment in assessments:
        unit = assessment.institution
        catalogue = catalogues.setdefault(unit.pk, catalogue_for(unit))
        codes = list(dict.fromkeys(assessment.factor_codes))
        assessment.factor_codes = codes
        assessment.catalogue_version = catalogue.version
        grading = assessment.kind != AssessmentKind.SCREENING
        if grading and not graders.setdefault(unit.pk, can_grade(unit)):
            raise ValidationError(
                _("Grading is done at level-2 or higher institutions with midwifery services; %(unit)s cannot grade.")
                % {"unit": unit.name}
            )
        result = assessment_result(catalogue, assessment.kind, codes)
        assessment.screening_result = result.screening_result
        assessment.colour, assessment.is_purple = result.colour, result.is_purple
        if grading:
            assessment.confirmed_at = assessment.confirmed_at or min(noon(assessment.assessed_on), now)


def open_cases(batch: MaternalBatch) -> dict[int, RiskCase]:
    """The 专案 the batch's gradings open, by the services' rules (``rules.case_opened_by`` and
    ``case_escalation``, in the order of the gradings' dates). Returns them by ``id()`` of their
    pregnancy (the caller may then set ``reported_at``, ``status`` …); they are added to ``batch.cases``."""
    rules = mch_rules()
    by_pregnancy: dict[int, list[RiskAssessment]] = {}
    for assessment in batch.assessments:
        if assessment.kind != AssessmentKind.SCREENING:
            by_pregnancy.setdefault(id(assessment.pregnancy), []).append(assessment)
    opened: dict[int, RiskCase] = {}
    for key, gradings in by_pregnancy.items():
        for grading in sorted(gradings, key=lambda a: a.assessed_on):
            if not needs_case(grading.colour, grading.is_purple):
                continue
            case = opened.get(key)
            if case is None:
                opened[key] = case_opened_by(grading, rules)
                continue
            for name, value in case_escalation(case, grading, rules).items():
                setattr(case, name, value)
    batch.cases.extend(opened.values())
    return opened


def _prepare_women(women: Sequence[Woman]) -> None:
    """The checks of ``woman_create``: a valid ID number (GB 11643 check digit) whose date of birth is
    hers, a normalised phone, and no ID number already registered (by digest)."""
    seen: set[str] = set()
    for woman in women:
        woman.id_number = normalise_id_number(woman.id_number)
        if woman.phone:
            woman.phone = normalise_phone(woman.phone)
        born = birth_date_of(woman.id_number)
        if woman.birth_date is not None and woman.birth_date != born:
            raise ValidationError(_("The date of birth differs from the one in the ID number."))
        woman.birth_date = born
        woman.id_number_digest = id_number_digest(woman.id_number)
        if woman.id_number_digest in seen:
            raise ValidationError(_("A woman with this ID number is already registered."))
        seen.add(woman.id_number_digest)
    for chunk in _chunks(sorted(seen)):
        if Woman.objects.filter(id_number_digest__in=chunk).exists():
            raise ValidationError(_("A woman with this ID number is already registered."))


def _chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: Field types whose Python values the database drivers take as they are (no per-value preparation).
PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.TextField,
)


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _obj: value


def _prepared(column: models.Field[Any, Any], db: Any) -> Callable[[Any], Any]:
    return lambda obj: column.get_db_prep_save(getattr(obj, column.attname), db)


def _preparers(columns: Sequence[models.Field[Any, Any]], db: Any, now: datetime) -> list[Callable[[Any], Any]]:
    """For each column, how to turn an object's value into the database value: ``auto_now`` columns
    get one timestamp, plain columns their value, the others their field's ``get_db_prep_save`` (so
    personal fields are encrypted, dates, UUIDs and JSON adapted)."""
    preparers: list[Callable[[Any], Any]] = []
    for column in columns:
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
            preparers.append(_constant(column.get_db_prep_save(now, db)))
        elif type(column) in PLAIN_FIELDS or isinstance(column, models.ForeignKey):
            preparers.append(attrgetter(column.attname))
        else:
            preparers.append(_prepared(column, db))
    return preparers


def _insert(model: type[M], objects: Sequence[M], now: datetime) -> None:
    """INSERT the objects with one prepared statement (``executemany``), numbering their primary keys
    after the table's highest: Django's ``bulk_create`` compiles SQL per batch of rows and takes ten
    times as long for the demo's 100,000 rows. Foreign keys are taken from the related objects (saved
    before). Nobody else may insert into these tables meanwhile; :func:`bulk_load` resets the
    primary-key sequences at the end."""
    if not objects:
        return
    db = transaction.get_connection()
    meta = model._meta
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
    relations = [f for f in meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for number, obj in enumerate(objects, start=top + 1):
        obj.pk = number
        for relation in relations:
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                setattr(obj, relation.attname, related.pk if related is not None else None)
                relation.set_cached_value(obj, related)  # setting the id dropped the cached object
        for name in ("created_at", "updated_at"):
            if hasattr(obj, name):
                setattr(obj, name, now)
        obj._state.adding, obj._state.db = False, db.alias
    fields = meta.concrete_fields
    preparers = _preparers(fields, db, now)
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (quoted names only)
    with db.cursor() as cursor:
        for chunk in _chunks(objects, INSERT_CHUNK):
            cursor.executemany(sql, [[prepare(obj) for prepare in preparers] for obj in chunk])


def _update(model: type[M], objects: Sequence[M], names: Sequence[str], now: datetime) -> None:
    """UPDATE some columns of many rows with one prepared statement (``bulk_update`` builds a CASE per
    column and row, and takes seconds for a few thousand)."""
    if not objects or not names:
        return
    db = transaction.get_connection()
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field.name in set(names)]
    assert meta.pk is not None
    preparers = _preparers(fields, db, now)
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 (quoted names only)
    with db.cursor() as cursor:
        cursor.executemany(sql, [[prepare(obj) for prepare in preparers] + [obj.pk] for obj in objects])


def _reset_sequences(batch_models: Sequence[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(batch_models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


#: The batch's lists that are relations of a pregnancy, by the same name (``related_name``).
PREGNANCY_RELATIONS = ("assessments", "antenatal_visits", "postpartum_visits")


def _attach_relations(batch: MaternalBatch) -> None:
    """Give each saved pregnancy its records of the batch as prefetched relations (what
    ``prefetch_related`` stores on an instance), and "none" for a missing delivery, death or case, so
    ``derived.derive_pregnancy`` reads them without reading the rows back. ``tests/test_mch_demo.py``
    checks that ``services.pregnancies_refresh`` over the database then changes nothing."""
    lists: dict[int, dict[str, list[models.Model]]] = {
        id(pregnancy): {name: [] for name in PREGNANCY_RELATIONS} for pregnancy in batch.pregnancies
    }
    for name in PREGNANCY_RELATIONS:
        for record in getattr(batch, name):
            lists[id(record.pregnancy)][name].append(record)
    related_models = {name: getattr(Pregnancy, name).rel.related_model for name in PREGNANCY_RELATIONS}
    for pregnancy in batch.pregnancies:
        cache: dict[str, models.QuerySet[Any]] = {}
        for name, records in lists[id(pregnancy)].items():
            queryset: models.QuerySet[Any] = models.QuerySet(model=related_models[name])
            queryset._result_cache = records  # evaluated: iterating it reads these
            cache[name] = queryset
        pregnancy._prefetched_objects_cache = cache  # type: ignore[attr-defined]
        for name in ("delivery", "death", "case"):
            related = getattr(Pregnancy, name).related
            if not related.is_cached(pregnancy):
                related.set_cached_value(pregnancy, None)


def _derive_pregnancies(batch: MaternalBatch, now: datetime) -> None:
    """The stored fields of the batch's pregnancies by ``derived.derive_pregnancy`` (the rule every
    write applies), saved with one UPDATE statement."""
    _attach_relations(batch)
    rules = mch_rules()
    names: set[str] = set()
    for pregnancy in batch.pregnancies:
        for name, value in derive_pregnancy(pregnancy, rules=rules).items():
            if getattr(pregnancy, name) != value:
                setattr(pregnancy, name, value)
                names.add(name)
    _update(Pregnancy, batch.pregnancies, sorted(names), now)


def _number(batch: MaternalBatch) -> None:
    """Numbers for the batch's pregnancies and children that bring none, as the services give them
    (``services.numbers``), in the order they were registered or born."""
    pregnancies = sorted((p for p in batch.pregnancies if not p.number), key=lambda p: p.registered_on)
    number_all(Pregnancy, pregnancies, lambda p: number_prefix(PREGNANCY_LETTERS, p.registered_at, p.registered_on))
    children = sorted((c for c in batch.children if not c.number), key=lambda c: c.birth_date)
    number_all(Child, children, lambda c: number_prefix(CHILD_LETTERS, c.registered_at, c.birth_date))


# --- the load ---------------------------------------------------------------------------------------------------
#: Saved in this order (each model's foreign keys point to models before it).
ORDER = (
    ("women", Woman),
    ("pregnancies", Pregnancy),
    ("assessments", RiskAssessment),
    ("cases", RiskCase),
    ("referrals", Referral),
    ("antenatal_visits", AntenatalVisit),
    ("deliveries", Delivery),
    ("deaths", MaternalDeath),
    ("postpartum_visits", PostpartumVisit),
    ("children", Child),
    ("child_checks", ChildCheck),
)


def _id_range(saved: Sequence[models.Model]) -> tuple[int, int]:
    return min(r.pk for r in saved), max(r.pk for r in saved)


@transaction.atomic
def bulk_load(*, actor: User, batch: MaternalBatch, org_unit: OrgUnit, note: str) -> dict[str, int]:
    """Save the batch, derive the pregnancies' and children's stored fields (a child's from its checks in the
    batch: the batch's checks are of the batch's children), add their facts and write one audit entry
    at ``org_unit`` (the region loaded) with the counts and ``note``. Call :func:`grade_assessments` and
    :func:`open_cases` first. Returns the counts."""
    _prepare_women(batch.women)
    for pregnancy in batch.pregnancies:
        for name, value in derive_dates(pregnancy).items():
            setattr(pregnancy, name, value)
    for visit in batch.antenatal_visits:
        visit.gestation_days = gestation_days(visit.pregnancy, visit.visited_on)
    checks: dict[int, list[ChildCheck]] = {id(child): [] for child in batch.children}
    for check in batch.child_checks:
        checks[id(check.child)].append(check)
    for child in batch.children:
        for name, value in derive_child(child, checks=checks[id(child)]).items():
            setattr(child, name, value)
    _number(batch)
    now = clock.now()
    for name, model in ORDER:
        _insert(model, getattr(batch, name), now)
    _reset_sequences([model for _name, model in ORDER])

    _derive_pregnancies(batch, now)
    # The worklist's items of the batch, whose ids follow each other (``_insert``).
    if batch.pregnancies:
        due.refresh_pregnancies(Pregnancy.objects.filter(pk__range=_id_range(batch.pregnancies)))
    if batch.children:
        due.refresh_children(Child.objects.filter(pk__range=_id_range(batch.children)))
    rows: list[facts.FactRow] = []
    for pregnancy in batch.pregnancies:
        rows += pregnancy_rows(pregnancy)
    for child in batch.children:
        rows += child_rows(child)
    facts.apply([], rows)

    counts = batch.counts()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=org_unit,
        org_unit=org_unit,
        extra={"bulk_load": "maternal", "note": note, "counts": counts},
    )
    return counts
