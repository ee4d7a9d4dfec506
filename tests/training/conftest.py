import pytest

from shanhai.analytics import facts


@pytest.fixture
def rebuild_facts(monkeypatch):
    """``facts.rebuild()`` over this app's and the partnerships' sources only (other apps may be mid-change)."""

    def rebuild():
        mine = [s for s in facts.sources() if s.model._meta.app_label in {"partnerships", "training"}]
        monkeypatch.setattr(facts, "_sources", mine)
        return facts.rebuild()

    return rebuild
