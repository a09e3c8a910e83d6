"""The one Jinja environment: strict, autoescaped, with the site's filters."""
from __future__ import annotations

import functools
import re
import traceback
from collections import Counter
from datetime import date
from pathlib import Path

import jinja2
from jinja2 import nodes

from .errors import SiteError
from .hours import hours_summary
from .structured_data import local_business, service_offers

TEMPLATE_DIR = "templates"


def date_display(value: date | None) -> str:
    """2026-03-03 -> 'March 3, 2026'."""
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"


class TemplateEncodingError(jinja2.TemplateSyntaxError):
    """A template file that is not UTF-8 text."""


class _TemplateLoader(jinja2.FileSystemLoader):
    """Templates from templates/, refusing (with the line) a file that is not UTF-8."""

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            filename = None
            for folder in self.searchpath:
                candidate = Path(folder, *template.split("/"))
                if candidate.is_file():
                    filename = str(candidate)
                    break
            raw = Path(filename).read_bytes() if filename else b""
            line = raw.count(b"\n", 0, exc.start) + 1
            raise TemplateEncodingError("this file is not UTF-8 text", line, template, filename) from None


class SiteEnvironment(jinja2.Environment):
    """A Jinja environment that renders a template including nothing once per build and set of values.

    Such a template (the footer: every location's address and hours) reads
    the same values on every page, so it renders the same text: the first
    page's is kept, and given again while each name the template reads still
    has the very same value (the kept values are held, so no other object can
    take their place). The values are those of one build: `forget_renders`
    starts afresh, as data may change in place between builds.
    """

    def __init__(self, **options):
        super().__init__(**options)
        self._reads: dict[str, tuple[str, ...]] = {}  # template name -> names it reads, if it includes nothing
        self._renders: dict[int, tuple] = {}  # id(template) -> (template, the values it read, its text)
        # Templates known to compile (a build store's record): loaded when first rendered, not before.
        self.compiles: frozenset[str] = frozenset()
        self.compiled: dict[str, str] = {}  # template name -> the text this environment compiled
        self._trees: dict[str, tuple[str, nodes.Template]] = {}  # name -> (text, tree) read before compiling

    def read_tree(self, source: str, name: str) -> nodes.Template:
        """The parsed template, kept for compiling it (its facts are read from it first: parsed once)."""
        tree = self.parse(source, name)
        self._trees[name] = (source, tree)
        return tree

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        text = source if isinstance(source, str) else None
        if isinstance(source, str) and name is not None:
            kept = self._trees.pop(name, None)
            source = kept[1] if kept is not None and kept[0] == source else self.parse(source, name, filename)
        if isinstance(source, nodes.Template) and name is not None:
            self._reads.pop(name, None)
            reads = _reads_of_self_contained(source)
            if reads is not None:
                self._reads[name] = reads
        code = super().compile(source, name, filename, raw, defer_init)
        if text is not None and name is not None:
            self.compiled[name] = text
        return code

    def get_template(self, name, parent=None, globals=None):
        if parent is None and globals is None and isinstance(name, str) and name in self.compiles:
            return LazyTemplate(self, name)  # a page reused from the store never renders it
        return self.load_template(name, parent, globals)

    def load_template(self, name, parent=None, globals=None) -> jinja2.Template:
        template = super().get_template(name, parent, globals)
        reads = self._reads.get(template.name)
        if reads is not None and not getattr(template, "_renders_once", False):
            template.root_render_func = self._render_once(template, template.root_render_func, reads)
            template._renders_once = True
        return template

    def forget_renders(self) -> None:
        self._renders.clear()

    def _render_once(self, template: jinja2.Template, render, reads: tuple[str, ...]):
        renders = self._renders

        def root(context):
            values = tuple(context.resolve_or_missing(name) for name in reads)
            known = renders.get(id(template))
            if known is None or any(now is not then for now, then in zip(values, known[1])):
                known = renders[id(template)] = (template, values, self.concat(render(context)))
            yield known[2]

        return root


class LazyTemplate:
    """A template known to compile, compiled (in the process that renders it) when first used."""

    def __init__(self, environment: SiteEnvironment, name: str):
        self.environment, self.name = environment, name
        self._template: jinja2.Template | None = None

    def loaded(self) -> jinja2.Template:
        if self._template is None:
            self._template = self.environment.load_template(self.name)
        return self._template

    def __getattr__(self, attribute: str):
        return getattr(self.loaded(), attribute)


