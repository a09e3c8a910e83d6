"""The environment renders a self-contained template (the footer) once per build and set of values."""
from __future__ import annotations

import jinja2
import pytest

from sitegen.templating import create_environment


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"call {self.calls}"


def environment(tmp_path, templates: dict[str, str]):
    for name, text in templates.items():
        path = tmp_path / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return create_environment(tmp_path)


def test_a_partial_that_reads_only_shared_values_renders_once_for_every_page(tmp_path):
    env = environment(tmp_path, {
        "partials/footer.html": "<footer>{{ site.name }} {{ tick() }}{% for x in items %}[{{ x }}]{% endfor %}</footer>",
        "page.html": "<h1>{{ page }}</h1>{% include 'partials/footer.html' %}",
    })
    tick, site, items = Counter(), {"name": "Clinic"}, ["a", "b"]
    shared = {"site": site, "tick": tick, "items": items}
    pages = [env.get_template("page.html").render({**shared, "page": f"p{n}"}) for n in range(3)]
    assert pages == [f"<h1>p{n}</h1><footer>Clinic call 1[a][b]</footer>" for n in range(3)]
    assert tick.calls == 1

    # Another value under a name it reads renders it again, and a new build starts afresh.
    assert env.get_template("page.html").render({**shared, "items": ["c"], "page": "x"}) == \
        "<h1>x</h1><footer>Clinic call 2[c]</footer>"
    env.forget_renders()
    assert env.get_template("page.html").render({**shared, "items": ["c"], "page": "x"}) == \
        "<h1>x</h1><footer>Clinic call 3[c]</footer>"
    assert tick.calls == 3


def test_a_partial_that_reads_the_page_renders_for_each_page(tmp_path):
    env = environment(tmp_path, {
        "partials/nav.html": "{{ tick() }}{% if page == 'p1' %} current{% endif %}",
        "page.html": "{% include 'partials/nav.html' %}|{% include 'partials/nav.html' %}",
    })
    tick = Counter()
    assert [env.get_template("page.html").render(page=f"p{n}", tick=tick) for n in range(3)] == \
        ["call 1|call 1", "call 2 current|call 2 current", "call 3|call 3"]


def test_a_loop_variable_of_the_including_template_is_read_too(tmp_path):
    # The partial's own loop variable has the name of the including template's: it is part of what it reads.
    env = environment(tmp_path, {
        "partials/card.html": "{{ place }};",
        "page.html": "{% for place in places %}{% include 'partials/card.html' %}{% endfor %}",
    })
    assert env.get_template("page.html").render(places=["north", "south", "north"]) == "north;south;north;"


@pytest.mark.parametrize("macros", [
    "{% macro shout(text) %}{{ text|upper }}!{% endmacro %}",
    "{% set greeting = 'hello' %}{% macro shout(text) %}{{ greeting }} {{ text|upper }}!{% endmacro %}",
])
def test_templates_that_define_macros_or_variables_are_rendered_every_time(tmp_path, macros):
    # An import takes what a template defines, which a kept text would not give.
    env = environment(tmp_path, {
        "macros.html": macros,
        "page.html": "{% import 'macros.html' as m with context %}{{ m.shout(page) }}",
    })
    rendered = [env.get_template("page.html").render(page=name) for name in ("one", "two")]
    assert [text.split()[-1] for text in rendered] == ["ONE!", "TWO!"]


def test_an_error_in_a_self_contained_partial_is_raised_on_every_page(tmp_path):
    env = environment(tmp_path, {"partials/bad.html": "{{ missing_name }}",
                                 "page.html": "{% include 'partials/bad.html' %}"})
    for _ in range(2):
        with pytest.raises(jinja2.UndefinedError):
            env.get_template("page.html").render()


@pytest.mark.parametrize("partial", [
    "{% set ns.count = ns.count + 1 %}{{ ns.count }}",
    "{{ seen.append(1) or '' }}{{ seen|length }}",
])
def test_a_partial_that_changes_what_it_was_given_is_rendered_every_time(tmp_path, partial):
    env = environment(tmp_path, {
        "partials/count.html": partial,
        "page.html": "{% set ns = namespace(count=0) %}{% include 'partials/count.html' %},"
                     "{% include 'partials/count.html' %}",
    })
    assert env.get_template("page.html").render(seen=[]) == "1,2"


def test_the_names_a_template_loads_include_all_it_reads(tmp_path):
    # Page keys are made of what templates read; more names only make them stricter, fewer would be wrong.
    from pathlib import Path

    from jinja2 import meta

    from sitegen.templating import loaded_names

    env = create_environment(tmp_path)
    folders = [Path(__file__).parent.parent / "templates", Path(__file__).parent / "fixture_site" / "templates"]
    texts = [path.read_text(encoding="utf-8") for folder in folders for path in sorted(folder.rglob("*.*"))]
    texts += ["{% set ns = namespace() %}{% set ns.x = given %}{% set other.y = 1 %}",
              "{% macro m(a=default) %}{{ a }}{{ caller() }}{% endmacro %}{% call m() %}{{ inner }}{% endcall %}",
              "{% for item in items if item.shown %}{{ loop.index }}{{ item }}{% else %}{{ empty }}{% endfor %}"]
    assert len(texts) > 30
    for text in texts:
        tree = env.parse(text)
        assert meta.find_undeclared_variables(tree) <= loaded_names(tree), text
