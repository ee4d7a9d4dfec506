"""S1's consultations: 福清市医院's consultation pool answers requests from 奇台县总医院人民医院院区 since their
campus pairing was signed (2024-04-18) — through the real services, with times in the past: most answered in time,
some late, a few still open and overdue today (escalated by the sweep), decisions recorded by the asking side."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core import working_time as clocks
from shanhai.demo.builder import DemoBuilder
from shanhai.partnerships.models import Partnership
from shanhai.telehealth import services
from shanhai.telehealth.models import Decision, Priority

QUESTIONS = (
    ("05", "孕{weeks}周，血压{bp}，尿蛋白（++），是否需要转诊上级医院？", "G2P1，既往体健，本次妊娠规律产检。"),
    ("05", "孕{weeks}周，超声提示胎盘低置，少量阴道出血，下一步处理意见？", "G3P1，既往剖宫产一次。"),
    ("05", "产后第{days}天，发热38.6℃，下腹压痛，抗生素如何选择？", "顺产，会阴侧切，血常规白细胞升高。"),
    ("03", "患者{age}岁，反复胸闷一周，心电图ST段压低，是否需要急诊PCI？", "高血压病史十年，规律服药。"),
    ("03", "2型糖尿病患者，空腹血糖反复13mmol/L以上，胰岛素方案调整建议？", "已用二甲双胍及基础胰岛素。"),
    ("07", "儿童{age}岁，反复喘息，肺部CT见斑片影，诊断与用药建议？", "既往过敏性鼻炎。"),
    ("04", "腹痛伴黄疸三天，超声提示胆总管扩张，是否需要ERCP？", "既往胆囊结石病史。"),
)


def _partnership() -> Partnership:
    return Partnership.objects.select_related("supporter", "recipient").get(
        supporter__name="福清市医院", recipient__name="奇台县总医院人民医院院区"
    )


def _working_moment(builder: DemoBuilder, day: datetime) -> datetime:
    """A time in the working day of ``day`` (its date), 09:00–17:30."""
    minutes = builder.rng.randrange(9 * 60, 17 * 60 + 30, 5)
    return datetime.combine(day.date(), time(minutes // 60, minutes % 60), clocks.ZONE)


def build_telehealth_records(builder: DemoBuilder) -> None:
    partnership = _partnership()
    clinician = User.objects.get(username="qitai-doctor")
    expert = User.objects.get(username="fuqing-expert")
    pool = services.pool_create(
        actor=builder.actor,
        institution=partnership.supporter,
        name="福清市医院远程会诊中心",
        department=None,
        head=expert,
        members=[expert],
    )
    services.response_rule_create(actor=builder.actor, partnership=partnership, priority=Priority.URGENT, hours=4)
    rng = builder.rng
    now = clock.now()
    day = datetime.combine(partnership.started_on, time(9), clocks.ZONE) + timedelta(days=14)
    written = 0
    while day < now - timedelta(days=2):
        day += timedelta(days=rng.choice((3, 4, 5, 7, 8)))
        if not clocks.is_working_day(day.date()):
            continue
        asked = _working_moment(builder, day)
        if asked >= now:
            break
        priority = rng.choices((Priority.ROUTINE, Priority.URGENT, Priority.EMERGENCY), weights=(6, 3, 1))[0]
        code, question, summary = rng.choice(QUESTIONS)
        text = question.format(
            weeks=rng.randint(24, 38),
            bp=f"{rng.randint(150, 175)}/{rng.randint(95, 115)}",
            days=rng.randint(3, 10),
            age=rng.randint(3, 75),
        )
        consultation = services.consultation_create(
            actor=clinician,
            partnership=partnership,
            requesting_unit=partnership.recipient,
            question=text,
            summary=summary,
            priority=priority,
            department=builder.department(code),
            pool=pool,
            requested_at=asked,
            patient_sex=rng.choice(("female", "male")) if code != "05" else "female",
        )
        written += 1
        # How long the answer took: most within the due time, one in seven later.
        hours, working = services.response_rule(partnership, priority)
        share = rng.uniform(0.15, 0.95) if rng.random() > 1 / 7 else rng.uniform(1.1, 2.5)
        answered = clocks.due_at(asked, hours * share, working=working)
        if answered >= now:
            continue  # still open today: the sweep reminds and escalates it
        services.consultation_accept(actor=expert, consultation=consultation, at=asked + (answered - asked) / 4)
        services.consultation_answer(
            actor=expert, consultation=consultation, answer=_answer(code, rng.random()), at=answered
        )
        decided = answered + timedelta(hours=rng.uniform(2, 30))
        if decided < now:
            choice = rng.choices((Decision.ADOPTED, Decision.MODIFIED, Decision.NOT_ADOPTED), weights=(8, 2, 1))[0]
            note = "" if choice == Decision.ADOPTED else "结合患者意愿及本院条件调整方案。"
            services.consultation_decide(
                actor=clinician, consultation=consultation, decision=choice, note=note, at=decided
            )
    # Two requests of this week still waiting, one of them already overdue.
    for days_ago, priority in ((3, Priority.URGENT), (0, Priority.ROUTINE)):
        asked = now - timedelta(days=days_ago, hours=1)
        services.consultation_create(
            actor=clinician,
            partnership=partnership,
            requesting_unit=partnership.recipient,
            question="孕34周，双下肢水肿加重，血压165/110，是否立即转诊？",
            summary="G1P0，孕期规律产检，近三日头痛。",
            priority=priority,
            department=builder.department("05"),
            pool=pool,
            requested_at=asked,
            patient_sex="female",
            patient_age=rng.randint(22, 38),
        )
        written += 1
    services.sweep(now)
    builder.counts["consultations"] += written


def _answer(code: str, draw: float) -> str:
    if code == "05":
        return "建议：监测血压每4小时一次，完善24小时尿蛋白定量及肝肾功能；血压持续≥160/110mmHg时予硫酸镁解痉并尽快转诊州级医院。"
    if code == "03":
        return "建议：完善心肌酶谱及心脏超声，予双联抗血小板及他汀治疗；胸痛持续不缓解时立即转诊行冠脉造影。"
    if draw < 0.5:
        return "建议：完善相关检查后调整用药，两周后复诊，病情变化随时远程联系。"
    return "建议：按指南规范治疗，必要时转上级医院进一步诊治。"