def loaded_names(tree: nodes.Template) -> frozenset[str]:
    """Every name a template loads: all it may read from its context, and its own variables too.

    jinja2.meta.find_undeclared_variables tells them apart, at the cost of
    generating the template's code; a few more names only make what depends
    on them stricter.
    """
    names = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"}
    names.update(node.name for node in tree.find_all(nodes.NSRef))
    return frozenset(names)


# Methods that change the list, dict or set they are called on.
_CHANGING_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "update",
                               "setdefault", "popitem", "add", "discard", "difference_update",
                               "intersection_update", "symmetric_difference_update"})


def _reads_of_self_contained(tree: nodes.Template) -> tuple[str, ...] | None:
    """The names a template loads, if its text is all it gives; else None.

    Its text is all it gives when it includes, imports and extends nothing,
    defines no macro, block or variable outside a loop (an import takes
    those), and changes nothing it was given (a namespace's attribute, a
    list's items).
    """
    if next(tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro,
                           nodes.Block, nodes.NSRef)), None) is not None:
        return None
    if any(isinstance(call.node, nodes.Getattr) and call.node.attr in _CHANGING_METHODS
           for call in tree.find_all(nodes.Call)):
        return None
    in_loops = {id(name) for loop in tree.find_all(nodes.For) for name in loop.find_all(nodes.Name)}
    if any(node.ctx != "load" and id(node) not in in_loops for node in tree.find_all(nodes.Name)):
        return None
    return tuple(sorted(loaded_names(tree)))


