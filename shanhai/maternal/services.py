"""Every write of the MCH records (style.md: services for writes).

Each write goes through the shared write path (``records.services``: validate, save, audit) inside
:func:`tracking`, which re-derives the pregnancy's (or child's) stored fields and moves their facts
by the difference, in the same transaction. Rules cited: 国卫办妇幼发〔2017〕35号 (grading, 专案,
reporting), 国家基本公共卫生服务规范(第三版) (schedules, indicator flags); domain.md §1, §3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.analytics import facts
from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.derived import derive_child, derive_dates, derive_pregnancy, with_relations
from shanhai.maternal.identity import birth_date_of, id_number_digest, normalise_id_number, normalise_phone
from shanhai.maternal.indicators import child_rows, pregnancy_rows
from shanhai.maternal.models import (
    AntenatalVisit,
    AssessmentKind,
    CaseStatus,
    Child,
    ChildCheck,
    ChildCheckKind,
    Colour,
    DeathCause,
    Delivery,
    DeliveryPlace,
    MaternalDeath,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralStatus,
    RiskAssessment,
    RiskCase,
    Sex,
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
    pregnancy_end_date,
)
from shanhai.records.services import record_create, record_delete, record_update

R = TypeVar("R", bound=Model)
INSTITUTION_KINDS = set(OrgUnitKind.values) - OrgUnitKind.region_kinds() - {OrgUnitKind.HEALTH_COMMISSION}


# --- facts: the pregnancy's and the child's rows move with every write ---------------------------
def _rows(pregnancy: Pregnancy | None, child: Child | None) -> list[facts.FactRow]:
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
        before = _rows(pregnancy, child)
        yield
        after: list[facts.FactRow] = []
        if pregnancy is not None and pregnancy.pk:
            stored = with_relations(Pregnancy.objects.select_related("woman").filter(pk=pregnancy.pk)).first()
            if stored is not None:
                pregnancy_refresh(stored)
                after += pregnancy_rows(stored)
                pregnancy.refresh_from_db()
        if child is not None and child.pk:
            stored_child = Child.objects.filter(pk=child.pk).first()
            if stored_child is not None:
                child_refresh(stored_child)
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
    ``UPDATE`` run over the changed rows. Returns how many pregnancies changed.

    The fact table is not touched: rebuild it afterwards (``analytics.facts.rebuild()``).
    """
    rules = mch_rules()
    pregnancies = with_relations(queryset.order_by("pk")).iterator(chunk_size=batch_size)
    return _write_changed(Pregnancy, pregnancies, lambda p: {"status": p.status, **derive_pregnancy(p, rules=rules)})


def children_refresh(queryset: QuerySet[Child], *, batch_size: int = 1000) -> int:
    """Re-derive the stored fields of many children (``derived.derive_child``); returns how many changed.
    The fact table is not touched."""
    return _write_changed(Child, queryset.order_by("pk").iterator(chunk_size=batch_size), derive_child)


def _write_changed(model: type[R], records: Iterable[R], derive: Callable[[R], dict[str, Any]]) -> int:
    """Write the derived values that differ from the stored ones: one prepared ``UPDATE`` of every
    derived field, run with executemany over the changed rows (bulk_update's CASE expressions are
    slow on thousands of rows). ``derive`` gives the same names for every record."""
    now = clock.now()
    names: tuple[str, ...] = ()
    rows: list[list[Any]] = []
    for record in records:
        values = derive(record)
        names = names or tuple(values)
        if any(getattr(record, name) != value for name, value in values.items()):
            rows.append([*(values[name] for name in names), now, record.pk])
    if rows:
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


