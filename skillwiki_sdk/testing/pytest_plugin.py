"""The pytest plugin of skillwiki-sdk (entry point ``pytest11``: ``skillwiki``).

pytest loads it by itself wherever skillwiki-sdk is installed. It gives a plugin's
tests the ``skillwiki`` fixture, a :class:`~skillwiki_sdk.testing.SkillwikiProject`
for the project under test (pytest's root folder)::

    def test_bundle_is_valid(skillwiki):
        skillwiki.assert_valid()

    def test_plugin_registers_its_domain(skillwiki):
        import skillwiki_my_domain
        assert list(skillwiki.registry(skillwiki_my_domain).domains) == ["my-domain"]

A failed ``assert_valid`` reports the findings exactly as ``skillwiki validate``
prints them, without a traceback into the SDK.
"""

from __future__ import annotations

from typing import Any

import pytest

# cheap: skillwiki_sdk.testing imports the heavy modules only when a helper runs
from . import BundleInvalid, SkillwikiProject

__all__ = ["PytestProject", "skillwiki"]


class PytestProject(SkillwikiProject):
    """:class:`SkillwikiProject` whose failures are pytest failures, not tracebacks."""

    def assert_valid(self, path: Any = None, *, strict: bool = False) -> Any:
        """Fail the test with the findings as ``skillwiki validate`` prints them, unless
        the project (or ``path``) validates."""
        __tracebackhide__ = True
        try:
            return super().assert_valid(path, strict=strict)
        except BundleInvalid as error:
            message = str(error)
        # outside the except block, so pytest shows no chained exception
        pytest.fail(f"skillwiki validate found problems:\n{message}", pytrace=False)


@pytest.fixture
def skillwiki(request: pytest.FixtureRequest) -> PytestProject:
    """Helpers for the Skill Wiki plugin project under test (pytest's root folder):
    ``assert_valid()``, ``validate()``, ``registry(module)`` and ``make_bundle(...)``."""
    return PytestProject(request.config.rootpath)
