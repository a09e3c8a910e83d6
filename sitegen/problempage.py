"""The preview's pages about problems: what is wrong, shown in its source.

Each problem is listed as the command line prints it, followed, when it names
a line, by that line of the source file and two on either side, numbered,
with the line marked and a caret under the column (as Hugo and Astro show
them). Everything is escaped; the pages need no JavaScript.
"""
from __future__ import annotations

import html
from pathlib import Path

from .errors import SiteError

CONTEXT_LINES = 2
MAX_LINE = 400  # characters of a source line shown; the rest is cut

STYLE = """
body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; padding: 2rem; color: #1f2a2e; background: #fff6f4; }
main { max-width: 60rem; margin: 0 auto; }
h1 { color: #8a2a12; font-size: 1.5rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
ol { padding-left: 1.5rem; }
li { margin: 0 0 1.25rem; }
.message { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9375rem;
           white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.5rem 0; }
.excerpt { background: #fff; border: 1px solid #d9c7c1; border-radius: 4px; padding: 0.5rem 0; margin: 0.25rem 0;
           overflow-x: auto; font-size: 0.875rem; line-height: 1.45; }
.excerpt .line { display: inline-block; min-width: 100%; box-sizing: border-box; padding: 0 0.75rem; }
.excerpt mark.line { background: #fde2d8; color: inherit; font-weight: 600; }
.excerpt .number { display: inline-block; min-width: 3.5ch; text-align: right; margin-right: 1.5ch; color: #5c6b70; }
.excerpt .caret { color: #8a2a12; font-weight: 700; }
.warning .message { color: #5a4a00; }
"""


def problems_page(title: str, errors: list[SiteError], warnings: list[SiteError], root: Path | None,
                  introduction: str) -> str:
    """A complete HTML page listing `errors`, then `warnings`, each with its source lines."""
    sections = []
    if errors:
        sections.append(_problem_list(errors, root, "error"))
    if warnings:
        heading = "<h2>Warnings</h2>\n" if errors else ""
        sections.append(heading + _problem_list(warnings, root, "warning"))
    body = "\n".join(sections)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p>{introduction}</p>
{body}
</main>
</body>
</html>
"""


def _problem_list(problems: list[SiteError], root: Path | None, kind: str) -> str:
    items = []
    for problem in problems:
        excerpt = source_excerpt(root, problem) if root is not None else ""
        items.append(f'<li class="problem {kind}">\n<p class="message">{html.escape(str(problem))}</p>\n{excerpt}</li>')
    return f'<ol class="problems {kind}s">\n' + "\n".join(items) + "\n</ol>"


def source_excerpt(root: Path, problem: SiteError) -> str:
    """The lines around the problem as a <pre>, or '' when it names no line of a readable file."""
    if problem.line <= 0 or not problem.path:
        return ""
    base = root.resolve()
    path = (base / problem.path).resolve()
    if base != path and base not in path.parents:
        return ""  # only files of the site are shown
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").split("\n")
    except OSError:
        return ""
    if problem.line > len(lines):
        return ""
    first = max(1, problem.line - CONTEXT_LINES)
    last = min(len(lines), problem.line + CONTEXT_LINES)
    width = len(str(last))
    rows = []
    for number in range(first, last + 1):
        line_text = lines[number - 1]
        if len(line_text) > MAX_LINE:
            line_text = line_text[:MAX_LINE] + " …"
        text = html.escape(line_text)
        label = f'<span class="number">{number:>{width}}</span>'
        if number == problem.line:
            rows.append(f'<mark class="line" data-line="{number}">{label}{text}</mark>')
            if problem.column > 0:
                # Keep tabs, so the caret lines up however wide the browser shows them.
                prefix = "".join(char if char == "\t" else " " for char in lines[number - 1][:problem.column - 1])
                rows.append(f'<span class="line caret" aria-hidden="true"><span class="number">{" " * width}</span>'
                            f'{prefix}^</span>')
        else:
            rows.append(f'<span class="line" data-line="{number}">{label}{text}</span>')
    where = f"{problem.path}, line {problem.line}" + (f", column {problem.column}" if problem.column else "")
    return (f'<pre class="excerpt" aria-label="{html.escape(where)}" tabindex="0"><code>'
            + "\n".join(rows) + "</code></pre>\n")