# --- validation helpers -------------------------------------------------------------------------------
def _require_institution(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.kind not in INSTITUTION_KINDS:
        raise ValidationError({field: _("Choose an institution, not a region.")})


def _require_region(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.kind not in {OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP}:
        raise ValidationError({field: _("Choose a county or a township.")})


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def _aware(moment: datetime | None) -> datetime | None:
    """A time typed without a zone is read in the deployment's zone (Asia/Shanghai), never as UTC."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _not_future_moment(moment: datetime | None, field: str) -> None:
    if moment is not None and moment > timezone.now():
        raise ValidationError({field: _("This time is in the future.")})


def _has_name(text: str | None) -> bool:
    """A person's name has a letter or a character in it (not blank, not a dash placeholder)."""
    return any(ch.isalnum() for ch in text or "")


# --- women ------------------------------------------------------------------------------------------------
def _validate_woman(woman: Woman) -> None:
    """Messages never repeat the name, number or phone typed."""
    woman.name = (woman.name or "").strip()
    if not woman.name:
        raise ValidationError({"name": _("Enter the woman's name.")})
    _require_region(woman.residence, "residence")
    _require_institution(woman.registered_at, "registered_at")
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
    actor: Any,
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
    return record_create(actor=actor, record=woman, validate=_validate_woman)


WOMAN_EDITABLE = ("name", "id_number", "phone", "birth_date", "residence", "registered_at")


def woman_update(*, actor: Any, record: Woman, **changes: Any) -> Woman:
    """Change a woman's record; a new ID number recomputes the digest and, unless a date of birth is
    given with it, the date of birth. A new residence moves her pregnancies' facts with her."""
    if "id_number" in changes:
        changes["id_number_digest"] = ""  # recomputed by the validation
        changes.setdefault("birth_date", None)  # follows the new number unless given
    pregnancies = list(record.pregnancies.all())
    with transaction.atomic():
        befores = [_rows(p, None) for p in pregnancies]
        woman = record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=(*WOMAN_EDITABLE, "id_number_digest"),
            validate=_validate_woman,
        )
        facts.apply([r for rows in befores for r in rows], [r for p in pregnancies for r in _rows(p, None)])
    return woman


def woman_delete(*, actor: Any, record: Woman) -> None:
    if record.pregnancies.exists():
        raise ValidationError(_("This woman has pregnancies on record; delete those first."))
    record_delete(actor=actor, record=record)


# --- pregnancies ---------------------------------------------------------------------------------------------
def _validate_pregnancy(pregnancy: Pregnancy) -> None:
    _require_institution(pregnancy.registered_at, "registered_at")
    _not_future(pregnancy.registered_on, "registered_on")
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
    _not_future(pregnancy.ended_on, "ended_on")
    if pregnancy.ended_on is not None and pregnancy.ended_on < pregnancy.registered_on:
        raise ValidationError({"ended_on": _("The pregnancy cannot end before its registration.")})
    ongoing = Pregnancy.objects.filter(woman=pregnancy.woman, status=PregnancyStatus.ONGOING).exclude(pk=pregnancy.pk)
    if pregnancy.status == PregnancyStatus.ONGOING and ongoing.exists():
        raise ValidationError({"woman": _("This woman already has an ongoing pregnancy on record.")})
    for name, value in derive_dates(pregnancy).items():
        setattr(pregnancy, name, value)


def pregnancy_create(
    *,
    actor: Any,
    woman: Woman,
    registered_on: date,
    registered_at: OrgUnit,
    last_menstrual_period_on: date,
    gravidity: int = 1,
    parity: int = 0,
) -> Pregnancy:
    pregnancy = Pregnancy(
        woman=woman,
        registered_on=registered_on,
        registered_at=registered_at,
        last_menstrual_period_on=last_menstrual_period_on,
        gravidity=gravidity if gravidity is not None else 1,
        parity=parity if parity is not None else 0,
    )
    with transaction.atomic():
        record_create(actor=actor, record=pregnancy, validate=_validate_pregnancy)
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
)


def pregnancy_update(*, actor: Any, record: Pregnancy, **changes: Any) -> Pregnancy:
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


def pregnancy_end(*, actor: Any, record: Pregnancy, ended_on: date, reason: str) -> Pregnancy:
    """A pregnancy that ends without delivery (miscarriage, termination …): it leaves the cohorts."""
    return pregnancy_update(
        actor=actor, record=record, status=PregnancyStatus.ENDED, ended_on=ended_on, end_reason=reason
    )


def pregnancy_delete(*, actor: Any, record: Pregnancy) -> None:
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


# --- risk assessments and 专案 -------------------------------------------------------------------------
def _check_assessment_date(pregnancy: Pregnancy, kind: str, assessed_on: date) -> None:
    """Screening and grading run from registration to the end of the pregnancy; the postpartum
    assessment within 42 days after it ended (35号 scope: 怀孕至产后42天, domain.md §1.1)."""
    if assessed_on < pregnancy.registered_on:
        raise ValidationError({"assessed_on": _("The assessment is before the pregnancy was registered.")})
    end = pregnancy_end_date(pregnancy)
    window = mch_rules().postpartum_check_day
    if kind == AssessmentKind.POSTPARTUM:
        if end is None:
            raise ValidationError(
                {"kind": _("Record the delivery or the end of the pregnancy before a postpartum assessment.")}
            )
        if not end <= assessed_on <= end + timedelta(days=window):
            raise ValidationError(
                {"assessed_on": _("A postpartum assessment is made within 42 days after the pregnancy ends.")}
            )
    elif end is not None and assessed_on > end:
        raise ValidationError(
            {"kind": _("The pregnancy ended before this date: record a postpartum assessment instead.")}
        )


def assessment_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    kind: str,
    assessed_on: date,
    institution: OrgUnit,
    factor_codes: list[str] | tuple[str, ...] = (),
    confirmed_colour: str = "",
    assessor_name: str = "",
    note: str = "",
) -> RiskAssessment:
    """Record a screening, a grading or a postpartum assessment (an immutable event; 35号, domain.md §1.6).

    A screening lists the 附件1 items found: positive if any, negative if none; any institution screens.
    A grading lists the 附件2 factors: the colour is computed (highest wins; purple beside it) and the
    assessor must confirm exactly that colour; only a level-2+ hospital grades (a township centre or a
    grade-1 or ungraded hospital screens and refers). A postpartum assessment grades the same way,
    within 42 days after the pregnancy ends, at any institution (基层 assess women postpartum, §1.1).
    An orange, red or purple result opens (or escalates) the 专案 with its reporting deadline.
    """
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose a screening, a grading or a postpartum assessment.")})
    _require_institution(institution, "institution")
    _not_future(assessed_on, "assessed_on")
    assessor = (assessor_name or getattr(actor, "full_name", "") or getattr(actor, "username", "") or "").strip()
    if not _has_name(assessor):
        raise ValidationError({"assessor_name": _("Name the assessor.")})
    catalogue = catalogue_for(institution)
    codes = list(dict.fromkeys(code.strip() for code in factor_codes if code and code.strip()))
    if kind == AssessmentKind.GRADING and not can_grade(institution):
        raise ValidationError(
            {
                "institution": _(
                    "Grading is done at level-2 or higher institutions with midwifery services "
                    "(国卫办妇幼发〔2017〕35号); screen here and refer the woman."
                )
            }
        )
    result = assessment_result(catalogue, kind, codes)
    assessment = RiskAssessment(
        kind=kind,
        assessed_on=assessed_on,
        institution=institution,
        assessor=actor if getattr(actor, "pk", None) else None,
        assessor_name=assessor[:60],
        catalogue_version=catalogue.version,
        factor_codes=codes,
        note=note or "",
        screening_result=result.screening_result,
        colour=result.colour,
        is_purple=result.is_purple,
    )
    if kind != AssessmentKind.SCREENING:
        if confirmed_colour != result.colour:
            raise ValidationError(
                {
                    "confirmed_colour": _("The factors give %(colour)s. Check the factors, or confirm %(colour)s.")
                    % {"colour": Colour(result.colour).label}
                }
            )
        assessment.confirmed_at = timezone.now()
    with tracking(pregnancy=pregnancy):
        _check_assessment_date(pregnancy, kind, assessed_on)
        assessment.pregnancy = pregnancy
        record_create(actor=actor, record=assessment, validate=lambda _record: None)
        if assessment.kind != AssessmentKind.SCREENING:
            _open_or_escalate_case(actor, pregnancy, assessment)
    return assessment


