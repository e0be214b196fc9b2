"""The SDK's built-in checks, each module a plugin of ``skillwiki_checks`` hooks."""
