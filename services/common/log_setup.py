"""JSON log lines that carry the request id of the request being served."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from services.common.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from services.common.observability import current_trace_id

        record.request_id = current_request_id()
        record.trace_id = current_trace_id()
        return True


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    """Send every log line (ours, uvicorn's, SQLAlchemy's) to stderr, as JSON by default."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(trace_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"service": service},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        uv = logging.getLogger(name)
        uv.handlers[:] = []
        uv.propagate = True
    # uvicorn's access line repeats ours and carries the raw query string (names typed into a search):
    # the one access line per request is MetricsMiddleware's, by route template.
    access = logging.getLogger("uvicorn.access")
    access.handlers[:] = []
    access.propagate = False
    access.disabled = True