def _open_or_escalate_case(actor: Any, pregnancy: Pregnancy, assessment: RiskAssessment) -> None:
    """Open the 专案 at the first orange/red/purple result (``rules.case_opened_by``), or move it up
    (``rules.case_escalation``)."""
    if not needs_case(assessment.colour, assessment.is_purple):
        return
    case = RiskCase.objects.select_for_update().filter(pregnancy=pregnancy).first()
    if case is None:
        record_create(actor=actor, record=case_opened_by(assessment), validate=lambda _record: None)
        return
    if changes := case_escalation(case, assessment):
        record_update(actor=actor, record=case, changes=changes, editable=list(changes), validate=lambda _r: None)


def assessment_change_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("Assessments are not changed or deleted; record a new assessment instead."))


CASE_EDITABLE = ("responsible_name", "responsible", "reported_at", "status", "close_note")


def _validate_case(case: RiskCase) -> None:
    if not _has_name(case.responsible_name):
        raise ValidationError({"responsible_name": _("A case needs a named responsible person.")})
    if case.status not in CaseStatus.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    _not_future_moment(case.reported_at, "reported_at")
    if case.reported_at is not None and timezone.localdate(case.reported_at) < timezone.localdate(case.opened_at):
        raise ValidationError({"reported_at": _("The report cannot be before the case was opened.")})
    if case.status == CaseStatus.CLOSED:
        if case.reported_at is None:
            raise ValidationError({"status": _("Report the case to the MCH institution before closing it.")})
        if not case.close_note.strip():
            raise ValidationError({"close_note": _("Say why the case is closed.")})
        case.closed_at = case.closed_at or timezone.now()
    else:
        case.closed_at = None


def case_update(*, actor: Any, record: RiskCase, **changes: Any) -> RiskCase:
    """Assign the responsible person (a user, or a name), record the report (``reported_at``), close
    with a note or reopen. A case is never created or deleted by hand: gradings open it."""
    if "reported_at" in changes:
        changes["reported_at"] = _aware(changes["reported_at"])
    if "close_note" in changes:
        changes["close_note"] = (changes["close_note"] or "").strip()
    if "responsible" in changes and "responsible_name" not in changes:
        user = changes["responsible"]
        changes["responsible_name"] = (getattr(user, "full_name", "") or getattr(user, "username", "")).strip()
    elif "responsible_name" in changes and "responsible" not in changes:
        changes["responsible"] = None
    with tracking(pregnancy=record.pregnancy):
        current = RiskCase.objects.select_for_update().get(pk=record.pk)
        if "status" in changes and changes["status"] != current.status:
            changes["closed_at"] = timezone.now() if changes["status"] == CaseStatus.CLOSED else None
            if changes["status"] == CaseStatus.OPEN:
                changes.setdefault("close_note", "")
        return record_update(
            actor=actor,
            record=current,
            changes=changes,
            editable=(*CASE_EDITABLE, "closed_at"),
            validate=_validate_case,
        )


def case_create_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("A case opens by itself when a grading is orange, red or purple."))


def case_delete_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("A case is closed, not deleted."))


