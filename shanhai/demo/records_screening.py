"""S4 · Baoji's screening programmes in the MCH year ``2021Oct`` (1 October 2021 – 30 September 2022, the report's
"2022"), at record level for each county (issue 14):

- 两癌 screening of women aged 35–64 by the county MCH institutions and township centres, with follow-up,
  diagnosis and treatment; prenatal screening (city-wide, 双筛) by the city and county MCH institutions with
  prenatal diagnosis after a high-risk result; pre-pregnancy checks with folic acid; premarital checks; the
  target populations of 2022 entered by the city's programme office — person-level records through
  ``screening.bulk`` (the services' validators, one audit entry);
- child nutrition packs: monthly reports of the ten non-urban counties' MCH hospitals summing to **63,141** packs;
- the critical maternal and newborn care centres at city and county level and the year's near-miss cases, most
  treated at a centre — through the services.

Only the 63,141 packs and the five-period chain come from the report (``docs/scenarios.md`` S4); the other counts
are illustrative, sized to the demo's 4,130 live births. Built last in ``load_demo`` (it draws from the builder's
RNG, so nothing after it moves).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from random import Random

from django.db.models import Model

from shanhai.core.models import OrgUnit
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.records_maternal_plan import CITY_CENTRAL, CITY_MCH, S4_BIRTH_SHARES
from shanhai.demo.regions import BAOJI_TOWNSHIPS
from shanhai.demo.scenarios import BAOJI_COUNTIES, BAOJI_URBAN
from shanhai.screening import bulk, services
from shanhai.screening.models import (
    BreastMethod,
    CancerScreening,
    CervicalMethod,
    Compliance,
    Diagnosis,
    DiagnosisResult,
    PreconceptionCheck,
    PremaritalCheck,
    PrenatalMethod,
    PrenatalScreening,
    RiskResult,
    ScreenResult,
)

S4_SCREENING_START, S4_SCREENING_END = date(2021, 10, 1), date(2022, 9, 30)
S4_SCREENING_MONTHS = (*range(202110, 202113), *range(202201, 202210))
#: The report's figure: child nutrition packs issued in 2022 (MCH year).
S4_NUTRITION_PACKS = 63_141
#: Illustrative counts for the city (split over the counties by their share of births).
S4_CANCER_SCREENED = 5_400
S4_PRENATAL_SCREENED = 3_690
S4_PRECONCEPTION_COUPLES = 3_300
S4_PREMARITAL_PERSONS = 5_900
S4_NEAR_MISS = 41
S4_NEAR_MISS_AT_CENTRE = 37
#: Target populations of 2022 as a share of what was done (coverage ≈ 1 / share).
TARGET_MARGIN = {"cervical": 1.09, "breast": 1.12, "preconception": 1.08, "marriages": 1.26}
CENTRES_DESIGNATED_ON = date(2018, 6, 1)
S4_SCREENING_NOTE = "宝鸡市妇幼健康演示数据：2021年10月—2022年9月两癌筛查、产前筛查、孕前优生健康检查和婚前医学检查"


def _split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """``total`` split by ``weights`` with largest remainders, so the parts sum exactly to it."""
    whole = sum(weights.values())
    parts = {key: total * weight // whole for key, weight in weights.items()}
    order = sorted(weights, key=lambda key: -(total * weights[key] % whole))
    for key in order[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


class BaojiScreening:
    def __init__(self, builder: DemoBuilder) -> None:
        self.b = builder
        self.rng: Random = builder.rng
        self.days = (S4_SCREENING_END - S4_SCREENING_START).days
        self.counties = dict(BAOJI_COUNTIES)
        self.towns = {code: [builder.unit(t.code) for t in BAOJI_TOWNSHIPS[code]] for code in self.counties}

    def mch(self, code: str) -> OrgUnit:
        county = self.counties[code]
        return self.b.unit(f"{county}妇幼保健计划生育服务中心" if county.endswith("区") else f"{county}妇幼保健院")

    def centre(self, code: str, town: OrgUnit) -> OrgUnit | None:
        return self.b.units.get(f"{self.counties[code]}{town.name}中心卫生院")

    def day(self) -> date:
        return S4_SCREENING_START + timedelta(days=self.rng.randrange(self.days + 1))

    def place(self, code: str) -> tuple[OrgUnit, OrgUnit]:
        """A residence in the county and the institution near it (the town's centre for some, else the county MCH)."""
        town = self.rng.choice(self.towns[code])
        centre = self.centre(code, town)
        return town, centre if centre and self.rng.random() < 0.4 else self.mch(code)

    # --- person-level records ----------------------------------------------------------------------------------
    def cancer(self, code: str, n: int) -> list[CancerScreening]:
        rng, records = self.rng, []
        for i in range(n):
            town, institution = self.place(code)
            organs = rng.choices(("both", "cervical", "breast"), weights=(85, 10, 5))[0]
            record = CancerScreening(
                screened_on=self.day(),
                institution=institution,
                residence=town,
                number=f"LA{code}{i + 1:05d}",
                age=rng.randint(35, 64),
            )
            followed = False
            lesion = False
            for organ, methods, abnormal, diagnoses in (
                (
                    "cervical",
                    ((CervicalMethod.HPV, 60), (CervicalMethod.CYTOLOGY, 35), (CervicalMethod.VISUAL, 5)),
                    0.06,
                    (70, 22, 5, 3),
                ),
                ("breast", ((BreastMethod.ULTRASOUND, 85), (BreastMethod.MAMMOGRAPHY, 15)), 0.04, (80, 8, 9, 3)),
            ):
                if organs not in ("both", organ):
                    continue
                setattr(
                    record, f"{organ}_method", rng.choices([m for m, _ in methods], weights=[w for _, w in methods])[0]
                )
                is_abnormal = rng.random() < abnormal
                setattr(record, f"{organ}_result", ScreenResult.ABNORMAL if is_abnormal else ScreenResult.NORMAL)
                if is_abnormal and rng.random() < 0.9:
                    followed = True
                    diagnosis = rng.choices(Diagnosis.values, weights=diagnoses)[0]
                    setattr(record, f"{organ}_diagnosis", diagnosis)
                    lesion = lesion or diagnosis != Diagnosis.NEGATIVE
            record.is_followed_up = followed
            record.is_treated = lesion and rng.random() < 0.95
            records.append(record)
        return records

    def prenatal(self, code: str, n: int) -> list[PrenatalScreening]:
        rng, records = self.rng, []
        city_mch = self.b.unit(CITY_MCH)
        for i in range(n):
            town = rng.choice(self.towns[code])
            institution = city_mch if code in BAOJI_URBAN or rng.random() < 0.2 else self.mch(code)
            method = rng.choices(PrenatalMethod.values, weights=(15, 70, 15))[0]
            weeks = {"serum_first": rng.randint(11, 13), "serum_second": rng.randint(15, 20)}.get(
                method, rng.randint(12, 22)
            )
            screened_on = self.day()
            record = PrenatalScreening(
                screened_on=screened_on,
                institution=institution,
                residence=town,
                number=f"CS{code}{i + 1:05d}",
                gestation_weeks=weeks,
                method=method,
                result=RiskResult.HIGH if rng.random() < 0.05 else RiskResult.LOW,
            )
            if record.result == RiskResult.HIGH and rng.random() < 0.85:
                record.diagnosed_on = min(screened_on + timedelta(days=rng.randint(7, 21)), S4_SCREENING_END)
                record.diagnosis_result = DiagnosisResult.ABNORMAL if rng.random() < 0.08 else DiagnosisResult.NORMAL
            records.append(record)
        return records

    def preconception(self, code: str, n: int) -> list[PreconceptionCheck]:
        rng, records = self.rng, []
        for i in range(n):
            town, institution = self.place(code)
            given = rng.random() < 0.95
            followed = given and rng.random() < 0.7
            records.append(
                PreconceptionCheck(
                    checked_on=self.day(),
                    institution=institution,
                    residence=town,
                    number=f"YJ{code}{i + 1:05d}",
                    is_couple=rng.random() < 0.92,
                    is_risk_found=rng.random() < 0.18,
                    is_folic_acid_given=given,
                    folic_acid_compliance=(
                        (Compliance.COMPLIANT if rng.random() < 0.85 else Compliance.NOT_COMPLIANT) if followed else ""
                    ),
                )
            )
        return records

    def premarital(self, code: str, n: int) -> list[PremaritalCheck]:
        rng, records = self.rng, []
        for i in range(n):
            town = rng.choice(self.towns[code])
            records.append(
                PremaritalCheck(
                    checked_on=self.day(),
                    institution=self.mch(code),
                    residence=town,
                    number=f"HJ{code}{i + 1:05d}",
                    sex="female" if i % 2 == 0 else "male",
                    is_condition_found=rng.random() < 0.12,
                )
            )
        return records

    def person_records(self) -> dict[str, dict[str, int]]:
        """Every county's person-level records in one bulk batch; returns what was done per county."""
        done: dict[str, dict[str, int]] = {code: {} for code in self.counties}
        records: list[Model] = []
        makers: tuple[tuple[str, int, Callable[[str, int], Sequence[Model]]], ...] = (
            ("cancer", S4_CANCER_SCREENED, self.cancer),
            ("prenatal", S4_PRENATAL_SCREENED, self.prenatal),
            ("preconception", S4_PRECONCEPTION_COUPLES, self.preconception),
            ("premarital", S4_PREMARITAL_PERSONS, self.premarital),
        )
        for kind, total, make in makers:
            for code, n in _split(total, S4_BIRTH_SHARES).items():
                batch = make(code, n)
                records += batch
                done[code][kind] = n
                if isinstance(batch[0], CancerScreening):
                    cancer = [r for r in batch if isinstance(r, CancerScreening)]
                    done[code]["cervical"] = sum(1 for r in cancer if r.cervical_method)
                    done[code]["breast"] = sum(1 for r in cancer if r.breast_method)
        bulk.bulk_load(actor=self.b.actor, records=records, org_unit=self.b.unit("610300"), note=S4_SCREENING_NOTE)
        return done

    def targets(self, done: dict[str, dict[str, int]]) -> None:
        office = "宝鸡市卫生健康委员会妇幼健康科：2022年度任务数（演示）"
        for code, counts in done.items():
            for population, margin in TARGET_MARGIN.items():
                did = counts["premarital"] if population == "marriages" else counts[population]
                services.screening_target_create(
                    actor=self.b.actor,
                    region=self.b.unit(code),
                    year=2022,
                    population=population,
                    size=max(1, round(did * margin)),
                    basis="民政部门结婚登记人数（演示）" if population == "marriages" else office,
                )

    # --- nutrition packs: monthly reports -------------------------------------------------------------------------
    def nutrition(self) -> None:
        counties = [code for code in self.counties if code not in BAOJI_URBAN]
        cells = [(code, month) for code in counties for month in S4_SCREENING_MONTHS]
        weights = {f"{code}:{month}": S4_BIRTH_SHARES[code] * self.rng.randint(90, 110) for code, month in cells}
        packs = _split(S4_NUTRITION_PACKS, weights)
        for code, month in cells:
            issued = packs[f"{code}:{month}"]
            served = max(1, round(issued / 30))
            surveyed = max(1, round(served * 0.12))
            services.nutrition_report_create(
                actor=self.b.actor,
                month=month,
                institution=self.mch(code),
                children_served=served,
                packs_issued=issued,
                children_surveyed=surveyed,
                children_effective=round(surveyed * self.rng.uniform(0.8, 0.95)),
            )

    # --- critical care centres and near-miss cases ---------------------------------------------------------------
    def centres(self) -> list[OrgUnit]:
        """City level: the city MCH hospital and the central hospital; county level: each county's people's hospital
        (the urban districts are served by the city centres). Both kinds at each."""
        city = [self.b.unit(CITY_MCH), self.b.unit(CITY_CENTRAL)]
        county = [self.b.unit(f"{self.counties[code]}人民医院") for code in self.counties if code not in BAOJI_URBAN]
        for level, units in (("city", city), ("county", county)):
            for unit in units:
                for kind in ("maternal", "newborn"):
                    services.care_centre_create(
                        actor=self.b.actor,
                        institution=unit,
                        kind=kind,
                        level=level,
                        designated_on=CENTRES_DESIGNATED_ON,
                    )
        return [*city, *county]

    def near_miss(self, centres: list[OrgUnit]) -> None:
        rng = self.rng
        by_county = {unit.parent.code if unit.parent else "": unit for unit in centres[2:]}
        counties = _split(S4_NEAR_MISS, S4_BIRTH_SHARES)
        cases = [code for code, n in counties.items() for _ in range(n)]
        causes = ("haemorrhage", "hypertensive", "sepsis", "embolism", "other_obstetric", "medical")
        for i, code in enumerate(cases):
            town = rng.choice(self.towns[code])
            at_centre = i < S4_NEAR_MISS_AT_CENTRE
            treated_at = (
                (centres[i % 2] if code in BAOJI_URBAN or i % 3 == 0 else by_county[code]) if at_centre else None
            )
            services.near_miss_case_create(
                actor=self.b.actor,
                occurred_on=self.day(),
                institution=self.mch(code),
                residence=town,
                treated_at=treated_at,
                number=f"WZ{code}{i + 1:03d}",
                cause="haemorrhage" if i == 0 else rng.choices(causes, weights=(35, 25, 8, 4, 18, 10))[0],
                outcome="died" if i == 0 else "recovered",
            )


def build_screening_records(builder: DemoBuilder) -> None:
    baoji = BaojiScreening(builder)
    baoji.targets(baoji.person_records())
    baoji.nutrition()
    baoji.near_miss(baoji.centres())
