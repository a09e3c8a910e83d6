"""One error type that knows where it happened, and a collector for many."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches

ERROR, WARNING = "error", "warning"
PLACEHOLDER = "placeholder"  # the category of warnings about example values


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    """Control characters quoted from a source (a newline in a link, say) written as escapes: one line per error."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


@dataclass(frozen=True, slots=True)
class SiteError:
    """A problem in the site's sources, located as precisely as we can.

    `path` is relative to the site root; `line` and `column` are 1-based and
    0 when unknown. `severity` is "error" (the build fails) or "warning" (it
    is reported and counted, and fails only a --strict build); `category`
    groups warnings for the summary line (PLACEHOLDER: example values).
    """

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: str = "error"
    category: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        label = "warning: " if self.severity == WARNING else ""
        text = f"{where}: {label}{self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return _one_line(text)

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)


@dataclass(slots=True)
class ErrorCollector:
    """Gathers every problem of a run so they can be reported together.

    Errors and warnings are kept apart: only errors make the collector true
    (and the build fail).
    """

    errors: list[SiteError] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)

    def add(self, path: str, line: int, column: int, message: str, hint: str = "") -> None:
        self.errors.append(SiteError(path, line, column, message, hint))

    def warn(self, path: str, line: int, column: int, message: str, hint: str = "", category: str = "") -> None:
        self.warnings.append(SiteError(path, line, column, message, hint, WARNING, category))

    def extend(self, errors: list[SiteError]) -> None:
        for error in errors:
            (self.warnings if error.severity == WARNING else self.errors).append(error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def sorted(self) -> list[SiteError]:
        # Keep the order of discovery within one file, files alphabetically.
        unique = list(dict.fromkeys(self.errors))
        return sorted(unique, key=SiteError.sort_key)

    def sorted_warnings(self) -> list[SiteError]:
        return sorted(dict.fromkeys(self.warnings), key=SiteError.sort_key)


class Problem(Exception):
    """Raised by code that found a problem it cannot report itself; carries the error."""

    def __init__(self, error: SiteError):
        super().__init__(str(error))
        self.error = error


class BuildFailed(Exception):
    """Raised by the pipeline when the sources have errors; carries them all,
    and the warnings found before the build stopped."""

    def __init__(self, errors: list[SiteError], warnings: list[SiteError] | None = None):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.warnings = list(warnings or [])


def did_you_mean(word: str, choices) -> str:
    """A hint naming the closest known choice, or '' if none is close."""
    matches = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""