# --- referrals: a state machine with a timestamp per state -------------------------------------------------
REFERRAL_MOVES: dict[str, set[str]] = {
    ReferralStatus.REQUESTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED},
    ReferralStatus.ACCEPTED: {ReferralStatus.ARRIVED, ReferralStatus.CANCELLED},
    ReferralStatus.ARRIVED: {ReferralStatus.RETURNED},
    ReferralStatus.RETURNED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CANCELLED: set(),
}
REFERRAL_STAMP = {
    ReferralStatus.ACCEPTED: "accepted_at",
    ReferralStatus.ARRIVED: "arrived_at",
    ReferralStatus.RETURNED: "returned_at",
    ReferralStatus.DECLINED: "declined_at",
    ReferralStatus.CANCELLED: "cancelled_at",
}


def _validate_referral(referral: Referral) -> None:
    _require_institution(referral.from_unit, "from_unit")
    _require_institution(referral.to_unit, "to_unit")
    if referral.from_unit_id == referral.to_unit_id:
        raise ValidationError({"to_unit": _("A referral goes to another institution.")})
    if not (referral.reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the referral.")})
    _not_future_moment(referral.requested_at, "requested_at")


def referral_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    from_unit: OrgUnit,
    to_unit: OrgUnit,
    reason: str,
    requested_at: datetime | None = None,
) -> Referral:
    referral = Referral(
        pregnancy=pregnancy,
        from_unit=from_unit,
        to_unit=to_unit,
        reason=(reason or "").strip(),
        requested_at=_aware(requested_at) or timezone.now(),
    )
    return record_create(actor=actor, record=referral, validate=_validate_referral)


def _last_step_at(referral: Referral) -> datetime:
    stamps = [getattr(referral, name) for name in REFERRAL_STAMP.values()]
    return max([referral.requested_at, *(s for s in stamps if s is not None)])


def referral_move(*, actor: Any, record: Referral, status: str, at: datetime | None = None) -> Referral:
    """Move a referral to its next state (requested → accepted → arrived → referred back; or declined /
    cancelled), stamping the time (now, or ``at``: not in the future, not before the previous step).
    Moving to the state it is in changes nothing."""
    if status not in ReferralStatus.values:
        raise ValidationError({"status": _("Unknown referral state.")})
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=record.pk)
        if status == current.status:
            return current
        if status not in REFERRAL_MOVES[current.status]:
            raise ValidationError(
                {
                    "status": _("A referral that is “%(current)s” cannot become “%(new)s”.")
                    % {"current": ReferralStatus(current.status).label, "new": ReferralStatus(status).label}
                }
            )
        moment = _aware(at) or timezone.now()
        _not_future_moment(moment, "at")
        if moment < _last_step_at(current):
            raise ValidationError({"at": _("This time is before the referral's previous step.")})
        stamp = REFERRAL_STAMP[ReferralStatus(status)]
        return record_update(
            actor=actor,
            record=current,
            changes={"status": status, stamp: moment},
            editable=("status", stamp),
            validate=_validate_referral,
        )


def referral_update(*, actor: Any, record: Referral, **changes: Any) -> Referral:
    status = changes.pop("status", None)
    with transaction.atomic():
        if changes:
            record = record_update(
                actor=actor,
                record=record,
                changes=changes,
                editable=("from_unit", "to_unit", "reason"),
                validate=_validate_referral,
            )
        if status is not None:
            record = referral_move(actor=actor, record=record, status=status)
    return record


def referral_delete(*, actor: Any, record: Referral) -> None:
    if Referral.objects.filter(pk=record.pk).exclude(status=ReferralStatus.REQUESTED).exists():
        raise ValidationError(_("Only a referral still requested can be deleted; cancel it instead."))
    record_delete(actor=actor, record=record)


# --- antenatal visits ---------------------------------------------------------------------------------------
def _validate_antenatal(visit: AntenatalVisit) -> None:
    _require_institution(visit.institution, "institution")
    _not_future(visit.visited_on, "visited_on")
    pregnancy = visit.pregnancy
    days = gestation_days(pregnancy, visit.visited_on)
    if days < 0:
        raise ValidationError({"visited_on": _("The visit is before the last menstrual period.")})
    end = pregnancy_end_date(pregnancy)
    if end is not None and visit.visited_on > end:
        raise ValidationError(
            {"visited_on": _("An antenatal visit cannot be after the delivery or end of the pregnancy.")}
        )
    visit.gestation_days = days


