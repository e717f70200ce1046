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


TRANSIENT_CLIENT_ERRORS = (
    "GroupCoordinatorNotAvailable", "NotCoordinatorForGroup", "NotLeaderForPartition",
    "LeaderNotAvailable", "CoordinatorLoadInProgress", "UnknownTopicOrPartition",
)
"""Kafka errors the client retries by itself, which a starting broker or a leader moving
causes: the client library logs them as errors; here they are warnings marked retried."""


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the ``sys.stderr`` of the moment (tests and CLIs swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _RetriedByTheClient(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and any(
            name in record.getMessage() for name in TRANSIENT_CLIENT_ERRORS
        ):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.retried_by_client = True
        return True


def _retried_flag(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    record = event_dict.get("_record")
    if record is not None and getattr(record, "retried_by_client", False):
        event_dict["retried_by_client"] = True
    return event_dict


def _library_lines(renderer: Any) -> None:
    """Log lines of libraries (aiokafka, SQLAlchemy, ...) in the hub's own format, one
    structured line each with the logger's name, instead of bare text among JSON lines.
    (The web servers' uvicorn keeps its own handlers and does not pass lines up here.)"""
    handler = _StderrHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=[
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _retried_flag,
            redact_personal_fields,
            structlog.processors.format_exc_info,  # a library's traceback as text, not lost
        ],
    ))
    handler.addFilter(_RetriedByTheClient())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, _StderrHandler)] + [handler]
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)


def configure_logging(level: str = "INFO", *, json: bool | None = None) -> None:
    use_json = (not sys.stderr.isatty()) if json is None else json
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    _library_lines(renderer)
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
