"""Logging helpers for the settings' LOGGING."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep the line Django logs for a 4xx answer (a refused permission, a page
    not found) but not its traceback: those are expected, and a traceback for
    each buried the server errors in the log. 5xx answers keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
