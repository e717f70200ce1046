"""The inbox session: a small HMAC-SHA256 signed cookie, and the CSRF token it carries.

The cookie is ``<base64url JSON>.<base64url HMAC>``; it holds the signed-in user id, a CSRF
token, when it was issued, when it was last used, an expiry and the last command sent (ids
only), never anything about a child. A session ends at the first of: 8 hours after sign-in
(absolute), 30 minutes without a request (idle, ``HUB_INBOX_IDLE_MINUTES``), or the user's
``sessions_from`` moving past its issue time (sign-out, password reset: every session of
the user ends, not only the cookie in this browser). The
secret is ``HUB_INBOX_SECRET`` or, failing that, a random key generated once into the state
dir (mode 0600). A cookie that is tampered with, signed with another secret or expired reads
as no session at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

COOKIE = "hub_inbox"
LIFETIME_S = 8 * 60 * 60  # one working day
IDLE_S = 30 * 60


@dataclass(frozen=True)
class Pending:
    """A command sent from the task page, until its result is shown there."""

    task_id: str
    command_id: str
    version: int  # the task's version when the command was sent
    sent_at: float
    records: tuple[str, ...] = ()  # a split: the record ids sent to leave the task's child


@dataclass(frozen=True)
class Session:
    csrf: str
    expires: float
    user: str | None = None
    pending: Pending | None = None
    issued_at: float = 0.0
    seen_at: float = 0.0

    @classmethod
    def anonymous(cls) -> Session:
        now = time.time()
        return cls(csrf=secrets.token_urlsafe(24), expires=now + LIFETIME_S, issued_at=now,
                   seen_at=now)

    def seen(self, now: float) -> Session:
        return replace(self, seen_at=now)

    def signed_in(self, user: str) -> Session:
        """A fresh session (new CSRF token) for ``user``: nothing carries over from before."""
        return replace(Session.anonymous(), user=user)

    def csrf_ok(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, self.csrf)


def load_secret(state_dir: Path, env: dict[str, str] | None = None) -> bytes:
    given = (os.environ if env is None else env).get("HUB_INBOX_SECRET", "")
    if given:
        return given.encode()
    path = state_dir / "inbox_secret.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def idle_seconds(env: dict[str, str] | None = None) -> float:
    minutes = (os.environ if env is None else env).get("HUB_INBOX_IDLE_MINUTES", "")
    return float(minutes) * 60 if minutes else IDLE_S


class SessionSigner:
    def __init__(self, secret: bytes, idle_s: float = IDLE_S) -> None:
        if len(secret) < 16:
            raise ValueError("the inbox secret must be at least 16 bytes")
        self.idle_s = idle_s
        self._key = hashlib.sha256(b"cin-hub inbox session\x00" + secret).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        body = _b64(json.dumps(asdict(session), separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def loads(self, cookie: str | None) -> Session | None:
        body, _, mac = (cookie or "").partition(".")
        if not (body and mac and (body + mac).isascii()
                and hmac.compare_digest(mac, self._mac(body))):
            return None
        try:
            data: dict[str, Any] = json.loads(_unb64(body))
            pending = data.pop("pending", None)
            if pending:
                pending["records"] = tuple(pending.get("records", ()))
            session = Session(**data, pending=Pending(**pending) if pending else None)
        except (ValueError, TypeError, AttributeError):
            return None
        now = time.time()
        alive = session.expires > now and now - session.seen_at <= self.idle_s
        return session if alive else None
