"""The task page's identity parts: the answer to a possible match, and the split form.

The split form lists the child's person records (``HubStore.person_records``) by record id and
source system only (the resolver's record ids name a source system and its record, never the
child), with a checkbox each. A child with fewer than two records has nothing to split. Only
a stand-in store without the look-up gets a text field for record ids instead; the resolver
refuses ids the child does not hold.
"""

from __future__ import annotations

from hub.domain.outputs import TaskChanged
from hub.entrypoints.web.inbox.html import csrf_field, e
from hub.ports import PersonRecordView

RECORD_FIELD = "record-"  # one checkbox per record: record-0, record-1, ...


def review_buttons(task: TaskChanged, csrf: str) -> str:
    """"Same child (merge)" / "Not the same child" for a possible-match review task."""
    candidate = (f'<p id="candidate">The record may belong to child '
                 f"{e(task.related_child_key)}.</p>") if task.related_child_key else ""
    return (f'{candidate}<form method="post" action="/tasks/{e(task.task_id)}/review">'
            f'{csrf_field(csrf)}<button type="submit" name="same" value="yes" id="same-child">'
            'Same child (merge)</button> <button type="submit" name="same" value="no" '
            'id="not-same-child">Not the same child</button></form>')


def split_form(task: TaskChanged, records: list[PersonRecordView] | None, csrf: str) -> str:
    """"Undo a merge / split records": the chosen records leave the task's child."""
    head = "<details id=\"split\"><summary>Undo a merge / split records</summary>"
    if records is not None and len(records) < 2:
        held = "one person record" if records else "no person record in the hub store"
        return head + f"<p>This child has {held}: nothing to split.</p></details>"
    if records is None:
        choose = ('<label>Record ids to split out, one per line (SOURCE_SYSTEM:RECORD_ID) '
                  '<textarea name="records" id="records" rows="3" cols="60" required>'
                  "</textarea></label>")
    else:
        rows = "".join(
            f'<tr><td><input type="checkbox" name="{RECORD_FIELD}{i}" '
            f'id="{RECORD_FIELD}{i}" value="{e(r.record_id)}"></td>'
            f'<td><label for="{RECORD_FIELD}{i}">{e(r.record_id)}</label></td>'
            f"<td>{e(r.source_system)}</td></tr>" for i, r in enumerate(records))
        choose = ('<table id="person-records"><thead><tr><th></th><th>Record</th>'
                  f"<th>Source system</th></tr></thead><tbody>{rows}</tbody></table>")
    return (f'{head}<p>The ticked person records leave child {e(task.child_key)}: records '
            "a merge brought in go back to their child, the others become a new child.</p>"
            f'<form method="post" action="/tasks/{e(task.task_id)}/split">{csrf_field(csrf)}'
            f'{choose}<label>Reason <textarea name="reason" id="split-reason" rows="2" '
            'cols="60" required></textarea></label>'
            '<button type="submit" id="split-records">Split records</button></form></details>')


def chosen_records(form: dict[str, str]) -> list[str]:
    """The record ids a split form sent: the ticked boxes, or the lines of the text field."""
    ticked = [value for name, value in form.items() if name.startswith(RECORD_FIELD)]
    typed = form.get("records", "").replace(",", "\n").split()
    return ticked + typed
