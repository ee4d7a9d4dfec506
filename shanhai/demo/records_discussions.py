"""Demo case discussions (S1): Fuqing hospital's weekly case discussions with Qitai's People's Hospital campus.

One weekly series (Thursday 16:00–17:30) of the partnership 福清市医院 → 奇台县总医院人民医院院区, from the week its
agreement was signed (2024-04-18: the demo's partnership starts then, and a session cannot fall before its
partnership) to today; every past session held (a few cancelled for holidays), with 1–3 masked cases presented
by Qitai's clinicians, attendance from both hospitals' staff, minutes and some follow-up actions; the next four
sessions scheduled. The years of rows are saved by ``discussions_bulk_load`` (same rules and facts as the
services, one audit entry); the series and its upcoming sessions go through the ordinary services. Deterministic:
everything random comes from the builder's seeded RNG. Call :func:`build_discussion_records` after
``build_logins``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from shanhai.core import clock
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.scenarios import QITAI_CAMPUS_PEOPLES, S1_PROGRAMME
from shanhai.partnerships.models import Partnership
from shanhai.telehealth.discussions import discussions_bulk_load, occurrences, series_create, series_schedule_next
from shanhai.telehealth.models import (
    CaseDiscussion,
    DiscussedCase,
    DiscussionAttendance,
    DiscussionKind,
    DiscussionStatus,
    FollowUpAction,
    Recurrence,
    Weekday,
)
from shanhai.workforce.models import Person

S1_SERIES_TITLE = "福清—奇台常态化病例研讨（每周四）"
S1_HOST = "福清市医院"
#: Session days that fall on an official holiday are cancelled (春节, 清明, 劳动节, 端午, 中秋, 国庆): (month, day).
HOLIDAYS = {(1, 1), (2, 1), (4, 4), (5, 1), (6, 10), (9, 17), (10, 1), (10, 2), (10, 3)}
#: Every this many weeks the session is a remote teaching ward round instead of a case discussion.
TEACHING_ROUND_EVERY = 4

#: (department code, masked case summary, topic): no name, ID number, phone or address of any patient.
CASES: tuple[tuple[str, str, str], ...] = (
    ("05", "女，29岁，G2P1，孕32周，血压158/105mmHg，尿蛋白(++)，头痛2天。", "子痫前期的识别与转诊时机"),
    ("05", "女，35岁，G3P1，孕38周，瘢痕子宫，要求阴道试产。", "瘢痕子宫再次妊娠的分娩方式"),
    ("05", "女，26岁，产后2小时阴道出血约900ml，宫缩乏力。", "产后出血的分级处置"),
    ("05", "女，31岁，孕24周，OGTT 5.6/11.2/9.8mmol/L。", "妊娠期糖尿病的血糖管理"),
    ("07", "男，出生3天，胎龄34周，体重1980g，黄疸进行性加重。", "早产儿高胆红素血症"),
    ("07", "女，8月龄，体重增长缓慢，血红蛋白92g/L。", "婴儿营养性贫血与体弱儿管理"),
    ("03", "男，62岁，高血压20年，突发胸痛3小时，心电图ST段抬高。", "急性心肌梗死的溶栓与转运"),
    ("03", "女，57岁，2型糖尿病10年，足部溃疡2月。", "糖尿病足的分级与处理"),
    ("04", "男，45岁，右上腹痛伴发热2天，Murphy征阳性。", "急性胆囊炎的手术时机"),
    ("20", "男，38岁，高处坠落伤1小时，血压90/60mmHg。", "多发伤的早期评估与损伤控制"),
    ("05", "女，40岁，月经量增多1年，B超示子宫肌瘤8cm。", "子宫肌瘤的手术方式选择"),
    ("07", "男，3岁，发热咳嗽5天，双肺湿啰音，血氧92%。", "儿童重症肺炎的识别"),
)
FOLLOW_UPS = (
    "整理本例诊治要点，下周院内学习",
    "完善高危孕产妇转诊流程并报医务科",
    "补充影像资料，下次讨论复核",
    "患者出院后随访并反馈转归",
    "修订本院相关诊疗规范",
)
MINUTES = (
    "讨论结论：{topic}。福清专家逐例点评诊疗思路，提出规范化处置建议；奇台医师就基层条件下的可行方案提问，专家答疑。"
)


def _done_at(day: date) -> datetime:
    """Ten days after the session, at 10:00 Beijing time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=10), time(10, 0)))


