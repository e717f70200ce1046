"""Which version to send a re-derived episode or task at, given the last one any child sent.

Episode and task ids come from what raised them (the source record, the notification), not
from the child, so the same id can be derived again: by another child after an identity
review or settlement moved its record, by the same child after a reset, or by the same child
redoing a batch after a crash. The sink keeps the highest version per id, and no id may be
sent twice at one version with two contents. Per id the worker remembers the last emission
(``Held``: version, child key and a digest of what was sent) and ``version_to_send`` decides:

- another child sent it at this version or later: send at the next version (it takes over);
- this child sent it at a *later* version and what it would send now is exactly that (the
  same content at that version): a redo after a crash, so send it again at that version,
  byte for byte;
- this child sent it at a later version with other content (its state forgot it: a reset,
  or a finished task pruned): the next version;
- otherwise (nothing sent, or this version): as it is.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from pydantic import BaseModel

Held = tuple[int, str] | tuple[int, str, str]
"""(version, child key[, digest]) of the last emission of an id; no digest: written before
digests were kept."""
M = TypeVar("M", bound=BaseModel)


def digest(record: BaseModel) -> str:
    return hashlib.sha256(record.model_dump_json().encode()).hexdigest()[:16]


def held_of(record: BaseModel, version: int, child_key: str) -> Held:
    return version, child_key, digest(record)


def version_to_send(record: M, version: int, child_key: str, held: Held | None) -> int:
    """The version to send ``record`` (now at ``version``, emitted by ``child_key``) at."""
    if held is None:
        return version
    last, last_child = held[0], held[1]
    if last_child != child_key:
        return last + 1 if last >= version else version
    if last <= version or len(held) < 3:
        return version
    again = record.model_copy(update={"version": last})
    return last if digest(again) == held[2] else last + 1
