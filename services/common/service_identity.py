"""How a service's background work reads another service: a read-only identity of its own.

The reconcilers (services/case/needs/reconcile.py, services/resources/holds/reconcile.py) read
the other side of a link — the hold a need is matched to, the need a hold was committed for —
and repair only their own side. Reading needs a token the other service accepts:

- with the shared signing secret (development, tests, single-key deployments) the service mints
  a short-lived token for itself: role civil_affairs_admin with no region prefix, which every
  service treats as read-only, personal data masked;
- with an OIDC provider the service cannot mint: `WUSHE_SERVICE_TOKEN_FILE` names a file that
  an agent (a sidecar doing the client-credentials grant, a projected service-account token)
  keeps fresh; it is read on every run.

Without either the reconcilers do nothing and say so once in the log; `wushe check` still reports.
"""

import logging
from pathlib import Path
from typing import Any

import httpx

from services.common.auth import issue_dev_token
from services.common.settings import Settings
from services.common.vocabulary import Role

logger = logging.getLogger("wushe.service_identity")
TOKEN_TTL_S = 300
_warned: set[str] = set()


def service_token(settings: Settings, service: str) -> str | None:
    """A bearer token for `service`'s background reads, or None when none can be had."""
    if settings.service_token_file:
        try:
            return Path(settings.service_token_file).read_text(encoding="utf-8").strip() or None
        except OSError:
            logger.warning("WUSHE_SERVICE_TOKEN_FILE cannot be read; background reconciliation waits")
            return None
    if settings.jwt_public_key or settings.jwks_url or settings.oidc_issuer:
        if service not in _warned:
            _warned.add(service)
            logger.warning("%s: no WUSHE_SERVICE_TOKEN_FILE with an OIDC provider; reconciliation is off", service)
        return None
    return issue_dev_token(settings, role=Role.CIVIL_AFFAIRS_ADMIN, subject=f"service:{service}", ttl_s=TOKEN_TTL_S)


def service_headers(settings: Settings, service: str) -> dict[str, str] | None:
    token = service_token(settings, service)
    return {"authorization": f"Bearer {token}", "accept": "application/json"} if token else None


async def read_batch(client: httpx.AsyncClient, resource: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Another service's `GET /v1/<resource>:batch` under the service identity: the readable
    records by id (the reconcilers' one cross-service read)."""
    response = await client.get(f"/v1/{resource}:batch", params={"ids": ",".join(ids)})
    response.raise_for_status()
    return {item["id"]: item for item in response.json()["items"]}
