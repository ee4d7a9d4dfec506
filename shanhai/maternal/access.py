"""Who sees and who writes MCH records, and the only way the MCH pages load one by its number.

A woman's file is seen whole: a user sees a woman, and every pregnancy of hers with its records, when
her residence or her registering institution lies in one of the user's subtrees, or when one of her
pregnancies was registered there or referred from or to there (the receiving hospital grades the women
sent to it: 国卫妇幼发〔2017〕42号). A record about a pregnancy (an assessment, a visit, a delivery …) is
also seen by the institution that made it. Children follow their residence, their registering
institution and their mother's file; their checks also the institution that checked them.

Writing needs write access at the record's institution, at the pregnancy's registering institution
or at the woman's residence. Out of sight → 404 (existence does not leak); in sight but read-only → 403.

Viewing personal data in clear (``reveals_personal``) applies at the woman's registering institution and
at the institutions open referrals hand her to (:func:`woman_personal_unit`), never at one where a user
merely created a record about her.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Q

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.core.selectors import in_subtrees
from shanhai.maternal.models import Child, Pregnancy, Referral, ReferralStatus, RiskCase, Woman
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of


def visible_unit_ids(user: User) -> Any:
    """The ids of the org units in the user's read subtrees, as a subquery on the (small) unit table.
    Conditions on ``<unit>_id IN (…)`` use the foreign-key indexes; OR-ed ``path LIKE`` conditions
    across joins made every MCH list scan whole tables (bench/README.md, MCH)."""
    return OrgUnit.objects.filter(in_subtrees(list(scope_of(user).read_paths))).values("id")


@dataclass(frozen=True)
class IdSet:
    """Ids read once for several queries of one page (:func:`id_set`); conditions on them are made by
    :func:`among`. ``text``: the ids as one parameter, written once (``{1,2}`` for a PostgreSQL array, ``[1,2]``
    for SQLite's ``json_each``): the driver otherwise adapts 10,000 integers again in each query."""

    text: str


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``<column> = ANY(<array>)`` on PostgreSQL, ``<column> IN (SELECT value FROM json_each(<JSON array>))`` on
    SQLite: the ids as ONE parameter. Django prepares every element of a list again in each query (~30 ms for
    10,000 women); and PostgreSQL, given ``IN (SELECT unnest(…))``, guessed 200 distinct ids whatever their
    number, then hashed the 10,000 women once per open 专案 (30 s at a million pregnancies before ANALYZE),
    while it sizes ``= ANY(…)`` by the array (bench/README.md, MCH)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        # ``lhs`` is the column Django compiled; the ids are one parameter (``IdSet.text``).
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, self.rhs]  # noqa: S608


def id_set(ids: Iterable[int]) -> IdSet:
    """Ids read once, for conditions (:func:`among`) in several queries of one page."""
    written = ",".join(map(str, ids))
    return IdSet(f"{{{written}}}" if connection.vendor == "postgresql" else f"[{written}]")


def among(field: str, ids: Any) -> Q:
    """``field`` is one of ``ids``: an :class:`IdSet` (one parameter, :class:`AnyOf`) or a subquery."""
    if isinstance(ids, IdSet):
        return Q(AnyOf(F(field), ids.text))
    return Q(**{f"{field}__in": ids})


def units_seen(user: User) -> Any:
    """:func:`visible_unit_ids` read once (:func:`id_set`) for several queries of one page: behind the subquery
    PostgreSQL scanned whole tables (bench/README.md, MCH)."""
    return id_set(visible_unit_ids(user).values_list("id", flat=True))


def visible_women_ids(user: User, *, units: Any = None) -> Any:
    """Women whose file lies in the user's subtrees: residence, registering institution, a pregnancy
    registered there, or referred from or to there (one UNION, each part on an index). ``units``:
    :func:`units_seen`, read once for a page."""
    units = visible_unit_ids(user) if units is None else units
    referred = Referral.objects.filter(among("from_unit_id", units) | among("to_unit_id", units))
    return (
        Woman.objects.filter(among("residence_id", units))
        .values("pk")
        .order_by()
        .union(
            Woman.objects.filter(among("registered_at_id", units)).values("pk").order_by(),
            Pregnancy.objects.filter(among("registered_at_id", units)).values("woman_id").order_by(),
            # From the (few) referrals to their pregnancies, not every pregnancy against the referrals.
            referred.values("pregnancy__woman_id").order_by(),
        )
    )


