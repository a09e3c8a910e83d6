"""The one Jinja environment: strict, autoescaped, with the site's filters."""
from __future__ import annotations

import traceback
from datetime import date
from pathlib import Path

import jinja2

from .errors import SiteError
from .hours import hours_summary
from .structured_data import local_business

TEMPLATE_DIR = "templates"


def date_display(value: date | None) -> str:
    """2026-03-03 -> 'March 3, 2026'."""
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"


def create_environment(root: Path) -> jinja2.Environment:
    """Build the environment every page is rendered with."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["date_display"] = date_display
    env.filters["hours_summary"] = hours_summary
    env.globals["local_business"] = local_business
    return env


def template_error(exc: Exception, root: Path, page_url: str = "") -> SiteError:
    """Turn a Jinja exception into a message naming the template file and line."""
    on_page = f" (rendering {page_url})" if page_url else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.filename or exc.name or "?"
        return SiteError(_relative(name, root), exc.lineno or 0, 0, f"template syntax error: {exc.message}{on_page}")
    if isinstance(exc, jinja2.TemplateNotFound):
        where, line = _template_frame(exc, root)
        return SiteError(where or TEMPLATE_DIR, line, 0, f"template '{exc.name}' not found{on_page}",
                         f"create {TEMPLATE_DIR}/{exc.name} or fix the name")
    where, line = _template_frame(exc, root)
    message = str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        message = f"undefined name: {message}"
    else:
        message = f"{type(exc).__name__}: {message}"
    return SiteError(where or TEMPLATE_DIR, line, 0, f"template error: {message}{on_page}")


def _template_frame(exc: Exception, root: Path) -> tuple[str, int]:
    """The innermost traceback frame that belongs to a template."""
    frames = traceback.extract_tb(exc.__traceback__)
    templates = (root / TEMPLATE_DIR).resolve()
    for frame in reversed(frames):
        path = Path(frame.filename)
        if path.suffix in (".html", ".xml", ".txt", ".svg") and templates in path.resolve().parents:
            return _relative(frame.filename, root), frame.lineno or 0
    return "", 0


def _relative(filename: str, root: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename
