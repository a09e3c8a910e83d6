"""The build's memory between runs: a cached build is byte for byte a clean build, whatever happened before.

Four things are kept in .sitegen-cache/: Markdown results (cache.py), loaded
documents and rendered pages (buildcache.py), all used by the reuse layer in
incremental.py, the record of the last build (uptodate.py) and the site before
the current one (the writer's spare). Random sequences of edits, additions,
deletions, template, data and option changes, corrupted cache files and hand
edits of output/ and of the spare are each followed by a cached build,
compared with a clean build in another folder.
"""
from __future__ import annotations

import gc
import random
import shutil
import sqlite3

import pytest

from conftest import REPO_ROOT, copy_fixture_site, run_build, snapshot

from sitegen import buildcache
from sitegen.buildcache import CACHE_FILE as BUILD_FILE
from sitegen.cache import CACHE_DIR, CACHE_FILE, MarkdownCache
from sitegen.errors import BuildFailed
from sitegen.incremental import IncrementalBuilder
from sitegen.markup import MarkdownRenderer
from sitegen.pipeline import BuildOptions, build_site
from sitegen.cli import SPARE_OUTPUT
from sitegen.uptodate import MEMO_FILE


def cached_builder(root):
    """What `python build.py` uses: the reuse layer with the Markdown store on disk, keeping no pages."""
    return IncrementalBuilder(BuildOptions(root), store=MarkdownCache(root), keep_pages=False)

FRAGMENTS = ["It's \"quoted\" -- and 'single'...", "## A heading", "### Another heading {#custom-id}",
             "- one\n- two", "| a | b |\n| --- | --- |\n| 1 | 2 |", "```\ncode 'here'\n```", "Term\n:   definition",
             "[the services](/services/)", "<span>inline</span>", "::: call-to-action", "Plain words.",
             "*emphasis* and **strong**"]
MISTAKES = ["[a broken link](/no-such-page/)", "<script>alert(1)</script>", "::: no-such-directive",
            "[a heading that comes and goes](/plain-0/#a-heading)"]


def _build(root, builder=None):
    """Pages, or the errors, of one build (saving what a cached build converted)."""
    try:
        return (builder.build() if builder else build_site(BuildOptions(root))).pages
    except BuildFailed as failed:
        return [str(error) for error in failed.errors]
    finally:
        if builder is not None:
            builder.save()


def _random_body(rng: random.Random, mistakes: bool = True) -> str:
    parts = [rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 6))]
    if mistakes and rng.random() < 0.1:  # now and then a mistake, so failed builds are compared too
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(MISTAKES))
    return "\n\n".join(parts) + "\n"


def _step(rng: random.Random, root, added: list) -> str:
    pages = root / "content" / "pages"
    cache = root / CACHE_DIR / CACHE_FILE
    choice = rng.choice(["edit", "edit", "add", "delete", "options", "template", "component", "data", "corrupt",
                         "nothing"])
    if choice == "edit":
        path = rng.choice(sorted(pages.glob("*.md")) + sorted((root / "content" / "articles").glob("*.md")))
        front_matter = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        path.write_text(f"---\n{front_matter}---\n\n" + _random_body(rng), encoding="utf-8")
    elif choice == "add":
        name = f"added-{len(added)}-{rng.randrange(1000)}.md"
        (pages / name).write_text(f"---\ntitle: Added {name}\ndescription: A page added by the test.\n---\n\n"
                                  + _random_body(rng), encoding="utf-8")
        added.append(pages / name)
    elif choice == "delete" and added:
        added.pop(rng.randrange(len(added))).unlink()
    elif choice == "options":
        config = root / "site_config.yaml"
        text = config.read_text(encoding="utf-8")
        if "smart_quotes: true" in text:
            text = text.replace("smart_quotes: true", "smart_quotes: false")
        else:
            text = text.replace("smart_quotes: false", "smart_quotes: true")
        config.write_text(text, encoding="utf-8")
    elif choice == "template":
        base = root / "templates" / "base.html"
        text = base.read_text(encoding="utf-8")
        marker = "<!-- a template change -->"
        base.write_text(text.replace(marker, "") if marker in text else text.replace("</body>", marker + "</body>"),
                        encoding="utf-8")
    elif choice == "component":  # a template a directive renders: the texts placing it convert again
        component = root / "templates" / "components" / "cta.html"
        text = component.read_text(encoding="utf-8")
        marker = "<!-- a component change -->\n"
        component.write_text(text.replace(marker, "") if marker in text else text + marker, encoding="utf-8")
    elif choice == "data":
        services = root / "content" / "data" / "services.yaml"
        text = services.read_text(encoding="utf-8")
        words = ["Helps injuries heal", "Helps an injury heal"]
        old, new = (words[0], words[1]) if words[0] in text else (words[1], words[0])
        services.write_text(text.replace(old, new, 1) if old in text else text, encoding="utf-8")
    elif choice == "corrupt" and (cache.exists() or (root / CACHE_DIR / BUILD_FILE).exists()):
        cache = rng.choice([path for path in (cache, root / CACHE_DIR / BUILD_FILE) if path.exists()])
        data = cache.read_bytes()
        how = rng.choice(["truncate", "garbage", "empty"])
        cache.write_bytes(data[: len(data) // 2] if how == "truncate" else b"" if how == "empty"
                          else bytes(rng.randrange(256) for _ in range(200)) + data[200:])
    return choice


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cached_builds_equal_clean_builds_after_random_changes(tmp_path, seed):
    rng = random.Random(seed)
    root = copy_fixture_site(tmp_path / "site")
    added: list = []
    for number in range(4):  # pages without directives, whose results the cache keeps
        path = root / "content" / "pages" / f"plain-{number}.md"
        path.write_text(f"---\ntitle: Plain {number}\ndescription: A page.\n---\n\n{FRAGMENTS[0]}\n\n"
                        + _random_body(rng, mistakes=False), encoding="utf-8")
    for _ in range(12):
        what = _step(rng, root, added)
        cached = _build(root, cached_builder(root))
        assert cached == _build(root), f"after '{what}'"
        assert _build(root, cached_builder(root)) == cached, f"a second cached build after '{what}'"


def test_unchanged_documents_are_not_converted_again(tmp_path, monkeypatch):
    root = copy_fixture_site(tmp_path / "site")
    first = _build(root, cached_builder(root))
    converted = _count_conversions(monkeypatch)
    assert _build(root, cached_builder(root)) == first
    # Texts with directives too: the store knows the components they rendered, and nothing those read changed.
    assert converted == []
    component = root / "templates" / "components" / "cta.html"
    component.write_text(component.read_text(encoding="utf-8") + "\n<!-- a changed component -->\n", encoding="utf-8")
    changed = _build(root, cached_builder(root))
    # Converted again: the texts that place that component, and no other.
    placing = {path.relative_to(root).as_posix() for path in (root / "content").rglob("*.md")
               if "::: call-to-action" in path.read_text(encoding="utf-8")}
    assert placing and sorted(source for source, _ in converted) == sorted(placing)
    assert changed != first and changed == _build(root)


def test_texts_with_directives_convert_again_under_another_version_of_the_code(tmp_path, monkeypatch):
    """Components are written by the whole package and Jinja, not only by the modules the Markdown store's
    version covers: their results are keyed by the versions of all of them."""
    import sitegen.incremental

    root = copy_fixture_site(tmp_path / "site")
    first = _build(root, cached_builder(root))
    converted = _count_conversions(monkeypatch)
    monkeypatch.setattr(sitegen.incremental, "versions", lambda: ("another version of the code",))
    assert _build(root, cached_builder(root)) == first
    assert converted and all(":::" in text or "{{" in text for _, text in converted)


def _count_conversions(monkeypatch) -> list[tuple[str, str]]:
    """(source, text) of every Markdown text converted from now on."""
    converted = []
    original = MarkdownRenderer.convert

    def counting(self, text, source, first_line):
        converted.append((source, text))
        return original(self, text, source, first_line)

    monkeypatch.setattr(MarkdownRenderer, "convert", counting)
    return converted


def test_a_data_body_with_a_directive_is_rendered_anew_on_the_pages_that_show_it(tmp_path):
    """A question's answer places a component: after the component changes, the answer converts again and so
    do the pages listing it, though pages are keyed by the data once its bodies are rendered and the answer's
    directive before."""
    root = copy_fixture_site(tmp_path / "site")
    questions = root / "content" / "data" / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    answer = "      No. A *diagnosis* helps, though.\n"
    assert answer in text
    questions.write_text(text.replace(answer, answer + "\n      ::: locations\n"), encoding="utf-8")
    assert run_build(root).code == 0
    # A component the questions page's own templates do not include: only the answer places it.
    component = root / "templates" / "components" / "location_cards.html"
    component.write_text(component.read_text(encoding="utf-8") + "\n<!-- a changed component -->\n", encoding="utf-8")
    assert run_build(root).code == 0
    clean_root = tmp_path / "clean"
    shutil.copytree(root, clean_root, ignore=shutil.ignore_patterns("output", CACHE_DIR))
    assert run_build(clean_root, "--no-cache").code == 0
    assert snapshot(root / "output") == snapshot(clean_root / "output")
    assert "a changed component" in (root / "output" / "questions" / "index.html").read_text(encoding="utf-8")


def test_an_old_version_cache_is_set_aside(tmp_path):
    root = copy_fixture_site(tmp_path / "site")
    _build(root, cached_builder(root))
    path = root / CACHE_DIR / CACHE_FILE
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET versions = 'an older sitegen'")
        db.execute("UPDATE results SET value = '[\"<p>stale</p>\", [], []]'")
    db.close()
    assert MarkdownCache(root).load(["anything"]) == {}
    assert _build(root, cached_builder(root)) == _build(root)


def test_the_command_line_uses_the_cache_and_no_cache_skips_it(fixture_site):
    assert run_build(fixture_site).code == 0
    folder = fixture_site / CACHE_DIR
    assert (folder / CACHE_FILE).is_file() and (folder / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    built = snapshot(fixture_site / "output")
    (folder / CACHE_FILE).write_bytes(b"not a database at all")
    code, out, err = run_build(fixture_site)
    assert (code, err) == (0, "") and snapshot(fixture_site / "output") == built
    (folder / CACHE_FILE).unlink()
    assert run_build(fixture_site, "--no-cache").code == 0
    assert not (folder / CACHE_FILE).exists()
    assert snapshot(fixture_site / "output") == built


@pytest.mark.parametrize("broken", [False, True])
def test_a_build_pauses_the_cycle_collector_and_gives_it_back(fixture_site, monkeypatch, broken):
    collecting = []
    original = IncrementalBuilder.build

    def build(self):
        collecting.append(gc.isenabled())
        return original(self)

    monkeypatch.setattr(IncrementalBuilder, "build", build)
    if broken:
        (fixture_site / "content" / "pages" / "about.md").write_text("---\ntitle: [unclosed\n---\nText.\n",
                                                                      encoding="utf-8")
    assert gc.isenabled()
    assert run_build(fixture_site).code == (1 if broken else 0)
    assert collecting == [False] and gc.isenabled()


def test_check_reads_the_cache_but_writes_nothing(fixture_site):
    assert run_build(fixture_site, "check").code == 0
    assert not (fixture_site / CACHE_DIR).exists()


def test_a_cache_folder_that_is_a_link_is_not_used(fixture_site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (fixture_site / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    assert run_build(fixture_site).code == 0
    assert list(elsewhere.iterdir()) == []


def _hand_edit_output(rng: random.Random, root) -> None:
    """Edit a page of output/ or of the spare site the next build starts from (both, now and then)."""
    folders = [root / "output", root / CACHE_DIR / SPARE_OUTPUT]
    for folder in rng.sample(folders, rng.randint(1, 2)):
        pages = sorted(folder.rglob("*.html"))
        if pages:
            rng.choice(pages).write_text("edited by hand", encoding="utf-8")


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_the_command_line_after_random_changes_writes_what_a_clean_build_writes(tmp_path, seed):
    """`python build.py` with everything it keeps (Markdown store, last-build record, spare site)."""
    rng = random.Random(seed)
    root = copy_fixture_site(tmp_path / "site")
    added: list = []
    for step in range(10):
        what = _step(rng, root, added)
        if rng.random() < 0.2:
            _hand_edit_output(rng, root)
            what += " and an output file edited by hand"
        if rng.random() < 0.2 and (root / CACHE_DIR / MEMO_FILE).exists():
            (root / CACHE_DIR / MEMO_FILE).write_text(rng.choice(["", "{", "[1, 2]"]), encoding="utf-8")
            what += " and a broken record"
        cached = run_build(root)
        clean_root = tmp_path / f"clean-{step}"
        shutil.copytree(root, clean_root, ignore=shutil.ignore_patterns("output", CACHE_DIR))
        clean = run_build(clean_root, "--no-cache")
        assert (cached.code, cached.err) == (clean.code, clean.err.replace(str(clean_root), str(root))), f"after '{what}'"
        if cached.code == 0:
            assert snapshot(root / "output") == snapshot(clean_root / "output"), f"after '{what}'"
        shutil.rmtree(clean_root)


def test_the_preview_starts_from_what_a_build_converted(fixture_site, monkeypatch):
    assert run_build(fixture_site).code == 0
    converted = []
    original = MarkdownRenderer.convert

    def counting(self, text, source, first_line):
        converted.append((source, text))
        return original(self, text, source, first_line)

    monkeypatch.setattr(MarkdownRenderer, "convert", counting)
    IncrementalBuilder(BuildOptions(fixture_site, drafts=True, serving=True), store=MarkdownCache(fixture_site)).build()
    from_store = list(converted)
    converted.clear()
    IncrementalBuilder(BuildOptions(fixture_site, drafts=True, serving=True)).build()
    assert len(from_store) < len(converted)
    # What it converted again reads the site (directives, data words), or is a draft the build left out.
    for source, text in from_store:
        assert ":::" in text or "{{" in text or "draft: true" in (fixture_site / source).read_text(encoding="utf-8"), source


def _rendered_pages(monkeypatch) -> list[str]:
    """The URLs of the pages rendered from here on (in this process: the fixture site is too small for workers)."""
    import sitegen.pipeline

    rendered = []
    original = sitegen.pipeline.render_page

    def counting(template, route, page, site_context):
        rendered.append(route.url)
        return original(template, route, page, site_context)

    monkeypatch.setattr(sitegen.pipeline, "render_page", counting)
    return rendered


def test_after_one_edit_the_command_line_renders_only_that_page(fixture_site, monkeypatch):
    assert run_build(fixture_site).code == 0
    page = fixture_site / "content" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    rendered = _rendered_pages(monkeypatch)
    assert run_build(fixture_site).code == 0
    html_pages = [url for url in rendered if url.endswith("/")]
    assert html_pages == ["/about/"]
    assert "One more sentence." in (fixture_site / "output" / "about" / "index.html").read_text(encoding="utf-8")


def test_after_one_edit_only_the_templates_of_rendered_pages_are_compiled(fixture_site, monkeypatch):
    from sitegen.templating import SiteEnvironment

    assert run_build(fixture_site).code == 0
    page = fixture_site / "content" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    compiled = []
    original = SiteEnvironment.compile

    def noting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(SiteEnvironment, "compile", noting)
    assert run_build(fixture_site).code == 0
    assert {"page.html", "base.html"} <= set(compiled)  # the edited page's
    assert not {"member.html", "location.html", "service.html", "home.html"} & set(compiled)  # reused pages'
    assert "One more sentence." in (fixture_site / "output" / "about" / "index.html").read_text(encoding="utf-8")


def test_a_page_whose_bytes_are_gone_everywhere_is_rendered_again(fixture_site, monkeypatch):
    """The store says what a page's HTML was; without those bytes in the spare or output/, it is rendered."""
    assert run_build(fixture_site).code == 0
    assert run_build(fixture_site, "--base-url", "https://other.example.org").code == 0  # the spare: the first site
    for folder in (fixture_site / "output", fixture_site / CACHE_DIR / SPARE_OUTPUT):
        (folder / "index.html").write_text("edited by hand", encoding="utf-8")
    rendered = _rendered_pages(monkeypatch)
    assert run_build(fixture_site).code == 0
    assert [url for url in rendered if url.endswith("/")] == ["/"]
    clean = fixture_site.parent / "clean"
    shutil.copytree(fixture_site, clean, ignore=shutil.ignore_patterns("output", CACHE_DIR))
    assert run_build(clean, "--no-cache").code == 0
    assert snapshot(fixture_site / "output") == snapshot(clean / "output")


def test_the_build_store_keeps_only_known_classes_and_refuses_others():
    from datetime import date

    from sitegen.checks import PageFacts
    from sitegen.models import Document

    document = Document("page", "content/pages/a.md", "A", "About A", "page", False, date(2026, 1, 2), 0, "/a/",
                        "Text.", 5, key_lines={"title": 2}, fields={"tags": ("x", "y"), "when": date(2026, 3, 4),
                                                 # keys that look like the store's own tags
                                                 "t": [1], "c": "Document", "v": {"m": 2}})
    facts = PageFacts(frozenset({"main", "top"}), frozenset({"/", "/a/"}), (), 1)
    for value in ([document, []], ["digest", facts]):
        again = buildcache.decode(buildcache.encode(value))
        assert again == value if value[0] == "digest" else buildcache.encode(again) == buildcache.encode(value)
        if value[0] is document:
            assert again[0].fields == document.fields and again[0].key_lines == {"title": 2}
    with pytest.raises(buildcache.NotStorable):
        buildcache.encode(object())
    for text in ('{"c": "Popen", "v": {"args": "true"}}', '{"c": "system", "v": {}}', '{"q": 1}', "[1, {",
                 '{"m": [1, 2]}', '{"t": [1], "x": 2}', '{"f": [[1]]}'):
        with pytest.raises(ValueError):
            buildcache.decode(text)


def test_digests_are_the_same_in_every_process():
    """A set's order changes with Python's hash seed from one process to the next; the digest does not."""
    import subprocess
    import sys

    code = ("import sys; sys.path.insert(0, '.'); from sitegen.digest import digest; "
            "print(digest({'links': frozenset(f'/page-{n}/' for n in range(50)), 'n': (1, 2.5, None)}))")
    found = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONHASHSEED": str(seed)}, cwd=REPO_ROOT).stdout for seed in (1, 2, 3)}
    assert len(found) == 1 and found.pop().strip()


def test_digests_tell_values_apart():
    from markupsafe import Markup

    from sitegen.digest import Undigestible, digest

    values = ["1", 1, 1.0, True, None, (1,), [1], {"1": 1}, frozenset({"1"}), Markup("1"), b"1", ("1", "")]
    assert len({digest(value) for value in values}) == len(values)
    assert digest(("a", "bc")) != digest(("ab", "c"))
    looped: list = []
    looped.append(looped)
    for value in (object(), looped):
        with pytest.raises(Undigestible):
            digest(value)


def test_a_failed_build_leaves_output_as_it_was_though_it_shares_files_with_the_spare(fixture_site):
    """The first build after a cold one links output/'s unchanged pages into its folder; a later build
    that writes such a page must make a new file, or a build that then fails would change the live site."""
    assert run_build(fixture_site).code == 0
    about = fixture_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert run_build(fixture_site).code == 0  # output/ now shares its unchanged pages' files with the spare
    home = fixture_site / "output" / "index.html"
    assert home.stat().st_nlink == 2
    published = snapshot(fixture_site / "output")
    index = fixture_site / "content" / "pages" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nA new line on the home page.\n", encoding="utf-8")
    about.write_text(about.read_text(encoding="utf-8") + "\n[a broken link](/no-such-page/)\n", encoding="utf-8")
    result = run_build(fixture_site)
    assert result.code == 1 and "/no-such-page/" in result.err
    assert snapshot(fixture_site / "output") == published


def test_a_document_from_the_store_has_its_body_back_whatever_the_line_endings(fixture_site, tmp_path):
    """The store keeps a document without its body and takes it from the file: BOM, CRLF and CR files too."""
    pages = fixture_site / "content" / "pages"
    texts = {"crlf": "\ufeff---\r\ntitle: Windows\r\ndescription: Saved on Windows.\r\n---\r\n\r\nIt's *here*.\r\n",
             "cr": "---\rtitle: Old Mac\rdescription: Saved long ago.\r---\r\rStill \"here\".\r"}
    for name, text in texts.items():
        (pages / f"{name}.md").write_bytes(text.encode("utf-8"))
    assert run_build(fixture_site).code == 0
    about = pages / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert run_build(fixture_site).code == 0  # the two documents come from the store
    clean = tmp_path / "clean"
    shutil.copytree(fixture_site, clean, ignore=shutil.ignore_patterns("output", CACHE_DIR))
    assert run_build(clean, "--no-cache").code == 0
    assert snapshot(fixture_site / "output") == snapshot(clean / "output")
    assert "here" in (fixture_site / "output" / "crlf" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("count", [3, 500])
def test_the_store_finds_the_same_entries_one_by_one_or_whole(tmp_path, count):
    from sitegen.store import FEW_KEYS, Store

    store = Store(tmp_path / "store.sqlite", "v1", ("results",))
    entries = {f"key{number}": f"value {number}" for number in range(600)}
    store.store({"results": entries}, {"results": set(entries)})
    wanted = [f"key{number}" for number in range(0, 2 * count, 2)] + ["absent"]
    assert (len(wanted) > FEW_KEYS) == (count > FEW_KEYS)
    assert dict(store.each("results", wanted)) == {key: entries[key] for key in wanted if key in entries}
    assert dict(Store(tmp_path / "store.sqlite", "v2", ("results",)).each("results", wanted)) == {}  # another version


def test_template_facts_from_the_store_are_those_worked_out_afresh(fixture_site):
    from sitegen.buildcache import BuildCache
    from sitegen.incremental import _TemplateIndex, _read_templates
    from sitegen.templating import create_environment

    def facts_of_a_build() -> dict:
        builder = IncrementalBuilder(BuildOptions(fixture_site), store=MarkdownCache(fixture_site), keep_pages=False,
                                     kept=BuildCache(fixture_site))
        builder.build()
        builder.save()
        return {name: facts for name, (_, facts) in builder._templates.facts.items()}

    texts = _read_templates(fixture_site / "templates")
    fresh = _TemplateIndex(create_environment(fixture_site), texts, {})
    expected = {name: fresh._facts(name) for name in texts}
    assert facts_of_a_build() == expected  # worked out, then stored
    assert facts_of_a_build() == expected  # read back from the store
    with sqlite3.connect(fixture_site / CACHE_DIR / BUILD_FILE) as db:
        db.execute("UPDATE templates SET value = 'not json'")
    assert facts_of_a_build() == expected  # a damaged entry is worked out again


def test_static_files_output_already_holds_are_linked_and_a_changed_one_is_written_anew(fixture_site):
    """The first build after a cold one links output/'s unchanged static files (share cards, CSS) into
    its folder; one whose source changed gets a new file, and the previous site's copy stays as it was."""
    assert run_build(fixture_site).code == 0
    before = snapshot(fixture_site / "output")
    favicon = fixture_site / "static" / "favicon.svg"
    about = fixture_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert run_build(fixture_site).code == 0
    spare = fixture_site / CACHE_DIR / SPARE_OUTPUT
    published = fixture_site / "output" / "favicon.svg"
    assert published.stat().st_ino == (spare / "favicon.svg").stat().st_ino  # one file, linked
    assert snapshot(spare) == before  # the previous site, untouched
    favicon.write_text(favicon.read_text(encoding="utf-8").replace("</svg>", "<!-- changed --></svg>"),
                       encoding="utf-8")
    assert run_build(fixture_site).code == 0
    assert published.read_bytes() == favicon.read_bytes()
    clean = fixture_site.parent / "clean"
    shutil.copytree(fixture_site, clean, ignore=shutil.ignore_patterns("output", CACHE_DIR))
    assert run_build(clean, "--no-cache").code == 0
    assert snapshot(fixture_site / "output") == snapshot(clean / "output")


def test_example_values_are_warned_about_alike_from_the_store_and_afresh(fixture_site):
    """A page's example values are found where it is loaded and kept with it: a build that takes the page
    from the store warns about them as a build without the store does."""
    about = fixture_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nCall us on (315) 555-0142.\n", encoding="utf-8")

    def warnings(*args: str) -> list[str]:
        result = run_build(fixture_site, *args)
        assert result.code == 0
        return sorted(line for line in result.full_err.splitlines() if "warning:" in line)

    fresh = warnings("--no-cache")
    assert any(line.startswith("content/pages/about.md:") and "555-0142" in line for line in fresh)
    assert warnings() == fresh  # scanned where it was loaded
    services = fixture_site / "content" / "pages" / "index.md"
    services.write_text(services.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert warnings() == warnings("--no-cache")  # about.md from the store
    about.write_text(about.read_text(encoding="utf-8").replace("(315) 555-0142", "the front desk"), encoding="utf-8")
    assert warnings() == warnings("--no-cache")
    assert not any("555-0142" in line for line in warnings())


def test_found_example_values_are_used_for_every_source_listed(fixture_site):
    from sitegen.errors import SiteError
    from sitegen.placeholders import scan_sources

    sentinel = SiteError("content/pages/about.md", 1, 1, "found by the loader", severity="warning")
    found = scan_sources(fixture_site, ["site_config.yaml", "content/pages/about.md"],
                         found={"content/pages/about.md": [sentinel]})
    assert sentinel in found


def test_a_document_is_parsed_from_the_bytes_its_store_entry_is_keyed_by(fixture_site, monkeypatch):
    """A file saved again while it is loaded must not leave an entry of the old bytes holding the new text."""
    from sitegen import incremental
    from sitegen.kinds import KINDS

    about = fixture_site / "content" / "pages" / "about.md"
    first_read = about.read_bytes()
    about.write_text(about.read_text(encoding="utf-8").replace("title: ", "title: Saved again, "), encoding="utf-8")
    monkeypatch.setattr(incremental, "_read_bytes", lambda path: first_read)  # the bytes read before the save
    kind = next(kind for kind in KINDS if kind.name == "pages")
    loaded = incremental._load_for_store(kind, str(about), "content/pages/about.md", fixture_site,
                                         fixture_site / "content" / "pages", (0,))
    document, entry = loaded[3], loaded[7]
    assert "Saved again" not in document.title
    assert "Saved again" not in entry


def _checked_pages(monkeypatch) -> list[str]:
    """The URLs of the pages whose own facts are read by the link check from here on."""
    from sitegen import checks

    read = []
    original = checks.KeptPageFacts._facts

    def reading(self):
        if self._own is None:
            read.append(self.token)
        return original(self)

    monkeypatch.setattr(checks.KeptPageFacts, "_facts", reading)
    return read


def _write_page(root, name: str, title: str, body: str) -> None:
    (root / "content" / "pages" / f"{name}.md").write_text(
        f"---\ntitle: {title}\ndescription: A page of the link memo's test.\n---\n\n{body}\n", encoding="utf-8")


def test_after_one_edit_no_other_page_is_read_again_for_the_link_check(fixture_site, monkeypatch):
    _write_page(fixture_site, "plain", "Plain", "## A heading\n\nPlain words.")
    assert run_build(fixture_site).code == 0
    _write_page(fixture_site, "plain", "Plain", "## A heading\n\nPlain words, and one more sentence.")
    read = _checked_pages(monkeypatch)
    assert run_build(fixture_site).code == 0
    assert read == []  # every unchanged page passed as it did, unread (the edited one links to none of them)


@pytest.mark.parametrize("change, message", [
    (lambda root: _write_page(root, "target", "Target", "## Part one\n\nNo second part now."),
     "content/pages/linker.md:8: the link '/target/#part-two' leads to no heading or id '#part-two' on /target/"),
    (lambda root: (root / "content" / "pages" / "target.md").unlink(),
     "content/pages/linker.md:8: the link '/target/#part-two' leads to no page on this site"),
])
def test_an_unchanged_page_whose_link_target_changed_is_checked_again(fixture_site, change, message):
    _write_page(fixture_site, "target", "Target", "## Part one\n\nText.\n\n## Part two\n\nMore text.")
    _write_page(fixture_site, "linker", "Linker", "Plain words.\n\n[the second part](/target/#part-two)")
    assert run_build(fixture_site).code == 0
    change(fixture_site)
    failed = run_build(fixture_site)
    assert failed.code == 1
    assert message in failed.err
    # Put back, it passes again; and a clean build of the broken site says the same.
    _write_page(fixture_site, "target", "Target", "## Part one\n\nText.\n\n## Part two\n\nMore text.")
    assert run_build(fixture_site).code == 0
    change(fixture_site)
    assert run_build(fixture_site).err == run_build(fixture_site, "--no-cache").err


def test_the_link_memo_survives_its_text_and_refuses_damaged_text():
    from sitegen.checks import KeptPageFacts, LayoutFacts, LinkMemo, PageFacts

    layout = LayoutFacts(frozenset({"main"}), frozenset({"/"}), 0)
    facts = {url: KeptPageFacts(f"digest-{url}", (layout,), own=PageFacts(frozenset({"top"}), frozenset(), (), 1))
             for url in ("/a/", "/b/")}
    memo = LinkMemo()
    assert memo.still_passing(facts, set(), set(), facts) == set()
    memo.passed("/a/", facts["/a/"], {"/b/"}, {"/b/"})
    memo.passed("/b/", facts["/b/"], set(), set())
    memo.note_target_ids(facts)
    again = LinkMemo.from_text(memo.to_text())
    assert again.still_passing(facts, set(), set(), facts) == {"/a/", "/b/"}
    # /b/ is rendered anew with other ids: /a/, which links to one of its ids, is checked again.
    changed = {**facts, "/b/": KeptPageFacts("other", (layout,), own=PageFacts(frozenset({"moved"}), frozenset(), (), 1))}
    assert LinkMemo.from_text(memo.to_text()).still_passing(changed, set(), set(), changed) == set()
    for damaged in ("", "{", "[]", '{"seen": [[], []], "passed": {}, "target_ids": {}}',
                    '{"seen": [[], [], []], "passed": {"/a/": ["t", [1], []]}, "target_ids": {}}'):
        assert LinkMemo.from_text(damaged).still_passing(facts, set(), set(), facts) == set()


def test_kept_identities_of_cached_images_that_do_not_decode_are_left_out():
    from pathlib import Path

    known = {("/cache/images/a.0123456789abcdef.webp",): (1, 2, 3, 4, 5), Path("/photo.jpg"): ((1, 2), "hash")}
    entries = buildcache.encode_identities(known)
    assert entries == {"/cache/images/a.0123456789abcdef.webp": "1 2 3 4 5"}  # photos are hashed on every build
    assert buildcache.decode_identities(entries) == {("/cache/images/a.0123456789abcdef.webp",): (1, 2, 3, 4, 5)}
    damaged = {"/a": "1 2 x 4 5", "/b": "1 2 3", "/c": "-1 2 3 4 5", "/d": "", "/e": "1 2 3 4 5 6"}
    assert buildcache.decode_identities(damaged) == {}
