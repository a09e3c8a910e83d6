"""The build, stage by stage: load -> validate -> plan routes -> render -> check.

Writing is left to the caller (`build` writes, `check` does not), so every
stage here works in memory. Problems are collected across the whole run and
raised together as BuildFailed: each stage runs on whatever the earlier ones
could load, as long as what is missing cannot cause false alarms (a link to a
page whose front matter is broken is not reported as broken).

The expensive steps (loading documents and data, compiling templates,
converting Markdown, rendering a page) go through a `Reuse` object. This
module's own computes everything; the reuse layer, incremental.py's
IncrementalBuilder, is the one place that decides "computed before, from the
same inputs: reuse". `build` and `check` use it with the Markdown results kept
on disk, the live preview with everything kept in memory. Either way the stages
below run in the same order on the same inputs, so every build gives the site
a clean one gives.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import escape

from .assets import fingerprint
from .checks import PageFacts, check_pages, page_facts, page_ids
from .cms import CMS_SCRIPT, admin_files
from .collections import Collection, SiteData, collection_routes, document_context, load_collections
from .components import ComponentRenderer
from .config import CONFIG_FILE, load_config
from .content import load_documents
from .errors import BuildFailed, ErrorCollector, Problem, SiteError
from .hosting import HEADERS_FILE, REDIRECT_RULES_FILE, host_files
from .images import ImageLibrary
from .kinds import DATA_DIR, KINDS
from .markup import Directive, MarkdownRenderer, MarkdownResult
from .media import check_data_images, check_page_images, place_images, plan_share_images
from .models import Document, MarkdownOptions, NavItem, SiteConfig
from .parallel import convert_all, map_in_workers
from .placeholders import scan_sources
from .policy import PagePolicy
from .redirects import REDIRECTS_FILE, check_redirects, check_target_fragments, load_redirects, render_redirect_pages
from .render import BuildInfo, PageInfo, page_info, render_page
from .routes import Route, RoutePlan, document_route, output_path_for
from .schedule import PUBLISHED, SCHEDULED, far_future_warnings, publication, why_unpublished
from .sourcetree import body_file_problem, check_source_tree
from .templating import TEMPLATE_DIR, SiteEnvironment, create_environment, template_error, template_loops
from .words import data_words, fill_config_words, fill_document_words
from .yamlsource import YamlProblem, read_text

STATIC_DIR = "static"
CACHE_DIR = ".cache"
FEED_URL = "/feed.xml"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    base_url: str | None = None
    drafts: bool = False
    serving: bool = False
    cache_dir: Path | None = None  # where encoded images are kept between builds (default ROOT/.cache)
    kinds: tuple[Collection, ...] = KINDS  # the kinds of content the site may have (kinds.py)
    today: date | None = None  # the day the site is built for (None: today); dated content follows it


@dataclass(slots=True)
class RenderedSite:
    """A complete site in memory, ready for the writer."""

    pages: dict[str, str]  # output path -> HTML
    static_files: dict[str, Path]  # output path -> source file
    seconds: float = 0.0
    routes: list[Route] = field(default_factory=list)
    redirects: int = 0  # how many redirects the site declares (their pages are in `pages`)
    warnings: list = field(default_factory=list)  # SiteErrors with severity "warning", sorted
    scheduled: list = field(default_factory=list)  # dates of the pages left out until their day, soonest first
    stored: frozenset[str] = frozenset()  # output paths of pages already written to the reuse layer's staging folder
    # Output path -> the state of a static file whose bytes were checked (the image cache's): the
    # writer may hard-link it rather than copy it.
    linkable: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredPage:
    """What Reuse.render gives for a page the staging folder already holds, byte for byte as rendered."""

    facts: PageFacts | None  # what the link check reads from it (None: the reuse layer's render_all fills it in)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    date: date | None


@dataclass(frozen=True, slots=True)
class Feed:
    """`feed` in templates (None when there are no articles): the Atom feed of the articles."""

    url: str
    title: str


@dataclass(frozen=True, slots=True)
class Sitemap:
    """`sitemap` in templates: every published HTML page but the 404 page."""

    entries: tuple[SitemapEntry, ...]


class Reuse:
    """The expensive steps of a build, as hooks; this class computes them all afresh.

    A subclass may return an earlier result instead, provided it is the one
    these methods would compute from the same arguments and files.
    """

    # HTML -> what the checks read from it, kept between builds (None: not kept).
    page_facts_cache: dict | None = None
    # Source -> its example-value warnings and what they were found in, kept between builds (None: not kept).
    placeholder_cache: dict | None = None
    # Source -> its example-value warnings, found by load_documents from the bytes it read (None: not found there).
    found_placeholders: dict | None = None
    # The pages the link check passed, kept between builds (checks.LinkMemo; None: not kept).
    link_memo = None
    # Photo file -> (size, modification time, content hash), kept between builds (None: not kept).
    photo_digests: dict | None = None
    # Where rendered pages may go at once instead of staying in memory (writer.Staging; None: memory).
    page_store = None

    def load_documents(self, root: Path, kinds: tuple[Collection, ...], errors: ErrorCollector) -> list[Document]:
        return load_documents(root, kinds, errors)

    def load_data(self, root: Path, kinds: tuple[Collection, ...], errors: ErrorCollector, config: SiteConfig | None,
                  read_body_file: Callable[[str, str, int], tuple[str, str, int] | None]) -> SiteData | None:
        return load_collections(root, kinds, errors, config, read_body_file)

    def environment(self, root: Path) -> SiteEnvironment:
        return create_environment(root)

    def markdown_renderer(self, options: MarkdownOptions,
                          render_directive: Callable[[Directive], str]) -> MarkdownRenderer:
        return MarkdownRenderer(options, render_directive)

    def convert(self, markdown: MarkdownRenderer, text: str, source: str, first_line: int) -> MarkdownResult:
        return markdown.convert(text, source, first_line)

    def convert_all(self, markdown: MarkdownRenderer, jobs: list[tuple[str, str, int]]) -> list[MarkdownResult]:
        """Convert many (text, source, first line) jobs; a clean build spreads them over the cores."""
        return convert_all(markdown, jobs)

    def render_partial(self, template: jinja2.Template, variables: dict) -> str:
        """Render a component's template for a directive in Markdown."""
        return template.render(variables)

    def render(self, template: jinja2.Template, route: Route, page: PageInfo, site_context: dict,
               finish: Callable[[str], str] | None = None) -> str | StoredPage:
        """The page's text, passed through `finish` (the page policy, for HTML) if given.

        A subclass that knows the page's bytes are in `page_store` already may return a StoredPage.
        """
        page_text = render_page(template, route, page, site_context)
        return finish(page_text) if finish else page_text

    def render_all(self, render_route: Callable[[int], tuple], count: int) -> list[tuple]:
        """render_route(index) for every route; a clean build spreads the pages over the cores."""
        return map_in_workers(render_route, range(count))


