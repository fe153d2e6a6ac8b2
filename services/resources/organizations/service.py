"""Organisation rules: registration, updates, verification by civil affairs."""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.concurrency import check_version, expected_version
from services.common.errors import InvalidTransition, StaleVersion
from services.common.personal_data import mask_name, mask_phone
from services.resources.errors import DuplicateCreditCode
from services.resources.kit import organization_scope, record_change, record_personal_read
from services.resources.models import Organization
from services.resources.organizations import auth
from services.resources.organizations import repository as organization_repository
from services.resources.organizations.schemas import Organization as OrganizationOut
from services.resources.organizations.schemas import (
    OrganizationCreate,
    OrganizationUpdate,
)

VERIFICATION_MOVES = {"verified": {"pending", "rejected"}, "rejected": {"pending", "verified"}}


async def register(session: AsyncSession, principal: Principal, body: OrganizationCreate) -> OrganizationOut:
    """Register an organisation (pending verification)."""
    auth.require_may_register(principal, body.service_regions)
    values = body.model_dump()
    values["kind"] = body.kind.value
    created = await organization_repository.insert_unless_code_taken(session, values)
    if created is None:
        raise DuplicateCreditCode(
            "An organisation with this credit code is already registered.",
            "该统一社会信用代码已登记。",
        )
    await record_change(
        session,
        principal,
        action="created",
        entity="organization",
        entity_id=created.id,
        scope=organization_scope(created),
        event="organization.created",
        payload={"kind": created.kind, "service_regions": created.service_regions},
    )
    return await present(session, principal, created)


async def get(session: AsyncSession, principal: Principal, org_id: uuid.UUID) -> Organization:
    organization = await organization_repository.get(session, principal, org_id)
    if organization is None:
        raise auth.organization_not_found()
    return organization


async def update(
    session: AsyncSession,
    principal: Principal,
    org_id: uuid.UUID,
    body: OrganizationUpdate,
    if_match: str | None,
) -> Organization:
    """Change name, contact or service regions; needs the version the caller read."""
    expected = expected_version(if_match)
    organization = await get(session, principal, org_id)
    auth.require_may_manage(principal, organization)
    check_version(if_match, organization.version)
    values = body.model_dump(exclude_unset=True, exclude_none=True)
    if not values:  # nothing to change: no new version, nothing to audit
        return organization
    if "service_regions" in values:
        # Service regions bound where its offers may go: only civil affairs may move them.
        auth.require_may_register(principal, values["service_regions"])
    updated = await organization_repository.update_fields(session, org_id, expected, values)
    if updated is None:
        raise StaleVersion("The organisation changed; read it again.", "组织已被修改，请重新读取。")
    await record_change(
        session,
        principal,
        action="updated",
        entity="organization",
        entity_id=org_id,
        scope=organization_scope(updated),
        event="organization.updated",
        payload={"fields": sorted(values)},
        fields=sorted(values),
    )
    return updated


async def set_verification(session: AsyncSession, principal: Principal, org_id: uuid.UUID, status: str) -> Organization:
    """Civil-affairs admins mark an organisation verified or rejected."""
    auth.require_may_verify(principal)
    organization = await organization_repository.get(session, principal, org_id, lock=True)
    if organization is None:
        raise auth.organization_not_found()
    if organization.verification_status not in VERIFICATION_MOVES[status]:
        raise InvalidTransition(
            f"Organisation is already {organization.verification_status}.",
            f"组织当前状态为 {organization.verification_status}，不能再次设置。",
        )
    updated = await organization_repository.update_fields(
        session, org_id, organization.version, {"verification_status": status}
    )
    assert updated is not None  # the row is locked
    await record_change(
        session,
        principal,
        action=status,
        entity="organization",
        entity_id=org_id,
        scope=organization_scope(updated),
        event=f"organization.{status}",
        payload={"verification_status": status},
    )
    return updated


async def present(session: AsyncSession, principal: Principal | None, organization: Organization) -> OrganizationOut:
    """The response body, with an individual donor's personal data masked unless allowed."""
    out = OrganizationOut.model_validate(organization, from_attributes=True)
    if not auth.may_see_contact(principal, organization):
        return out.model_copy(
            update={
                "name": mask_name(out.name),
                "contact_name": mask_name(out.contact_name),
                "contact_phone": mask_phone(out.contact_phone),
            }
        )
    if principal is not None and organization.kind == "individual_donor":
        await record_personal_read(
            session,
            principal,
            "organization",
            [(str(organization.id), organization_scope(organization))],
            ["name", "contact_name", "contact_phone"],
        )
    return out


async def present_all(
    session: AsyncSession, principal: Principal, organizations: Sequence[Organization]
) -> list[OrganizationOut]:
    return [await present(session, principal, organization) for organization in organizations]
