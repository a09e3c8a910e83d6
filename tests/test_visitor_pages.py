"""What a visitor sees: one call to action per page, readable contents lists, a
home page that says what and where, facts said from the data, the first-visit
and insurance pages, and every page reachable."""
from __future__ import annotations

import re

import yaml

from conftest import REPO_ROOT, build_and_parse, run_build
from htmlparse import parse

from sitegen.markup import MarkdownRenderer
from sitegen.models import MarkdownOptions

CONFIG = yaml.safe_load((REPO_ROOT / "site_config.yaml").read_text(encoding="utf-8"))
LOCATION_NAMES = [location["name"] for location in
                  yaml.safe_load((REPO_ROOT / "content/data/locations.yaml").read_text(encoding="utf-8"))["locations"]]


def _cta_sections(page):
    return [section for section in page.find_all("section") if "cta" in section.classes()]


# Components the text placed ---------------------------------------------------------

def test_the_markdown_result_records_the_components_the_text_placed():
    renderer = MarkdownRenderer(MarkdownOptions(True, "2-3", False), lambda directive: f"<div>{directive.name}</div>")
    result = renderer.convert("Intro.\n\n::: comparison a b\n\nMore.\n\n::: call-to-action\n\n::: comparison\n", "x.md", 1)
    assert result.components == ("comparison", "call-to-action")
    assert renderer.convert("No components here.\n", "y.md", 1).components == ()


def test_an_article_that_places_a_call_to_action_shows_it_once(built_real_site):
    for path in sorted((REPO_ROOT / "content" / "articles").glob("*.md")):
        page = built_real_site.page(f"/articles/{path.stem}/")
        placed = "::: call-to-action" in path.read_text(encoding="utf-8")
        ctas = _cta_sections(page)
        assert len(ctas) == 1, path.name
        assert ctas[0].get("aria-labelledby").startswith("cta-line-" if placed else "cta-page"), path.name


def test_no_page_shows_two_calls_to_action(built_real_site, real_page_url):
    assert len(_cta_sections(built_real_site.page(real_page_url))) <= 1


def test_an_article_without_one_gets_the_layouts_call_to_action(fixture_site):
    article = fixture_site / "content" / "articles" / "plain.md"
    article.write_text("---\ntitle: Plain\ndescription: No directive.\ndate: 2026-01-01\n---\n\nText.\n", encoding="utf-8")
    site = build_and_parse(fixture_site)
    ctas = _cta_sections(site.page("/articles/plain/"))
    assert [section.get("aria-labelledby") for section in ctas] == ["cta-page-heading"]


# Contents lists ---------------------------------------------------------------------------

def test_contents_entries_read_like_their_headings(built_real_site, real_page_url):
    page = built_real_site.page(real_page_url)
    toc = page.find("nav", class_="toc")
    if toc is None:
        return
    for link in toc.find_all("a"):
        heading = page.by_id(link.get("href").lstrip("#"))
        assert link.text_content() == heading.text_content(), real_page_url
        assert "&" not in link.text_content() or "&" in heading.text_content()


def test_the_insurance_contents_show_a_typographic_apostrophe(built_real_site):
    toc = built_real_site.page("/insurance/").find("nav", class_="toc")
    assert "Do I need a physician\u2019s script?" in [a.text_content() for a in toc.find_all("a")]
    assert "&rsquo;" not in built_real_site.html["/insurance/"].split('class="toc"')[1].split("</nav>")[0]


# The home page ----------------------------------------------------------------------------

def test_the_home_page_title_and_heading_say_what_and_where(built_real_site):
    home = built_real_site.page("/")
    title = home.find("title").text_content()
    assert title != f"{CONFIG['name']} | {CONFIG['name']}"
    assert title.startswith(CONFIG["name"] + " — ")
    (h1,) = home.find_all("h1")
    heading = h1.text_content()
    assert heading != CONFIG["name"] and "massage" in heading.lower()
    assert all(name in heading for name in LOCATION_NAMES) and all(name in title for name in LOCATION_NAMES)


def test_no_page_title_says_the_same_thing_twice(built_real_site, real_page_url):
    parts = built_real_site.page(real_page_url).find("title").text_content().split(" | ")
    assert len(set(parts)) == len(parts), parts


# Reachable pages ----------------------------------------------------------------------------

def test_about_and_first_visit_are_linked_from_every_page(built_real_site, real_page_url):
    footer = built_real_site.page(real_page_url).find("footer")
    assert {"/about/", "/first-visit/"} <= set(footer.links())


def test_every_page_but_the_404_page_is_linked_from_another_page(built_real_site):
    links_from = {url: {href.split("#")[0] for href in page.links()} for url, page in built_real_site.pages.items()}
    for url in built_real_site.urls:
        if url != "/404.html":
            assert any(url in links for other, links in links_from.items() if other != url), f"nothing links to {url}"


