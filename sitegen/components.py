"""The components an editor can place with a directive, and the tables behind them.

Templates and directives share these builders and the partials in
templates/components/, so a table looks the same wherever it appears.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import did_you_mean
from .markup import Directive, DirectiveError
from .models import ComparisonRow
from .words import word_problem

# Records of the services and conditions collections (collections.record_classes).
Service = Condition = object


@dataclass(frozen=True, slots=True)
class ComparisonTable:
    caption: str
    columns: list[Service]
    rows: list[tuple[str, list]]  # (label, one cell per column: str or list of str)


@dataclass(frozen=True, slots=True)
class ConditionMatrix:
    caption: str
    columns: list[Service]
    rows: list[tuple[Condition, list[bool]]]


def _cell(service: Service, field: str):
    if field == "sessions":
        return service.price_summary
    value = getattr(service, field)
    if field in ("conditions", "locations", "team"):
        return [item.name for item in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def comparison_table(services: list[Service], rows: list[ComparisonRow]) -> ComparisonTable:
    names = [service.name for service in services]
    caption = "Comparison of " + (" and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1])
    return ComparisonTable(caption, list(services), [(row.label, [_cell(s, row.field) for s in services]) for row in rows])


def condition_matrix(conditions: list[Condition], services: list[Service]) -> ConditionMatrix:
    rows = [(condition, [service in condition.services for service in services]) for condition in conditions]
    return ConditionMatrix("Conditions each service addresses", list(services), rows)


@dataclass(slots=True)
class ComponentRenderer:
    """Renders directives into HTML with the component partials.

    `render_partial(template name, variables)` renders a template with the
    site context; it is supplied by the pipeline.
    """

    context: dict  # the site context: services, comparison_rows, questions
    render_partial: Callable[[str, dict], str]
    words: dict[str, str] = field(default_factory=dict)  # what `{{ name }}` says (data_words)

    @property
    def services(self) -> list[Service]:
        return self.context.get("services", [])

    @property
    def comparison_rows(self) -> list[ComparisonRow]:
        return self.context.get("comparison_rows", [])

    def __call__(self, directive: Directive) -> str:
        if directive.inline:
            if directive.name not in self.words:
                raise DirectiveError(*word_problem(directive.name, self.words))
            return self.words[directive.name]
        handler = DIRECTIVES.get(directive.name)
        if handler is None:
            raise DirectiveError(f"unknown directive '{directive.name}'",
                                 did_you_mean(directive.name, DIRECTIVES) or "known directives: " + ", ".join(DIRECTIVES))
        allowed = handler[1]
        for option in directive.options:
            if option not in allowed:
                raise DirectiveError(f"unknown option '{option}'",
                                     did_you_mean(option, allowed) or
                                     ("it takes no options" if not allowed else "known options: " + ", ".join(allowed)))
        return handler[0](self, directive)

    def _services(self, slugs) -> list[Service]:
        by_slug = {service.slug: service for service in self.services}
        chosen = []
        for slug in slugs:
            if slug not in by_slug:
                raise DirectiveError(f"unknown service '{slug}'",
                                     did_you_mean(slug, by_slug) or "known services: " + ", ".join(by_slug))
            chosen.append(by_slug[slug])
        return chosen

    def comparison(self, directive: Directive) -> str:
        services = self._services(directive.arguments) if directive.arguments else self.services
        rows = self.comparison_rows
        if "rows" in directive.options:
            by_field = {row.field: row for row in self.comparison_rows}
            rows = []
            for name in filter(None, directive.options["rows"].split(",")):
                if name not in by_field:
                    raise DirectiveError(f"unknown comparison row '{name}'",
                                         did_you_mean(name, by_field) or "rows: " + ", ".join(by_field))
                rows.append(by_field[name])
        if not rows:
            raise DirectiveError("no rows to compare", "name rows like rows=purpose,focus")
        return self.render_partial("components/comparison.html", {
            "table": comparison_table(services, rows),
            "table_id": f"comparison-line-{directive.line}",  # unique even when a page repeats a table
        })

    def call_to_action(self, directive: Directive) -> str:
        self._no_arguments(directive)
        variables = {"cta_id": f"cta-line-{directive.line}"}
        if "heading" in directive.options:
            variables["heading"] = directive.options["heading"]
        if "link" in directive.options:
            if directive.options["link"] != "no":
                raise DirectiveError(f"link={directive.options['link']} is not an option", "write link=no to leave out cta.link")
            variables["show_link"] = False
        return self.render_partial("components/cta.html", variables)

    def locations(self, directive: Directive) -> str:
        self._no_arguments(directive)
        level = directive.options.get("heading-level", "2")
        if level not in ("2", "3", "4"):
            raise DirectiveError(f"heading-level must be 2, 3 or 4, not '{level}'")
        return self.render_partial("components/location_cards.html", {"heading_level": int(level)})

    def conditions(self, directive: Directive) -> str:
        if len(directive.arguments) != 1:
            raise DirectiveError("name exactly one service", "for example '::: conditions medical-massage'")
        (service,) = self._services(directive.arguments)
        return self.render_partial("components/condition_list.html", {"service": service})

    def questions(self, directive: Directive) -> str:
        """Questions of one service (argument) or one topic (topic=...), as a list of details."""
        questions = self.context.get("questions", [])
        if directive.arguments:
            services = self._services(directive.arguments)
            questions = [q for q in questions if any(s in q.services for s in services)]
        if "topic" in directive.options:
            topic = directive.options["topic"]
            topics = sorted({t for q in self.context.get("questions", []) for t in q.topics})
            if topic not in topics:
                raise DirectiveError(f"no question has the topic '{topic}'",
                                     did_you_mean(topic, topics) or "topics: " + (", ".join(topics) or "none yet"))
            questions = [q for q in questions if topic in q.topics]
        if not directive.arguments and "topic" not in directive.options:
            raise DirectiveError("name a service or a topic", "for example '::: questions topic=insurance'")
        level = directive.options.get("heading-level", "3")
        if level not in ("2", "3", "4"):
            raise DirectiveError(f"heading-level must be 2, 3 or 4, not '{level}'")
        return self.render_partial("components/questions.html", {"questions": questions, "heading_level": int(level)})

    def _no_arguments(self, directive: Directive) -> None:
        if directive.arguments:
            raise DirectiveError(f"takes no arguments, found '{' '.join(directive.arguments)}'")


# name -> (handler, allowed options)
DIRECTIVES: dict[str, tuple[Callable[[ComponentRenderer, Directive], str], tuple[str, ...]]] = {
    "comparison": (ComponentRenderer.comparison, ("rows",)),
    "call-to-action": (ComponentRenderer.call_to_action, ("heading", "link")),
    "locations": (ComponentRenderer.locations, ("heading-level",)),
    "conditions": (ComponentRenderer.conditions, ()),
    "questions": (ComponentRenderer.questions, ("topic", "heading-level")),
}
