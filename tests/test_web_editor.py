"""The web editor: /admin/ and its Sveltia CMS configuration.

The configuration is checked against the CMS's own JSON schema (from its npm
package, fetched once into ~/.cache/sitegen-tests/ and read offline afterwards) and
against the declarations in kinds.py: every kind, every field, its required
flag, help text, widget and references. Files written the way the CMS writes
YAML (comments dropped, times, ZIP codes and NO unquoted) must still build.
Where Chromium is installed, the CMS itself starts with the configuration
(and, to show the check can fail, reports a broken one), and an edit goes
through it end to end: in "Work with Local Repository" mode, with a folder of
the browser's private file system holding a copy of the site's sources in
place of the folder picker, a price is changed and saved in the form; the
file the CMS wrote must differ from the original by that price alone and
build, and the service's page must show the new price. One Chromium serves
the module.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import build_and_parse, copy_real_site, run_build
from sitegen.cms import ADMIN_POLICY, cms_config
from sitegen.kinds import KINDS
from sitegen.schema import Boolean, DateValue, Integer, ListOf, Number

CMS_PACKAGE, CMS_VERSION = "@sveltia/cms", "0.221.1"
# Beside the browser tests' axe-core (test_browser.py): outside the repository, kept between runs.
NPM_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitegen-tests"


def npm_package(name: str, version: str) -> Path:
    """The unpacked npm package (its `package/` folder), fetched once with `npm pack`."""
    folder = NPM_CACHE / f"{name.replace('/', '+')}-{version}"
    if not (folder / "package" / "package.json").exists():
        if shutil.which("npm") is None:
            pytest.skip(f"npm is not installed and {folder} is not cached")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(NPM_CACHE)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"npm could not fetch {name}@{version} (offline?): {done.stderr.strip()[:200]}")
        archive = NPM_CACHE / done.stdout.strip().splitlines()[-1]
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        archive.unlink()
    return folder / "package"


@pytest.fixture(scope="session")
def cms_package() -> Path:
    return npm_package(CMS_PACKAGE, CMS_VERSION)


@pytest.fixture(scope="session")
def editor_site(tmp_path_factory, cms_package):
    """The real site with the CMS script in static/admin/, built once."""
    root = copy_real_site(tmp_path_factory.mktemp("editor") / "site")
    (root / "static" / "admin").mkdir(parents=True)
    shutil.copy(cms_package / "dist" / "sveltia-cms.js", root / "static" / "admin" / "sveltia-cms.js")
    site = build_and_parse(root)
    assert site.result.code == 0, site.result.err
    return site


def test_the_configuration_validates_against_the_cms_schema(built_real_site, cms_package):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((cms_package / "schema" / "sveltia-cms.json").read_text(encoding="utf-8"))
    config = yaml.safe_load((built_real_site.output / "admin" / "config.yml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    problems = [f"{'.'.join(map(str, error.absolute_path))}: {error.message[:200]}"
                for error in validator.iter_errors(config)]
    assert problems == []
    broken = {**config, "collections": [{**config["collections"][0], "fields": [
        {**config["collections"][0]["fields"][0], "required": "yes"}]}]}
    assert list(validator.iter_errors(broken)), "the schema is too lax to tell anything"


def _items(collection: dict) -> list[dict]:
    """The fields of one record of a collection's kind."""
    if "folder" in collection:
        return collection["fields"]
    return collection["files"][0]["fields"][-1]["fields"]


def test_every_kind_and_field_is_in_the_configuration_as_declared(built_real_site):
    config = yaml.safe_load((built_real_site.output / "admin" / "config.yml").read_text(encoding="utf-8"))
    collections = {collection["name"]: collection for collection in config["collections"]}
    assert list(collections) == [kind.name for kind in KINDS]
    for kind in KINDS:
        collection = collections[kind.name]
        if kind.is_folder:
            assert collection["folder"] == kind.source and collection["format"] == "yaml-frontmatter"
        else:
            file = collection["files"][0]
            assert file["file"] == kind.source and file["format"] == "yaml"
            assert file["fields"][-1]["name"] == kind.name and file["fields"][-1]["widget"] == "list"
            assert [f["name"] for f in file["fields"][:-1]] == list(kind.file_fields)
        fields = {entry["name"]: entry for entry in _items(collection)}
        assert set(kind.fields) <= set(fields), kind.name
        for name, spec in kind.fields.items():
            entry = fields[name]
            assert entry["required"] is spec.required, f"{kind.name}.{name}"
            assert entry["hint"] == spec.doc
            inner = spec.kind.kind if hasattr(spec.kind, "kind") else spec.kind
            expected = {Boolean: "boolean", Integer: "number", Number: "number", DateValue: "datetime"}.get(type(inner))
            if expected:
                assert entry["widget"] == expected, f"{kind.name}.{name}"
            if name in kind.markdown:
                assert entry["widget"] == "markdown"
        for ref in kind.references:
            top, _, rest = ref.field.partition(".")
            entry = fields[top]
            if rest:
                entry = next(f for f in entry["fields"] if f["name"] == rest)
            assert entry["widget"] == "relation" and entry["collection"] == ref.to
            assert entry["value_field"] == f"{ref.to}.*.slug", "stored as the slug"
            assert entry["display_fields"] != [f"{ref.to}.*.slug"], "chosen by name"
            assert entry.get("multiple", False) is isinstance(
                (kind.fields[top].kind.item.fields[rest].kind if rest else kind.fields[top].kind), ListOf)


def test_patterns_and_formats_match_what_the_build_accepts():
    config = cms_config(KINDS, "hand-in-health/website")
    assert config["backend"] == {"name": "github", "repo": "hand-in-health/website", "branch": "main"}
    assert config["output"] == {"omit_empty_optional_fields": True}, "blank optional fields left out, not ''"
    signed = cms_config(KINDS, "hand-in-health/website", "https://auth.example.workers.dev")
    assert signed["backend"]["base_url"] == "https://auth.example.workers.dev"
    locations = {f["name"]: f for f in _items(next(c for c in config["collections"] if c["name"] == "locations"))}
    pattern, hint = locations["postal_code"]["pattern"]
    assert re.fullmatch(pattern[1:-1], "13212") and not re.fullmatch(pattern[1:-1], "1321")
    assert "five digits" in hint
    monday = next(f for f in locations["hours"]["fields"] if f["name"] == "monday")
    assert monday["widget"] == "string"
    special = next(f for f in locations["special_hours"]["fields"] if f["name"] == "date")
    assert special["format"] == "YYYY-MM-DD" and special["time_format"] is False
    coordinates = {f["name"]: f for f in locations["coordinates"]["fields"]}
    assert (coordinates["latitude"]["min"], coordinates["latitude"]["max"]) == (-90, 90)


def test_the_admin_page_loads_the_cms_from_the_site_alone(editor_site):
    page = editor_site.admin_pages["/admin/"]
    metas = {meta.get("name") or meta.get("http-equiv"): meta.get("content") for meta in page.find_all("meta")}
    assert metas["robots"] == "noindex, nofollow"
    assert metas["Content-Security-Policy"] == ADMIN_POLICY
    policy = dict(part.strip().split(" ", 1) for part in ADMIN_POLICY.split(";"))
    assert policy["script-src"] == "'self'"
    scripts = [script.get("src") for script in page.find_all("script")]
    assert len(scripts) == 1 and re.fullmatch(r"/admin/sveltia-cms\.[0-9a-f]+\.js", scripts[0]), scripts
    assert (editor_site.output / scripts[0].lstrip("/")).is_file()
    config_link = next(link for link in page.find_all("link") if link.get("rel") == "cms-config-url")
    assert config_link.get("href") == "/admin/config.yml"
    sitemap = (editor_site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/admin/" not in sitemap
    for url, tree in editor_site.pages.items():  # visitor pages: no script at all
        assert not tree.find_all("script", src=True), url


def test_without_the_script_the_admin_page_says_how_to_install_it(built_real_site):
    page = built_real_site.admin_pages["/admin/"]
    assert not page.find_all("script")
    assert "static/admin/" in page.find("main").text_content()


# --- YAML as the CMS writes it ------------------------------------------------------------------

class CmsDumper(yaml.SafeDumper):
    """YAML 1.2 core schema, as the CMS's YAML library writes it: strings quoted only where
    1.2 would read them as something else, so 10:45, NO and 13212-style codes stay plain."""


class CmsLoader(yaml.SafeLoader):
    """YAML 1.2 core schema reading: 10:45 and 2026-11-26 are text, as in the CMS."""


CmsDumper.yaml_implicit_resolvers = {}
CmsLoader.yaml_implicit_resolvers = {}
for first, tag, regexp in (("-+0123456789", "tag:yaml.org,2002:int", r"[-+]?[0-9]+$"),
                           ("-+0123456789.", "tag:yaml.org,2002:float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"),
                           ("tTfF", "tag:yaml.org,2002:bool", r"(true|True|TRUE|false|False|FALSE)$"),
                           ("~nN", "tag:yaml.org,2002:null", r"(~|null|Null|NULL)$")):
    for cls in (CmsDumper, CmsLoader):
        cls.add_implicit_resolver(tag, re.compile(regexp), list(first))


def test_files_saved_the_way_the_cms_writes_them_build(tmp_path):
    root = copy_real_site(tmp_path / "site")
    data = root / "content" / "data"
    for path in sorted(data.glob("*.yaml")):
        values = yaml.load(path.read_text(encoding="utf-8"), Loader=CmsLoader)  # as the CMS reads it: comments dropped
        path.write_text(yaml.dump(values, Dumper=CmsDumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
    text = (data / "locations.yaml").read_text(encoding="utf-8")
    assert "#" not in text.split("\n", 1)[0]
    assert re.search(r"^\s+- date: 2026-\d\d-\d\d$", text, re.MULTILINE), "dates are written plain"
    assert re.search(r"^\s+monday: \d\d:\d\d-\d\d:\d\d$", text, re.MULTILINE), "times are written plain"
    # An editor's values the way the CMS leaves them: unquoted, which YAML 1.1 would misread.
    text = re.sub(r"postal_code: .*", "postal_code: 01234", text, count=1)
    text = re.sub(r"monday: .*", "monday: 10:45-17:00", text, count=1)
    text = re.sub(r"region: .*", "region: NO", text, count=1)
    (data / "locations.yaml").write_text(text, encoding="utf-8")
    site = build_and_parse(root)
    assert site.result.code == 0, site.result.err
    location = "/locations/north-syracuse/"  # the first entry, the one edited
    shown = site.page(location).text_content()
    assert re.search(r"\bNO,? 01234\b", shown), "region and ZIP code kept as written"
    assert re.search(r"10:45|10\.45|10:45\s*[aA]\.?[mM]", shown), "the opening time is kept as written"
    code, _, err = run_build(root, "check")
    assert code == 0, err


# --- In a browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """One Chromium for this module's tests, each in a context of its own (as in test_browser.py)."""
    from test_browser import CHROMIUM_ARGS, _chromium, _required  # the shared Chromium set-up

    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _required("Playwright for Python is missing: pip install -r requirements-dev.txt")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def _served(output: Path):
    """`output` served from 127.0.0.1 by a thread; yields the base URL."""
    from test_page_policy import _QuietHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def _offline_page(context):
    """A page of `context` that reaches nothing but the test's server."""
    page = context.new_page()
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    return page


def _open_admin(browser, output: Path) -> tuple[str, list[str]]:
    """The admin page's text once the CMS has started, and the console's policy violations."""
    messages: list[str] = []
    context = browser.new_context()
    try:
        with _served(output) as base:
            page = _offline_page(context)
            page.on("console", lambda message: messages.append(message.text))
            page.goto(f"{base}/admin/")
            try:
                page.wait_for_selector("text=/Work with Local Repository|errors in the CMS configuration/",
                                       timeout=15000)
            except Exception:  # the test's assertion below says what the page showed instead
                pass
            text = page.inner_text("body")
    finally:
        context.close()
    return text, [m for m in messages if "Content Security Policy" in m and "script-src" in m]


def test_the_cms_starts_with_the_generated_configuration(browser, editor_site):
    """Sveltia reads /admin/config.yml, finds no error in it and offers to sign in."""
    text, script_violations = _open_admin(browser, editor_site.output)
    assert "Work with Local Repository" in text, text[:500]
    assert "errors in the CMS configuration" not in text
    assert script_violations == []


def test_the_cms_rejects_a_broken_configuration(browser, editor_site, tmp_path):
    """The check above can fail: the CMS shows an error instead of its sign-in for a bad config."""
    output = tmp_path / "output"
    shutil.copytree(editor_site.output, output)
    config = yaml.safe_load((output / "admin" / "config.yml").read_text(encoding="utf-8"))
    del config["backend"]
    (output / "admin" / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    text, _ = _open_admin(browser, output)
    assert "There are errors in the CMS configuration" in text and "backend" in text, text[:300]
    assert "Work with Local Repository" not in text


# --- Editing through the CMS, end to end ---------------------------------------------------------

# "Work with Local Repository" asks for a folder with window.showDirectoryPicker(), a native
# dialog headless Chromium cannot show. The page gets a folder of the browser's own private file
# system instead (a real FileSystemDirectoryHandle): the CMS reads and writes it as it would the
# repository on disk.
PICK_PRIVATE_FOLDER_JS = """window.showDirectoryPicker = async () =>
  (await navigator.storage.getDirectory()).getDirectoryHandle('repository');"""
FOLDER_JS = """async (path, create) => {
  let folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('repository', {create});
  for (const name of path.split('/').filter(Boolean)) folder = await folder.getDirectoryHandle(name, {create});
  return folder;
}"""
WRITE_FILES_JS = f"""async (files) => {{
  const folder = {FOLDER_JS};
  await folder('.git', true);  // the CMS takes a folder with .git for a repository's root
  for (const [path, text] of Object.entries(files)) {{
    const parent = await folder(path.split('/').slice(0, -1).join('/'), true);
    const writer = await (await parent.getFileHandle(path.split('/').at(-1), {{create: true}})).createWritable();
    await writer.write(text);
    await writer.close();
  }}
}}"""
READ_FILE_JS = f"""async (path) => {{
  const parent = await ({FOLDER_JS})(path.split('/').slice(0, -1).join('/'), false);
  return (await (await parent.getFileHandle(path.split('/').at(-1))).getFile()).text();
}}"""
SERVICES_FILE = "content/data/services.yaml"


def _repository_texts(root: Path) -> dict[str, str]:
    """Relative path -> text of the files the configuration points the CMS at (photos aside)."""
    files = {"site_config.yaml": (root / "site_config.yaml").read_text(encoding="utf-8")}
    for path in sorted((root / "content").rglob("*")):
        if path.suffix in (".md", ".yaml"):
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def _default_session(data: dict, slug: str, minutes: int) -> dict:
    """The session of `minutes` of service `slug` that applies at every location."""
    service = next(service for service in data["services"] if service["slug"] == slug)
    return next(session for session in service["sessions"]
                if session["minutes"] == minutes and not session.get("location"))


def _differences(expected, actual, path: str = "") -> list[str]:
    """Where two loaded YAML documents differ, as `path: expected -> actual` lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [line for key in dict.fromkeys([*expected, *actual])
                for line in _differences(expected.get(key, "<missing>"), actual.get(key, "<missing>"), f"{path}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [line for index, (a, b) in enumerate(zip(expected, actual)) for line in _differences(a, b, f"{path}[{index}]")]
    return [] if expected == actual else [f"{path.lstrip('.')}: {expected!r} -> {actual!r}"]


def test_a_price_edited_in_the_cms_is_saved_and_builds(browser, editor_site, tmp_path):
    """An editor changes a price in the web editor and saves; the file the CMS wrote builds
    with `python build.py`, and the service's page shows the new price."""
    original_text = (editor_site.root / SERVICES_FILE).read_text(encoding="utf-8")
    original = yaml.load(original_text, Loader=CmsLoader)
    old_price = _default_session(original, "medical-massage", 60)["price"]
    new_price = old_price + 2
    # Tall enough that the CMS renders every list item (it draws them as they scroll into view).
    context = browser.new_context(viewport={"width": 1280, "height": 12000})
    try:
        with _served(editor_site.output) as base:
            page = _offline_page(context)
            page.add_init_script(PICK_PRIVATE_FOLDER_JS)
            page.goto(f"{base}/admin/")
            local = page.get_by_role("button", name="Work with Local Repository")
            local.wait_for(timeout=15000)
            page.evaluate(WRITE_FILES_JS, _repository_texts(editor_site.root))
            local.click()
            page.wait_for_url(re.compile(r"#/collections/"), timeout=15000)  # the files are read
            page.goto(f"{base}/admin/#/collections/services/entries/services")
            price = page.get_by_role("spinbutton", name="Price", exact=True).nth(1)  # medical massage, 60 min
            price.wait_for(timeout=15000)
            assert price.input_value() == str(old_price)
            price.fill(str(new_price))
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_text(re.compile(r"Entry saved")).wait_for(timeout=15000)  # once the file is written
            saved_text = page.evaluate(READ_FILE_JS, SERVICES_FILE)
    finally:
        context.close()
    saved = yaml.load(saved_text, Loader=CmsLoader)
    _default_session(original, "medical-massage", 60)["price"] = new_price
    assert _differences(original, saved) == [], "the CMS changed the price and nothing else"
    assert "location: ''" not in saved_text, "optional fields left blank are left out"
    root = copy_real_site(tmp_path / "site")
    (root / SERVICES_FILE).write_text(saved_text, encoding="utf-8")
    site = build_and_parse(root)
    assert site.result.code == 0, site.result.err
    table = site.page("/services/medical-massage/").find("table", class_="sessions")
    prices = {row.find("th").text_content().strip(): row.find("td").text_content().strip()
              for row in table.find("tbody").find_all("tr")}
    assert prices["60 minutes"] == f"${new_price}", prices
