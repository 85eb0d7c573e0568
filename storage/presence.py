"""Who else has the workspace open: a heartbeat row per client, for the status bar."""
from __future__ import annotations

import datetime as dt
import socket
import uuid
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Engine, delete, update
from sqlmodel import select

from storage.db import read_session, write_session
from storage.models import Presence, utcnow

# A client beats every HEARTBEAT_SECONDS; one silent for STALE_SECONDS has gone (crashed, or
# its machine slept) and no longer counts as working.
HEARTBEAT_SECONDS = 20
STALE_SECONDS = 60


@dataclass(frozen=True)
class Colleague:
    coder: str
    host: str
    seen_at: dt.datetime


class PresenceMixin:
    """Heartbeats and the list of other clients (mixed into Repository)."""

    engine: Engine
    coder: Optional[str]

    @property
    def client_id(self) -> str:
        if not hasattr(self, "_client_id"):
            self._client_id = uuid.uuid4().hex
        return self._client_id

    def heartbeat(self, coder: Optional[str] = None) -> None:
        """Say this client is here (call every HEARTBEAT_SECONDS). On SQLite it is a commit that
        other windows' change watch sees; on a server it notifies nobody."""
        now = utcnow()
        name = coder or self.coder or ""
        with write_session(self.engine) as s:
            found = s.exec(update(Presence).where(Presence.client == self.client_id)  # type: ignore[call-overload,arg-type]
                           .values(seen_at=now, coder=name))
            if not found.rowcount:
                s.add(Presence(client=self.client_id, coder=name, host=socket.gethostname(),
                               started_at=now, seen_at=now))

    def leave(self) -> None:
        """This client closes the workspace: take its row away at once."""
        with write_session(self.engine) as s:
            s.exec(delete(Presence).where(Presence.client == self.client_id))  # type: ignore[call-overload,arg-type]

    def who_else(self, within_seconds: int = STALE_SECONDS) -> list[Colleague]:
        """The other clients seen within the last `within_seconds`, most recent first."""
        since = utcnow() - dt.timedelta(seconds=within_seconds)
        with read_session(self.engine) as s:
            rows = s.exec(select(Presence).where(Presence.client != self.client_id, Presence.seen_at >= since)
                          .order_by(Presence.seen_at.desc())).all()  # type: ignore[attr-defined]
        return [Colleague(r.coder, r.host, r.seen_at) for r in rows]
