"""The registry: women and their pregnancies, and the fields a pregnancy (a child) derives from its
records. Every write on a pregnancy's records runs inside :func:`tracking`, which locks the pregnancy,
re-derives its stored fields (``derived.py``) and moves its facts by the difference, in the same
transaction; :func:`derived_fields_refresh` re-derives them all after a change of the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.analytics import facts
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.maternal import due
from shanhai.maternal.derived import child_with_relations, derive_child, derive_dates, derive_pregnancy, with_relations
from shanhai.maternal.identity import birth_date_of, id_number_digest, normalise_id_number, normalise_phone
from shanhai.maternal.indicators import child_rows, pregnancy_rows
from shanhai.maternal.models import AntenatalVisit, Child, Delivery, MaternalDeath, Pregnancy, PregnancyStatus, Woman
from shanhai.maternal.rules import gestation_days, mch_rules
from shanhai.maternal.services.checks import not_future, require_institution, require_region
from shanhai.maternal.services.duplicates import refuse_duplicate
from shanhai.maternal.services.numbers import create_numbered, pregnancy_number
from shanhai.records.services import record_create, record_delete, record_update

R = TypeVar("R", bound=Model)


# --- facts: the pregnancy's and the child's rows move with every write ---------------------------
def fact_rows(pregnancy: Pregnancy | None, child: Child | None) -> list[facts.FactRow]:
    """The fact rows the stored pregnancy and child give now (none for one deleted or never saved)."""
    rows: list[facts.FactRow] = []
    if pregnancy is not None and pregnancy.pk:
        stored = Pregnancy.objects.select_related("woman", "delivery", "death").filter(pk=pregnancy.pk).first()
        if stored is not None:
            rows += pregnancy_rows(stored)
    if child is not None and child.pk:
        stored_child = Child.objects.filter(pk=child.pk).first()
        if stored_child is not None:
            rows += child_rows(stored_child)
    return rows


@contextmanager
def tracking(*, pregnancy: Pregnancy | None = None, child: Child | None = None) -> Iterator[None]:
    """Around a write, in one transaction: lock the pregnancy (one writer at a time re-derives it)
    and make the caller's instance current (validators read it); afterwards re-derive the stored
    fields and apply the facts' difference. The caller's instances come back refreshed."""
    with transaction.atomic():
        if pregnancy is not None and pregnancy.pk:
            with suppress(Pregnancy.DoesNotExist):
                pregnancy.refresh_from_db(from_queryset=Pregnancy.objects.select_for_update())
        before = fact_rows(pregnancy, child)
        yield
        after: list[facts.FactRow] = []
        if pregnancy is not None and pregnancy.pk:
            stored = with_relations(Pregnancy.objects.select_related("woman").filter(pk=pregnancy.pk)).first()
            if stored is not None:
                pregnancy_refresh(stored)
                due.write_pregnancy(stored)
                after += pregnancy_rows(stored)
                pregnancy.refresh_from_db()
        if child is not None and child.pk:
            stored_child = Child.objects.filter(pk=child.pk).first()
            if stored_child is not None:
                child_refresh(stored_child)
                due.write_child(stored_child)
                after += child_rows(stored_child)
                child.refresh_from_db()
        facts.apply(before, after)


# --- derived fields ---------------------------------------------------------------------------------
def pregnancy_refresh(pregnancy: Pregnancy) -> Pregnancy:
    """Re-derive one pregnancy's stored fields (``derived.derive_pregnancy``) and save those that changed."""
    return _save_changed(pregnancy, derive_pregnancy(pregnancy))


def child_refresh(child: Child) -> Child:
    """Re-derive one child's stored fields (``derived.derive_child``) and save those that changed."""
    return _save_changed(child, derive_child(child))


def _save_changed(record: R, values: dict[str, Any]) -> R:
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    if changed:
        record.save(update_fields=[*changed, "updated_at"])
    return record


def pregnancies_refresh(queryset: QuerySet[Pregnancy], *, batch_size: int = 1000) -> int:
    """Re-derive the stored fields of many pregnancies at once (a bulk load, a change of the rules):
    the same :func:`derive_pregnancy` as one write, on prefetched relations, saved with one prepared
    ``UPDATE`` run over the changed rows, and their scheduled items (``due.refresh_pregnancies``). Returns how
    many pregnancies changed.

    The fact table is not touched: rebuild it afterwards (``analytics.facts.rebuild()``).
    """
    rules = mch_rules()
    pregnancies = (
        pregnancy
        for ids in due.id_chunks(queryset, batch_size)
        for pregnancy in with_relations(Pregnancy.objects.filter(pk__in=ids).order_by("pk"), derived_only=True)
    )
    changed = _write_changed(Pregnancy, pregnancies, lambda p: {"status": p.status, **derive_pregnancy(p, rules=rules)})
    due.refresh_pregnancies(queryset)
    return changed


