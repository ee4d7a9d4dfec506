"""S5 remote image review: the CT vehicle of 玛沁县人民医院 (Golog) and its 40 studies, read by 上海市第一人民医院.

Each study is three synthetic 64×64 CT slices (``imaging.synthetic``, deterministic), uploaded through
``imaging.services.study_upload`` by ``maqin-doctor`` over the last hundred days (so the store holds real DICOM
files); every third has an AI preliminary reading; 35 are read remotely by ``shanghai_radiologist`` (every seventh
late), two with a critical finding; the five most recent are waiting, all but the newest past due."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.scenarios import S5_PROGRAMME_COUNTIES
from shanhai.imaging import services
from shanhai.imaging.models import ReadingKind
from shanhai.imaging.synthetic import ct_study
from shanhai.partnerships.models import Partnership

SITE = "玛沁县人民医院"
SUPPORTER = "上海市第一人民医院"
STUDIES = 40
READ = 35
CRITICAL = {11: "头颅", 26: "胸部"}
#: (DICOM body part, description, findings, impression) of the vehicle's usual examinations.
EXAMS = (
    ("HEAD", "头颅CT平扫", "脑实质密度均匀，脑室系统无扩张，中线结构居中。", "颅脑CT平扫未见明显异常。"),
    ("CHEST", "胸部CT平扫", "双肺纹理增多，右肺下叶见少许条索影，纵隔淋巴结无肿大。", "右肺下叶少许慢性炎症。"),
    ("ABDOMEN", "腹部CT平扫", "肝脏大小形态正常，胆囊壁稍厚，胰腺、脾脏未见异常。", "胆囊壁稍厚，建议超声复查。"),
)
CRITICAL_TEXT = {
    "头颅": ("右侧额叶见约1.8cm×1.5cm高密度影，周围少许水肿带，中线结构无明显移位。", "右额叶急性脑出血，请立即处理。"),
    "胸部": ("右侧胸腔见大量气体密度影，右肺压缩约60%，纵隔稍向左移。", "右侧张力性气胸可能，请立即处理。"),
}


def build_imaging_records(builder: DemoBuilder) -> None:
    site = builder.unit(SITE)
    partnership = Partnership.objects.get(
        supporter=builder.unit(SUPPORTER), recipient=site, programme=builder.programmes[S5_PROGRAMME_COUNTIES]
    )
    clerk = User.objects.get(username="maqin-doctor")
    radiologist = User.objects.get(username="shanghai_radiologist")
    now = timezone.localtime(clock.now())
    for index in range(STUDIES):
        started_at = _study_moment(now, index)
        critical = CRITICAL.get(index)
        body_part, description, findings, impression = EXAMS[0 if critical == "头颅" else 1 if critical else index % 3]
        files = ct_study(
            seed=632621_000 + index,
            started_at=started_at,
            body_part=body_part,
            description=description,
            lesion=critical is not None,
            patient_name=f"Demo^Maqin{index:02d}",
            patient_id=f"MQ{index:06d}",
        )
        study = services.study_upload(
            actor=clerk,
            site=site,
            partnership=partnership,
            files=[(f"{n + 1}.dcm", content) for n, content in enumerate(files)],
            requested_at=started_at + timedelta(minutes=20),
        )
        if index % 3 == 0:
            services.reading_record_preliminary(
                actor=clerk,
                study=study,
                kind=ReadingKind.AI_PRELIMINARY,
                reader_name="AI 辅助诊断系统",
                findings=findings if critical is None else CRITICAL_TEXT[critical][0],
                impression=impression if critical is None else CRITICAL_TEXT[critical][1],
                at=started_at + timedelta(minutes=25),
            )
        if index < READ:
            read_findings, read_impression = CRITICAL_TEXT[critical] if critical else (findings, impression)
            delay = timedelta(days=3, hours=2) if index % 7 == 3 else timedelta(hours=1 + index % 4)
            services.reading_sign(
                actor=radiologist,
                reading=study.readings.get(kind=ReadingKind.REMOTE_FINAL),
                findings=read_findings,
                impression=read_impression,
                is_critical=critical is not None,
                at=started_at + timedelta(minutes=20) + delay,
            )
        builder.counts["imaging studies"] += 1


def _study_moment(now: datetime, index: int) -> datetime:
    """Studies every two to three days over the last hundred days, in the morning; the newest two hours ago."""
    if index == STUDIES - 1:
        return now - timedelta(hours=2)
    day = (now - timedelta(days=100 - index * 5 // 2)).date()
    return datetime.combine(day, time(9 + index % 3, 10 * (index % 5)), now.tzinfo)
