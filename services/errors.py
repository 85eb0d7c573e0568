"""The one exception a service raises for the user's own mistake; anything else is a bug."""
from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix (unknown model, bad format, unwritable file): the command line
    prints it as one line, the GUI shows it in a message box. Its text names the thing at fault."""


__all__ = ["UserError"]