def build_site(options: BuildOptions, reuse: Reuse | None = None) -> RenderedSite:
    """Run every stage but the write; raise BuildFailed with all problems found."""
    started = time.perf_counter()
    root = options.root
    errors = ErrorCollector()
    reuse = reuse or Reuse()
    today = options.today or date.today()

    def failed() -> BuildFailed:
        return BuildFailed(errors.sorted(), errors.sorted_warnings())

    # Load and validate; nothing is read through a link that leads out of the site.
    check_source_tree(root, errors)
    if errors:
        raise failed()
    config = load_config(root, errors, options.base_url)
    config_ok = config is not None and not errors
    documents = reuse.load_documents(root, options.kinds, errors)
    before_data = len(errors)
    data = reuse.load_data(root, options.kinds, errors, config,
                           lambda path, referrer, line: _read_body_file(root, path, referrer, line, errors))
    data_ok = data is not None and len(errors) == before_data
    static_files = _collect_static(root)
    redirects = load_redirects(root, errors)
    # Example values are warned about in whatever gets published.
    _placeholder_warnings(root, [d for d in documents if options.drafts or publication(d, today) == PUBLISHED],
                          data, errors, reuse.placeholder_cache, reuse.found_placeholders)
    far_future_warnings(documents, today, errors)
    images = ImageLibrary.load(root, options.cache_dir or root / CACHE_DIR, errors, reuse.photo_digests)
    check_page_images(documents, images, errors)
    if data is not None:
        check_data_images(data.records, images, errors)
    loaded = not errors and config_ok and data_ok

    # Say the facts that change with the data (`{{ locations }}`) in the tagline and front matter.
    words = data_words(data.records.get("locations", [])) if data is not None else {}
    if data is not None:
        if config is not None:
            config = fill_config_words(root, config, words, errors)
        documents = [fill_document_words(document, words, errors) for document in documents]

    # Plan routes, from whatever loaded: two valid sources that collide are
    # reported beside the mistakes in other files.
    # Drafts, pages whose date has not come and pages past their `expires`
    # date stay out, unless asked for (the preview shows them, marked).
    published = [d for d in documents if options.drafts or publication(d, today) == PUBLISHED]
    shown = set(map(id, published))
    unpublished = {d.url: why_unpublished(d, today) for d in documents if id(d) not in shown}
    scheduled = sorted(d.date for d in documents if publication(d, today) == SCHEDULED)
    plan = _plan_routes(published, options.kinds, data, "robots.txt" in static_files, errors)
    for relative in static_files:
        plan.add_static(relative, f"{STATIC_DIR}/{relative}")
    if redirects and REDIRECT_RULES_FILE in static_files:
        errors.add(f"{STATIC_DIR}/{REDIRECT_RULES_FILE}", 0, 0, f"the build writes {REDIRECT_RULES_FILE} from {REDIRECTS_FILE}",
                   f"move these rules into {REDIRECTS_FILE} and delete this file")
    if loaded:  # else a page that failed to load would look missing to the menu and the redirects
        check_redirects(redirects, {route.url for route in plan if route.is_html}, {"/" + rel for rel in static_files},
                        errors)
        _check_navigation(root, _config_links(config), plan, unpublished, errors)
    env = reuse.environment(root)
    env.forget_renders()  # what a template rendered in an earlier build read values that may have changed
    templates = _load_templates(env, plan, root, errors)
    redirect_template = _load_redirect_template(env, root, errors) if redirects else None
    if not (config_ok and data_ok):  # directives would miss what failed to load: false alarms
        raise failed()
    ready = not errors

    # Fingerprint assets (not in the live preview, which caches nothing), render Markdown, then pages.
    static_files, asset_url = fingerprint(static_files, enabled=not options.serving)
    site_context = {
        "site": config,
        **data.context(options.kinds),  # each collection's records, and what it adds
        **document_context(options.kinds, published),  # pages, articles
        "build": BuildInfo(year=today.year, serving=options.serving, drafts=options.drafts, today=today),
        "asset_url": asset_url,
        "feed": Feed(FEED_URL, f"{config.name}: articles") if FEED_URL in plan else None,
        # picture(address, alt, sizes="100vw", eager=False, css_class=""): a photo's <picture>.
        "picture": images.picture_function(),
        "sitemap": Sitemap(tuple(SitemapEntry(route.url, route.record.date if isinstance(route.record, Document) else None)
                                 for route in plan if route.is_html and route.kind != "404")),
    }

    def render_partial(name: str, variables: dict) -> str:
        try:
            return reuse.render_partial(env.get_template(name), {**site_context, **variables})
        except Exception as exc:  # a template may raise anything; report it at its line
            raise Problem(template_error(exc, root)) from None

    markdown = reuse.markdown_renderer(config.markdown, ComponentRenderer(site_context, render_partial, words))
    # Markdown problems do not stop the build here: the pages still render,
    # so their links are checked too and every problem is reported at once.
    placed = _render_markdown(markdown, published, data.bodies, reuse, errors, images)
    if not ready:  # pages are rendered and their links checked once every source loaded
        raise failed()
    shares = plan_share_images(list(plan), images, config)

    policy = PagePolicy()  # every page forbids script; inline styles allowed by their hashes
    runaway: set[str] = set()  # templates that recursed without end: slow to hit, once is enough
    routes = list(plan)
    # What the link check reads from each page is read where the page is rendered (on every core),
    # unless the reuse layer keeps it between builds.
    read_facts = reuse.page_facts_cache is None
    layouts: dict = {}
    # Where the reuse layer gives a staging folder, each page goes to disk as soon as it is rendered
    # (only its facts come back), so a large site's pages never all wait in memory.
    store = reuse.page_store if read_facts else None

    def render_route(index: int) -> tuple[str | None, SiteError | None, PageFacts | None, bool]:
        route = routes[index]
        if route.template in runaway:
            return None, None, None, False
        crumbs = tuple(NavItem(title, url) for title, url in plan.breadcrumbs(route.url))
        page = page_info(route, config.base_url, crumbs, placed.get(route.url, frozenset()), today,
                         shares.get(route.url))
        try:
            html = reuse.render(templates[route.template], route, page, site_context,
                                policy.apply if route.is_html else None)
        except Exception as exc:  # a template may raise anything; report it at its line
            if isinstance(exc, RecursionError):
                runaway.add(route.template)
            return None, template_error(exc, root, route.url), None, False
        if isinstance(html, StoredPage):
            return None, None, html.facts, True
        if not route.is_html:
            return html, None, None, False
        facts = page_facts(html, layouts) if read_facts else None
        if store is None:
            return html, None, facts, False
        store.put(route.output_path, html)
        return None, None, facts, True

    rendered: dict[str, tuple[Route, str | None]] = {}  # None: the page is in the staging folder
    facts_cache = {} if read_facts else reuse.page_facts_cache
    facts_by_url: dict[str, PageFacts] = {}
    seen_template_errors: set[tuple[str, int, str]] = set()
    for route, (html, error, facts, stored) in zip(routes, reuse.render_all(render_route, len(routes))):
        if html is not None or stored:
            rendered[route.url] = (route, html)
            if facts is not None:
                facts_by_url[route.url] = facts
        elif error is not None:
            key = (error.path, error.line, error.message.split(" (rendering ")[0])
            if key not in seen_template_errors:
                seen_template_errors.add(key)
                errors.extend([error])
    if len(rendered) < len(plan):
        raise failed()  # links to pages that failed would be false alarms

    # Encode new image variants (the cache keeps earlier ones), then check the rendered HTML.
    images.encode(errors)
    static_files = {**static_files, **images.static_files()}

    def check(into: ErrorCollector) -> None:
        check_pages(rendered, {"/" + relative for relative in static_files}, into,
                    config_links=_navigation_lines(root, _config_links(config)), facts_cache=facts_cache,
                    known_facts=facts_by_url, memo=reuse.link_memo,
                    unpublished=unpublished, already_reported=images.reported,
                    renamed={original: url for original, url in asset_url.published if url != original},
                    locate=lambda needle, template_file: _template_line(root, needle, template_file))

    found = ErrorCollector()
    check(found)
    if found:  # a text shown on several pages (a question's answer) is blamed at its own line
        _attach_shown_bodies(rendered, data.bodies, store)
        found = ErrorCollector()
        check(found)
    errors.extend(found.errors)
    check_target_fragments(redirects, lambda url: (facts_by_url[url].all_ids() if url in facts_by_url else
                                                   page_ids(rendered[url][1]) if url in rendered else None), errors)
    redirect_pages = render_redirect_pages(redirect_template, redirects, site_context, errors, root)
    if errors:
        raise failed()

    pages = {output_path_for(url): page_html for url, (_, page_html) in rendered.items() if page_html is not None}
    stored = frozenset(output_path_for(url) for url, (_, page_html) in rendered.items() if page_html is None)
    # The web editor: its own page and policy, outside the sitemap and the page checks.
    script = dict(asset_url.published).get(CMS_SCRIPT)
    pages.update(admin_files(options.kinds, config.name, config.repository, config.editor_auth_url, script))
    pages.update(host_files([*pages, *stored], static_files, redirects, redirect_pages, asset_url.fingerprinted))
    return RenderedSite(pages, static_files, time.perf_counter() - started, list(plan), len(redirects),
                        errors.sorted_warnings(), scheduled, stored, images.linkable(static_files))


