"""Root conftest: registers the suite's plugins (fixtures/) and every steps module (steps/*.py).

Adding a steps file needs no edit here: every ``steps/<area>.py`` is picked up.
"""

from pathlib import Path

_ROOT = Path(__file__).parent

pytest_plugins = [
    "pytester",  # the suite tests its own plugins in tests/unit
    "fixtures.settings",
    "fixtures.profile",
    "fixtures.eventually",
    "fixtures.reporting",
    "fixtures.target",
    "fixtures.browser",
    "fixtures.backends",
    "fixtures.capability_check",
    "fixtures.optional_checks",
    "fixtures.events",
    "fixtures.coverage",
    "fixtures.actors",
    "fixtures.personas",
    "fixtures.desktop",
    "fixtures.customers",
    "fixtures.business_time",
    "fixtures.faults",
    "fixtures.webhooks",
    "fixtures.event_schemas",
    "fixtures.step_matching",
    "fixtures.step_check",
    "fixtures.marketing",
    "fixtures.nightly",
    "fixtures.accessibility",
    *sorted(
        f"steps.{path.stem}"
        for path in (_ROOT / "steps").glob("*.py")
        if not path.name.startswith("_")
    ),
]
