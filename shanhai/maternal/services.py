"""Every write of the MCH records (style.md: services for writes).

Each write goes through the shared write path (``records.services``: validate, save, audit) inside
:func:`tracking`, which re-derives the pregnancy's (or child's) stored fields and moves their facts
by the difference, in the same transaction. Rules cited: 国卫办妇幼发〔2017〕35号 (grading, 专案,
reporting), 国家基本公共卫生服务规范(第三版) (schedules, indicator flags); domain.md §1, §3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.analytics import facts
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.maternal import risk
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
    DeathAge,
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
    ScreeningResult,
    Sex,
    Woman,
    add_years,
    colour_rank,
    related_or_none,
)
from shanhai.maternal.rules import MchRules, mch_rules
from shanhai.records.services import record_create, record_delete, record_update

#: Days from the last menstrual period to the expected delivery date (Naegele's rule, 40 weeks).
TERM_DAYS = 280
#: Institutions that may grade (35号 §1.1: 开展助产服务的二级以上医疗机构).
GRADING_KINDS = {OrgUnitKind.GENERAL_HOSPITAL, OrgUnitKind.MCH_HOSPITAL, OrgUnitKind.TCM_HOSPITAL}
INSTITUTION_KINDS = set(OrgUnitKind.values) - OrgUnitKind.region_kinds() - {OrgUnitKind.HEALTH_COMMISSION}
#: A reverse one-to-one (``pregnancy.delivery``) or ``None``: kept under this name for callers.


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
def gestation_days(pregnancy: Pregnancy, on: date) -> int:
    return (on - pregnancy.last_menstrual_period_on).days


def with_relations(queryset: QuerySet[Pregnancy]) -> QuerySet[Pregnancy]:
    """What :func:`derive_pregnancy` reads, fetched up front (a fixed number of queries for any count)."""
    return queryset.select_related("delivery", "death", "case").prefetch_related(
        "assessments", "antenatal_visits", "postpartum_visits"
    )


def derive_pregnancy(pregnancy: Pregnancy, *, rules: MchRules | None = None) -> dict[str, Any]:
    """The stored fields of a pregnancy from its other records (domain.md §1.6 rules 2–3, §3.2).

    Reads only ``pregnancy``'s own columns and its relations (prefetched ones when
    :func:`with_relations` fetched them): current colour = the latest grading, highest colour =
    the highest grading ever (a colour that goes down still counts as high-risk); the indicator
    flags follow the definitions in ``indicators.py``.
    """
    rules = rules or mch_rules()
    values: dict[str, Any] = derive_dates(pregnancy)
    assessments = sorted(pregnancy.assessments.all(), key=lambda a: (a.assessed_on, a.pk))
    screenings = [a for a in assessments if a.kind == AssessmentKind.SCREENING]
    gradings = [a for a in assessments if a.kind != AssessmentKind.SCREENING]
    values["screening_result"] = screenings[-1].screening_result if screenings else ""
    latest = gradings[-1] if gradings else None
    values["current_colour"] = latest.colour if latest else ""
    values["is_purple"] = latest.is_purple if latest else False
    values["highest_colour"] = max((a.colour for a in gradings), key=colour_rank, default="")
    values["was_ever_purple"] = any(a.is_purple for a in gradings)
    risky = [a for a in gradings if colour_rank(a.colour) >= colour_rank(Colour.YELLOW) or a.is_purple]
    values["high_risk_since"] = risky[0].assessed_on if risky else None

    delivery = related_or_none(pregnancy, "delivery")
    death = related_or_none(pregnancy, "death")
    end = delivery.delivered_on if delivery else None
    visits = sorted(v.visited_on for v in pregnancy.antenatal_visits.all() if end is None or v.visited_on <= end)
    values["antenatal_visit_count"] = len(visits)
    values["last_antenatal_on"] = visits[-1] if visits else None
    early_limit = pregnancy.last_menstrual_period_on + timedelta(days=rules.early_registration_days)
    values["is_early_registered"] = values["gestation_days_at_registration"] < rules.early_registration_days and any(
        v < early_limit for v in visits
    )
    is_high_risk = bool(risky)
    values["is_high_risk"] = is_high_risk
    needs_case = colour_rank(values["highest_colour"]) >= colour_rank(Colour.ORANGE) or values["was_ever_purple"]
    has_case = related_or_none(pregnancy, "case") is not None
    postpartum = list(pregnancy.postpartum_visits.all())
    followed_up = is_high_risk and (
        any(v >= values["high_risk_since"] for v in visits)
        or any(p.visited_on >= values["high_risk_since"] for p in postpartum)
    )
    values["is_high_risk_managed"] = bool(is_high_risk and followed_up and (has_case or not needs_case))
    visited = False
    if delivery is not None:
        start = delivery.discharged_on or delivery.delivered_on
        last = start + timedelta(days=rules.postpartum_visit_days)
        visited = any(p.kind == PostpartumKind.VISIT and start <= p.visited_on <= last for p in postpartum)
    values["is_postpartum_visited"] = visited
    values["is_system_managed"] = bool(
        delivery is not None
        and values["is_early_registered"]
        and len(visits) >= rules.minimum_antenatal_visits
        and delivery.is_modern_method
        and visited
    )
    if death is not None:
        values["status"] = PregnancyStatus.MATERNAL_DEATH
    elif delivery is not None:
        values["status"] = PregnancyStatus.DELIVERED
    elif pregnancy.status in (PregnancyStatus.DELIVERED, PregnancyStatus.MATERNAL_DEATH):
        # The delivery or death was withdrawn: back to how the pregnancy stood without it.
        ended = pregnancy.ended_on is not None and pregnancy.end_reason
        values["status"] = PregnancyStatus.ENDED if ended else PregnancyStatus.ONGOING
    return values


def pregnancy_refresh(pregnancy: Pregnancy) -> Pregnancy:
    values = derive_pregnancy(pregnancy)
    changed = [name for name, value in values.items() if getattr(pregnancy, name) != value]
    for name in changed:
        setattr(pregnancy, name, values[name])
    if changed:
        pregnancy.save(update_fields=[*changed, "updated_at"])
    return pregnancy


def pregnancies_refresh(queryset: QuerySet[Pregnancy], *, batch_size: int = 1000) -> int:
    """Re-derive the stored fields of many pregnancies at once (a bulk load, a change of the rules):
    the same :func:`derive_pregnancy` as one write, on prefetched relations, saved with one prepared
    ``UPDATE`` per set of changed fields. Returns how many pregnancies changed.

    The fact table is not touched: rebuild it afterwards (``analytics.facts.rebuild()``).
    """
    rules = mch_rules()
    now = timezone.now()
    # One prepared UPDATE of every derived field, run with executemany over the changed rows:
    # bulk_update's CASE expressions are slow on thousands of rows.
    names: tuple[str, ...] = ()
    rows: list[list[Any]] = []
    for pregnancy in with_relations(queryset.order_by("pk")).iterator(chunk_size=batch_size):
        values = {"status": pregnancy.status, **derive_pregnancy(pregnancy, rules=rules)}
        names = names or tuple(values)
        if any(getattr(pregnancy, name) != value for name, value in values.items()):
            rows.append([*(values[name] for name in names), now, pregnancy.pk])
    if rows:
        fields = [Pregnancy._meta.get_field(name) for name in (*names, "updated_at")]
        columns = [connection.ops.quote_name(str(f.column)) for f in fields]  # type: ignore[union-attr]
        table = connection.ops.quote_name(Pregnancy._meta.db_table)
        sql = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE id = %s"  # noqa: S608
        params = [
            [f.get_db_prep_value(v, connection) for f, v in zip(fields, row[:-1], strict=True)] + [row[-1]]  # type: ignore[union-attr, arg-type]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(rows)


def derive_child(child: Child) -> dict[str, Any]:
    """High-risk infant (早产儿保健工作规范: GA <37 weeks; low birth weight <2500 g; or a named reason)
    and the age band of a death."""
    preterm = child.gestation_weeks is not None and child.gestation_weeks < 37
    low_weight = child.birth_weight_grams is not None and child.birth_weight_grams < 2500
    values: dict[str, Any] = {"is_high_risk": bool(preterm or low_weight or child.high_risk_reasons.strip())}
    values["death_age"] = death_age(child.birth_date, child.died_on) if child.died_on else None
    return values


def death_age(born: date, died: date) -> int:
    """The band of a child's age at death: neonatal = within 28 days of birth (days 0–27; domain.md
    §3.2, not the old 7-day definition), infant = under 1 year, then under 5."""
    if (died - born).days < 28:
        return DeathAge.NEONATAL
    if died < add_years(born, 1):
        return DeathAge.INFANT
    if died < add_years(born, 5):
        return DeathAge.UNDER_FIVE
    return DeathAge.OLDER


def child_refresh(child: Child) -> Child:
    values = derive_child(child)
    changed = [name for name, value in values.items() if getattr(child, name) != value]
    for name in changed:
        setattr(child, name, values[name])
    if changed:
        child.save(update_fields=[*changed, "updated_at"])
    return child


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


def can_grade(unit: OrgUnit) -> bool:
    """35号: grading is done in principle by level-2+ institutions that provide midwifery (domain.md §1.1)."""
    grade = unit.grade.code if unit.grade_id else ""  # type: ignore[union-attr]
    return unit.kind in GRADING_KINDS and grade[:1] in {"2", "3"}


def pregnancy_end_date(pregnancy: Pregnancy) -> date | None:
    """The day the pregnancy ended: its delivery, or the end recorded without one."""
    delivery = related_or_none(pregnancy, "delivery")
    return delivery.delivered_on if delivery is not None else pregnancy.ended_on


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


def derive_dates(pregnancy: Pregnancy) -> dict[str, Any]:
    """Expected delivery (Naegele: LMP + 280 days) and gestation at registration in days."""
    return {
        "expected_delivery_on": pregnancy.last_menstrual_period_on + timedelta(days=TERM_DAYS),
        "gestation_days_at_registration": max(gestation_days(pregnancy, pregnancy.registered_on), 0),
    }


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
def catalogue_for(unit: OrgUnit) -> risk.RiskCatalogue:
    """The national 2017 catalogue; a province's override would be chosen here by its region."""
    return risk.RiskCatalogue.load(risk.NATIONAL_VERSION)


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def assessment_time(assessment: RiskAssessment) -> datetime:
    """When an assessment was made, for its deadlines: the confirmation time if it is dated today,
    else noon (local time) of its date (an assessment entered afterwards)."""
    if assessment.assessed_on >= timezone.localdate():
        return assessment.confirmed_at or timezone.now()
    return _noon(assessment.assessed_on)


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
    assessment = RiskAssessment(
        kind=kind,
        assessed_on=assessed_on,
        institution=institution,
        assessor=actor if getattr(actor, "pk", None) else None,
        assessor_name=assessor[:60],
        catalogue_version=catalogue.version,
        factor_codes=codes,
        note=note or "",
    )
    if kind == AssessmentKind.SCREENING:
        screening_codes = {item.code for item in catalogue.screening_items}
        if unknown := [c for c in codes if c not in screening_codes]:
            raise ValidationError(
                {"factor_codes": _("Unknown screening items: %(codes)s") % {"codes": "、".join(unknown)}}
            )
        assessment.screening_result = ScreeningResult.POSITIVE if codes else ScreeningResult.NEGATIVE
    else:
        if kind == AssessmentKind.GRADING and not can_grade(institution):
            raise ValidationError(
                {
                    "institution": _(
                        "Grading is done at level-2 or higher institutions with midwifery services "
                        "(国卫办妇幼发〔2017〕35号); screen here and refer the woman."
                    )
                }
            )
        if unknown := [c for c in codes if c not in catalogue]:
            raise ValidationError(
                {"factor_codes": _("Unknown risk factors: %(codes)s") % {"codes": "、".join(unknown)}}
            )
        grading = risk.grade(catalogue, codes)
        assessment.colour = grading.colour.value
        assessment.is_purple = grading.purple
        if confirmed_colour != grading.colour.value:
            raise ValidationError(
                {
                    "confirmed_colour": _("The factors give %(colour)s. Check the factors, or confirm %(colour)s.")
                    % {"colour": Colour(grading.colour.value).label}
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


def needs_case(colour: str, purple: bool) -> bool:
    """专案 for orange, red and purple (母婴安全五项制度 2; domain.md §1.5, §1.6 rule 5)."""
    return colour in (Colour.ORANGE, Colour.RED) or purple


def report_deadline(opened_at: datetime, colour: str, purple: bool) -> datetime:
    """Report to the 辖区妇幼保健机构 within ``rules.report_hours``: orange 72 h, red 24 h (domain.md §1.5);
    with purple too, the earlier of the two."""
    hours = mch_rules().report_hours
    candidates = [hours[colour]] if colour in (Colour.ORANGE, Colour.RED) else []
    if purple:
        candidates.append(hours["purple"])
    return opened_at + timedelta(hours=min(candidates))


def _open_or_escalate_case(actor: Any, pregnancy: Pregnancy, assessment: RiskAssessment) -> None:
    """Open the 专案 at the first orange/red/purple result (the assessor is its responsible person);
    a higher colour later moves it up (an unreported deadline only ever moves earlier; a reported
    case must be reported again) and a closed case reopens. A lower colour changes nothing: the case
    stays open at the highest colour (domain.md §1.6: grades go up and down)."""
    if not needs_case(assessment.colour, assessment.is_purple):
        return
    at = assessment_time(assessment)
    due = report_deadline(at, assessment.colour, assessment.is_purple)
    case = RiskCase.objects.select_for_update().filter(pregnancy=pregnancy).first()
    if case is None:
        case = RiskCase(
            pregnancy=pregnancy,
            opened_at=at,
            opened_by=assessment,
            colour=assessment.colour if assessment.colour in (Colour.ORANGE, Colour.RED) else "",
            is_purple=assessment.is_purple,
            responsible=actor if getattr(actor, "pk", None) else None,
            responsible_name=assessment.assessor_name,
            report_due_at=due,
        )
        record_create(actor=actor, record=case, validate=lambda _record: None)
        return
    changes: dict[str, Any] = {}
    if colour_rank(assessment.colour) > colour_rank(case.colour) and assessment.colour in (Colour.ORANGE, Colour.RED):
        changes["colour"] = assessment.colour
        if case.reported_at is None:
            changes["report_due_at"] = min(case.report_due_at, due)
        else:  # a new, higher grading is a new report
            changes["report_due_at"], changes["reported_at"] = due, None
    if assessment.is_purple and not case.is_purple:
        changes["is_purple"] = True
        if case.reported_at is None:
            changes["report_due_at"] = min(changes.get("report_due_at", case.report_due_at), due)
    if case.status == CaseStatus.CLOSED:
        changes.update(status=CaseStatus.OPEN, closed_at=None, close_note="", report_due_at=due, reported_at=None)
    if changes:
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


def is_counted_death(cause: str) -> bool:
    """The MMR excludes accidents (domain.md §3.2)."""
    return cause != DeathCause.ACCIDENT


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
