"""Who may do what to an offer."""

from services.common.auth import Principal
from services.common.errors import Forbidden, NotFound
from services.common.vocabulary import Role
from services.resources.models import Offer

OFFERS_WRITE = "offers:write"


def acts_for_organization(principal: Principal) -> bool:
    """An app (a charity platform) with `offers:write` acting for the organisation its token names."""
    return principal.role is Role.APP_CLIENT and principal.has_scope(OFFERS_WRITE) and principal.org_id is not None


def require_org_staff(principal: Principal) -> None:
    """Offers and funds are managed by the staff of the organisation that gives them, or by an app
    acting for that organisation (scope `offers:write` and the organisation's id in its token)."""
    if not acts_for_organization(principal):
        principal.require_role(Role.ORG_STAFF)
    if principal.org_id is None:
        raise Forbidden("Your token names no organisation.", "您的令牌未关联任何组织。")


def require_may_manage(principal: Principal, offer: Offer) -> None:
    require_org_staff(principal)
    if offer.org_id != principal.org_id:
        raise Forbidden("This offer belongs to another organisation.", "该资源属于其他组织。")


def offer_not_found() -> NotFound:
    return NotFound("No such offer.", "资源不存在。")