def children_refresh(queryset: QuerySet[Child], *, batch_size: int = 1000) -> int:
    """Re-derive the stored fields of many children (``derived.derive_child``, on their prefetched checks);
    returns how many changed, and their scheduled items (``due.refresh_children``). The fact table is not
    touched."""
    children = (
        child
        for ids in due.id_chunks(queryset, batch_size)
        for child in child_with_relations(Child.objects.filter(pk__in=ids).order_by("pk"))
    )
    changed = _write_changed(Child, children, derive_child)
    due.refresh_children(queryset)
    return changed


#: Changed rows written per statement by the bulk refreshes.
WRITE_CHUNK = 10_000


def _write_changed(model: type[R], records: Iterable[R], derive: Callable[[R], dict[str, Any]]) -> int:
    """Write the derived values that differ from the stored ones: one prepared ``UPDATE`` of every
    derived field, run with executemany over the changed rows (bulk_update's CASE expressions are
    slow on thousands of rows). ``derive`` gives the same names for every record."""
    now = clock.now()
    names: tuple[str, ...] = ()
    rows: list[list[Any]] = []
    written = 0
    for record in records:
        values = derive(record)
        names = names or tuple(values)
        if any(getattr(record, name) != value for name, value in values.items()):
            rows.append([*(values[name] for name in names), now, record.pk])
            if len(rows) == WRITE_CHUNK:  # a million records are not held in memory until the end
                written += _update(model, names, rows)
                rows = []
    return written + _update(model, names, rows)


