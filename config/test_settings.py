"""The test run's settings: config.settings with HOCTAP_TESTING=1 (settings.TESTING).

pytest-django loads this module (DJANGO_SETTINGS_MODULE in [tool.pytest.ini_options] of
pyproject.toml), in every xdist worker too; nothing else names it, so `manage.py` and the
server never run with test behaviour. The flag is set only while config.settings is read:
a process a test starts (`manage.py check --deploy` in core/tests/test_security_settings.py)
sees the environment it would see outside the tests.
"""

from __future__ import annotations

import os

_outside = os.environ.get("HOCTAP_TESTING")
os.environ["HOCTAP_TESTING"] = "1"
try:
    from config.settings import *  # noqa: F403
finally:
    if _outside is None:
        del os.environ["HOCTAP_TESTING"]
    else:
        os.environ["HOCTAP_TESTING"] = _outside