def _plan_routes(documents: list[Document], kinds: tuple[Collection, ...], data: SiteData | None,
                 static_has_robots: bool, errors: ErrorCollector) -> RoutePlan:
    """Every page of the site (of the data, if it loaded). A robots.txt in static/ replaces the generated one."""
    plan = RoutePlan(errors)
    data = data or SiteData({}, set(), {}, [])
    for document in documents:
        route = document_route(document)
        route.line = document.key_lines.get("url", 1)
        plan.add(route)
    for route in collection_routes(kinds, data):
        plan.add(route)
    plan.add(Route("/404.html", "404", "404", "Page not found",
                   "The page you were looking for is not here.", f"{TEMPLATE_DIR}/404.html"))
    plan.add(Route("/sitemap.xml", "sitemap", "sitemap.xml", "Sitemap", "", f"{TEMPLATE_DIR}/sitemap.xml"))
    if any(document.kind == "article" for document in documents):
        plan.add(Route(FEED_URL, "feed", "feed.xml", "Articles feed", "", f"{TEMPLATE_DIR}/feed.xml"))
    if not static_has_robots:
        plan.add(Route("/robots.txt", "robots", "robots.txt", "robots.txt", "", f"{TEMPLATE_DIR}/robots.txt"))
    for record, _, text, source, first_line in data.bodies:
        route = plan.routes.get((getattr(record, "url", None) or "").split("#")[0])
        if route is not None:
            route.markdown_sources.append((source, text, first_line))
    return plan


def _attach_shown_bodies(rendered: dict[str, tuple[Route, str | None]], bodies, store) -> None:
    """Add to each page the Markdown sources of the data texts it shows, for messages."""
    for route, page_html in rendered.values():
        if page_html is None:
            page_html = store.read(route.output_path)
        known = {(source, first_line) for source, _, first_line in route.markdown_sources}
        for record, attribute, text, source, first_line in bodies:
            shown = getattr(record, attribute, "")
            if shown and (source, first_line) not in known and shown in page_html:
                route.markdown_sources.append((source, text, first_line))


def _load_templates(env: jinja2.Environment, plan: RoutePlan, root: Path, errors: ErrorCollector) -> dict:
    errors.extend(template_loops(env, sorted({route.template_file for route in plan})))
    templates = {}
    for route in plan:
        if route.template in templates:
            continue
        try:
            templates[route.template] = env.get_template(route.template_file)
        except jinja2.TemplateNotFound as exc:
            if exc.name == route.template_file:
                document = route.record if isinstance(route.record, Document) else None
                line = document.key_lines.get("template", 1) if document else 0
                hint = (f"create {TEMPLATE_DIR}/{route.template_file} or name another template" if document else
                        f"the site needs it to make {route.url}; restore it from the project's history")
                errors.add(route.source, line, 0, f"template '{route.template}' not found in {TEMPLATE_DIR}/", hint)
            else:
                errors.extend([template_error(exc, root)])
            templates[route.template] = None
        except Exception as exc:  # syntax errors, and templates too deeply nested to compile
            error = template_error(exc, root)
            if error.path == TEMPLATE_DIR:
                error = SiteError(f"{TEMPLATE_DIR}/{route.template_file}", 0, 0, error.message, error.hint)
            errors.extend([error])
            templates[route.template] = None
    return templates


def _load_redirect_template(env: jinja2.Environment, root: Path, errors: ErrorCollector):
    try:
        return env.get_template("redirect.html")
    except jinja2.TemplateNotFound as exc:
        if exc.name != "redirect.html":
            errors.extend([template_error(exc, root)])
        else:
            errors.add(REDIRECTS_FILE, 1, 0, f"redirects need the template {TEMPLATE_DIR}/redirect.html for their pages",
                       "restore it from the project's history")
    except Exception as exc:  # syntax errors, and templates too deeply nested to compile
        errors.extend([template_error(exc, root)])
    return None


def _config_links(config) -> tuple[NavItem, ...]:
    """The links site_config.yaml puts on pages: menus and the call to action's link."""
    return config.navigation + config.footer_navigation + ((config.cta.link,) if config.cta.link else ())


def _check_navigation(root: Path, navigation, plan: RoutePlan, unpublished: dict[str, str],
                      errors: ErrorCollector) -> None:
    lines = _navigation_lines(root, navigation)
    for item in navigation:
        url = item.url.split("#")[0]
        if url in unpublished:
            errors.add(*lines[item.url], 0, f"navigation entry '{item.title}' links to {item.url}, {unpublished[url]}",
                       "publish the page or take it out of the navigation")
        elif url not in plan:
            errors.add(*lines[item.url], 0, f"navigation entry '{item.title}' links to {item.url}, which is not a page",
                       "fix the url or add the page")


