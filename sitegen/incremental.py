"""The reuse layer: builds that redo only what a change can have changed.

IncrementalBuilder runs the ordinary pipeline (pipeline.build_site) and
answers its `Reuse` hooks from what it kept of earlier builds: in memory for
the live preview, and for Markdown also on disk (cache.py) for `python
build.py`. Each result is kept with everything it was computed from, and
reused while that is unchanged:

- a Document: the bytes of its Markdown file;
- the SiteData: every YAML file a collection declares, the body files they
  name, the configuration;
- the Jinja environment with its compiled templates: the text of every file in
  templates/ (an edit forgets just the edited templates);
- a Markdown conversion: the text and the Markdown options; for text with
  directives also the config, the data and the component templates the
  directives rendered (and the articles, if those templates read them);
- a page's HTML: its template and every template that one extends, includes or
  imports (jinja2.meta), and the value of every variable those templates read
  (`page`, the page's record, `site`, `articles`, the data, ...).

Keys hold values, not the names of the files the watcher reported, so a
rebuild gives the site a clean build would give, whatever happened since the
last one. Where the builder cannot tell what a page reads (a template name
computed at run time, a variable it does not know), it renders the page again.

Editing one article, for example, re-renders that article and the pages whose
templates read `articles` (the article list); the link check still runs over
every page, as in a clean build.

Before any of this, `python build.py` asks uptodate.py whether anything
changed since the last build at all, and stops at once if not.

OutputFolder keeps output/ equal to the latest site: it writes the files whose
content differs and deletes the ones that are gone, one atomic rename each.
"""
from __future__ import annotations

import hashlib
import json
import operator
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import meta

from . import buildcache
from .buildcache import BuildCache, NotStorable
from .cache import MarkdownCache, reads_the_site
from .checks import KeptPageFacts, LinkMemo, PageFacts, page_facts
from .collections import Collection, SiteData
from .config import CONFIG_FILE
from .content import document_sections, load_document, matching_paths
from .digest import Undigestible, digest
from .errors import ErrorCollector
from .markup import Directive, MarkdownRenderer, MarkdownResult
from .models import Document, MarkdownOptions, SiteConfig
from .parallel import map_in_workers
from .placeholders import scan as scan_placeholders
from .pipeline import BuildOptions, RenderedSite, Reuse, StoredPage, build_site
from .render import PageInfo
from .routes import Route
from .templating import TEMPLATE_DIR, SiteEnvironment, loaded_names
from .uptodate import versions
from .writer import MARKER, mark_folder, read_plain_file
from .yamlsource import YamlProblem, read_text

# Files editors write beside the ones being edited: swap, backup, lock and
# "safe write" files. They are never sources.
EDITOR_FILE = re.compile(r"\.sw[a-p]$|~$|^\.#|^#.*#$|^4913$|___jb_\w+___$|\.crswap$|^\.DS_Store$")

# How close to a check a file's modification time may be before its size and
# time alone no longer prove it unchanged (file times have coarse ticks).
RACY_NS = 1_000_000_000
LINK_MEMO_KEY = "site"  # the link memo's one entry in the build store


def is_editor_file(name: str) -> bool:
    """True for a temporary or backup file an editor keeps beside a source."""
    return bool(EDITOR_FILE.search(name))


@dataclass(slots=True)
class _LoadedDocument:
    kind: str
    raw: bytes | None
    signature: tuple  # of the file when last read
    checked: int  # when it was last read (time.time_ns())
    document: Document | None
    errors: list
    key: str | None = None  # a digest of the kind, path and bytes it was loaded from, where a one-shot build has it
    examples: list | None = None  # its example-value warnings, found in `raw` (None: not scanned here)


@dataclass(slots=True)
class _LoadedData:
    inputs: tuple
    body_files: tuple[tuple[str, bytes | None], ...]
    data: SiteData
    version: int


@dataclass(slots=True)
class _Conversion:
    text: str
    options: MarkdownOptions | None
    partials: tuple[str, ...]
    context: object
    result: MarkdownResult


class IncrementalBuilder(Reuse):
    """Builds the site again and again, reusing what the sources did not change.

    `build()` returns the same RenderedSite (or raises the same BuildFailed)
    as pipeline.build_site(options); afterwards `rendered` lists the URLs whose
    page was rendered again and `converted` counts the Markdown texts converted.

    `store` (cache.MarkdownCache) and `kept` (buildcache.BuildCache) are the memory
    kept on disk between runs: Markdown results, loaded documents and rendered
    pages not held in memory are looked up there, and `save()` adds the new ones.
    With `keep_pages` (the preview) pages are rendered in this process and kept
    for the next rebuild; a one-shot build keeps none and renders on every core,
    skipping the pages the store knows and the staging folder or output/ holds.
    """

    def __init__(self, options: BuildOptions, store: MarkdownCache | None = None, keep_pages: bool = True,
                 kept: BuildCache | None = None):
        self.options = options
        self.store = store
        self.kept = kept
        self._kept_documents: dict[str, str] = {}  # key -> entry, this build
        self._kept_pages: dict[str, str] = {}
        self._kept_layouts: dict[str, str] = {}
        self._kept_templates: dict[str, str] = {}
        self._kept_identities: dict[str, str] = {}  # cached image -> its identity when last found right
        self._layout_memo: dict = {}  # layout part -> its key, this build (in each process)
        self._new_entries: dict[str, dict[str, str]] = {}
        self._used_entries: dict[str, set[str]] = {}
        # (page key, HTML digest or None if reused, output path): what a worker's render tells render_all.
        self._note: tuple[str, str | None, str] | None = None
        self._lasting_keys: dict[str, str | None] = {}  # context name -> digest, this build
        self.keep_pages = keep_pages
        self._stored: dict[str, MarkdownResult] = {}  # converted this run, for the store
        self._store_keys: set[str] = set()  # looked up in the store this run
        # Text key -> the components a text that reads the site rendered, for the store; the keys looked up.
        self._stored_partials: dict[str, tuple[str, ...]] = {}
        self._partial_keys: set[str] = set()
        self.rendered: list[str] = []
        self.converted = 0
        self._documents: dict[str, _LoadedDocument] = {}
        self._data: _LoadedData | None = None
        self._data_version = 0
        self._env: jinja2.Environment | None = None
        self._template_texts: dict[str, str] = {}
        self._templates: _TemplateIndex | None = None
        self._markdown: tuple[MarkdownOptions, MarkdownRenderer] | None = None
        self._render_directive: Callable[[Directive], str] | None = None
        self._conversions: dict[tuple[str, int], _Conversion] = {}  # (source, first line) ->
        self._used_conversions: dict[tuple[str, int], _Conversion] = {}
        self._partials: list[str] | None = None  # component templates rendered by the current conversion
        self._pages: dict[str, tuple[tuple, str]] = {}
        self._config_raw: bytes | None = None
        self._value_keys: dict[str, object] = {}
        # (template, the page's kind, has a record, is a document) -> (the names it reads that are the page's
        # own, the keys of the site's values it reads), or None where one is unknown; this build
        self._template_slots: dict[tuple, tuple | None] = {}
        # What the link check read from each page; a one-shot build reads it where each page is rendered.
        self.page_facts_cache: dict | None = {} if keep_pages else None
        # The example values found in each source but the Markdown documents, whose are kept with them (it
        # holds each such source's text: a one-shot build keeps none).
        self.placeholder_cache: dict | None = {} if keep_pages else None
        self.link_memo = LinkMemo() if keep_pages else None  # the pages the link check need not read again
        # photo file -> (size, time, content hash), so photos are not hashed again; (cached image's path as
        # text,) -> its identity when its bytes were last checked (images.CacheFolder)
        self.photo_digests: dict = {}

    def build(self) -> RenderedSite:
        """Build the site; raises BuildFailed like pipeline.build_site."""
        self.rendered, self.converted = [], 0
        self._used_conversions = {}
        self._value_keys = {}
        self._template_slots = {}
        self._lasting_keys = {}
        if self.kept is not None:
            # Read whole, before workers are forked (they share them): small, the bodies are left out.
            self._kept_documents = self.kept.entries("documents")
            self._kept_pages = self.kept.entries("pages")
            self._kept_layouts = self.kept.entries("layouts")
            self._kept_templates = self.kept.entries("templates")
            if self.page_store is not None:  # pages known by their HTML's digest: the link memo can be kept
                self.link_memo = LinkMemo.from_text(self.kept.entries("links").get(LINK_MEMO_KEY))
            self._kept_identities = self.kept.entries("identities")
            self.photo_digests.update(buildcache.decode_identities(self._kept_identities))
            self._layout_memo = {}
            self._new_entries = {table: {} for table in buildcache.TABLES}
            self._used_entries = {table: set() for table in buildcache.TABLES}
        self._config_raw = _read_bytes(self.options.root / CONFIG_FILE)
        try:
            site = build_site(self.options, self)
        finally:
            self._conversions.update(self._used_conversions)
        # Forget what the site no longer has.
        self._conversions = self._used_conversions
        urls = {route.url for route in site.routes}
        self._pages = {url: entry for url, entry in self._pages.items() if url in urls}
        return site

    # --- Reuse hooks -------------------------------------------------------

    def load_documents(self, root: Path, kinds: tuple[Collection, ...], errors: ErrorCollector) -> list[Document]:
        self.found_placeholders = {}
        slots: list[tuple[str, str, _LoadedDocument | None]] = []  # in the listing's order; None: loaded below
        missing: list[tuple] = []
        for kind, folder, pattern in document_sections(kinds):
            section = root / folder
            if not section.is_dir():
                continue
            for key, inside in matching_paths(section, pattern):  # paths as text: thousands of them
                signature = _signature(key)
                if signature is None:
                    continue  # not a file (or gone since the listing)
                entry = self._documents.get(key)
                if self.kept is not None:  # a one-shot build: the store may know the file's bytes
                    # (With an empty store the files are read where they are parsed, on every core.)
                    raw = _read_bytes(key) if self._kept_documents else None
                    entry = self._kept_document(kind, raw, f"{folder}/{inside}", signature) if raw is not None else None
                    if entry is None:
                        missing.append((kind, key, f"{folder}/{inside}", root, section, signature, raw))
                elif entry is None or entry.kind is not kind or not _unchanged(signature, entry.signature, entry.checked):
                    checked, raw = time.time_ns(), _read_bytes(key) if self.keep_pages else None
                    if entry is None or entry.kind is not kind or raw is None or entry.raw != raw:
                        found = ErrorCollector()
                        # From the bytes just read, which the entry is compared by next time.
                        document = load_document(kind, Path(key), root, section, found, raw)
                        entry = _LoadedDocument(kind, raw, signature, checked, document, found.errors,
                                                examples=_examples(raw, f"{folder}/{inside}"))
                    else:
                        entry.signature, entry.checked = signature, checked
                slots.append((f"{folder}/{inside}", key, entry))
        # The files the store does not know are parsed on every core (in a cold build, all of them).
        fresh = iter(map_in_workers(lambda index: _load_for_store(*missing[index]), range(len(missing))))
        documents = []
        loaded: dict[str, _LoadedDocument] = {}
        for relative, key, entry in slots:
            if entry is None:
                entry = self._add_loaded(next(fresh))
            elif entry.examples is not None:  # the preview's: its bytes are those scanned, so are its warnings
                self.found_placeholders[relative] = entry.examples
            if entry.document is not None:
                # As freshly loaded: the Markdown stage fills these in.
                entry.document.body_html, entry.document.toc = "", ()
                documents.append(entry.document)
            loaded[key] = entry
            errors.extend(entry.errors)
        self._documents = loaded
        return documents

    def _kept_document(self, kind: Collection, raw: bytes, relative: str, signature: tuple) -> _LoadedDocument | None:
        """The document of a Markdown file from the store, if it holds one made from the file's bytes `raw`.

        The store leaves out the body, which is the end of the file's text: it is taken from the bytes read.
        """
        key = digest(kind.name, kind.source, relative, raw)
        kept = self._kept_documents.get(key)
        if kept is None:
            return None
        try:
            document, problems, body_start, examples = buildcache.decode(kept)
            if body_start is not None:
                document.body_markdown = read_text(raw, relative)[body_start:]
        except (ValueError, TypeError, AttributeError, YamlProblem):
            return None  # an entry that does not decode: the file is loaded
        self._used_entries["documents"].add(key)
        self.found_placeholders[relative] = examples
        return _LoadedDocument(kind, None, signature, 0, document, problems, key)

    def _add_loaded(self, loaded: tuple) -> _LoadedDocument:
        """A document _load_for_store loaded (perhaps in a worker), its entry noted for the store."""
        kind_name, relative, signature, document, problems, examples, key, entry = loaded
        kind = next(kind for kind in self.options.kinds if kind.name == kind_name)
        if examples is not None:
            self.found_placeholders[relative] = examples
        if entry is not None:
            self._new_entries["documents"][key] = entry
        return _LoadedDocument(kind, None, signature, 0, document, problems, key)

    def load_data(self, root: Path, kinds: tuple[Collection, ...], errors: ErrorCollector, config: SiteConfig | None,
                  read_body_file: Callable[[str, str, int], tuple[str, str, int] | None]) -> SiteData | None:
        inputs = (tuple((kind.source, _read_bytes(root / kind.source)) for kind in kinds if not kind.is_folder),
                  kinds, config)
        cached = self._data
        if cached is not None and cached.inputs == inputs and all(
                _read_bytes(root / relative) == raw for relative, raw in cached.body_files):
            for record, attribute, *_ in cached.data.bodies:
                setattr(record, attribute, "")  # as freshly loaded
            return cached.data
        body_files: list[tuple[str, bytes | None]] = []

        def read_and_note(path: str, referrer: str, line: int):
            loaded = read_body_file(path, referrer, line)
            if loaded is not None:
                body_files.append((loaded[1], _read_bytes(root / loaded[1])))
            return loaded

        before = len(errors)
        data = super().load_data(root, kinds, errors, config, read_and_note)
        if data is not None and len(errors) == before:
            self._data_version += 1
            self._data = _LoadedData(inputs, tuple(body_files), data, self._data_version)
        return data

    def environment(self, root: Path) -> SiteEnvironment:
        texts = _read_templates(root / TEMPLATE_DIR)
        if self._env is None:
            self._env = super().environment(root)
        elif texts != self._template_texts:
            changed = {name for name in texts.keys() | self._template_texts.keys()
                       if texts.get(name) != self._template_texts.get(name)}
            # Compiled templates find the templates they extend or include when
            # they render, so forgetting the changed ones is enough.
            for key, template in list(self._env.cache.items() if self._env.cache is not None else ()):
                if template.name in changed:
                    del self._env.cache[key]
        else:
            return self._env
        # Keep the string objects of unchanged templates: equal keys then compare by identity.
        texts = {name: self._template_texts[name] if self._template_texts.get(name) == text else text
                 for name, text in texts.items()}
        facts = self._templates.facts if self._templates else {}
        self._templates = _TemplateIndex(self._env, texts, facts)
        self._template_texts = texts
        if self.kept is not None:  # a one-shot build: every template's facts, from the store where it knows them
            self._templates.read_all(self._kept_templates, self._new_entries["templates"],
                                     self._used_entries["templates"])
            # Those an earlier build compiled are compiled only if a page that uses them is rendered.
            markers = {name: _compiled_marker(name, text) for name, text in texts.items()}
            self._env.compiles = frozenset(name for name, marker in markers.items() if marker in self._kept_templates)
            self._used_entries["templates"].update(markers[name] for name in self._env.compiles)
        return self._env

    def markdown_renderer(self, options: MarkdownOptions,
                          render_directive: Callable[[Directive], str]) -> MarkdownRenderer:
        # One converter for as long as the options stay; directives go to this build's components.
        self._render_directive = render_directive
        if self._markdown is None or self._markdown[0] != options:
            renderer = super().markdown_renderer(options, lambda directive: self._render_directive(directive))
            self._markdown = (options, renderer)
        return self._markdown[1]

    def _remembered(self, text: str, source: str, first_line: int) -> _Conversion | None:
        """The conversion held in memory for this text, if it was made from the same inputs."""
        options = self._markdown[0] if self._markdown else None
        cached = self._conversions.get((source, first_line))
        if cached is None or cached.text != text or cached.options != options:
            return None
        # No context: the same text has no directives and reads nothing else, now as then.
        if cached.context is not None and cached.context != self._directive_context(text, cached.partials):
            return None
        return cached

    def convert(self, markdown: MarkdownRenderer, text: str, source: str, first_line: int) -> MarkdownResult:
        options = self._markdown[0] if self._markdown else None
        slot = (source, first_line)
        cached = self._remembered(text, source, first_line)
        if cached is None:
            self._partials = []
            try:
                result = super().convert(markdown, text, source, first_line)
                partials = tuple(self._partials)
            finally:
                self._partials = None
            cached = _Conversion(text, options, partials, self._directive_context(text, partials), result)
            self.converted += 1
        self._used_conversions[slot] = cached
        return cached.result

    def convert_all(self, markdown: MarkdownRenderer, jobs: list[tuple[str, str, int]]) -> list[MarkdownResult]:
        """Results held in memory, then those in the store; the rest converted, on every core where it pays.

        Texts with directives or data words read the site as they convert, so
        they are converted here, one at a time, noting what they read.
        """
        options = self._markdown[0] if self._markdown else None
        results: list[MarkdownResult | None] = [None] * len(jobs)
        plain: list[int] = []
        for index, (text, source, first_line) in enumerate(jobs):
            cached = self._remembered(text, source, first_line)
            if cached is not None:
                self._used_conversions[(source, first_line)] = cached
                results[index] = cached.result
            elif not reads_the_site(text):
                plain.append(index)
        keys = {index: self.store.key(markdown, *jobs[index]) for index in plain} if self.store else {}
        stored = self.store.load(list(keys.values())) if self.store else {}
        self._store_keys.update(keys.values())
        missing = [index for index in plain if keys.get(index) not in stored]
        fresh = dict(zip(missing, super().convert_all(markdown, [jobs[index] for index in missing])))
        self.converted += len(missing)
        for index in plain:
            text, source, first_line = jobs[index]
            result = fresh[index] if index in fresh else stored[keys[index]]
            if index in fresh and index in keys:
                self._stored[keys[index]] = result
            self._used_conversions[(source, first_line)] = _Conversion(text, options, (), None, result)
            results[index] = result
        self._convert_reading_the_site(markdown, jobs, results)
        return results

    def _convert_reading_the_site(self, markdown: MarkdownRenderer, jobs: list[tuple[str, str, int]],
                                  results: list[MarkdownResult | None]) -> None:
        """Fill in the texts with directives or data words: the store's result where what its components read
        is the same, else converted here, one at a time, noting what they read.

        The store names the components each text's last conversion rendered;
        the result is keyed by the text and everything those read, so it is
        found only where converting again would render the same components
        from the same values.
        """
        pending = [index for index, result in enumerate(results) if result is None]
        keys: dict[int, tuple[str, str | None]] = {}  # index -> (the text's key, the result's key or None)
        partials: dict[str, tuple[str, ...]] = {}
        stored: dict[str, MarkdownResult] = {}
        reads: tuple = (None,)
        if self.store is not None and pending:
            # What the components read is the same for every text of this pass: the data's bodies are
            # filled in only after it.
            reads = (self._data_digest(), versions())
            for index in pending:
                text, source, first_line = jobs[index]
                if self._remembered(text, source, first_line) is None:
                    keys[index] = (self.store.text_key(markdown, text, source, first_line), None)
            self._partial_keys.update(text_key for text_key, _ in keys.values())
            partials = self.store.partials([text_key for text_key, _ in keys.values()])
            for index, (text_key, _) in keys.items():
                if text_key in partials:
                    context = self._lasting_directive_context(jobs[index][0], partials[text_key], reads)
                    if context is not None:
                        keys[index] = (text_key, self.store.key_in_context(text_key, context))
            stored = self.store.load([key for _, key in keys.values() if key is not None])
        options = self._markdown[0] if self._markdown else None
        for index in pending:
            text, source, first_line = jobs[index]
            text_key, key = keys.get(index, (None, None))
            if key in stored:
                self._store_keys.add(key)
                partials_read = partials[text_key]
                self._used_conversions[(source, first_line)] = _Conversion(
                    text, options, partials_read, self._directive_context(text, partials_read), stored[key])
                results[index] = stored[key]
                continue
            results[index] = self.convert(markdown, text, source, first_line)
            if text_key is None:
                continue
            partials_read = self._used_conversions[(source, first_line)].partials
            context = self._lasting_directive_context(text, partials_read, reads)
            if context is not None:
                key = self.store.key_in_context(text_key, context)
                self._stored[key] = results[index]
                self._store_keys.add(key)
                self._stored_partials[text_key] = partials_read

    def _lasting_directive_context(self, text: str, partials: tuple[str, ...], reads: tuple) -> str | None:
        """A digest of what a text's components read, the same in every process; None when unclear.

        As _directive_context, with the data by what it was loaded from (`reads`
        holds its digest and the versions of the code and libraries, which
        write the components), and the options a later build may change (which
        pages are published, the site's address).
        """
        context = self._directive_context(text, partials)
        if not isinstance(context, tuple) or reads[0] is None:
            return None
        config_raw, _, closures, _, values, today = context
        read = {name for _, names in closures for name in names}
        # The documents the components list, by the bytes they were loaded from (a one-shot build keeps no bytes).
        documents = tuple((relative, entry.key or entry.raw) for relative, entry in self._documents.items()
                          if entry.kind.name in read)
        if any(source is None for _, source in documents):
            return None
        try:
            return digest(reads, config_raw, closures, documents, values, today,
                          self.options.drafts, self.options.serving, self.options.base_url)
        except Undigestible:
            return None

    def save(self) -> None:
        """Add this run's new Markdown results, documents and pages to the stores (those there are)."""
        if self.store is not None and (self._stored or self._stored_partials):
            self.store.store(self._stored, self._store_keys, self._stored_partials, self._partial_keys)
            self._stored, self._stored_partials = {}, {}
        if self.kept is not None:
            if self.link_memo is not None and not self.keep_pages:
                self._new_entries["links"] = {LINK_MEMO_KEY: self.link_memo.to_text()}
            if self._env is not None:  # the templates compiled in this process, for the next build
                for name, text in self._env.compiled.items():
                    marker = _compiled_marker(name, text)
                    self._new_entries["templates"][marker] = "compiled"
                    self._used_entries["templates"].add(marker)
            identities = buildcache.encode_identities(self.photo_digests)
            self._new_entries["identities"] = {key: text for key, text in identities.items()
                                               if self._kept_identities.get(key) != text}
            self._used_entries["identities"] = set(identities)
            self.kept.store(self._new_entries, self._used_entries)
            self._new_entries = {table: {} for table in buildcache.TABLES}

    def render_all(self, render_route: Callable[[int], tuple], count: int) -> list[tuple]:
        if not self.keep_pages:
            if self.kept is None or self.page_store is None:
                return super().render_all(render_route, count)  # nothing to keep: every core
            # On every core; each page notes its key, and the HTML's digest and facts if it was rendered.
            results = super().render_all(self._render_and_note(render_route), count)
            outcomes = []
            layouts: dict = {}
            for _, _, entry in results:  # the layouts first: reused pages name them
                if entry is not None:
                    self._new_entries["layouts"].update(entry[2])
            layout_texts = {**self._kept_layouts, **self._new_entries["layouts"]}
            for outcome, (key, relative), entry in results:
                if key is not None:
                    self._used_entries["pages"].add(key)
                    if entry is not None:
                        self._new_entries["pages"][key] = entry[0]
                        self._used_entries["layouts"].update(entry[1])
                        if outcome[2] is not None:  # rendered: its facts, known to the link memo by the HTML's digest
                            facts = KeptPageFacts(buildcache.page_html_digest(entry[0]), outcome[2].shared, own=outcome[2])
                            outcome = (*outcome[:2], facts, *outcome[3:])
                    elif outcome[3] and outcome[2] is None:  # reused: its facts are read here, layouts once
                        outcome = (*outcome[:2], self._stored_facts(self._kept_pages[key], relative, layout_texts, layouts),
                                   *outcome[3:])
                outcomes.append(outcome)
            return outcomes
        # In this process: the pages it renders are kept for the next build.
        return [render_route(index) for index in range(count)]

    def render_partial(self, template: jinja2.Template, variables: dict) -> str:
        if self._partials is not None and template.name not in self._partials:
            self._partials.append(template.name)
        return super().render_partial(template, variables)

    def _render_and_note(self, render_route: Callable[[int], tuple]) -> Callable[[int], tuple]:
        def render_and_note(index: int) -> tuple:
            self._note = None
            outcome = render_route(index)
            note, self._note = self._note, None
            if note is None:
                return outcome, (None, None), None
            key, html_digest, relative = note
            entry = None
            if html_digest is not None and outcome[2] is not None:
                try:
                    entry = buildcache.encode_page(html_digest, outcome[2], self._layout_memo)
                except NotStorable:
                    pass
            return outcome, (key, relative), entry
        return render_and_note

    def render(self, template: jinja2.Template, route: Route, page: PageInfo, site_context: dict,
               finish: Callable[[str], str] | None = None) -> str | StoredPage:
        if not self.keep_pages:
            if self.kept is None or self.page_store is None or not route.is_html:
                return super().render(template, route, page, site_context, finish)
            key = self._lasting_page_key(template, route, page, site_context)
            kept = self._kept_pages.get(key) if key is not None else None
            stored = self._stored_page(route.output_path, kept) if kept is not None else None
            if stored is not None:
                self._note = (key, None, route.output_path)
                return stored
            page_html = super().render(template, route, page, site_context, finish)
            if key is not None:
                self._note = (key, _text_digest(page_html), route.output_path)
            return page_html
        key = self._page_key(template, route, page, site_context)
        cached = self._pages.get(route.url)
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        page_html = super().render(template, route, page, site_context, finish)
        self.rendered.append(route.url)
        if key is None:
            self._pages.pop(route.url, None)
        else:
            self._pages[route.url] = (key, page_html)
        return page_html

    def _stored_page(self, relative: str, kept: str) -> StoredPage | None:
        """The page as the store knows it, if the staging folder holds its bytes or output/ gives them to it.

        Its facts are read by render_all, in the parent process (StoredPage(None) until then).
        """
        html_digest = buildcache.page_html_digest(kept)
        if _file_digest(os.path.join(self.page_store.folder, relative)) == html_digest:
            return StoredPage(None)
        source = os.path.join(self.page_store.output, relative)  # the last build's, if output/ still has it
        raw, info = read_plain_file(source) or (None, None)
        if raw is not None and _bytes_digest(raw) == html_digest:
            try:  # a hard link costs no copy; where the folders cannot share files, the bytes are written
                if not self.page_store.link(relative, source, info):
                    self.page_store.put(relative, raw.decode("utf-8"))
            except (OSError, UnicodeDecodeError):
                return None
            return StoredPage(None)
        return None

    def _stored_facts(self, kept: str, relative: str, layout_texts: dict, layouts: dict) -> KeptPageFacts | PageFacts:
        """A reused page's facts: its layout parts now, its own facts when the link check first asks for them."""
        try:
            keys = buildcache.page_layout_keys(kept)
            shared = buildcache.decode_layouts(keys, layout_texts, layouts)
        except ValueError:  # a damaged entry: read the page the staging folder holds
            return page_facts(self.page_store.read(relative), layouts)
        self._used_entries["layouts"].update(keys)

        def read() -> PageFacts:
            try:
                return replace(buildcache.decode_own_facts(kept), shared=shared)
            except ValueError:
                return page_facts(self.page_store.read(relative), {})

        return KeptPageFacts(buildcache.page_html_digest(kept), shared, read=read)

    # --- keys --------------------------------------------------------------

    def _lasting_page_key(self, template: jinja2.Template, route: Route, page: PageInfo,
                          site_context: dict) -> str | None:
        """A digest of everything the page's HTML depends on, the same in every process; None when unclear."""
        closure = self._templates.closure(template.name) if self._templates and template.name else None
        if closure is None:
            return None
        signature, names = closure
        shared = "template " + template.name  # the templates' text and the site's values they read: once a build
        if shared not in self._lasting_keys:
            self._lasting_keys[shared] = self._lasting_template_key(signature, names, site_context)
        if self._lasting_keys[shared] is None:
            return None
        parts: list = [self._lasting_keys[shared]]
        for name in names:
            if name == "page":
                parts.append(page)
            elif name == "document" and isinstance(route.record, Document):
                parts.append(route.record)
            elif name == route.kind and route.record is not None:  # a collection's item, by its name
                parts.append(self._lasting_data_key())
        if None in parts:
            return None
        try:
            return digest(*parts)
        except Undigestible:
            return None

    def _lasting_template_key(self, signature: tuple, names: tuple[str, ...], site_context: dict) -> str | None:
        parts: list = [signature]
        for name in names:
            if name in ("page", "document") or name not in site_context:
                continue  # the page's own values, a Jinja global, a name the templates set themselves, or undefined
            if name not in self._lasting_keys:
                self._lasting_keys[name] = self._lasting_context_key(site_context[name])
            if self._lasting_keys[name] is None:
                return None
            parts.append((name, self._lasting_keys[name]))
        return digest(*parts)

    def _lasting_context_key(self, value: object) -> str | None:
        data = self._data.data if self._data else None
        if data is not None and any(value is records for records in data.records.values()):
            return self._lasting_data_key()
        if callable(value) and not _is_frozen_dataclass(value):
            return self._lasting_data_key()  # collections add only functions of the loaded data
        try:
            return digest(value)
        except Undigestible:
            return None

    def _lasting_data_key(self) -> str | None:
        """The data's digest, once the Markdown stage filled in its bodies (pages are keyed by it)."""
        if "" not in self._lasting_keys:
            self._lasting_keys[""] = self._data_digest()
        return self._lasting_keys[""]

    def _data_digest(self) -> str | None:
        """What the data was loaded from (the kinds are the code's) and the texts rendered into it so far."""
        if self._data is None:
            return None
        sources, kinds, config = self._data.inputs
        try:
            return digest(sources, [(kind.name, kind.source) for kind in kinds], config,
                          self._data.body_files, self._data_key()[1])
        except Undigestible:
            return None

    def _directive_context(self, text: str, partials: tuple[str, ...]) -> object:
        """What the components of a text's directives read besides the text: None without directives.

        `partials` are the component templates the directives rendered, which
        follow from the text and the data.
        """
        if not reads_the_site(text):  # no directives, no `{{ words }}` from the data
            return None
        closures = tuple(self._templates.closure(name) if self._templates else None for name in partials)
        if None in closures:
            return _Unknown()
        read = {name for _, names in closures for name in names}
        # The Markdown collections (articles, ...) the components list.
        documents = tuple((relative, entry.raw) for relative, entry in self._documents.items()
                          if entry.kind.name in read)
        # Values such as picture() (the photos) and asset_url(), compared as the values they are.
        context = getattr(self._render_directive, "context", None) or {}
        values = tuple((name, context[name]) for name in sorted(read)
                       if name in context and _is_frozen_dataclass(context[name]))
        return (self._config_raw, self._data_key(), closures, documents, values, self.options.today or date.today())

    def _data_key(self) -> object:
        if self._data is None:
            return _Unknown()
        return (self._data.version, tuple(getattr(record, attribute) for record, attribute, *_ in self._data.data.bodies))

    def _page_key(self, template: jinja2.Template, route: Route, page: PageInfo, site_context: dict) -> tuple | None:
        """Everything the page's HTML depends on, or None when that is unclear."""
        closure = self._templates.closure(template.name) if self._templates and template.name else None
        if closure is None:
            return None
        signature, names = closure
        is_document = isinstance(route.record, Document)
        has_record = route.record is not None
        slot_key = (template.name, route.kind, has_record, is_document)
        if slot_key not in self._template_slots:
            self._template_slots[slot_key] = self._slots(names, route.kind, has_record, is_document, site_context)
        slots = self._template_slots[slot_key]
        if slots is None:
            return None
        own, shared = slots
        # The page's own values; the site's, the same for every page of the template, were keyed once.
        values = tuple(page if name == "page" else _snapshot(route.record) for name in own)
        return (template.name, signature, values, shared)

    def _slots(self, names: tuple[str, ...], kind: str, has_record: bool, is_document: bool,
               site_context: dict) -> tuple[tuple[str, ...], tuple] | None:
        """The names a template reads that stand for the page's own values (`page`, `document`), in order,
        and the keys of the site's values it reads (None: one of them is unknown)."""
        own, shared = [], []
        for name in names:
            if name == "page" or name == "document" and is_document:
                own.append(name)
            elif name == kind and has_record:  # a collection's item, by its name: keyed by the data it is part of
                value = self._data_key()
                if isinstance(value, _Unknown):
                    return None
                shared.append((name, value))
            elif name in site_context:
                value = self._value_keys.get(name)
                if value is None:
                    value = self._value_keys[name] = self._context_key(name, site_context[name])
                if isinstance(value, _Unknown):
                    return None
                shared.append((name, value))
            # else a Jinja global, a name the templates set themselves, or undefined
        return tuple(own), tuple(shared)

    def _context_key(self, name: str, value: object) -> object:
        """A value that compares equal between builds exactly when `value` is the same."""
        data = self._data.data if self._data else None
        if data is not None and any(value is records for records in data.records.values()):
            return self._data_key()
        if callable(value) and not _is_frozen_dataclass(value):  # collections add functions of the loaded data
            return self._data_key()
        if isinstance(value, list) and all(isinstance(item, Document) for item in value):
            return tuple(_snapshot(item) for item in value)
        if isinstance(value, (list, tuple)) and all(_is_frozen_dataclass(item) for item in value):
            return ("values", tuple(value))
        if _is_frozen_dataclass(value) or value is None or isinstance(value, (str, int, float, bool)):
            return ("value", value)
        return _Unknown()


class _Unknown:
    """A key that equals nothing: what it stands for must be recomputed."""

    __slots__ = ()


def _snapshot(document: Document) -> tuple:
    return _DOCUMENT_FIELDS(document)


_DOCUMENT_FIELDS = operator.attrgetter(*(spec.name for spec in fields(Document)))  # a document's values, in order


def _is_frozen_dataclass(value: object) -> bool:
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen


def _compiled_marker(name: str, text: str) -> str:
    """The templates table's key saying this text compiled (the store's version covers Jinja's and the code's)."""
    return digest("compiled", name, text)


class _TemplateIndex:
    """For each template: the templates it pulls in and the variables they read."""

    def __init__(self, env: SiteEnvironment, texts: dict[str, str], facts: dict):
        self.env = env
        self.texts = texts
        self.facts = facts  # name -> (text, referenced names or None if computed, variables); survives edits
        self._closures: dict[str, tuple | None] = {}

    def closure(self, name: str) -> tuple[tuple, tuple[str, ...]] | None:
        """(the text of every template `name` uses, the variables they read), or None if unknowable."""
        if name not in self._closures:
            self._closures[name] = self._compute_closure(name)
        return self._closures[name]

    def _compute_closure(self, name: str):
        seen: set[str] = set()
        pending = [name]
        variables: set[str] = set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            facts = self._facts(current)
            if facts is None:
                return None
            references, names = facts
            variables |= names
            pending.extend(references)
        return tuple((used, self.texts[used]) for used in sorted(seen)), tuple(sorted(variables))

    def read_all(self, known: dict[str, str], new: dict[str, str], used: set[str]) -> None:
        """Work out the facts of every template now, before workers are forked (they share them).

        `known` holds the facts of earlier builds by template name and text;
        those found are `used`, those worked out are added to `new`.
        """
        for name, text in self.texts.items():
            cached = self.facts.get(name)
            if cached is not None and cached[0] == text:
                continue
            key = digest(name, text)
            entry = known.get(key)
            if entry is not None:
                try:
                    references, names = json.loads(entry)
                    self.facts[name] = (text, None if references is None else (tuple(references), frozenset(names)))
                    used.add(key)
                    continue
                except (ValueError, TypeError, RecursionError):
                    pass  # damaged: worked out again below
            facts = self._facts(name)  # None: unknowable, kept as such
            new[key] = json.dumps([None, []] if facts is None else [list(facts[0]), sorted(facts[1])])

    def _facts(self, name: str):
        text = self.texts.get(name)
        if text is None:
            return None
        cached = self.facts.get(name)
        if cached is not None and cached[0] == text:
            return cached[1]
        try:
            tree = self.env.read_tree(text, name)
        except Exception:  # noqa: BLE001 -- a syntax error, or nesting too deep to parse: unknowable, so never reused
            facts = None
        else:
            references = list(meta.find_referenced_templates(tree))
            facts = None if None in references else (tuple(references), loaded_names(tree))
        self.facts[name] = (text, facts)
        return facts


def _load_for_store(kind: Collection, path: str, relative: str, root: Path, section: Path, signature: tuple,
                    raw: bytes | None = None) -> tuple:
    """Load a Markdown file (from `raw`, its bytes, if read already) and find its example values, for the
    build store: plain values, sent back from a worker.

    (kind's name, relative path, signature, document, problems, example values or None, store key, entry or None)
    """
    raw = _read_bytes(path) if raw is None else raw
    found = ErrorCollector()
    # Parsed from the bytes the store keys it by (None: unreadable, so read again to report why).
    document = load_document(kind, Path(path), root, section, found, raw)
    key = entry = None
    if raw is not None:
        key = digest(kind.name, kind.source, relative, raw)
    examples = _examples(raw, relative)  # from the bytes just read: the file is not read again to be scanned
    if examples is not None:
        try:
            stored, body_start = _without_body(document, raw, relative)
            entry = buildcache.encode([stored, found.errors, body_start, examples])
        except NotStorable:
            pass
    return kind.name, relative, signature, document, found.errors, examples, key, entry


def _examples(raw: bytes | None, relative: str) -> list | None:
    """The example-value warnings of a Markdown file's bytes; None without bytes, or where they are not text
    (its loader says why)."""
    if raw is None:
        return None
    try:
        return scan_placeholders(relative, read_text(raw, relative))
    except YamlProblem:
        return None


def _without_body(document: Document | None, raw: bytes, relative: str) -> tuple[Document | None, int | None]:
    """The document without its body, and where the body starts in the file's text (None: kept whole)."""
    if document is None:
        return None, None
    try:
        text = read_text(raw, relative)
    except YamlProblem:
        return document, None
    body = document.body_markdown
    if not text.endswith(body):
        return document, None
    return replace(document, body_markdown=""), len(text) - len(body)


def _text_digest(text: str) -> str:
    return _bytes_digest(text.encode("utf-8"))


def _bytes_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def _file_digest(path: str) -> str | None:
    found = read_plain_file(path)
    return _bytes_digest(found[0]) if found is not None else None


def _read_bytes(path: Path | str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _read_folder(folder: Path) -> tuple[tuple[str, bytes | None], ...]:
    """(relative path, bytes) of every file under `folder` but editors' temporary files."""
    if not folder.is_dir():
        return ()
    return tuple((path.relative_to(folder).as_posix(), _read_bytes(path))
                 for path in sorted(folder.rglob("*")) if path.is_file() and not is_editor_file(path.name))


def _read_templates(folder: Path) -> dict[str, str]:
    return {name: raw.decode("utf-8", "surrogateescape") for name, raw in _read_folder(folder) if raw is not None}


class OutputFolder:
    """output/ kept equal to the latest site, touching only the files that differ.

    Each file is written beside its place and renamed over it, so the server
    never reads half a file. The first update compares with what is on disk
    and removes files that are not part of the site, like a clean build.
    """

    def __init__(self, output: Path):
        self.output = output.absolute()
        self._pages: dict[str, str] | None = None  # output path -> HTML written; None before the first update
        # output path -> (source signature, when read, signature of the copy)
        self._assets: dict[str, tuple[tuple | None, int, tuple | None]] = {}

    def update(self, site: RenderedSite) -> list[str]:
        """Write what differs and delete what is gone; return the output paths touched."""
        if not self.output.is_dir():  # removed behind our back: start again
            self._pages = None
        mark_folder(self.output)  # a build like any other: the next one may replace it
        first = self._pages is None
        previous = set(self._existing_files()) if first else set(self._pages) | set(self._assets)
        touched = []
        for relative in sorted(previous - set(site.pages) - set(site.static_files)):
            self._remove(relative)
            touched.append(relative)
        for relative, page_html in site.pages.items():
            if first or relative not in self._pages:
                same = _read_text(self.output / relative) == page_html
            else:
                same = self._pages[relative] == page_html
            if not same:
                self._write(relative, lambda target, text=page_html: target.write_text(text, encoding="utf-8"))
                touched.append(relative)
        assets = {}
        output = str(self.output)
        for relative, source in site.static_files.items():
            # A cached image's state was taken when the build found its bytes right: no need to ask again.
            state = site.linkable.get(relative)
            signature = _signature(source) if state is None else _signature_of(state)
            checked = time.time_ns()
            target = os.path.join(output, relative)
            known = self._assets.get(relative)
            # Unchanged: the source is as it was copied, and so is the copy (no one edited output/).
            if known is not None and _unchanged(signature, *known[:2]) and _signature(target) == known[2]:
                assets[relative] = known
                continue
            if _read_bytes(source) != _read_bytes(target):
                self._write(relative, lambda target, source=source: shutil.copyfile(source, target))
                touched.append(relative)
            assets[relative] = (signature, checked, _signature(target))
        self._pages, self._assets = dict(site.pages), assets
        return touched

    def _existing_files(self):
        for folder, _, names in os.walk(self.output):
            for name in names:
                relative = (Path(folder) / name).relative_to(self.output).as_posix()
                if relative != MARKER:  # the writer's proof that this folder is a build
                    yield relative

    def _write(self, relative: str, write: Callable[[Path], object]) -> None:
        target = self.output / relative
        self._make_parent(target)
        if target.is_dir():
            shutil.rmtree(target)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            write(temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def _make_parent(self, target: Path) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            # A file stands where the site now needs a folder.
            for folder in reversed(target.relative_to(self.output).parents[:-1]):
                path = self.output / folder
                if path.exists() and not path.is_dir():
                    path.unlink()
                    break
            target.parent.mkdir(parents=True, exist_ok=True)

    def _remove(self, relative: str) -> None:
        target = self.output / relative
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            shutil.rmtree(target, ignore_errors=True)
        folder = target.parent
        while folder != self.output and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _signature(path: Path | str) -> tuple | None:
    """What changes whenever a regular file's content does; None if it is not one."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _signature_of(status)


def _signature_of(status: os.stat_result) -> tuple | None:
    if not stat.S_ISREG(status.st_mode):
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def _unchanged(signature: tuple | None, known: tuple | None, checked: int) -> bool:
    """True when a file whose signature was `known` when read at `checked` still holds what was read.

    File times tick coarsely, so a change made in the same tick as the read
    can leave the signature as it was: trust it only for files that were last
    changed well before that read (as Git does for its index).
    """
    return signature is not None and signature == known and max(signature[1], signature[2]) < checked - RACY_NS


def _read_text(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return file.read()
    except (OSError, UnicodeDecodeError):
        return None
