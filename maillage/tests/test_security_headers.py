"""Security headers on every route: Django's deploy check does not see a missing CSP."""

import re
from collections.abc import Iterator, Sequence

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.testing import BaseTestCase

# A sample value for each path parameter of the project's URLs.
SAMPLES = {
    "nis": "62063",
    "kind": "themes",
    "uidb64": "MQ",
    "token": "set-password",
}
# Routes that belong to Django's admin are covered through its index and login.
SKIPPED_PREFIXES = ("admin/",)


def walk(patterns: Sequence[object], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def concrete(route: str) -> str | None:
    if route.startswith(SKIPPED_PREFIXES):
        return None
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES.get(m[1], "x"), route)
    if "(" in path or "^" in path:  # regular-expression routes (static, media)
        return None
    return "/" + path


def every_route() -> list[str]:
    paths = {concrete(route) for route in walk(get_resolver().url_patterns)}
    extra = ["/admin/", "/admin/login/", "/no-such-page/"]
    return [*sorted(p for p in paths if p), *extra]


class SecurityHeaderTests(BaseTestCase):
    def assert_secure_headers(self, path: str, response) -> None:
        csp = response.headers.get("Content-Security-Policy", "")
        self.assertIn("default-src 'self'", csp, path)
        self.assertIn("frame-ancestors 'none'", csp, path)
        self.assertIn("object-src 'none'", csp, path)
        self.assertNotIn("unsafe-inline", csp.split("style-src")[0], path)
        self.assertEqual(
            response.headers.get("X-Content-Type-Options"), "nosniff", path
        )
        self.assertEqual(response.headers.get("X-Frame-Options"), "DENY", path)
        self.assertEqual(response.headers.get("Referrer-Policy"), "same-origin", path)

    def test_it_sets_security_headers_on_every_route(self):
        routes = every_route()
        self.assertGreater(len(routes), 15)
        for user in (None, self.coordinator):
            self.login(user)
            for path in routes:
                with self.subTest(path=path, user=user):
                    self.assert_secure_headers(path, self.client.get(path))

    @override_settings(
        SECURE_HSTS_SECONDS=31_536_000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_SSL_REDIRECT=True,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    )
    def test_it_sets_hsts_and_secure_cookies_in_production(self):
        for path in every_route():
            with self.subTest(path=path):
                response = self.client.get(path, secure=True)
                self.assertEqual(
                    response.headers.get("Strict-Transport-Security"),
                    "max-age=31536000; includeSubDomains",
                )
                self.assert_secure_headers(path, response)
        response = self.client.post(
            "/comptes/connexion/",
            {
                "username": self.coordinator.email,
                "password": "correct-horse-battery-staple",
            },
            secure=True,
        )
        self.assertTrue(response.cookies["sessionid"]["secure"])
        self.assertTrue(response.cookies["sessionid"]["httponly"])

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_it_redirects_plain_http_to_https_except_the_health_check(self):
        self.assertEqual(self.client.get("/").status_code, 301)
        self.assertEqual(self.client.get("/healthz").status_code, 200)
