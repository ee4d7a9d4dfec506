"""``shanhai task_worker``: django-tasks' database worker, after failing the imports a dead worker left running.

``make serve`` runs it beside the web server and starts it again whenever it ends, so a worker killed in the
middle of an import (``kill -9``, out of memory) has its job marked failed within seconds of the restart.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from shanhai.records.tasks import fail_stale_jobs


class Command(db_worker.Command):
    help = "Run the background task worker, after marking failed the imports whose worker died."

    def handle(self, *args: Any, **options: Any) -> None:
        if failed := fail_stale_jobs():
            self.stderr.write(f"{failed} import(s) whose worker ended marked failed")
        super().handle(*args, **options)
