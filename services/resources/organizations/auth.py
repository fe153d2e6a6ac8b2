"""Who may do what to an organisation."""

from services.common.auth import Principal
from services.common.errors import Forbidden, NotFound
from services.common.regions import covers
from services.common.vocabulary import OrganizationKind, Role
from services.resources.models import Organization


def require_may_register(principal: Principal, service_regions: list[str]) -> None:
    """Civil-affairs admins register organisations serving inside their own region."""
    principal.require_role(Role.CIVIL_AFFAIRS_ADMIN)
    if not all(covers(principal.region, region) for region in service_regions):
        raise Forbidden("A service region lies outside your region.", "服务区域超出您的管辖范围。")


def require_may_manage(principal: Principal, organization: Organization) -> None:
    """Its own staff, or a civil-affairs admin over it, may change an organisation."""
    if principal.role is Role.ORG_STAFF and principal.org_id == organization.id:
        return
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return
    raise Forbidden("You may not change this organisation.", "您无权修改该组织。")


def require_may_verify(principal: Principal) -> None:
    """Verification is set by civil-affairs admins only."""
    principal.require_role(Role.CIVIL_AFFAIRS_ADMIN)


def may_see_contact(principal: Principal | None, organization: Organization) -> bool:
    """An individual donor's name and contact are personal data: only its own staff and admins."""
    if organization.kind != OrganizationKind.INDIVIDUAL_DONOR.value:
        return True
    if principal is None:
        return False
    own = principal.role is Role.ORG_STAFF and principal.org_id == organization.id
    return own or principal.role is Role.CIVIL_AFFAIRS_ADMIN


def organization_not_found() -> NotFound:
    return NotFound("No such organisation.", "组织不存在。")
