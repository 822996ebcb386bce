"""Hooks shared by everything under tests/: API response times per endpoint (p95 in the Allure report).

(Plugins are registered in the root conftest; these hooks live here so that only runs of tests/
write the response-time result.)
"""
from fixtures.response_times import (  # noqa: F401 (pytest hooks and fixtures, found by name)
    pytest_configure,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
    response_times,
)
