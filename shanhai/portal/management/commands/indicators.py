"""`shanhai indicators`: compute registered indicators for a scope and period, or list them."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.core.models import OrgUnit
from shanhai.core.periods import parse_period
from shanhai.partnerships.models import Partnership, Programme

COLUMNS = ("code", "name", "scope", "period", "numerator", "denominator", "value")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Command(BaseCommand):
    help = "Compute indicators with the engine: --indicator CODE --org ORG_CODE --period 2023 [--programme ID] [--partnership ID]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--indicator",
            action="append",
            default=[],
            help="indicator code (repeatable or comma separated; default all)",
        )
        parser.add_argument("--org", help="org unit code: the subtree to compute over")
        parser.add_argument(
            "--side",
            choices=["recipient", "supporter"],
            default="recipient",
            help="with --org: records owned in the subtree (recipient) or credited to partnerships it supports",
        )
        parser.add_argument("--period", help="DHIS2-style period: 202305, 2023Q2, 2023, 2021Oct, 202001..202305")
        parser.add_argument("--programme", type=int, help="programme id")
        parser.add_argument("--partnership", type=int, help="partnership id")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--list", action="store_true", help="list every registered indicator")
        parser.add_argument("--language", default="zh-hans", help="language of names (zh-hans or en)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            if options["list"]:
                self._list(options["format"])
                return
            self._compute(options)

    def _list(self, fmt: str) -> None:
        rows = [{"code": i.code, "name_zh": i.name_zh, "name_en": i.name_en} for i in registry.indicators.values()]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['code']:<32} {row['name_zh']}\t{row['name_en']}")

    def _compute(self, options: dict[str, Any]) -> None:
        if not options["period"]:
            raise CommandError("--period is required (e.g. 2023)")
        if not (options["org"] or options["programme"] or options["partnership"]):
            raise CommandError("give a scope: --org, --programme and/or --partnership")
        try:
            period = parse_period(options["period"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        codes = [c.strip() for value in options["indicator"] for c in value.split(",") if c.strip()]
        unknown = [c for c in codes if c not in registry.indicators]
        if unknown:
            raise CommandError(f"unknown indicator(s): {', '.join(unknown)}; see --list")
        scope = Scope(
            org_unit=self._get(OrgUnit, code=options["org"]) if options["org"] else None,
            programme=self._get(Programme, pk=options["programme"]) if options["programme"] else None,
            partnership=self._get(Partnership, pk=options["partnership"]) if options["partnership"] else None,
            side=options["side"],
        )
        results = evaluate(codes or list(registry.indicators), scope, period)
        rows = [{key: getattr(r, key) for key in COLUMNS} for r in results]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write("\t".join(COLUMNS))
        for result, row in zip(results, rows, strict=True):
            shown = [_cell(v) for v in row.values()]
            shown[-1] = result.display
            self.stdout.write("\t".join(shown))

    @staticmethod
    def _get(model: Any, **lookup: Any) -> Any:
        try:
            return model.objects.get(**lookup)
        except model.DoesNotExist:
            raise CommandError(f"no {model._meta.verbose_name} with {lookup}") from None
