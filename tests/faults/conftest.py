"""The fault suite reuses the push intake fixture of the e2e tier (``hub intake serve`` as a
subprocess on the session's real broker)."""

from tests.e2e.test_push_intake import intake  # noqa: F401 - a fixture, found by name
