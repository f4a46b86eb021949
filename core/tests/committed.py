"""Fixtures for tests that need committed data (threads, pg_dump): real transactions,
and the shared reference data restored after the flush that ends them.

Use in a module:  from core.tests.committed import committed, reference_data_back  # noqa: F401
and mark the test @pytest.mark.usefixtures("committed") (before any other fixture).
"""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command


def load_reference_data() -> None:
    """What the session's test database holds before any test: the data migrations'
    rows and the loaded map, criteria and targets (a flush removes them all)."""
    from django.apps import apps

    for module in (
        "assessments.migrations.0002_default_authorities",
        "recognition.migrations.0002_default_legal_bases",
    ):
        importlib.import_module(module).add(apps, None)
    call_command("load_places", verbosity=0)
    call_command("load_criteria", verbosity=0)
    call_command("load_targets", verbosity=0)
    call_command("load_baselines", verbosity=0)


@pytest.fixture(scope="module")
def reference_data_back(django_db_blocker):
    """Reload the shared data once the module's transactional tests are done."""
    yield
    with django_db_blocker.unblock():
        from places.models import Place

        if not Place.objects.exists():
            load_reference_data()


@pytest.fixture
def committed(reference_data_back, transactional_db):
    """Real transactions; the reference data is there (a previous test flushed it)."""
    from places.models import Place

    if not Place.objects.exists():
        load_reference_data()
