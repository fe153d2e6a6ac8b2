"""Bearer headers for tests, signed like `wushe token` does."""

import uuid

from services.common.auth import issue_dev_token
from services.common.settings import Settings
from services.common.vocabulary import Role

# Tests move the clock forward (to record a check-in after the activity, say): a token minted at
# the start of a test stays valid across such a move, as a fresh one would be in real life.
TEST_TOKEN_TTL_S = 400 * 24 * 3600


def bearer(
    settings: Settings,
    role: Role | str,
    *,
    platform_id: uuid.UUID | str | None = None,
    org_id: uuid.UUID | str | None = None,
    volunteer_id: uuid.UUID | str | None = None,
    region: str = "",
    scopes: list[str] | None = None,
    subject: str | None = None,
) -> dict[str, str]:
    token = issue_dev_token(
        settings,
        role=role,
        subject=subject,
        platform_id=platform_id,
        org_id=org_id,
        volunteer_id=volunteer_id,
        region=region,
        scopes=scopes,
        ttl_s=TEST_TOKEN_TTL_S,
    )
    return {"Authorization": f"Bearer {token}"}
