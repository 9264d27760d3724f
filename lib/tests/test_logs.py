import logging

from django.test import SimpleTestCase

from lib.logs import ClientErrorsWithoutTraceback


def record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError as error:
        entry = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden", (), None
        )
        entry.exc_info = (type(error), error, error.__traceback__)
    entry.status_code = status
    return entry


class ClientErrorsWithoutTracebackTests(SimpleTestCase):
    def test_a_4xx_keeps_its_line_but_not_its_traceback(self):
        entry = record(403)
        self.assertTrue(ClientErrorsWithoutTraceback().filter(entry))
        self.assertIsNone(entry.exc_info)
        self.assertNotIn("Traceback", logging.Formatter().format(entry))

    def test_a_5xx_keeps_its_traceback(self):
        entry = record(500)
        self.assertTrue(ClientErrorsWithoutTraceback().filter(entry))
        self.assertIn("Traceback", logging.Formatter().format(entry))