def _placeholder_warnings(root: Path, documents: list[Document], data: SiteData | None, errors: ErrorCollector,
                          cache: dict | None = None, found: dict | None = None) -> None:
    """Warn about example values in everything that gets published."""
    sources = [CONFIG_FILE]
    sources += sorted(p.relative_to(root).as_posix() for p in (root / DATA_DIR).glob("*.y*ml") if p.is_file())
    sources += [document.source for document in documents]
    sources += [source for _, _, _, source, _ in (data.bodies if data else ())]
    errors.extend(scan_sources(root, list(dict.fromkeys(sources)), cache, found))


def _navigation_lines(root: Path, navigation) -> dict[str, tuple[str, int]]:
    """Navigation URL -> (site_config.yaml, its line), as written and as it appears in HTML."""
    text = (root / CONFIG_FILE).read_text(encoding="utf-8", errors="replace")
    lines = {}
    for item in navigation:
        index = text.find(item.url)
        where = (CONFIG_FILE, text.count("\n", 0, index) + 1 if index >= 0 else 0)
        lines.setdefault(item.url, where)
        lines.setdefault(str(escape(item.url)), where)
    return lines


def _template_line(root: Path, needle: str, template_file: str) -> tuple[str, int]:
    """Where the templates hold `needle`: the page's own template first; else its line 1."""
    folder = root / TEMPLATE_DIR
    own = folder / template_file
    for path in [own] + sorted(p for p in folder.rglob("*") if p.is_file() and p != own):
        text = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else ""
        index = text.find(needle)
        if index >= 0:
            return f"{TEMPLATE_DIR}/{path.relative_to(folder).as_posix()}", text.count("\n", 0, index) + 1
    return f"{TEMPLATE_DIR}/{template_file}", 1


def _render_markdown(markdown: MarkdownRenderer, documents, bodies, reuse: Reuse,
                     errors: ErrorCollector, images: ImageLibrary) -> dict[str, frozenset[str]]:
    """Convert every Markdown text; return page URL -> the components its text placed.

    Photos in the Markdown become <picture>s; a page without a hero photo loads its first one at once.
    """
    jobs = [(d.body_markdown, d.source, d.body_line) for d in documents]
    jobs += [(text, source, first_line) for _, _, text, source, first_line in bodies]
    results = reuse.convert_all(markdown, jobs)
    placed = {}
    for document, result in zip(documents, results):
        document.body_html = place_images(result.html, document.body_markdown, document.source, document.body_line,
                                          images, errors, first_eager=document.image is None)
        document.toc = result.toc
        placed[document.url] = frozenset(result.components)
    for (record, attribute, text, source, first_line), result in zip(bodies, results[len(documents):]):
        setattr(record, attribute, place_images(result.html, text, source, first_line, images, errors, first_eager=True))
        url = (getattr(record, "url", None) or "").split("#")[0]  # a question's is /questions/#its-slug
        placed[url] = placed.get(url, frozenset()) | frozenset(result.components)
    for result in results:
        errors.extend(result.errors)
    return placed


def _read_body_file(root: Path, relative: str, referrer: str, line: int, errors: ErrorCollector):
    problem = body_file_problem(root, relative)
    if problem is not None:
        errors.add(referrer, line, 0, *problem)
        return None
    path = (root / "content" / relative).resolve()
    rel = path.relative_to(root.resolve()).as_posix()
    try:
        return read_text(path.read_bytes(), rel), rel, 1
    except FileNotFoundError:
        errors.add(referrer, line, 0, f"body_file 'content/{relative}' does not exist", "check the file name")
    except OSError as exc:
        errors.add(referrer, line, 0, f"body_file 'content/{relative}' cannot be read: {exc.strerror or exc}",
                   "name a Markdown file you can open")
    except YamlProblem as problem:
        errors.extend([problem.error])
    return None


def _collect_static(root: Path) -> dict[str, Path]:
    folder = root / STATIC_DIR
    if not folder.is_dir():
        return {}
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            files[relative.as_posix()] = path
    return files
