"""The real Hand in Health site: every page it builds, and the site as a whole.

The site is copied and built once per session (see conftest.real_build); the
per-page checks are parametrised over every HTML page in its output.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from conftest import REPO_ROOT, output_file_for, run_build, snapshot
from htmlparse import parse

DATA = REPO_ROOT / "content" / "data"


def _load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


LOCATIONS = _load("locations.yaml")["locations"]
SERVICES = _load("services.yaml")["services"]
CONDITIONS = _load("conditions.yaml")["conditions"]
TEAM = _load("team.yaml")["team"]
SITE_CONFIG = yaml.safe_load((REPO_ROOT / "site_config.yaml").read_text(encoding="utf-8"))


def _e164(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "tel:+1" + (digits[1:] if len(digits) == 11 else digits)


LOCATION_TEL_LINKS = {location["slug"]: _e164(location["phone"]) for location in LOCATIONS}

EXPECTED_URLS = [
    "/", "/services/", "/services/medical-massage/", "/services/therapeutic-massage/",
    "/conditions/", "/conditions/sciatica/", "/conditions/migraines/",
    "/locations/", "/locations/north-syracuse/", "/locations/downtown-syracuse/",
    "/articles/", "/articles/medical-vs-therapeutic-massage/", "/insurance/", "/contact/",
    "/404.html",
]

# The two lists of conditions in the client's article (medical, then therapeutic massage).
SEED_CONDITIONS = [
    "pain", "sciatica", "carpal-tunnel-syndrome", "tendonitis", "tmj", "herniated-discs",
    "plantar-fasciitis", "scoliosis", "multiple-sclerosis", "migraines", "muscle-spasms",
    "whiplash", "injuries", "muscle-tightness-and-tension",
    "stress", "discomfort", "insomnia", "depression", "fatigue", "high-blood-pressure", "asthma",
]


# Every page ---------------------------------------------------------------------------

def test_page_has_exactly_one_h1(built_real_site, real_page_url):
    headings = built_real_site.page(real_page_url).find_all("h1")
    assert len(headings) == 1, [h.text_content() for h in headings]
    assert headings[0].text_content()


def test_page_has_title_description_and_language(built_real_site, real_page_url):
    tree = built_real_site.page(real_page_url)
    titles = tree.find_all("title")
    assert len(titles) == 1 and titles[0].text_content().strip()
    descriptions = tree.find_all("meta", name="description")
    assert len(descriptions) == 1 and descriptions[0].get("content", "").strip()
    html = tree.find("html")
    assert html is not None and html.get("lang", "").strip()


def test_page_links_to_both_locations_by_phone(built_real_site, real_page_url):
    tel_links = {a.get("href") for a in built_real_site.page(real_page_url).find_all("a")
                 if a.get("href", "").startswith("tel:")}
    assert len(LOCATION_TEL_LINKS) == 2
    for slug, href in LOCATION_TEL_LINKS.items():
        assert re.fullmatch(r"tel:\+1315555\d{4}", href), href
        assert href in tel_links, f"no phone link for {slug} ({href})"
    for href in tel_links:
        assert re.fullmatch(r"tel:\+1\d{10}", href), f"{href} is not in E.164 form"


def test_page_has_no_broken_internal_links(built_real_site, real_page_url):
    tree = built_real_site.page(real_page_url)
    output = built_real_site.output
    problems = []
    for element in tree.iter():
        for attribute in ("href", "src"):
            href = element.get(attribute)
            if href is None or urlsplit(href).scheme or href.startswith("//"):
                continue
            if not href.startswith(("/", "#")):
                problems.append(f"{href}: relative links are fragile; expected a path from the site root")
                continue
            absolute = urljoin(real_page_url, href)
            path, _, fragment = absolute.partition("#")
            target = output_file_for(output, unquote(path))
            if not target.is_file():
                problems.append(f"{href}: {target.relative_to(output)} does not exist")
            elif fragment:
                target_url = path
                assert target.suffix == ".html", f"{href}: fragment on a non-page"
                target_tree = built_real_site.pages.get(target_url) or parse(target.read_text(encoding="utf-8"))
                if unquote(fragment) not in target_tree.ids():
                    problems.append(f"{href}: no id '{fragment}' on {target_url}")
    assert not problems, "\n".join(problems)


def test_page_ids_are_unique_and_labels_point_at_them(built_real_site, real_page_url):
    tree = built_real_site.page(real_page_url)
    ids = [element.get("id") for element in tree.iter() if element.get("id") is not None]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    for element in tree.iter():
        for attribute in ("aria-labelledby", "aria-describedby"):
            for target in (element.get(attribute) or "").split():
                assert target in ids, f"{element} refers to missing id {target!r}"


def test_page_loads_nothing_from_elsewhere_and_runs_no_script(built_real_site, real_page_url):
    tree = built_real_site.page(real_page_url)
    # The only scripts are JSON-LD data blocks for search engines, which run nothing.
    for script in tree.find_all("script"):
        assert script.get("type") == "application/ld+json" and not script.get("src")
    for element in tree.find_all("link") + tree.find_all("img") + tree.find_all("script") \
            + tree.find_all("iframe") + tree.find_all("source"):
        if element.tag == "link" and element.get("rel") == "canonical":
            # Not loaded: it names this page's own public address, which must be absolute.
            assert element.get("href") == SITE_CONFIG["base_url"].rstrip("/") + real_page_url
            continue
        for attribute in ("href", "src", "srcset"):
            value = element.get(attribute, "")
            assert not re.match(r"\s*(https?:)?//", value), f"{element} loads {value} from another site"
    assert "livereload" not in built_real_site.html[real_page_url].lower()


# The site as a whole ---------------------------------------------------------------------

def test_the_real_site_builds_cleanly(built_real_site):
    assert built_real_site.result.code == 0
    assert built_real_site.result.err == ""
    assert re.fullmatch(r"\d+ pages, (?:\d+ redirects?, )?\d+ assets into .+ in \d+\.\d\d s\n", built_real_site.result.out)


@pytest.mark.parametrize("url", EXPECTED_URLS)
def test_expected_page_exists(built_real_site, url):
    assert output_file_for(built_real_site.output, url).is_file()
    assert url in built_real_site.pages


def test_stylesheet_and_favicon_are_copied(built_real_site):
    output = built_real_site.output
    stylesheets = [link.get("href") for link in built_real_site.page("/").find_all("link", rel="stylesheet")]
    assert len(stylesheets) == 1 and re.fullmatch(r"/css/site\.[0-9a-f]{10}\.css", stylesheets[0]), stylesheets
    assert output_file_for(output, stylesheets[0]).read_bytes() == (REPO_ROOT / "static/css/site.css").read_bytes()
    assert (output / "favicon.svg").read_bytes() == (REPO_ROOT / "static/favicon.svg").read_bytes()


def test_output_holds_exactly_the_expected_pages(built_real_site):
    files = set(snapshot(built_real_site.output))
    pages = {path for path in files if path.endswith(".html")}
    assert {"favicon.svg", "_headers", "_redirects", "feed.xml", "sitemap.xml", "robots.txt"} <= files - pages
    assert "css/site.css" not in files  # only the fingerprinted copy is published
    pages -= {output_file_for(built_real_site.output, url).relative_to(built_real_site.output).as_posix()
              for url in built_real_site.redirect_pages}
    expected_pages = (
        {"index.html", "404.html", "services/index.html", "conditions/index.html", "locations/index.html",
         "articles/index.html", "team/index.html", "policies/index.html", "questions/index.html",
         "testimonials/index.html"}
        | {f"team/{member['slug']}/index.html" for member in TEAM}
        | {f"services/{s['slug']}/index.html" for s in SERVICES}
        | {f"conditions/{c['slug']}/index.html" for c in CONDITIONS}
        | {f"locations/{loc['slug']}/index.html" for loc in LOCATIONS}
        | {f"articles/{p.stem}/index.html" for p in (REPO_ROOT / "content/articles").glob("*.md")
           if not _front_matter(p).get("draft")}
        | {f"{p.stem}/index.html" for p in (REPO_ROOT / "content/pages").glob("*.md") if p.stem != "index"}
    )
    assert pages == expected_pages


@pytest.mark.parametrize("slug", SEED_CONDITIONS)
def test_every_seed_condition_has_a_page(built_real_site, slug):
    tree = built_real_site.page(f"/conditions/{slug}/")
    assert tree.find("h1").text_content()
    matrix = built_real_site.page("/conditions/").find("table", class_="matrix")
    assert f"/conditions/{slug}/" in matrix.links()


def test_the_seed_lists_are_the_conditions_in_the_data():
    assert [c["slug"] for c in CONDITIONS] == SEED_CONDITIONS


@pytest.mark.parametrize("condition", CONDITIONS, ids=[c["slug"] for c in CONDITIONS])
def test_condition_page_links_the_services_that_address_it(built_real_site, condition):
    main = built_real_site.page(f"/conditions/{condition['slug']}/").find("main")
    service_links = {href for href in main.links() if re.fullmatch(r"/services/[^/]+/", href)}
    assert service_links == {f"/services/{slug}/" for slug in condition["services"]}
    section = main.find("section", aria_labelledby="services-help-heading")
    assert section is not None
    for slug in condition["services"]:
        name = next(s["name"] for s in SERVICES if s["slug"] == slug)
        assert any(a.text_content() == name for a in section.find_all("a", href=f"/services/{slug}/"))


@pytest.mark.parametrize("service", SERVICES, ids=[s["slug"] for s in SERVICES])
def test_service_page_links_its_conditions_and_locations(built_real_site, service):
    main = built_real_site.page(f"/services/{service['slug']}/").find("main")
    links = main.links()
    condition_links = {href for href in links if re.fullmatch(r"/conditions/[^/]+/", href)}
    assert condition_links == {f"/conditions/{c['slug']}/" for c in CONDITIONS if service["slug"] in c["services"]}
    location_links = {href for href in links if re.fullmatch(r"/locations/[^/]+/", href)}
    assert location_links == {f"/locations/{loc['slug']}/" for loc in LOCATIONS if service["slug"] in loc["services"]}


def test_articles_are_listed_newest_first(built_real_site):
    articles = []
    for path in (REPO_ROOT / "content/articles").glob("*.md"):
        front = _front_matter(path)
        if not front.get("draft"):
            articles.append((front["date"], f"/articles/{path.stem}/"))
    assert len(articles) >= 2
    expected = [url for _, url in sorted(articles, reverse=True)]
    listing = built_real_site.page("/articles/").find("ul", class_="article-list")
    listed = [a.get("href") for a in listing.find_all("a")]
    assert listed == expected
    times = [t.get("datetime") for t in listing.find_all("time")]
    assert times == sorted(times, reverse=True)
    assert all(date.fromisoformat(t) for t in times)


def test_removing_a_page_removes_it_from_output(real_site):
    page = real_site / "content/pages/parking.md"
    page.write_text("---\ntitle: Parking\ndescription: Where to park.\n---\n\nIn the lot.\n", encoding="utf-8")
    assert run_build(real_site).code == 0
    assert (real_site / "output/parking/index.html").is_file()
    page.unlink()
    code, out, err = run_build(real_site)
    assert (code, err) == (0, "")
    assert not (real_site / "output/parking").exists()
    assert (real_site / "output/index.html").is_file()
    leftovers = [p.name for p in real_site.iterdir() if p.name.startswith(".output-")]
    assert leftovers == []


def test_location_pages_describe_the_business_for_search_engines(built_real_site):
    for slug, phone in (("north-syracuse", "+13155550142"), ("downtown-syracuse", "+13155550187")):
        scripts = built_real_site.page(f"/locations/{slug}/").find_all("script")
        assert len(scripts) == 1
        business = json.loads(scripts[0].text_content())
        assert business["@type"] == "HealthAndBeautyBusiness"
        assert business["telephone"] == phone
        assert business["address"]["addressRegion"] == "NY"
        assert {spec["dayOfWeek"].rsplit("/", 1)[1] for spec in business["openingHoursSpecification"]} \
            <= {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
    home_scripts = built_real_site.page("/").find_all("script")
    assert len(home_scripts) == 2
