"""``hub review same|not-same TASK_ID`` and ``hub review split CHILD_KEY RECORD_ID...``.

A reviewer's identity answers for operators and scripts, through the same service as the
inbox's review buttons and split form (``hub.usecases.identity_review_commands``). Exit codes
as ``hub task``: 0 sent, 1 refused here (unknown or finished task, not a review task,
unknown child, a record the child does not hold, blank text), 2 no hub store or event log.
The resolver may still refuse a sent command; ``CommandRejected`` in the store says why.
"""

from __future__ import annotations

import typer

from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.inbox import BY
from hub.entrypoints.cli.inbox_send import send
from hub.usecases.identity_review_commands import IdentityReviews

review_app = typer.Typer(help="Answer possible matches and undo merges (identity review).",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")
TASK = typer.Argument(..., help="the POSSIBLE_MATCH_REVIEW task id")


@review_app.command("same")
def same(task_id: str = TASK, by: str = BY) -> None:
    """The same child: merge the task's provisional child into its candidate."""
    send(lambda staff: IdentityReviews(staff).answer_possible_match(task_id, True, by))


@review_app.command("not-same")
def not_same(task_id: str = TASK, by: str = BY) -> None:
    """Not the same child: close the review; both children stay."""
    send(lambda staff: IdentityReviews(staff).answer_possible_match(task_id, False, by))


@review_app.command("split")
def split(
    child_key: str = typer.Argument(..., help="the hub's child key the records leave"),
    record_ids: list[str] = typer.Argument(..., help="person record ids, SOURCE:RECORD_ID"),
    by: str = BY,
    reason: str = typer.Option(..., help="why the records are not this child's"),
) -> None:
    """Undo a merge: the named person records leave the child."""
    send(lambda staff: IdentityReviews(staff).split_child(child_key, record_ids, by, reason))
