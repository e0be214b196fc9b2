"""The few exceptions that really stop the tool; bad input is a finding instead."""

from __future__ import annotations

__all__ = ["SkillwikiError", "UsageError", "NotFoundError"]


class SkillwikiError(Exception):
    """Base of the SDK's own exceptions."""


class UsageError(SkillwikiError):
    """The command was called wrongly (exit code 2)."""


class NotFoundError(SkillwikiError):
    """A named domain or path does not exist."""