def _partnership() -> Partnership:
    return Partnership.objects.select_related("supporter", "recipient", "programme").get(
        supporter__name=S1_HOST, recipient__name=QITAI_CAMPUS_PEOPLES, programme__name=S1_PROGRAMME
    )


def build_discussion_records(builder: DemoBuilder) -> dict[str, int]:
    b, rng = builder, builder.rng
    partnership = _partnership()
    host, recipient = partnership.supporter, partnership.recipient
    series = series_create(
        actor=b.actor,
        title=S1_SERIES_TITLE,
        partnership=partnership,
        host=host,
        recipient=recipient,
        recurrence=Recurrence.WEEKLY,
        weekday=Weekday.THURSDAY,
        start_time=time(16, 0),
        end_time=time(17, 30),
        starts_on=partnership.started_on,
        description="福清市医院专家通过线上协作平台与奇台县总医院人民医院院区开展常态化病例研讨和远程教学查房。",
        schedule=0,
    )
    experts = list(Person.objects.filter(institution=host).select_related("institution").order_by("pk"))
    clinicians = list(Person.objects.filter(institution=recipient).select_related("institution").order_by("pk"))
    today = clock.today()
    days = occurrences(series, after=series.starts_on - timedelta(days=1), count=1000)
    sessions: list[CaseDiscussion] = []
    cases: list[DiscussedCase] = []
    attendance: list[DiscussionAttendance] = []
    follow_ups: list[FollowUpAction] = []
    for week, day in enumerate(d for d in days if d < today):
        cancelled = (day.month, day.day) in HOLIDAYS
        presented = rng.sample(CASES, rng.randint(1, 3))
        kind = DiscussionKind.TEACHING_ROUND if week % TEACHING_ROUND_EVERY == 3 else DiscussionKind.CASE_DISCUSSION
        topic = "；".join(case[2] for case in presented)
        session = CaseDiscussion(
            partnership=partnership,
            series=series,
            host=host,
            recipient=recipient,
            kind=kind,
            scheduled_on=day,
            start_time=series.start_time,
            end_time=series.end_time,
            status=DiscussionStatus.CANCELLED if cancelled else DiscussionStatus.HELD,
            topic=topic,
            minutes="" if cancelled else MINUTES.format(topic=topic),
        )
        sessions.append(session)
        if cancelled:
            continue
        for department, summary, _topic in presented:
            cases.append(
                DiscussedCase(
                    discussion=session,
                    presenter=rng.choice(clinicians),
                    department=b.department(department),
                    summary=summary,
                )
            )
        present = rng.sample(experts, min(len(experts), rng.randint(2, 3)))
        present += rng.sample(clinicians, min(len(clinicians), rng.randint(4, 7)))
        absent = [p for p in clinicians if p not in present][:1]
        attendance += [DiscussionAttendance(discussion=session, person=p, institution=p.institution) for p in present]
        attendance += [
            DiscussionAttendance(discussion=session, person=p, institution=p.institution, attended=False)
            for p in absent
        ]
        if rng.random() < 0.35:
            follow_ups.append(
                FollowUpAction(
                    discussion=session,
                    description=rng.choice(FOLLOW_UPS),
                    owner_name=rng.choice(clinicians).name,
                    due_on=day + timedelta(days=14),
                    done_at=_done_at(day) if day + timedelta(days=28) < today else None,
                )
            )
    counts = discussions_bulk_load(
        actor=b.actor,
        sessions=sessions,
        cases=cases,
        attendance=attendance,
        follow_ups=follow_ups,
        org_unit=recipient,
        note=S1_SERIES_TITLE,
    )
    # The coming weeks, scheduled as a user would: "schedule the next 4".
    series_schedule_next(actor=b.actor, series=series, count=4)
    return counts