def _update(model: type[R], names: tuple[str, ...], rows: list[list[Any]]) -> int:
    if not rows:
        return 0
    fields = [model._meta.get_field(name) for name in (*names, "updated_at")]
    columns = [connection.ops.quote_name(str(f.column)) for f in fields]  # type: ignore[union-attr]
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE id = %s"  # noqa: S608
    params = [
        [f.get_db_prep_value(v, connection) for f, v in zip(fields, row[:-1], strict=True)] + [row[-1]]  # type: ignore[union-attr]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


@dataclass(frozen=True)
class Refreshed:
    """What :func:`derived_fields_refresh` changed."""

    pregnancies: int
    pregnancies_changed: int
    children: int
    children_changed: int
    fact_rows: int


def derived_fields_refresh() -> Refreshed:
    """After a change of the rules (``settings.SHANHAI_MCH_RULES``): re-derive every pregnancy's and
    child's stored fields with the current rules, then rebuild the fact table from them, in one
    transaction. A 专案's deadline stays as the rules gave it when the case opened."""
    with transaction.atomic():
        pregnancies_changed = pregnancies_refresh(Pregnancy.objects.all())
        children_changed = children_refresh(Child.objects.all())
        fact_rows = facts.rebuild()
        return Refreshed(
            pregnancies=Pregnancy.objects.count(),
            pregnancies_changed=pregnancies_changed,
            children=Child.objects.count(),
            children_changed=children_changed,
            fact_rows=fact_rows,
        )


# --- women ------------------------------------------------------------------------------------------------
def _validate_woman(woman: Woman) -> None:
    """Messages never repeat the name, number or phone typed."""
    woman.name = (woman.name or "").strip()
    if not woman.name:
        raise ValidationError({"name": _("Enter the woman's name.")})
    require_region(woman.residence, "residence")
    require_institution(woman.registered_at, "registered_at")
    try:
        woman.id_number = normalise_id_number(woman.id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    if woman.phone:
        try:
            woman.phone = normalise_phone(woman.phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    else:
        woman.phone = None
    born = birth_date_of(woman.id_number)
    if woman.birth_date is None:
        woman.birth_date = born
    elif woman.birth_date != born:
        raise ValidationError({"birth_date": _("The date of birth differs from the one in the ID number.")})
    woman.id_number_digest = id_number_digest(woman.id_number)
    if Woman.objects.filter(id_number_digest=woman.id_number_digest).exclude(pk=woman.pk).exists():
        raise ValidationError({"id_number": _("A woman with this ID number is already registered.")})


def woman_create(
    *,
    actor: User,
    name: str,
    id_number: str,
    residence: OrgUnit,
    registered_at: OrgUnit,
    phone: str = "",
    birth_date: date | None = None,
) -> Woman:
    """Register a woman: a valid 居民身份证 number (GB 11643 check digit) not registered yet, the date
    of birth it carries (a different one typed is refused), a normalised phone; personal fields are
    stored encrypted, audited masked."""
    woman = Woman(
        name=name or "",
        id_number=id_number or "",
        phone=phone or None,
        residence=residence,
        registered_at=registered_at,
        birth_date=birth_date,  # type: ignore[misc]
    )
    refuse_duplicate(actor, woman, registered_at)
    return record_create(actor=actor, record=woman, validate=_validate_woman)


WOMAN_EDITABLE = ("name", "id_number", "phone", "birth_date", "residence", "registered_at")


def woman_update(*, actor: User, record: Woman, **changes: Any) -> Woman:
    """Change a woman's record; a new ID number recomputes the digest and, unless a date of birth is
    given with it, the date of birth. A new residence moves her pregnancies' facts with her. Her file
    moves to another registering institution only by a user who writes at the one holding it (the
    registering institution's permission to view her personal data goes with the file)."""
    new_unit = changes.get("registered_at")
    moved = actor is not None and new_unit is not None and new_unit != record.registered_at
    if moved and not scope_of(actor).can_write_path(record.registered_at.path):
        raise ValidationError(
            {"registered_at": _("Only the institution that holds her file can hand it to another institution.")}
        )
    if "id_number" in changes:
        refuse_duplicate(actor, Woman(pk=record.pk, id_number=changes["id_number"]), record.registered_at)
        changes["id_number_digest"] = ""  # recomputed by the validation
        if "birth_date" not in changes:  # follows the new number unless given
            with suppress(ValidationError):  # a malformed number is refused by the validation
                changes["birth_date"] = birth_date_of(normalise_id_number(changes["id_number"]))
    pregnancies = list(record.pregnancies.all())
    with transaction.atomic():
        befores = [fact_rows(p, None) for p in pregnancies]
        woman = record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=(*WOMAN_EDITABLE, "id_number_digest"),
            validate=_validate_woman,
        )
        facts.apply([r for rows in befores for r in rows], [r for p in pregnancies for r in fact_rows(p, None)])
    return woman


def woman_delete(*, actor: User, record: Woman) -> None:
    if record.pregnancies.exists():
        raise ValidationError(_("This woman has pregnancies on record; delete those first."))
    record_delete(actor=actor, record=record)


# --- pregnancies ---------------------------------------------------------------------------------------------
def _validate_pregnancy(pregnancy: Pregnancy) -> None:
    require_institution(pregnancy.registered_at, "registered_at")
    not_future(pregnancy.registered_on, "registered_on")
    days = gestation_days(pregnancy, pregnancy.registered_on)
    if days < 0:
        raise ValidationError({"last_menstrual_period_on": _("The last menstrual period is after the registration.")})
    if days > 44 * 7:
        raise ValidationError({"last_menstrual_period_on": _("That is more than 44 weeks before the registration.")})
    if pregnancy.gravidity < 1 or pregnancy.parity >= pregnancy.gravidity:
        raise ValidationError(
            {"parity": _("Parity must be lower than gravidity (this pregnancy counts in gravidity).")}
        )
    if pregnancy.pk:
        visits = AntenatalVisit.objects.filter(pregnancy_id=pregnancy.pk)
        if visits.filter(visited_on__lt=pregnancy.last_menstrual_period_on).exists():
            raise ValidationError(
                {"last_menstrual_period_on": _("Some antenatal visits on record are before this date.")}
            )
    if pregnancy.status == PregnancyStatus.ONGOING:
        pregnancy.ended_on, pregnancy.end_reason = None, ""
    if pregnancy.status == PregnancyStatus.ENDED:
        if pregnancy.ended_on is None or not pregnancy.end_reason:
            raise ValidationError({"ended_on": _("Give the date and the reason the pregnancy ended.")})
        if pregnancy.pk and Delivery.objects.filter(pregnancy_id=pregnancy.pk).exists():
            raise ValidationError({"status": _("This pregnancy has a delivery on record; it did not end without one.")})
    not_future(pregnancy.ended_on, "ended_on")
    pregnancy.managed_note = (pregnancy.managed_note or "").strip()
    if pregnancy.managed_recorded_on is not None:
        not_future(pregnancy.managed_recorded_on, "managed_recorded_on")
        if pregnancy.managed_recorded_on < pregnancy.registered_on:
            raise ValidationError({"managed_recorded_on": _("This date is before the registration.")})
        if not pregnancy.managed_note:
            raise ValidationError({"managed_note": _("Say how and where she was managed.")})
    elif pregnancy.managed_note:
        raise ValidationError({"managed_recorded_on": _("Give the date the management was recorded.")})
    if pregnancy.ended_on is not None and pregnancy.ended_on < pregnancy.registered_on:
        raise ValidationError({"ended_on": _("The pregnancy cannot end before its registration.")})
    ongoing = Pregnancy.objects.filter(woman=pregnancy.woman, status=PregnancyStatus.ONGOING).exclude(pk=pregnancy.pk)
    if pregnancy.status == PregnancyStatus.ONGOING and ongoing.exists():
        raise ValidationError({"woman": _("This woman already has an ongoing pregnancy on record.")})
    for name, value in derive_dates(pregnancy).items():
        setattr(pregnancy, name, value)


def pregnancy_create(
    *,
    actor: User,
    woman: Woman,
    registered_on: date,
    registered_at: OrgUnit,
    last_menstrual_period_on: date,
    gravidity: int = 1,
    parity: int = 0,
) -> Pregnancy:
    """Register a pregnancy (建册); it is given its number (``services.numbers``)."""
    pregnancy = Pregnancy(
        woman=woman,
        registered_on=registered_on,
        registered_at=registered_at,
        last_menstrual_period_on=last_menstrual_period_on,
        gravidity=gravidity if gravidity is not None else 1,
        parity=parity if parity is not None else 0,
    )

    def validate(record: Pregnancy) -> None:
        _validate_pregnancy(record)
        record.number = pregnancy_number(record)

    with transaction.atomic():
        create_numbered(pregnancy, lambda: record_create(actor=actor, record=pregnancy, validate=validate))
        with tracking(pregnancy=pregnancy):
            pass
    return pregnancy


PREGNANCY_EDITABLE = (
    "registered_on",
    "registered_at",
    "last_menstrual_period_on",
    "gravidity",
    "parity",
    "status",
    "ended_on",
    "end_reason",
    "managed_recorded_on",
    "managed_note",
)


def pregnancy_update(*, actor: User, record: Pregnancy, **changes: Any) -> Pregnancy:
    """Change a pregnancy; the delivered and death statuses follow their records, never a typed status.
    A new last menstrual period re-dates the visits' gestation."""
    status = changes.get("status")
    if status in (PregnancyStatus.DELIVERED, PregnancyStatus.MATERNAL_DEATH):
        raise ValidationError({"status": _("Record the delivery or the death; the status follows.")})
    with tracking(pregnancy=record):
        pregnancy = record_update(
            actor=actor, record=record, changes=changes, editable=PREGNANCY_EDITABLE, validate=_validate_pregnancy
        )
        if "last_menstrual_period_on" in changes:
            visits = list(AntenatalVisit.objects.filter(pregnancy=pregnancy))
            for visit in visits:
                visit.gestation_days = gestation_days(pregnancy, visit.visited_on)
            AntenatalVisit.objects.bulk_update(visits, ["gestation_days"])
    return Pregnancy.objects.get(pk=record.pk)


def pregnancy_end(*, actor: User, record: Pregnancy, ended_on: date, reason: str) -> Pregnancy:
    """A pregnancy that ends without delivery (miscarriage, termination …): it leaves the cohorts."""
    return pregnancy_update(
        actor=actor, record=record, status=PregnancyStatus.ENDED, ended_on=ended_on, end_reason=reason
    )


def pregnancy_delete(*, actor: User, record: Pregnancy) -> None:
    """Only a pregnancy with nothing recorded on it yet (a registration made in error) is deleted."""
    if (
        record.assessments.exists()
        or record.antenatal_visits.exists()
        or record.postpartum_visits.exists()
        or record.referrals.exists()
        or record.children.exists()
        or Delivery.objects.filter(pregnancy=record).exists()
        or MaternalDeath.objects.filter(pregnancy=record).exists()
    ):
        raise ValidationError(_("This pregnancy has assessments, visits or outcomes on record; it cannot be deleted."))
    with tracking(pregnancy=record):
        record_delete(actor=actor, record=record)
