"""Who may do what to a hold."""

from services.common.auth import Principal
from services.common.errors import Forbidden, NotFound
from services.common.regions import covers
from services.common.tickets import NeedTicket
from services.common.vocabulary import Role

HOLDING_ROLES = (Role.CENTRE_STAFF, Role.STATION_STAFF)


def require_may_hold_for(principal: Principal, need: NeedTicket) -> None:
    """Centre and station staff hold offers for needs of their platform's subtree, in their region.

    The case service sealed the need's owner and region in the ticket after its own scope check;
    this repeats the check on the sealed facts, so a ticket can never widen a caller's reach."""
    principal.require_role(*HOLDING_ROLES)
    in_subtree = principal.platform_id is not None and f"/{principal.platform_id}/" in need.platform_path
    if not in_subtree:
        raise Forbidden("The need belongs to another platform.", "该需求属于其他平台。")
    if not covers(principal.region, need.region_code):
        raise Forbidden(
            f"Need region {need.region_code} lies outside your region.",
            f"需求所在区域 {need.region_code} 不在您的管辖范围内。",
        )


def require_may_settle(principal: Principal, offer_org_id: object, *, releasing_own: bool = False) -> None:
    """Staff who hold (readable already checked the region) or the giving organisation's staff;
    whoever made a hold (an app's pledge) may also release it, e.g. when its claim lost a race."""
    if principal.role in HOLDING_ROLES or releasing_own:
        return
    if principal.role is Role.ORG_STAFF and principal.org_id == offer_org_id:
        return
    raise Forbidden("You may not change this hold.", "您无权变更该预留。")


def hold_not_found() -> NotFound:
    return NotFound("No such hold.", "预留不存在。")