def test_the_call_to_action_links_to_the_first_visit_page(built_real_site):
    cta = _cta_sections(built_real_site.page("/"))[0]
    assert "/first-visit/" in cta.links()
    assert "/first-visit/" not in _cta_sections(built_real_site.page("/first-visit/"))[0].links()  # not to itself


# Facts said from the data ------------------------------------------------------------------

def test_location_names_come_from_the_data(real_site):
    locations = real_site / "content" / "data" / "locations.yaml"
    text = locations.read_text(encoding="utf-8")
    first = text.index("  - slug: north-syracuse")
    second = text.index("  - slug: downtown-syracuse")
    extra = (text[first:second].replace("north-syracuse", "liverpool").replace("name: North Syracuse", "name: Liverpool")
             .replace("(315) 555-0142", "(315) 555-0199")
             .replace("placeholder-liverpool.jpg", "placeholder-north-syracuse.jpg"))  # the photo file stays
    locations.write_text(text.rstrip("\n") + "\n\n" + extra, encoding="utf-8")
    site = build_and_parse(real_site)
    assert site.result.code == 0, site.result.err
    assert site.page("/").find("h1").text_content() == \
        "Medical and therapeutic massage in North Syracuse, Downtown Syracuse and Liverpool"
    about = site.page("/about/").find("main").text_content()
    assert "three locations in Central New York: North Syracuse, Downtown Syracuse and Liverpool" in about
    assert "Liverpool" in site.page("/contact/").find("meta", name="description").get("content")


def test_an_unknown_word_is_an_error_at_its_line(fixture_site):
    about = fixture_site / "content" / "pages" / "about.md"
    lines = about.read_text(encoding="utf-8").splitlines()
    lines.append("We are in {{ locaitons }}.")
    about.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_build(fixture_site)
    assert code == 1
    assert f"content/pages/about.md:{len(lines)}: unknown word '{{{{ locaitons }}}}'; did you mean 'locations'?" in err
    config = fixture_site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("tagline: A small test site with three services",
                                                                 "tagline: Massage in {{ places }}"), encoding="utf-8")
    code, out, err = run_build(fixture_site)
    assert code == 1
    assert re.search(r"site_config\.yaml:\d+: tagline: unknown word '\{\{ places \}\}'; known words: "
                     r"\{\{ locations \}\}, \{\{ locations-or \}\}, \{\{ location-count \}\}", err), err


def test_words_in_code_stay_as_written(fixture_site):
    about = fixture_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nWrite `{{ locations }}` to list them.\n", encoding="utf-8")
    site = build_and_parse(fixture_site)
    assert [code.text_content() for code in site.page("/about/").find_all("code")] == ["{{ locations }}"]


def _section(heading):
    """The elements after a heading, up to the next heading of its level."""
    siblings = heading.parent.children
    following = siblings[siblings.index(heading) + 1:]
    end = next((i for i, element in enumerate(following) if element.tag == heading.tag), len(following))
    return following[:end]


# The clinic's facts ----------------------------------------------------------------------------

def test_medical_massage_techniques_include_hormones_and_endorphins(built_real_site):
    for url in ("/services/medical-massage/", "/articles/medical-vs-therapeutic-massage/"):
        assert "hormones and endorphins" in built_real_site.page(url).find("main").text_content(), url


def test_chronic_tightness_is_listed_under_medical_massage(built_real_site):
    page = built_real_site.page("/articles/medical-vs-therapeutic-massage/")
    medical_list, therapeutic_list = page.find_all("ul", class_="condition-list")  # in the text's order
    tightness = [li.text_content() for li in medical_list.find_all("li") if "tightness" in li.text_content().lower()]
    assert len(tightness) == 1 and "chronic" in tightness[0].lower()
    everyday = [li.text_content() for li in therapeutic_list.find_all("li") if "tightness" in li.text_content().lower()]
    assert len(everyday) == 1 and "chronic" not in everyday[0].lower()


def test_the_first_visit_page_says_what_to_expect_and_bring(built_real_site):
    page = built_real_site.page("/first-visit/")
    main = page.find("main")
    headings = [h2.text_content() for h2 in main.find_all("h2")]
    assert {"What to bring", "What to expect"} <= set(headings)
    section = _section(main.by_id("what-to-bring"))
    items = " ".join(li.text_content() for element in section for li in element.find_all("li"))
    for thing in ("diagnosis", "MRI report", "physical therapy"):
        assert thing in items
    text = main.text_content()
    assert "booking system" in text and "no form" in text
    assert not page.find_all("form") and not page.find_all("input")
    assert "/first-visit/" in built_real_site.page("/").find("main").links()


def test_the_insurance_page_covers_scripts_reimbursement_and_hsa_fsa(built_real_site):
    main = built_real_site.page("/insurance/").find("main").text_content()
    assert "You do not need a script from a physician" in main
    assert "reimburse" in main
    assert "HSA" in main and "FSA" in main and "letter of medical necessity" in main