def antenatal_visit_create(
    *, actor: Any, pregnancy: Pregnancy, visited_on: date, institution: OrgUnit, note: str = ""
) -> AntenatalVisit:
    with tracking(pregnancy=pregnancy):
        visit = AntenatalVisit(pregnancy=pregnancy, visited_on=visited_on, institution=institution, note=note or "")
        return record_create(actor=actor, record=visit, validate=_validate_antenatal)


def antenatal_visit_update(*, actor: Any, record: AntenatalVisit, **changes: Any) -> AntenatalVisit:
    if "visited_on" in changes:
        changes["gestation_days"] = 0  # recomputed by the validation
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("visited_on", "institution", "note", "gestation_days"),
            validate=_validate_antenatal,
        )


def antenatal_visit_delete(*, actor: Any, record: AntenatalVisit) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


# --- deliveries, deaths, postpartum visits --------------------------------------------------------------------
def _validate_delivery(delivery: Delivery) -> None:
    _not_future(delivery.delivered_on, "delivered_on")
    pregnancy = delivery.pregnancy
    if pregnancy.status == PregnancyStatus.ENDED:
        raise ValidationError({"pregnancy": _("This pregnancy ended without delivery.")})
    if delivery.delivered_on < pregnancy.registered_on:
        raise ValidationError({"delivered_on": _("The delivery is before the registration.")})
    if delivery.place == DeliveryPlace.FACILITY and delivery.institution is None:
        raise ValidationError({"institution": _("A delivery in a facility names the institution.")})
    _require_institution(delivery.institution, "institution")
    if delivery.live_births + delivery.stillbirths < 1:
        raise ValidationError({"live_births": _("A delivery has at least one live birth or stillbirth.")})
    if delivery.discharged_on is not None and delivery.discharged_on < delivery.delivered_on:
        raise ValidationError({"discharged_on": _("Discharge cannot be before the delivery.")})
    _not_future(delivery.discharged_on, "discharged_on")
    if AntenatalVisit.objects.filter(pregnancy=pregnancy, visited_on__gt=delivery.delivered_on).exists():
        raise ValidationError({"delivered_on": _("Some antenatal visits on record are after this date.")})
    if PostpartumVisit.objects.filter(pregnancy=pregnancy, visited_on__lt=delivery.delivered_on).exists():
        raise ValidationError({"delivered_on": _("Some postpartum visits on record are before this date.")})
    if delivery.pk and delivery.live_births < Child.objects.filter(mother=pregnancy).count():
        raise ValidationError({"live_births": _("More children are registered from this delivery.")})


DELIVERY_EDITABLE = (
    "delivered_on",
    "place",
    "institution",
    "mode",
    "live_births",
    "stillbirths",
    "is_modern_method",
    "discharged_on",
)


def delivery_create(*, actor: Any, pregnancy: Pregnancy, delivered_on: date, **values: Any) -> Delivery:
    clean = {k: v for k, v in values.items() if k in DELIVERY_EDITABLE and v is not None}
    with tracking(pregnancy=pregnancy):
        delivery = Delivery(pregnancy=pregnancy, delivered_on=delivered_on, **clean)
        return record_create(actor=actor, record=delivery, validate=_validate_delivery)


def delivery_update(*, actor: Any, record: Delivery, **changes: Any) -> Delivery:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor, record=record, changes=changes, editable=DELIVERY_EDITABLE, validate=_validate_delivery
        )


def delivery_delete(*, actor: Any, record: Delivery) -> None:
    pregnancy = record.pregnancy
    if pregnancy.postpartum_visits.exists() or pregnancy.children.exists():
        raise ValidationError(_("Postpartum visits or children are recorded after this delivery; delete those first."))
    with tracking(pregnancy=pregnancy):
        record_delete(actor=actor, record=record)


