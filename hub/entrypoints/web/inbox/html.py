"""The inbox's HTML: the page layout, the sign-in form and the task list.

Plain server-rendered HTML with no script: every value is escaped here, and pages show only
what the store holds (codes, dates, the hub's own summaries), never a name or an identifier.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from hub.domain.outputs import TaskChanged
from hub.domain.outputs.codes import Priority

SHOW = {"team": "My team", "mine": "Claimed by me", "all": "All teams"}
PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b}
header{background:#1d3557;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;
 align-items:center}
header a{color:#fff;font-weight:bold;text-decoration:none}
header .who{margin-left:auto}
main{padding:1rem 1.2rem;max-width:72rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
.overdue{color:#b00020;font-weight:bold}
.notice{padding:.6rem;border-left:.3rem solid #1d3557;background:#eef3f8;margin:1rem 0}
.error{border-color:#b00020;background:#fbeaea}
form{margin:.6rem 0}
form.inline{display:inline;margin:0}
label{display:block;margin:.4rem 0}
nav.show a{margin-right:1rem}
"""


def e(value: object) -> str:
    return escape("" if value is None else str(value))


def csrf_field(csrf: str) -> str:
    return f'<input type="hidden" name="csrf" value="{e(csrf)}">'


def page(title: str, body: str, *, user: str | None = None, team: str | None = None,
         csrf: str = "", refresh_s: int | None = None) -> str:
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    who = ""
    if user:
        who = (f'<span class="who" id="who">{e(user)} ({e(team)})</span>'
               f'<form class="inline" method="post" action="/sign-out">{csrf_field(csrf)}'
               '<button type="submit" id="sign-out">Sign out</button></form>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{refresh}'
            f"<title>{e(title)} - CIN Hub inbox</title><style>{_STYLE}</style></head><body>"
            f'<header><a href="/">CIN Hub inbox</a>{who}</header>'
            f"<main><h1>{e(title)}</h1>{body}</main></body></html>")


def sign_in_page(csrf: str, error: str | None = None) -> str:
    problem = f'<p class="notice error" id="problem">{e(error)}</p>' if error else ""
    return page("Sign in", f"""{problem}
<form method="post" action="/sign-in">{csrf_field(csrf)}
<label>User id <input name="user" id="user" autocomplete="username" required></label>
<label>Password <input name="password" id="password" type="password"
 autocomplete="current-password" required></label>
<button type="submit" id="sign-in">Sign in</button></form>""")


def inbox_order(tasks: Iterable[TaskChanged]) -> list[TaskChanged]:
    """By due date, then the most urgent first, then task id (stable)."""
    return sorted(tasks, key=lambda t: (t.due_date, PRIORITY_ORDER[t.priority], t.task_id))


def _row(task: TaskChanged, today: date) -> str:
    due = (f'<span class="overdue">{e(task.due_date)} (overdue)</span>'
           if task.due_date < today else e(task.due_date))
    return (f'<tr data-task-id="{e(task.task_id)}">'
            f'<td><a href="/tasks/{e(task.task_id)}">{e(task.title)}</a></td>'
            f"<td>{e(task.task_type)}</td><td>{e(task.priority)}</td><td>{due}</td>"
            f"<td>{e(task.what_happened)}</td><td>{e(task.status)}</td>"
            f'<td class="claimed-by">{e(task.assignee or "")}</td></tr>')


def inbox_page(tasks: list[TaskChanged], show: str, *, user: str, team: str, csrf: str,
               today: date) -> str:
    links = " ".join(
        f"<strong>{e(label)}</strong>" if key == show
        else f'<a href="/?show={key}" id="show-{key}">{e(label)}</a>'
        for key, label in SHOW.items())
    heading = f"Open tasks for {team}" if show == "team" else SHOW[show]
    if not tasks:
        listing = '<p id="no-tasks">No open tasks.</p>'
    else:
        rows = "".join(_row(task, today) for task in inbox_order(tasks))
        listing = ('<table id="tasks"><thead><tr><th>Task</th><th>Type</th><th>Priority</th>'
                   "<th>Due</th><th>What happened</th><th>Status</th><th>Claimed by</th>"
                   f"</tr></thead><tbody>{rows}</tbody></table>")
    body = f'<nav class="show">{links}</nav><h2>{e(heading)}</h2>{listing}'
    return page("Inbox", body, user=user, team=team, csrf=csrf)
