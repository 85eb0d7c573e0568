"""Workspace locations: a file path or a server URL (postgresql://user@host:port/dbname), told
apart before anything touches the disk, and URLs shown with their password masked."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# Anything shaped like scheme://... is a URL, never a folder name (a path that happens to contain
# "://" would be odd enough to refuse rather than to create a folder called "postgresql:").
_URL_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DEFAULT_PORT = 5432


class BadWorkspaceURL(ValueError):
    """A URL that names no reachable kind of workspace; the message is one line, password masked."""


def is_url(target: object) -> bool:
    return isinstance(target, str) and bool(_URL_SHAPE.match(target))


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***: safe to print, log or put in a setting."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unreadable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{hostport}").geturl()


def url_without_password(url: str) -> str:
    """What a settings file may keep: the URL with the password taken out (asked again, or read
    from ~/.pgpass / PGPASSWORD, by the driver)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{hostport}").geturl()


@dataclass(frozen=True)
class ServerLocation:
    """A checked server URL: its parts, the SQLAlchemy URL to connect with, and how to show it."""

    url: str
    user: str
    host: str
    port: int
    dbname: str

    @property
    def display(self) -> str:
        return mask_url(self.url)

    @property
    def sqlalchemy_url(self) -> str:
        parts = urlsplit(self.url)
        return parts._replace(scheme="postgresql+psycopg").geturl()


def parse_server_url(url: str) -> ServerLocation:
    """Check a workspace URL; raises BadWorkspaceURL with one line naming the problem."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadWorkspaceURL(f"{shown}: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in SERVER_SCHEMES:
        raise BadWorkspaceURL(f"{shown}: unsupported kind of workspace '{parts.scheme}://' "
                              "(use a file path or postgresql://user@host:port/dbname)")
    if not parts.hostname:
        raise BadWorkspaceURL(f"{shown}: no server host (postgresql://user@host:port/dbname)")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise BadWorkspaceURL(f"{shown}: no database name (postgresql://user@host:port/dbname)")
    return ServerLocation(url=url, user=unquote(parts.username or ""), host=parts.hostname,
                          port=port or DEFAULT_PORT, dbname=dbname)
