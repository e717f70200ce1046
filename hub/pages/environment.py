"""The Jinja2 environment for every page: our templates, the Design System's macros, and
autoescaping everywhere (a value can only reach a page as text, never as markup)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader


@cache
def environment() -> Environment:
    loader = ChoiceLoader([
        PackageLoader("hub.pages", "templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    return Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
