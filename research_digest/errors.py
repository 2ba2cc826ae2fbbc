"""The exceptions this package raises on purpose.

    DigestError                 base of everything below
    └── UserError               a problem the user can fix: reported, exit 1, no traceback
        ├── BuildFailed         validation found errors; carries the diagnostics
        └── OutputError         the site cannot be written where asked
            └── PartlyWritten   ... after some files were moved into it

Anything else that escapes is a bug in this package, and shows its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

from research_digest.diagnostics import Diagnostic


class DigestError(Exception):
    """Base of the errors this package raises on purpose."""


class UserError(DigestError):
    """A problem the user can fix; its diagnostics say what and where."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[UserError], tuple[list[Diagnostic]]]:
        """Pickle with the diagnostics (it crosses from a worker process to the build)."""
        return (type(self), (self.diagnostics,))


class BuildFailed(UserError):
    """Validation found errors (or warnings under --strict)."""


class OutputError(UserError):
    """The output folder cannot be written, or an output path is unsafe."""


class PartlyWritten(OutputError):
    """Writing stopped while new files were being moved into the output folder: each file
    there is whole, some are the new build's; the next build replaces the folder."""