def _validate_death(death: MaternalDeath) -> None:
    _not_future(death.died_on, "died_on")
    pregnancy = death.pregnancy
    if death.died_on < pregnancy.last_menstrual_period_on:
        raise ValidationError({"died_on": _("The date of death is before this pregnancy.")})
    ended = pregnancy_end_date(pregnancy)
    if ended is not None and death.died_on > ended + timedelta(days=mch_rules().postpartum_check_day):
        raise ValidationError({"died_on": _("A maternal death is within 42 days after the pregnancy ends.")})
    if death.cause not in DeathCause.values:
        raise ValidationError({"cause": _("Choose the cause of death.")})
    _not_future(death.reported_on, "reported_on")
    if death.reported_on is not None and death.reported_on < death.died_on:
        raise ValidationError({"reported_on": _("The report cannot be before the death.")})


def maternal_death_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    died_on: date,
    cause: str,
    place: OrgUnit | None = None,
    reported_on: date | None = None,
) -> MaternalDeath:
    """A death in pregnancy or within 42 days after it ends; an accident is recorded but not counted
    in the MMR (domain.md §3.2)."""
    with tracking(pregnancy=pregnancy):
        death = MaternalDeath(pregnancy=pregnancy, died_on=died_on, cause=cause, place=place, reported_on=reported_on)
        return record_create(actor=actor, record=death, validate=_validate_death)


def maternal_death_update(*, actor: Any, record: MaternalDeath, **changes: Any) -> MaternalDeath:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("died_on", "cause", "place", "reported_on"),
            validate=_validate_death,
        )


def maternal_death_delete(*, actor: Any, record: MaternalDeath) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


def _validate_postpartum(visit: PostpartumVisit) -> None:
    _require_institution(visit.institution, "institution")
    _not_future(visit.visited_on, "visited_on")
    if visit.kind not in PostpartumKind.values:
        raise ValidationError({"kind": _("Choose a postpartum home visit or the 42-day check.")})
    delivery = related_or_none(visit.pregnancy, "delivery")
    if delivery is None:
        raise ValidationError({"pregnancy": _("Record the delivery before postpartum visits.")})
    if visit.visited_on < delivery.delivered_on:
        raise ValidationError({"visited_on": _("A postpartum visit is after the delivery.")})


def postpartum_visit_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    visited_on: date,
    institution: OrgUnit,
    kind: str = PostpartumKind.VISIT,
    note: str = "",
) -> PostpartumVisit:
    with tracking(pregnancy=pregnancy):
        visit = PostpartumVisit(
            pregnancy=pregnancy,
            visited_on=visited_on,
            institution=institution,
            kind=kind or PostpartumKind.VISIT,
            note=note or "",
        )
        return record_create(actor=actor, record=visit, validate=_validate_postpartum)


def postpartum_visit_update(*, actor: Any, record: PostpartumVisit, **changes: Any) -> PostpartumVisit:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("kind", "visited_on", "institution", "note"),
            validate=_validate_postpartum,
        )


def postpartum_visit_delete(*, actor: Any, record: PostpartumVisit) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


# --- children -------------------------------------------------------------------------------------------------------
CHILD_EDITABLE = (
    "mother",
    "name",
    "sex",
    "birth_date",
    "birth_weight_grams",
    "gestation_weeks",
    "residence",
    "registered_at",
    "high_risk_reasons",
    "newborn_screened_on",
    "hearing_screened_on",
    "died_on",
)