#: Up to this many women, a page that reads several kinds of MCH records (the worklist) reads the user's women once
#: and passes their ids (:func:`women_seen`); each query would otherwise compute the UNION again (bench/README.md).
WOMEN_LISTED = 20_000


def women_seen(user: User, *, units: Any = None) -> Any:
    """The user's women for the queries that follow: their ids read once (a list) when there are at most
    :data:`WOMEN_LISTED`, else the UNION subquery. The list is not refreshed by a later write (:func:`women_of`)."""
    units = visible_unit_ids(user) if units is None else units
    union = visible_women_ids(user, units=units)
    # More residents than that (a prefecture, a province): the UNION is not read at all, as reading it to its
    # limit dedupes all of it first (+400 ms on a province's pregnancies list at a million, bench/README.md).
    residents = Woman.objects.filter(among("residence_id", units)).order_by().values_list("pk", flat=True)
    if residents[WOMEN_LISTED : WOMEN_LISTED + 1]:
        return union
    ids = list(union.values_list("pk", flat=True)[: WOMEN_LISTED + 1])
    return id_set(ids) if len(ids) <= WOMEN_LISTED else union


def pregnancies_seen(women: Any) -> IdSet | None:
    """The pregnancies of :func:`women_seen` read once, when those are a list: the worklist reaches their items,
    专案, referrals and children through them, and each query would otherwise find them again from the women
    (10,000 index probes each for a county at a million pregnancies)."""
    if not isinstance(women, IdSet):
        return None
    return id_set(Pregnancy.objects.filter(among("woman_id", women)).order_by().values_list("pk", flat=True))


def women_of(user: User, *, women: Any = None, units: Any = None) -> Any:
    """``women`` when a page read them already, else :func:`women_seen` (with :func:`units_seen`) read now: the
    visibility of a query made without them. As a subquery, PostgreSQL guessed a county's UNION at 130,000 women
    for its 10,065 and read whole tables to join it (the pregnancies list at a million pregnancies: 467 ms,
    bench/README.md); an array of ids it sizes, and reads their rows by index. The ids are those of the moment
    the condition is made: a query about records written after that is made again (as every request does)."""
    if women is not None:
        return women
    return women_seen(user, units=units_seen(user) if units is None else units)


def woman_visibility(user: User) -> Q:
    return among("pk", women_of(user))


def pregnancy_visibility(user: User, *, women: Any = None, units: Any = None, pregnancies: Any = None) -> Q:
    """``women``, ``units``, ``pregnancies``: :func:`women_seen`, :func:`units_seen`, :func:`pregnancies_seen`, read
    once for a page (the same records)."""
    if pregnancies is not None:
        return among("pk", pregnancies)
    return among("woman_id", women_of(user, women=women, units=units))


def pregnancy_record_visibility(*institution_fields: str) -> Any:
    """Records about a pregnancy: the woman's file is seen, or the record's own institution(s) are."""

    def visibility(user: User, *, women: Any = None, units: Any = None, pregnancies: Any = None) -> Q:
        units = units_seen(user) if units is None else units
        # By the pregnancies' ids, not through a join: the records are then read by their pregnancy's index
        # (SQLite scanned every 专案 to test each one's woman).
        if pregnancies is None:
            women = women_of(user, women=women, units=units)
            pregnancies = Pregnancy.objects.filter(among("woman_id", women)).values("pk")
        condition = among("pregnancy_id", pregnancies)
        for field in institution_fields:
            condition |= among(f"{field}_id", units)
        return condition

    return visibility


def visible_children_ids(user: User, *, women: Any = None, units: Any = None, pregnancies: Any = None) -> Any:
    """Children in the user's subtrees: residence, registering institution, or their mother's file seen (one
    UNION, each part on an index; an OR of the three scanned every child at a million pregnancies)."""
    units = units_seen(user) if units is None else units
    women = women_of(user, women=women, units=units)
    mothers = (
        pregnancies if pregnancies is not None else Pregnancy.objects.filter(among("woman_id", women)).values("pk")
    )
    return (
        Child.objects.filter(among("residence_id", units))
        .values("pk")
        .order_by()
        .union(
            Child.objects.filter(among("registered_at_id", units)).values("pk").order_by(),
            Child.objects.filter(among("mother_id", mothers)).values("pk").order_by(),
        )
    )


