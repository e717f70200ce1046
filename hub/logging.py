"""structlog set-up: console output on a terminal, JSON lines otherwise.

No log line may carry personal data. Callers log ids the hub minted (event ids, child
keys, row numbers), never names, dates of birth or identifiers such as UPN or NHS number;
as a second line of defence, :func:`redact_personal_fields` drops keys that name such data.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

PERSONAL_KEYS = frozenset(
    {
        "given_name", "family_name", "name", "first_name", "last_name", "date_of_birth",
        "dob", "upn", "former_upn", "nhs_number", "la_child_id", "yot_id", "postcode",
        "ni_number", "identifiers", "subject", "child", "row", "content", "payload",
    }
)


def redact_personal_fields(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key.lower() in PERSONAL_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


def configure_logging(level: str = "INFO", *, json: bool | None = None) -> None:
    use_json = (not sys.stderr.isatty()) if json is None else json
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_personal_fields,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # Resolve sys.stderr at each logger creation, not once: tests and CLIs swap it.
        logger_factory=lambda *_: structlog.PrintLogger(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
