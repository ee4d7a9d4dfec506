"""The MCH record kinds: women, pregnancies and what happens in them (assessments, 专案 cases, referrals,
antenatal visits, deliveries, deaths, postpartum visits), children and their health checks.

The generic pages, API, import and export of ``shanhai.records`` serve them from here; the writes are
``maternal.services`` (adapted to the framework's keywords in ``record_writes``), who sees what is
``maternal.access``. Personal data (a woman's name, ID number and phone; a child's name) are
``Personal`` columns: masked in every list, export and API answer. A pregnancy or a visit names its woman by record number or by her ID
number, so spreadsheets of women, then pregnancies, then visits import one after the other.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shanhai.core.personal import mask_id_number, mask_name, mask_phone
from shanhai.maternal import access, selectors, services
from shanhai.maternal import record_writes as writes
from shanhai.maternal.columns import (
    ChildRef,
    ConfirmedColour,
    DateTime,
    Decimal1,
    FactorCodes,
    NearbyInstitutionRef,
    OptionalBoolean,
    PregnancyRef,
    RiskColour,
    WomanRef,
)
from shanhai.maternal.identity import normalise_id_number, normalise_phone
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
    DeliveryMode,
    DeliveryPlace,
    EndReason,
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
    mask_birth_date,
)
from shanhai.records.columns import (
    Choice,
    Column,
    Date,
    Derived,
    Integer,
    Personal,
    UnitRef,
)
from shanhai.records.kinds import RecordKind, register

PREGNANCY_HELP = _(
    "The pregnancy's registration number (YC-…) or record number, or the woman's ID number (her ongoing or latest "
    "pregnancy)."
)
CHILD_HELP = _("The child's number (ET-…) or record number, or the mother's ID number when she has one child on file.")
WOMAN_HELP = _("The woman's record number, or her ID number.")


def _yes(value: bool) -> str:
    return gettext("Yes") if value else ""


# --- women ---------------------------------------------------------------------------------------------------
register(
    RecordKind(
        slug="women",
        model=Woman,
        app="maternal",
        unit_field="registered_at",
        partnership_field=None,
        columns=(
            Personal("name", pgettext_lazy("person", "Name"), max_length=60, masker=mask_name),
            Personal(
                "id_number",
                _("ID number"),
                max_length=18,
                masker=mask_id_number,
                validator=normalise_id_number,
                help=_("The 18-character 居民身份证 number."),
            ),
            Personal(
                "birth_date",
                _("Date of birth"),
                importable=False,
                required=False,
                masker=mask_birth_date,
                help=_("Read from the ID number."),
            ),
            Personal(
                "phone",
                _("Phone"),
                required=False,
                max_length=20,
                masker=mask_phone,
                validator=normalise_phone,
                in_list=False,
            ),
            UnitRef("residence", _("Residence (county or township)"), only_regions=True, example="652325"),
            UnitRef("registered_at", _("Registering institution (code or name)"), example="H652325002", writable=True),
        ),
        create=services.woman_create,
        update=services.woman_update,
        delete=services.woman_delete,
        search_fields=("residence__name", "registered_at__name"),
        ordering=("-created_at",),
        select_related=("residence", "registered_at"),
        detail_template="maternal/woman_detail.html",
        detail_context=lambda request, woman: selectors.woman_page(request.user, woman),
        visibility=access.woman_visibility,
        writable_units=access.woman_writers,
        personal_unit=access.woman_personal_unit,
        extra={"list_include": "maternal/_find_woman.html"},
    )
)


# --- pregnancies --------------------------------------------------------------------------------------------


PREGNANCY_COLUMNS = (
    Column("number", _("Registration number"), importable=False),
    WomanRef("woman", _("Woman (record number or ID number)"), help=WOMAN_HELP),
    Personal("woman__name", pgettext_lazy("person", "Name"), importable=False, in_list=False, masker=mask_name),
    Personal("woman__id_number", _("ID number"), importable=False, in_list=False, masker=mask_id_number),
    Personal("woman__phone", _("Phone"), importable=False, in_list=False, masker=mask_phone),
    Date("registered_on", _("Registration date"), example="2024-03-05"),
    UnitRef("registered_at", _("Registering institution (code or name)"), example="H652325002", writable=True),
    Date("last_menstrual_period_on", _("Last menstrual period"), example="2024-01-10"),
    Integer("gravidity", _("Gravidity"), required=False, minimum=1, in_list=False, help=_("Including this pregnancy.")),
    Integer("parity", _("Parity"), required=False, in_list=False),
    Choice("status", _("Status"), choices=PregnancyStatus, required=False),
    Date(
        "ended_on", _("Ended on"), required=False, in_list=False, help=_("Only for a pregnancy ended without delivery.")
    ),
    Choice("end_reason", _("End reason"), choices=EndReason, required=False, in_list=False),
    Date(
        "managed_recorded_on",
        _("High-risk management recorded on"),
        required=False,
        in_list=False,
        help=_(
            "Only where Shanhai's records cannot show that this high-risk woman was managed (managed at an "
            "institution outside the system, say): with a note, she counts as managed."
        ),
    ),
    Column("managed_note", _("How she was managed"), required=False, in_list=False, max_length=200),
    Derived("expected_delivery_on", _("Expected delivery date"), compute=lambda p: p.expected_delivery_on),
    Derived(
        "gestation_days_at_registration",
        _("Gestation at registration"),
        compute=lambda p: selectors.gestation_label(p.gestation_days_at_registration),
        in_list=False,
    ),
    Choice(
        "screening_result", _("Screening"), choices=ScreeningResult, importable=False, required=False, in_list=False
    ),
    RiskColour("current_colour", _("Current colour"), choices=Colour, importable=False, required=False),
    Derived("is_purple", _("Infectious disease (purple)"), compute=lambda p: _yes(p.is_purple)),
    Choice("highest_colour", _("Highest colour"), choices=Colour, importable=False, required=False, in_list=False),
    Derived("antenatal_visit_count", _("Antenatal visits"), compute=lambda p: p.antenatal_visit_count),
    Derived(
        "is_early_registered",
        _("Registered before 13 weeks"),
        compute=lambda p: _yes(p.is_early_registered),
        in_list=False,
    ),
    Derived(
        "is_system_managed", _("Systematically managed"), compute=lambda p: _yes(p.is_system_managed), in_list=False
    ),
)

register(
    RecordKind(
        slug="pregnancies",
        model=Pregnancy,
        app="maternal",
        unit_field="registered_at",
        partnership_field=None,
        columns=PREGNANCY_COLUMNS,
        create=writes.pregnancy_create,
        update=writes.pregnancy_update,
        delete=services.pregnancy_delete,
        search_fields=("number", "woman__residence__name", "registered_at__name"),
        date_field="registered_on",
        filter_keys=("status", "current_colour"),
        ordering=("-registered_on",),
        select_related=("woman", "woman__residence", "woman__registered_at", "registered_at"),
        detail_template="maternal/pregnancy_detail.html",
        detail_context=lambda request, pregnancy: selectors.pregnancy_page(request.user, pregnancy),
        visibility=access.pregnancy_visibility,
        writable_units=access.pregnancy_writers,
        personal_unit=access.pregnancy_personal_unit,
    )
)

PREGNANCY_RECORD = ("pregnancy", "pregnancy__woman", "pregnancy__woman__residence", "pregnancy__registered_at")


def _pregnancy_ref(**kwargs: Any) -> PregnancyRef:
    return PregnancyRef("pregnancy", _("Pregnancy (record number or ID number)"), help=PREGNANCY_HELP, **kwargs)


# --- risk assessments (immutable) and 专案 cases ----------------------------------------------------------
register(
    RecordKind(
        slug="risk-assessments",
        model=RiskAssessment,
        app="maternal",
        unit_field="institution",
        partnership_field=None,
        columns=(
            _pregnancy_ref(),
            Choice("kind", _("Kind"), choices=AssessmentKind),
            Date("assessed_on", _("Date"), example="2024-03-05"),
            UnitRef("institution", _("Institution (code or name)")),
            FactorCodes(
                "factor_codes",
                _("Factors found"),
                help=_("Catalogue codes separated by ；, e.g. yellow.1.1；orange.2.1 (screening: screening.6.1)."),
            ),
            ConfirmedColour(
                "confirmed_colour",
                _("Confirmed colour"),
                choices=Colour,
                help=_("For a grading: the colour the factors give, confirmed by the assessor."),
            ),
            Derived("is_purple", _("Infectious disease (purple)"), compute=lambda a: _yes(a.is_purple)),
            Choice("screening_result", _("Screening"), choices=ScreeningResult, importable=False, required=False),
            Column("assessor_name", _("Assessor"), required=False, max_length=60),
            Column("note", _("Note"), required=False, multiline=True, in_list=False, max_length=2000),
        ),
        create=services.assessment_create,
        update=services.assessment_change_refused,
        delete=services.assessment_change_refused,
        search_fields=("institution__name",),
        date_field="assessed_on",
        filter_keys=("kind",),
        ordering=("-assessed_on",),
        select_related=(*PREGNANCY_RECORD, "institution"),
        in_menu=False,
        visibility=access.pregnancy_record_visibility("institution"),
        writable_units=access.pregnancy_record_writers("institution"),
    )
)


register(
    RecordKind(
        slug="risk-cases",
        model=RiskCase,
        app="maternal",
        unit_field="pregnancy__registered_at",
        partnership_field=None,
        columns=(
            _pregnancy_ref(importable=False),
            Choice("colour", _("Colour"), choices=Colour, importable=False, required=False),
            Derived("is_purple", _("Infectious disease (purple)"), compute=lambda c: _yes(c.is_purple)),
            DateTime("opened_at", _("Opened at"), importable=False, in_list=False),
            Column("responsible_name", _("Responsible person"), max_length=60),
            DateTime("report_due_at", _("Report due"), importable=False),
            DateTime("reported_at", _("Reported at"), required=False),
            Choice("status", _("Status"), choices=CaseStatus),
            Column("close_note", _("Closing note"), required=False, in_list=False, max_length=200),
            DateTime("closed_at", _("Closed at"), required=False, in_list=False),
        ),
        create=services.case_create_refused,
        update=writes.case_update,
        delete=services.case_delete_refused,
        search_fields=("responsible_name", "pregnancy__registered_at__name"),
        filter_keys=("status", "colour"),
        ordering=("status", "report_due_at"),
        select_related=PREGNANCY_RECORD,
        in_menu=False,
        visibility=access.pregnancy_record_visibility(),
        writable_units=access.pregnancy_record_writers(),
    )
)


# --- referrals -------------------------------------------------------------------------------------------------


register(
    RecordKind(
        slug="referrals",
        model=Referral,
        app="maternal",
        unit_field="from_unit",
        partnership_field=None,
        columns=(
            _pregnancy_ref(),
            UnitRef("from_unit", _("From (code or name)")),
            NearbyInstitutionRef("to_unit", _("To (code or name)"), help=_("An institution in your prefecture.")),
            Column("reason", _("Reason"), max_length=200),
            Choice(
                "status",
                _("Status"),
                choices=ReferralStatus,
                required=False,
                help=_("Requested → accepted → arrived → referred back; or declined / cancelled."),
            ),
            DateTime("requested_at", _("Requested at"), required=False, help=_("Now if left empty.")),
            DateTime("accepted_at", _("Accepted at"), importable=False, in_list=False),
            DateTime("arrived_at", _("Arrived at"), importable=False, in_list=False),
            DateTime("returned_at", _("Referred back at"), importable=False, in_list=False),
            DateTime("declined_at", _("Declined at"), importable=False, in_list=False),
            DateTime("cancelled_at", _("Cancelled at"), importable=False, in_list=False),
        ),
        create=writes.referral_create,
        update=writes.referral_update,
        delete=services.referral_delete,
        search_fields=("from_unit__name", "to_unit__name", "reason"),
        filter_keys=("status",),
        ordering=("-requested_at",),
        select_related=(*PREGNANCY_RECORD, "from_unit", "to_unit"),
        in_menu=False,
        visibility=access.pregnancy_record_visibility("from_unit", "to_unit"),
        writable_units=access.pregnancy_record_writers("from_unit", "to_unit"),
    )
)


# --- antenatal visits, deliveries, deaths, postpartum visits ---------------------------------------------------


register(
    RecordKind(
        slug="antenatal-visits",
        model=AntenatalVisit,
        app="maternal",
        unit_field="institution",
        partnership_field=None,
        columns=(
            _pregnancy_ref(),
            Date("visited_on", _("Date"), example="2024-03-05"),
            UnitRef("institution", _("Institution (code or name)"), example="H652325002"),
            Derived("gestation_days", _("Gestation"), compute=lambda v: selectors.gestation_label(v.gestation_days)),
            Column("note", _("Note"), required=False, max_length=200, in_list=False),
        ),
        create=services.antenatal_visit_create,
        update=writes.antenatal_update,
        delete=services.antenatal_visit_delete,
        search_fields=("institution__name",),
        date_field="visited_on",
        ordering=("-visited_on",),
        select_related=(*PREGNANCY_RECORD, "institution"),
        in_menu=False,
        visibility=access.pregnancy_record_visibility("institution"),
        writable_units=access.pregnancy_record_writers("institution"),
    )
)


register(
    RecordKind(
        slug="deliveries",
        model=Delivery,
        app="maternal",
        unit_field="pregnancy__registered_at",
        partnership_field=None,
        columns=(
            _pregnancy_ref(),
            Date("delivered_on", _("Delivery date"), example="2024-10-12"),
            Choice("place", _("Place"), choices=DeliveryPlace),
            UnitRef("institution", _("Institution (code or name)"), required=False),
            Choice("mode", _("Mode"), choices=DeliveryMode),
            Integer("live_births", _("Live births"), example="1"),
            Integer("stillbirths", _("Stillbirths"), required=False, in_list=False),
            OptionalBoolean("is_modern_method", _("Modern (clean) delivery"), in_list=False),
            Date("discharged_on", _("Discharge date"), required=False),
        ),
        create=writes.delivery_create,
        update=writes.delivery_update,
        delete=services.delivery_delete,
        search_fields=("institution__name",),
        date_field="delivered_on",
        filter_keys=("place", "mode"),
        ordering=("-delivered_on",),
        select_related=(*PREGNANCY_RECORD, "institution"),
        in_menu=False,
        visibility=access.pregnancy_record_visibility("institution"),
        writable_units=access.pregnancy_record_writers("institution"),
    )
)


register(
    RecordKind(
        slug="maternal-deaths",
        model=MaternalDeath,
        app="maternal",
        unit_field="pregnancy__registered_at",
        partnership_field=None,
        columns=(
            _pregnancy_ref(),
            Date("died_on", _("Date of death")),
            Choice("cause", _("Cause"), choices=DeathCause),
            UnitRef("place", _("Place (code or name)"), required=False, regions=True),
            Date("reported_on", _("Reported on"), required=False),
        ),
        create=services.maternal_death_create,
        update=writes.death_update,
        delete=services.maternal_death_delete,
        date_field="died_on",
        filter_keys=("cause",),
        ordering=("-died_on",),
        select_related=(*PREGNANCY_RECORD, "place"),
        in_menu=False,
        visibility=access.pregnancy_record_visibility("place"),
        writable_units=access.pregnancy_record_writers("place"),
    )
)


register(
    RecordKind(
        slug="postpartum-visits",
        model=PostpartumVisit,
        app="maternal",
        unit_field="institution",
        partnership_field=None,
        columns=(
            _pregnancy_ref(),
            Choice("kind", _("Kind"), choices=PostpartumKind, required=False, help=_("A home visit if left empty.")),
            Date("visited_on", _("Date")),
            UnitRef("institution", _("Institution (code or name)")),
            Column("note", _("Note"), required=False, max_length=200, in_list=False),
        ),
        create=services.postpartum_visit_create,
        update=writes.postpartum_update,
        delete=services.postpartum_visit_delete,
        search_fields=("institution__name",),
        date_field="visited_on",
        filter_keys=("kind",),
        ordering=("-visited_on",),
        select_related=(*PREGNANCY_RECORD, "institution"),
        in_menu=False,
        visibility=access.pregnancy_record_visibility("institution"),
        writable_units=access.pregnancy_record_writers("institution"),
    )
)


# --- children and their health checks -----------------------------------------------------------------------
register(
    RecordKind(
        slug="children",
        model=Child,
        app="maternal",
        unit_field="registered_at",
        partnership_field=None,
        columns=(
            Column("number", _("Child number"), importable=False),
            Personal("name", pgettext_lazy("person", "Name"), required=False, max_length=60, masker=mask_name),
            Choice("sex", _("Sex"), choices=Sex),
            Date("birth_date", _("Date of birth"), example="2024-10-12"),
            PregnancyRef(
                "mother",
                _("Mother's pregnancy (record number or mother's ID number)"),
                required=False,
                in_list=False,
                help=PREGNANCY_HELP,
            ),
            Integer("birth_weight_grams", _("Birth weight (g)"), required=False, in_list=False, example="3200"),
            Integer("gestation_weeks", _("Gestation at birth (weeks)"), required=False, in_list=False, example="39"),
            UnitRef("residence", _("Residence (county or township)"), only_regions=True),
            UnitRef("registered_at", _("Registering institution (code or name)"), writable=True),
            Column("high_risk_reasons", _("High-risk reasons"), required=False, in_list=False, max_length=200),
            Date("newborn_screened_on", _("Newborn screening (PKU, CH)"), required=False, in_list=False),
            Date("hearing_screened_on", _("Hearing screening"), required=False, in_list=False),
            Date("died_on", _("Date of death"), required=False, in_list=False),
            Derived("is_high_risk", _("High-risk infant"), compute=lambda c: _yes(c.is_high_risk)),
        ),
        create=services.child_create,
        update=services.child_update,
        delete=services.child_delete,
        search_fields=("number", "residence__name", "registered_at__name"),
        date_field="birth_date",
        filter_keys=("sex",),
        ordering=("-birth_date",),
        select_related=("residence", "registered_at", "mother", "mother__woman"),
        detail_template="maternal/child_detail.html",
        detail_context=lambda request, child: selectors.child_page(request.user, child),
        visibility=access.child_visibility,
        writable_units=access.child_writers,
        personal_unit=access.child_personal_unit,
    )
)


register(
    RecordKind(
        slug="child-checks",
        model=ChildCheck,
        app="maternal",
        unit_field="institution",
        partnership_field=None,
        columns=(
            ChildRef("child", _("Child (record number)"), help=CHILD_HELP),
            Choice("kind", _("Check"), choices=ChildCheckKind),
            Date("checked_on", _("Date")),
            UnitRef("institution", _("Institution (code or name)")),
            Integer("weight_grams", _("Weight (g)"), required=False),
            Decimal1("length_cm", _("Length / height (cm)")),
        ),
        create=services.child_check_create,
        update=writes.check_update,
        delete=services.child_check_delete,
        search_fields=("child__number", "institution__name"),
        date_field="checked_on",
        filter_keys=("kind",),
        ordering=("-checked_on",),
        select_related=("child", "institution"),
        in_menu=False,
        visibility=access.child_check_visibility,
        writable_units=access.child_check_writers,
    )
)