def child_condition(user: User, *, women: Any = None, units: Any = None, pregnancies: Any = None) -> Q:
    return Q(pk__in=visible_children_ids(user, women=women, units=units, pregnancies=pregnancies))


def child_visibility(user: User, *, women: Any = None, units: Any = None, pregnancies: Any = None) -> Q:
    return child_condition(user, women=women, units=units, pregnancies=pregnancies)


def child_check_visibility(user: User) -> Q:
    units = units_seen(user)
    return Q(child_id__in=visible_children_ids(user, units=units)) | among("institution_id", units)


# --- where a user may write ---------------------------------------------------------------------------------
def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def woman_writers(woman: Any) -> list[Any]:
    return [_get(woman, "registered_at"), _get(woman, "residence")]


def pregnancy_writers(pregnancy: Any) -> list[Any]:
    woman = _get(pregnancy, "woman")
    return [_get(pregnancy, "registered_at"), *(woman_writers(woman) if woman is not None else [])]


def pregnancy_record_writers(*institution_fields: str) -> Any:
    """A record about a pregnancy: its own institution(s), the pregnancy's registering institution, the
    woman's residence."""

    def writers(record: Any) -> list[Any]:
        units = [_get(record, name) for name in institution_fields]
        pregnancy = _get(record, "pregnancy")
        if pregnancy is not None:
            units += [pregnancy.registered_at, pregnancy.woman.residence]
        return units

    return writers


def child_writers(child: Any) -> list[Any]:
    units = [_get(child, "registered_at"), _get(child, "residence")]
    mother = _get(child, "mother")
    if mother is not None:
        units.append(mother.registered_at)
    return units


def child_check_writers(check: Any) -> list[Any]:
    child = _get(check, "child")
    return [_get(check, "institution"), *(child_writers(child) if child is not None else [])]


# --- whose reveal permission applies -----------------------------------------------------------------------
#: A referral hands the woman to its receiving institution while it runs (asked, accepted, arrived).
OPEN_REFERRAL = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.ARRIVED)


def woman_personal_unit(woman: Woman) -> list[Any]:
    """The institutions whose ``reveals_personal`` permission applies to her personal data: her registering
    institution (which holds her file), then each institution an open referral hands her to from one of
    these (a chain: township centre → county hospital → prefecture hospital), for that referral's life.

    Never a record the user can create: a pregnancy registered, a visit recorded or a referral received
    elsewhere gives no permission (a referral counts only from an institution that already holds her, and
    only its sender may create it: ``services.referral_create``); nor her residence."""
    if woman.registered_at_id is None:
        return []
    holders: dict[int, Any] = {woman.registered_at_id: woman.registered_at}
    referrals = list(
        Referral.objects.filter(pregnancy__woman=woman, status__in=OPEN_REFERRAL)
        .select_related("to_unit")
        .order_by("requested_at", "pk")
    )
    added = True
    while added:
        added = False
        for referral in referrals:
            if referral.from_unit_id in holders and referral.to_unit_id not in holders:
                holders[referral.to_unit_id] = referral.to_unit
                added = True
    return list(holders.values())


def pregnancy_personal_unit(pregnancy: Pregnancy) -> list[Any]:
    """The woman's: the institution that registered this pregnancy gives no permission of its own."""
    return woman_personal_unit(pregnancy.woman)


def child_personal_unit(child: Child) -> list[Any]:
    """The child's registering institution."""
    return [child.registered_at]


# --- loading one record for the MCH pages ------------------------------------------------------------------
def access_pregnancy(actor: User, public_id: uuid.UUID | str, *, for_write: bool = False) -> Pregnancy:
    pregnancy: Pregnancy = access_record(kind_of("pregnancies"), actor, public_id, for_write=for_write)
    return pregnancy


def access_case(actor: User, public_id: uuid.UUID | str, *, for_write: bool = False) -> RiskCase:
    case: RiskCase = access_record(kind_of("risk-cases"), actor, public_id, for_write=for_write)
    return case


def access_referral(actor: User, public_id: uuid.UUID | str, *, for_write: bool = False) -> Referral:
    referral: Referral = access_record(kind_of("referrals"), actor, public_id, for_write=for_write)
    return referral
