"""The benchmark's URLs: the project's own, plus a minimal page as the baseline.

Only `make bench` uses this module (it overrides ROOT_URLCONF); the minimal page
is the base layout with an empty content block, served through the same
middleware, session and authentication as every other page.
"""

import functools

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.backends.django import Template
from django.urls import include, path


@functools.cache
def _minimal_template() -> Template:
    template = engines["django"].from_string('{% extends "base.html" %}')
    assert isinstance(template, Template)  # noqa: S101 - the Django engine's type
    return template


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_minimal_template().render({}, request))


urlpatterns = [
    path("_bench/minimal/", minimal, name="bench_minimal"),
    path("", include("maillage.urls")),
]