def create_environment(root: Path) -> SiteEnvironment:
    """Build the environment every page is rendered with."""
    env = SiteEnvironment(
        loader=_TemplateLoader(str(root / TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["date_display"] = date_display
    # The footer sums up every location's week on every page: the same few values, summed up
    # once. Each page gets its own list of the (frozen) groups.
    summary = _remembered(hours_summary)
    env.filters["hours_summary"] = lambda hours: list(summary(hours))
    env.globals["local_business"] = local_business
    env.globals["service_offers"] = service_offers
    return env


def _remembered(function, size: int = 64):
    """`function` of one argument, each result kept for arguments equal to it (the
    most recent `size` of them); an unhashable argument is computed each time."""
    cached = functools.lru_cache(maxsize=size)(function)

    def remembered(argument):
        try:
            return cached(argument)
        except TypeError:  # a list, say, which a template may build
            return function(argument)

    return functools.update_wrapper(remembered, function)


def template_error(exc: Exception, root: Path, page_url: str = "") -> SiteError:
    """Turn a Jinja exception into a message naming the template file and line."""
    on_page = f" (rendering {page_url})" if page_url else ""
    if isinstance(exc, TemplateEncodingError):
        return SiteError(_relative(exc.filename or exc.name or TEMPLATE_DIR, root), exc.lineno or 0, 0,
                         exc.message or "this file is not UTF-8 text", "save it with UTF-8 encoding in your editor")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.filename or exc.name or "?"
        return SiteError(_relative(name, root), exc.lineno or 0, 0,
                         f"template syntax error: {_reword(exc.message or '')}{on_page}")
    if isinstance(exc, jinja2.TemplateNotFound):
        where, line = _template_frame(exc, root)
        return SiteError(where or TEMPLATE_DIR, line, 0, f"template '{exc.name}' not found{on_page}",
                         f"create {TEMPLATE_DIR}/{exc.name} or fix the name")
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).is_file():
        # Jinja compiled the template to Python that Python refuses: blocks nested too deeply.
        return SiteError(_relative(exc.filename, root), _deepest_block(Path(exc.filename)), 0,
                         f"this template nests {{% %}} blocks too deeply to compile ({exc.msg})",
                         "move the inner part into a macro or an included template")
    if isinstance(exc, RecursionError):
        where, line = _recursion_frame(exc, root)
        return SiteError(where or TEMPLATE_DIR, line, 0, f"templates include, extend or call each other "
                         f"without end{on_page}", "follow the includes and macro calls from here and break the loop")
    where, line = _template_frame(exc, root)
    message = str(exc)[:300]
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


_USES = re.compile(r"{%-?\s*(extends|include|import|from)\s+([\"'])([^\"']+)\2")


def template_loops(env: jinja2.Environment, names) -> list[SiteError]:
    """Every {% extends %} that leads back, through extends and includes, to where it started.

    Jinja would follow such a loop until Python gives up, slowly (minutes:
    each round copies the blocks of all the rounds before). A loop of
    includes alone is left to the renderer: a partial may include itself for
    nested data and stop. Names computed at render time are not followed.
    """
    uses: dict[str, list[tuple[str, str, int]]] = {}  # template -> (how, used template, line)

    def used_by(name: str) -> list[tuple[str, str, int]]:
        if name not in uses:
            try:
                source = env.loader.get_source(env, name)[0]
            except Exception:  # noqa: BLE001 -- a missing or unreadable template is reported where it is loaded
                source = ""
            uses[name] = [(match[1], match[3], source.count("\n", 0, match.start()) + 1)
                          for match in _USES.finditer(source)]
        return uses[name]

    loops, pending, seen = [], list(names), set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for how, target, line in used_by(name):
            pending.append(target)
            back = _path_between(target, name, used_by) if how == "extends" else None
            if back is not None:
                loop = " -> ".join([name] + back)
                loops.append(SiteError(f"{TEMPLATE_DIR}/{name}", line, 0,
                                       f"'{name}' extends '{target}', which leads back to it ({loop}), without end",
                                       "a template may not extend one that includes or extends it in turn"))
    return loops


def _path_between(start: str, goal: str, used_by) -> list[str] | None:
    """The templates from `start` to `goal` following extends and includes, or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            path = [current]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])
            return path[::-1]
        for _, target, _ in used_by(current):
            if target not in came_from:
                came_from[target] = current
                queue.append(target)
    return None


# Jinja's parser says "unexpected ..."; say what it means in words an editor knows.
_REWORDINGS = (
    (re.compile(r"unexpected end of template"), "the template ends too early"),
    (re.compile(r"unexpected 'end of template'"), "the template ends before a tag or {{ }} is closed"),
    (re.compile(r"unexpected char (.+?) at \d+"), r"the character \1 cannot be used here"),
    (re.compile(r"unexpected (.+?), expected (.+)"), r"found \1 where \2 was expected"),
    (re.compile(r"unexpected (.+)"), r"\1 does not belong here"),
)


def _reword(message: str) -> str:
    for pattern, replacement in _REWORDINGS:
        message = pattern.sub(replacement, message)
    return message


def _deepest_block(path: Path) -> int:
    """The line of the most deeply nested block tag of a template (1 if it cannot be parsed)."""
    try:
        tree = jinja2.Environment().parse(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 -- only a position for a message is at stake
        return 1
    deepest = (0, 1)
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, (nodes.For, nodes.If, nodes.With, nodes.Macro, nodes.CallBlock, nodes.FilterBlock)):
            depth += 1
            deepest = max(deepest, (depth, -node.lineno))
        pending.extend((child, depth) for child in node.iter_child_nodes())
    return -deepest[1] if deepest[0] else 1


_INCLUDE = re.compile(r"{%-?\s*(?:include|import|from|call)\b")
_CALL = re.compile(r"{{.*\w\s*\(")


def _recursion_frame(exc: RecursionError, root: Path) -> tuple[str, int]:
    """The line of a template loop most likely to be its cause: an include or a call that recurs."""
    templates = (root / TEMPLATE_DIR).resolve()
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if Path(frame.filename).suffix in (".html", ".xml", ".txt", ".svg")
              and templates in Path(frame.filename).resolve().parents]
    if not frames:
        return "", 0
    counts = Counter((frame.filename, frame.lineno) for frame in frames)
    recurring = [frame for frame in frames if counts[frame.filename, frame.lineno] > 1] or frames
    for pattern in (_INCLUDE, _CALL):
        for frame in recurring:
            if pattern.search(frame.line or ""):
                return _relative(frame.filename, root), frame.lineno or 0
    return _relative(frames[-1].filename, root), frames[-1].lineno or 0


def _relative(filename: str, root: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename
