"""The live preview's rebuilds keep what the link check and the example-value scan found, and still report
exactly what a clean build reports: a link whose target goes away, a heading renamed, a link fixed."""
from __future__ import annotations

import shutil

import pytest

from sitegen.errors import BuildFailed, ErrorCollector
from sitegen.incremental import IncrementalBuilder
from sitegen.pipeline import BuildOptions, build_site
from sitegen.placeholders import scan_sources
from sitegen.routes import RoutePlan, Route


def _messages(build) -> list[str]:
    try:
        build()
    except BuildFailed as failed:
        return [str(error) for error in failed.errors]
    return []


class Preview:
    """The preview's builder, each rebuild compared with a clean build of the same files."""

    def __init__(self, root):
        self.options = BuildOptions(root=root, serving=True)
        self.builder = IncrementalBuilder(self.options)

    def messages(self) -> list[str]:
        ours = _messages(self.builder.build)
        assert ours == _messages(lambda: build_site(self.options))
        return ours


def _page(folder, name: str, title: str, body: str) -> None:
    (folder / f"{name}.md").write_text(f"---\ntitle: {title}\ndescription: A page.\n---\n\n{body}\n", encoding="utf-8")


@pytest.fixture
def preview(fixture_site) -> Preview:
    pages = fixture_site / "content" / "pages"
    _page(pages, "target", "Target", "## Opening hours\n\nWe open at nine.")
    _page(pages, "linking", "Linking", "See [the hours](/target/#opening-hours) and [the form](/files/form.txt).")
    (fixture_site / "static" / "files").mkdir()
    (fixture_site / "static" / "files" / "form.txt").write_text("a form\n", encoding="utf-8")
    built = Preview(fixture_site)
    assert built.messages() == []
    return built


def test_a_link_whose_page_goes_away_is_reported_on_the_next_rebuild(preview, fixture_site):
    target = fixture_site / "content" / "pages" / "target.md"
    text = target.read_text(encoding="utf-8")
    target.unlink()
    [message] = preview.messages()
    assert message.startswith("content/pages/linking.md:6:") and "'/target/#opening-hours' leads to no page" in message
    target.write_text(text, encoding="utf-8")
    assert preview.messages() == []


def test_a_renamed_heading_is_reported_where_a_link_names_it(preview, fixture_site):
    target = fixture_site / "content" / "pages" / "target.md"
    target.write_text(target.read_text(encoding="utf-8").replace("Opening hours", "When we open"), encoding="utf-8")
    [message] = preview.messages()
    assert "leads to no heading or id '#opening-hours' on /target/" in message
    assert message.startswith("content/pages/linking.md:6:")


def test_a_static_file_that_goes_away_is_reported(preview, fixture_site):
    shutil.rmtree(fixture_site / "static" / "files")
    [message] = preview.messages()
    assert "the file '/files/form.txt' does not exist" in message


def test_a_broken_link_stays_reported_until_it_is_fixed(preview, fixture_site):
    linking = fixture_site / "content" / "pages" / "linking.md"
    text = linking.read_text(encoding="utf-8")
    linking.write_text(text.replace("/target/#", "/targte/#"), encoding="utf-8")
    first = preview.messages()
    assert len(first) == 1 and "'/targte/#opening-hours' leads to no page on this site" in first[0]
    # Another page changes: the broken link is still there, and still said.
    _page(fixture_site / "content" / "pages", "another", "Another", "Words.")
    assert preview.messages() == first
    linking.write_text(text, encoding="utf-8")
    assert preview.messages() == []


def test_a_page_that_appears_where_a_link_led_nowhere_fixes_it(preview, fixture_site):
    pages = fixture_site / "content" / "pages"
    _page(pages, "linking", "Linking", "See [the prices](/prices/).")
    assert len(preview.messages()) == 1
    _page(pages, "prices", "Prices", "Fair.")
    assert preview.messages() == []


def test_the_scan_of_example_values_follows_edits(tmp_path):
    source = tmp_path / "page.md"
    source.write_text("Call 315-555-0142.\n", encoding="utf-8")
    cache: dict = {}
    assert [error.message for error in scan_sources(tmp_path, ["page.md"], cache)] == [
        "'315-555-0142' is a fictional phone number (555-0100 to 555-0199 are reserved for examples)"]
    source.write_text("Call 315-867-5309.\n", encoding="utf-8")  # the same size, in the same second
    assert scan_sources(tmp_path, ["page.md"], cache) == []
    source.write_text("Write to a@example.com.\n", encoding="utf-8")
    assert len(scan_sources(tmp_path, ["page.md"], cache)) == 1
    source.unlink()
    assert scan_sources(tmp_path, ["page.md"], cache) == [] and cache == {}


def test_the_preview_warns_about_a_page_s_example_values_as_a_clean_build_does(fixture_site):
    builder = IncrementalBuilder(BuildOptions(root=fixture_site, serving=True))
    page = fixture_site / "content" / "pages" / "noted.md"

    def warnings() -> list[str]:
        ours = [str(warning) for warning in builder.build().warnings]
        assert ours == [str(warning) for warning in build_site(BuildOptions(root=fixture_site, serving=True)).warnings]
        return [warning for warning in ours if warning.startswith("content/pages/noted.md:")]

    assert warnings() == []
    _page(page.parent, "noted", "Noted", "Call 315-555-0142.")
    assert [warning.split(": warning: ")[1][:16] for warning in warnings()] == ["'315-555-0142' i"]
    _page(page.parent, "noted", "Noted", "Call 315-867-5309.")  # the same size, in the same second
    assert warnings() == []
    _page(page.parent, "noted", "Noted", "Mail a@example.com")
    assert len(warnings()) == 1
    page.unlink()
    assert warnings() == []


def test_a_collection_item_s_page_follows_its_data_though_its_template_reads_nothing_else(fixture_site):
    (fixture_site / "templates" / "service.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title>'
        '<meta name="description" content="{{ page.description }}"></head>'
        '<body><main id="main"><h1>{{ page.title }}</h1><p>{{ service.focus }}</p></main></body></html>\n',
        encoding="utf-8")
    options = BuildOptions(root=fixture_site, serving=True)
    builder = IncrementalBuilder(options)
    page = "services/medical-massage/index.html"
    assert "<p>The areas linked to your condition.</p>" in builder.build().pages[page]
    services = fixture_site / "content" / "data" / "services.yaml"  # a value the page's own facts do not hold
    text = services.read_text(encoding="utf-8")
    services.write_text(text.replace("focus: The areas linked", "focus: The parts linked"), encoding="utf-8")
    rebuilt = builder.build().pages
    assert rebuilt == build_site(options).pages and "<p>The parts linked to your condition.</p>" in rebuilt[page]


def test_route_planning_still_reports_folders_that_are_files():
    errors = ErrorCollector()
    plan = RoutePlan(errors)
    plan.add(Route("/about.html", "page", "page", "About", "", "content/pages/about.md", 1))
    plan.add(Route("/about.html/team/", "page", "page", "Team", "", "content/pages/team.md", 1))
    plan.add_static("About.html/logo.svg", "static/About.html/logo.svg")
    assert [error.message for error in errors.errors] == [
        "/about.html/team/ needs the folder about.html/, where /about.html writes a file",
        "this file needs the folder About.html/, where /about.html writes a file"]



def test_breadcrumbs_name_the_pages_above():
    plan = RoutePlan(ErrorCollector())
    for url, title in (("/", "Home"), ("/care/", "Care"), ("/care/knees/", "Knees"), ("/care/knees/x.html", "X")):
        plan.add(Route(url, "page", "page", title, "", "content/pages/x.md", 1))
    assert plan.breadcrumbs("/care/knees/x.html") == [("Home", "/"), ("Care", "/care/"), ("Knees", "/care/knees/")]
    assert plan.breadcrumbs("/care/") == [("Home", "/")] and plan.breadcrumbs("/") == []