def _validate_child(child: Child) -> None:
    _require_region(child.residence, "residence")
    _require_institution(child.registered_at, "registered_at")
    _not_future(child.birth_date, "birth_date")
    if child.sex not in Sex.values:
        raise ValidationError({"sex": _("Choose the child's sex.")})
    for name in ("newborn_screened_on", "hearing_screened_on", "died_on"):
        day = getattr(child, name)
        _not_future(day, name)
        if day is not None and day < child.birth_date:
            raise ValidationError({name: _("This date is before the birth.")})
    if child.birth_weight_grams is not None and not 300 <= child.birth_weight_grams <= 7000:
        raise ValidationError({"birth_weight_grams": _("A birth weight is between 300 g and 7000 g.")})
    if child.gestation_weeks is not None and not 20 <= child.gestation_weeks <= 45:
        raise ValidationError({"gestation_weeks": _("Gestation at birth is between 20 and 45 weeks.")})
    if child.mother_id is not None:
        delivery = Delivery.objects.filter(pregnancy_id=child.mother_id).first()
        if delivery is None or delivery.live_births < 1:
            raise ValidationError({"mother": _("Record the mother's delivery, with its live births, first.")})
        if abs((child.birth_date - delivery.delivered_on).days) > 1:
            raise ValidationError({"birth_date": _("The date of birth differs from the mother's delivery date.")})
        siblings = Child.objects.filter(mother_id=child.mother_id).exclude(pk=child.pk).count()
        if siblings >= delivery.live_births:
            raise ValidationError({"mother": _("Every live birth of this delivery is registered already.")})
    child.name = (child.name or "").strip() or None
    for name, value in derive_child(child).items():
        setattr(child, name, value)


def child_create(*, actor: Any, **values: Any) -> Child:
    """Register a child (from a mother's delivery when ``mother`` is given: born on the delivery date,
    at most as many children as live births)."""
    clean = {k: v for k, v in values.items() if k in CHILD_EDITABLE and v not in (None, "")}
    child = Child(**clean)
    with transaction.atomic():
        record_create(actor=actor, record=child, validate=_validate_child)
        facts.apply([], _rows(None, child))
    return child


def child_update(*, actor: Any, record: Child, **changes: Any) -> Child:
    with tracking(child=record):
        return record_update(
            actor=actor, record=record, changes=changes, editable=CHILD_EDITABLE, validate=_validate_child
        )


def child_delete(*, actor: Any, record: Child) -> None:
    if record.checks.exists():
        raise ValidationError(_("This child has health checks on record; delete those first."))
    with transaction.atomic():
        before = _rows(None, record)
        record_delete(actor=actor, record=record)
        facts.apply(before, [])


def _validate_check(check: ChildCheck) -> None:
    _require_institution(check.institution, "institution")
    _not_future(check.checked_on, "checked_on")
    if check.kind not in ChildCheckKind.values:
        raise ValidationError({"kind": _("Choose which check of the schedule this is.")})
    if check.checked_on < check.child.birth_date:
        raise ValidationError({"checked_on": _("This date is before the birth.")})
    duplicate = ChildCheck.objects.filter(child=check.child, kind=check.kind).exclude(pk=check.pk)
    if duplicate.exists():
        raise ValidationError({"kind": _("This check is already on record for the child.")})


def child_check_create(
    *,
    actor: Any,
    child: Child,
    kind: str,
    checked_on: date,
    institution: OrgUnit,
    weight_grams: int | None = None,
    length_cm: Any = None,
) -> ChildCheck:
    """A check of the 0–6 schedule; it changes no fact (the under-3 measure reads checks directly)."""
    check = ChildCheck(
        child=child,
        kind=kind,
        checked_on=checked_on,
        institution=institution,
        weight_grams=weight_grams,
        length_cm=length_cm,
    )
    return record_create(actor=actor, record=check, validate=_validate_check)


def child_check_update(*, actor: Any, record: ChildCheck, **changes: Any) -> ChildCheck:
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=("kind", "checked_on", "institution", "weight_grams", "length_cm"),
        validate=_validate_check,
    )


def child_check_delete(*, actor: Any, record: ChildCheck) -> None:
    record_delete(actor=actor, record=record)
