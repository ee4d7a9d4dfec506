"""Case discussions: series, sessions, discussed cases, attendance, follow-up actions (``models_discussions``)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KINDS = [
    ("case_discussion", "Case discussion"),
    ("teaching_round", "Remote teaching ward round"),
    ("difficult_case", "Difficult-case consultation discussion"),
]
WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def record_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="record number")),
        ("created_at", models.DateTimeField(auto_now_add=True)),
        ("updated_at", models.DateTimeField(auto_now=True)),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("telehealth", "0002_consultation_local_dates"),
        ("capacity", "0001_capacity_initial"),
        ("core", "0007_notice"),
        ("maternal", "0002_duplicatereview_add"),
        ("partnerships", "0001_initial"),
        ("workforce", "0002_assistance_records"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DiscussionSeries",
            fields=[
                *record_fields(),
                ("title", models.CharField(max_length=120, verbose_name="title")),
                (
                    "kind",
                    models.CharField(choices=KINDS, default="case_discussion", max_length=20, verbose_name="kind"),
                ),
                (
                    "recurrence",
                    models.CharField(
                        choices=[("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly")],
                        max_length=12,
                        verbose_name="recurrence",
                    ),
                ),
                ("weekday", models.PositiveSmallIntegerField(choices=WEEKDAYS, verbose_name="weekday")),
                ("start_time", models.TimeField(verbose_name="start time")),
                ("end_time", models.TimeField(verbose_name="end time")),
                ("starts_on", models.DateField(verbose_name="first session on or after")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="last session on or before")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "host",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.orgunit",
                        verbose_name="hosting institution",
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="discussion_series",
                        to="partnerships.partnership",
                        verbose_name="partnership",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.orgunit",
                        verbose_name="participating institution",
                    ),
                ),
                (
                    "studio",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="discussion_series",
                        to="capacity.specialtyunit",
                        verbose_name="expert studio",
                    ),
                ),
            ],
            options={
                "verbose_name": "case discussion series",
                "verbose_name_plural": "case discussion series",
                "ordering": ["title", "id"],
            },
        ),
        migrations.CreateModel(
            name="CaseDiscussion",
            fields=[
                *record_fields(),
                (
                    "kind",
                    models.CharField(choices=KINDS, default="case_discussion", max_length=20, verbose_name="kind"),
                ),
                ("scheduled_on", models.DateField(verbose_name="date")),
                ("start_time", models.TimeField(verbose_name="start time")),
                ("end_time", models.TimeField(verbose_name="end time")),
                (
                    "status",
                    models.CharField(
                        choices=[("scheduled", "Scheduled"), ("held", "Held"), ("cancelled", "Cancelled")],
                        default="scheduled",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("topic", models.CharField(blank=True, max_length=200, verbose_name="topic")),
                ("minutes", models.TextField(blank=True, max_length=20000, verbose_name="minutes")),
                (
                    "host",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.orgunit",
                        verbose_name="hosting institution",
                    ),
                ),
                (
                    "other_institutions",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="core.orgunit",
                        verbose_name="other participating institutions",
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="case_discussions",
                        to="partnerships.partnership",
                        verbose_name="partnership",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="case_discussions",
                        to="core.orgunit",
                        verbose_name="participating institution",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sessions",
                        to="telehealth.discussionseries",
                        verbose_name="discussion series",
                    ),
                ),
            ],
            options={
                "verbose_name": "case discussion",
                "verbose_name_plural": "case discussions",
                "ordering": ["-scheduled_on", "-start_time", "-id"],
                "indexes": [models.Index(fields=["partnership", "scheduled_on"], name="discussion_partnership_on")],
                "constraints": [
                    models.UniqueConstraint(fields=("series", "scheduled_on"), name="discussion_series_day_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="DiscussedCase",
            fields=[
                *record_fields(),
                ("presenter_name", models.CharField(blank=True, max_length=40, verbose_name="presenter (name)")),
                ("summary", models.TextField(max_length=8000, verbose_name="case summary (masked)")),
                (
                    "consultation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="discussed_cases",
                        to="telehealth.consultation",
                        verbose_name="consultation",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="core.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "discussion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cases",
                        to="telehealth.casediscussion",
                        verbose_name="case discussion",
                    ),
                ),
                (
                    "pregnancy",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="discussed_cases",
                        to="maternal.pregnancy",
                        verbose_name="pregnancy",
                    ),
                ),
                (
                    "presenter",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases_presented",
                        to="workforce.person",
                        verbose_name="presenter",
                    ),
                ),
            ],
            options={
                "verbose_name": "discussed case",
                "verbose_name_plural": "discussed cases",
                "ordering": ["discussion", "id"],
            },
        ),
        migrations.CreateModel(
            name="DiscussionAttendance",
            fields=[
                *record_fields(),
                (
                    "side",
                    models.CharField(
                        choices=[("supporting", "Supporting side"), ("recipient", "Recipient side")],
                        max_length=12,
                        verbose_name="side",
                    ),
                ),
                ("attended", models.BooleanField(default=True, verbose_name="attended")),
                (
                    "discussion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="telehealth.casediscussion",
                        verbose_name="case discussion",
                    ),
                ),
                (
                    "institution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.orgunit",
                        verbose_name="institution",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="discussion_attendance",
                        to="workforce.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="discussion_attendance",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "discussion attendance",
                "verbose_name_plural": "discussion attendance",
                "ordering": ["discussion", "side", "institution__path", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("discussion", "person"), name="attendance_person_unique"),
                    models.UniqueConstraint(fields=("discussion", "user"), name="attendance_user_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("person__isnull", False), ("user__isnull", False), _connector="OR"),
                        name="attendance_who",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="FollowUpAction",
            fields=[
                *record_fields(),
                ("description", models.TextField(max_length=2000, verbose_name="what to do")),
                ("owner_name", models.CharField(blank=True, max_length=40, verbose_name="owner (name)")),
                ("due_on", models.DateField(blank=True, null=True, verbose_name="due on")),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done at")),
                (
                    "discussion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follow_ups",
                        to="telehealth.casediscussion",
                        verbose_name="case discussion",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="discussion_follow_ups",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up action",
                "verbose_name_plural": "follow-up actions",
                "ordering": ["discussion", "due_on", "id"],
            },
        ),
    ]
