"""Who may create and change platforms and staff."""

from services.case.models import Platform
from services.case.scoping import can_write
from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.vocabulary import PlatformLevel, Role

# Which role may create a platform of each level (and under what parent level).
CREATORS: dict[PlatformLevel, frozenset[Role]] = {
    PlatformLevel.COUNTY_CENTRE: frozenset({Role.CIVIL_AFFAIRS_ADMIN}),
    PlatformLevel.STATION: frozenset({Role.CIVIL_AFFAIRS_ADMIN, Role.CENTRE_STAFF}),
    PlatformLevel.COMMUNITY_ROOM: frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF}),
}
PARENT_LEVEL: dict[PlatformLevel, PlatformLevel | None] = {
    PlatformLevel.COUNTY_CENTRE: None,
    PlatformLevel.STATION: PlatformLevel.COUNTY_CENTRE,
    PlatformLevel.COMMUNITY_ROOM: PlatformLevel.STATION,
}


def ensure_may_create(principal: Principal, level: PlatformLevel) -> None:
    if principal.role not in CREATORS[level]:
        raise Forbidden(
            f"Role {principal.role.value} may not create a {level.value}.",
            f"角色 {principal.role.label} 无权创建{level.label}。",
        )


def ensure_may_change(principal: Principal, platform: Platform) -> None:
    """Platform staff change their own subtree; admins only the platforms they may create."""
    if can_write(principal):
        return
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN and platform.level != PlatformLevel.COMMUNITY_ROOM:
        return
    raise Forbidden("You may not change this platform.", "无权修改该平台。")


def ensure_may_manage_staff(principal: Principal) -> None:
    if not (can_write(principal) or principal.role is Role.CIVIL_AFFAIRS_ADMIN):
        raise Forbidden("You may not manage staff.", "无权管理工作人员。")
