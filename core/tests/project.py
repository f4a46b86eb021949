"""The project's own apps (those whose package sits at the repository's top level), for
tests that walk every app: read from Django's app registry, not kept as a second list."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings


def project_apps() -> list[str]:
    return [c.label for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]
