"""The hub's Prometheus metrics (prometheus-client), one set per process, no personal data.

Labels are fixed vocabularies only (app, route template, status, stage, reason code, task
type): never an id, a name or a value from a record.

- ``hub_http_requests_total`` / ``hub_http_request_duration_seconds``: intake and inbox;
- ``hub_sign_in_failures_total``: refused inbox sign-ins, by reason;
- ``hub_intake_refusals_total``: intake answers other than 202, by status;
- ``hub_dead_letters_total``: dead letters written by the worker, by stage and reason code;
- ``hub_records_processed_total``, ``hub_consumer_lag``: per worker stage;
- ``hub_tasks_open``, ``hub_tasks_overdue``: by task type, read from the hub store;
- ``hub_state_restore_seconds``, ``hub_state_restore_records``, ``hub_state_restore_kept``:
  the children stage's start-up restore, by state table.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUESTS = Counter(
    "hub_http_requests", "HTTP requests answered", ["app", "method", "route", "status"]
)
LATENCY = Histogram(
    "hub_http_request_duration_seconds", "Time to answer an HTTP request",
    ["app", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SIGN_IN_FAILURES = Counter("hub_sign_in_failures", "Refused inbox sign-ins", ["reason"])
INTAKE_REFUSALS = Counter("hub_intake_refusals", "Intake answers other than 202", ["status"])
DEAD_LETTERS = Counter("hub_dead_letters", "Dead letters written", ["stage", "reason"])
RECORDS_PROCESSED = Gauge(
    "hub_records_processed_total", "Records a worker stage has processed since it started",
    ["stage"],
)
CONSUMER_LAG = Gauge(
    "hub_consumer_lag", "Records a worker stage's consumer group has not committed yet",
    ["stage"],
)
TASKS_OPEN = Gauge("hub_tasks_open", "Open or claimed tasks", ["task_type"])
TASKS_OVERDUE = Gauge("hub_tasks_overdue", "Open or claimed tasks past their due date",
                      ["task_type"])

RESTORE_SECONDS = Gauge("hub_state_restore_seconds",
                        "Seconds the last start-up restore of a state table took", ["table"])
RESTORE_RECORDS = Gauge("hub_state_restore_records",
                        "Changelog records the last start-up restore of a state table read",
                        ["table"])
RESTORE_KEPT = Gauge("hub_state_restore_kept",
                     "1 when the last restore went on from the table's kept file, 0 when it "
                     "read the whole changelog", ["table"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    """The text exposition format of every metric this process holds."""
    return generate_latest()


def count_dead_letter(stage: str, reason: str) -> None:
    DEAD_LETTERS.labels(stage=stage, reason=reason).inc()


def set_task_counts(open_by_type: dict[str, int], overdue_by_type: dict[str, int]) -> None:
    """Replace the task gauges: a type no longer open drops to zero, not to its old value."""
    for gauge, counts in ((TASKS_OPEN, open_by_type), (TASKS_OVERDUE, overdue_by_type)):
        gauge.clear()
        for task_type, count in counts.items():
            gauge.labels(task_type=task_type).set(count)


def set_restore(table: str, seconds: float, records: int, kept: bool) -> None:
    """One state table's start-up restore (``table``: its short name, e.g. ``child-state``)."""
    RESTORE_SECONDS.labels(table=table).set(seconds)
    RESTORE_RECORDS.labels(table=table).set(records)
    RESTORE_KEPT.labels(table=table).set(1 if kept else 0)
