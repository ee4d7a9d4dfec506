"""Demo MCH records: S4 Baoji's MCH year city-wide at record level, and S1 Qitai's women.

- **S4 · Baoji, MCH year ``2021Oct``** (1 October 2021 – 30 September 2022, the report's "2022"): every
  Baoji resident who delivered in the year — registration (建册) at one of the 37 midwifery
  institutions, screening, grading at a level-2+ institution (after a referral when a township centre
  screened positive), 专案, antenatal visits on the five-contact schedule, delivery, postpartum visit and
  42-day check, the children with newborn screening and health checks — and pregnancies that ended
  without delivery. Thousands of pregnancies, so they go through ``maternal.bulk`` (the services'
  rules, one audit entry) together with **today's** pregnancies: ongoing ones (the worklist's content)
  and a few just delivered. A handful more go through the services (screening → referral → grading →
  专案 reported).
- **S1 · Qitai**: women living in Qitai's townships, registered at 奇台县妇幼保健院 or a township health
  centre, all through the services: ongoing pregnancies with visits due and overdue, high-risk cases
  (one report overdue), a referral in progress, recent deliveries, one miscarriage.

The counts of ``records_maternal_plan`` are chosen so that the engine gives the report's three figures
for Baoji (610300) and ``2021Oct``; the figures themselves are only in the records
(``tests/test_mch_demo.py`` checks them). ``records_maternal_baoji`` draws and saves the bulk batch,
``records_maternal_stories`` writes through the services. Everything random comes from an RNG seeded
from the builder's, so a seed gives the same women; the "today" pregnancies move with the date, the
2021Oct cohort does not.
"""

from __future__ import annotations

import random

from shanhai.core import clock
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.records_maternal_baoji import BaojiMch
from shanhai.demo.records_maternal_plan import Names
from shanhai.demo.records_maternal_stories import ServiceStories, build_s1_qitai, build_s4_services


def build_maternal_records(builder: DemoBuilder) -> dict[str, int]:
    """S4's bulk batch, then the women recorded through the services (S4's handful, S1 Qitai's)."""
    names = Names(random.Random(builder.rng.getrandbits(64)))  # noqa: S311 (demo data, not secrets)
    today = clock.today()
    baoji = BaojiMch(builder, names, today)
    baoji.plan_year()
    baoji.plan_today()
    counts = baoji.load()
    stories = ServiceStories(builder, names, today)
    build_s4_services(stories)
    build_s1_qitai(stories)
    return counts
