"""Team payloads."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.fields import Payload, ShortText
from services.common.regions import RegionCode
from services.common.tickets import SealedTicket


class TeamCreate(Payload):
    """A team attached to exactly one of a platform or an organisation."""

    name: ShortText
    platform_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    region: RegionCode
    platform_ticket: SealedTicket | None = Field(
        default=None,
        description="`POST /v1/platforms/{id}/ticket` of the case service: the platform's path and region. "
        "Required for a platform other than your own; with it, the platforms above see the row too.",
    )

    @model_validator(mode="after")
    def _one_owner(self) -> "TeamCreate":
        if (self.platform_id is None) == (self.org_id is None):
            raise ValueError("set exactly one of platform_id and org_id / 平台与组织须二选一")
        return self


class TeamUpdate(Payload):
    name: ShortText


class MemberAdd(Payload):
    volunteer_id: uuid.UUID
    is_leader: bool = False


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    platform_id: uuid.UUID | None
    org_id: uuid.UUID | None
    region: str
    version: int
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)


class MemberOut(BaseModel):
    team_id: uuid.UUID
    volunteer_id: uuid.UUID
    is_leader: bool
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)
