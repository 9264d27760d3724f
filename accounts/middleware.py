from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a request that carries
    credentials: a session cookie (a signed-in browser) or an `Authorization`
    header (an API token).

    What a signed-in person is sent (register pages, contacts, API answers, export
    files) may hold personal data, which no browser or proxy cache should keep.
    Whether the credentials are still valid is not asked: that would cost the
    session's and the user's queries on pages that need neither, and not storing
    an anonymous answer costs nothing but a cache hit. Anonymous visitors' pages
    stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or "Authorization" in request.headers
        ):
            patch_cache_control(response, no_store=True)
        return response
