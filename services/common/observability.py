"""Metrics (Prometheus) and tracing (OpenTelemetry, W3C traceparent) for every process.

- `/metrics` on every service and the gateway: request counts and latency histograms by route
  and status, plus what each process adds (upstream call latency, matching solve time, holds
  expired). prometheus-client: the reference client, well kept.
- Every request is a server span continuing the caller's `traceparent`; the gateway's upstream
  calls carry its own span context onward, so one GraphQL request is one trace across services.
  Spans are exported over OTLP/HTTP when `WUSHE_OTLP_ENDPOINT` is set, and not exported at all
  otherwise (the trace id still reaches every JSON log line).
"""

import hmac
import logging
import time
from typing import Any

from fastapi import FastAPI, Request, Response
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.settings import Settings

REQUESTS = Counter("wushe_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"])
LATENCY = Histogram(
    "wushe_http_request_duration_seconds",
    "Time to serve an HTTP request",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
UPSTREAM_LATENCY = Histogram(
    "wushe_upstream_request_duration_seconds",
    "Gateway calls to the services",
    ["upstream", "method", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
MATCHING_SOLVE = Histogram(
    "wushe_matching_solve_seconds",
    "Candidate generation plus solve of one proposeMatches run",
    ["method"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30),
)
HOLDS_EXPIRED = Counter("wushe_holds_expired_total", "Holds that lapsed and returned their quantity")

_provider: TracerProvider | None = None
access_log = logging.getLogger("wushe.access")


def setup_tracing(service: str, settings: Settings) -> None:
    """One tracer provider per process (idempotent: apps are built more than once in tests)."""
    global _provider
    if _provider is not None:
        return
    _provider = TracerProvider(resource=Resource.create({"service.name": f"wushe-{service}"}))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
    trace.set_tracer_provider(_provider)


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def inject_trace_headers(headers: dict[str, str]) -> None:
    """Put the current span's `traceparent` (and `tracestate`) on an outgoing request."""
    propagate.inject(headers)


class MetricsMiddleware:
    """Counts and times every request by route template (not raw path: ids would explode labels)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            elapsed = time.perf_counter() - started
            REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
            LATENCY.labels(self.service, scope["method"], route).observe(elapsed)
            # One access line per request, with the request id and trace id like every other line.
            access_log.info(
                "%s %s %s",
                scope["method"],
                route,
                status,
                extra={"route": route, "status": status, "duration_ms": round(elapsed * 1000, 2)},
            )


def _without_query_string(span: Any, scope: dict[str, Any]) -> None:
    """Spans name the path, never the query string: `?name=包诺敏` is personal data."""
    if span is None or not span.is_recording():
        return
    path = scope.get("path", "")
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
    for key in ("http.target", "url.path"):
        span.set_attribute(key, path)
    for key in ("http.url", "url.full"):
        span.set_attribute(key, f"{scope.get('scheme', 'http')}://{host}{path}")
    span.set_attribute("url.query", "")


def instrument(app: FastAPI, service: str, settings: Settings) -> None:
    """Tracing, request metrics and `/metrics` on an app."""
    setup_tracing(service, settings)
    FastAPIInstrumentor.instrument_app(
        app,
        excluded_urls="healthz,readyz,metrics",
        exclude_spans=["receive", "send"],
        server_request_hook=_without_query_string,
    )
    app.add_middleware(MetricsMiddleware, service=service)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if settings.environment == "production" and not _metrics_caller(request, settings.metrics_token):
            return Response(status_code=404)  # as if absent: a scraper must present the metrics token
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _metrics_caller(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
