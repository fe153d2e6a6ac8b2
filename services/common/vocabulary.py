"""Canonical codes shared by every service (DESIGN.md, "Vocabulary").

Codes are stable English identifiers stored in the database and used in APIs; each carries its
zh-CN label for display. The matching engine depends on every service agreeing on them, so this
is the only place they are defined.
"""

from enum import Enum
from typing import TYPE_CHECKING, Self


class Vocabulary(str, Enum):
    """A code with its zh-CN label: `Skill.HAIRCUT == "haircut"`, `Skill.HAIRCUT.label == "理发"`."""

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    if TYPE_CHECKING:
        # Calling the class looks a member up by its code (`Skill("haircut") is Skill.HAIRCUT`,
        # ValueError for an unknown code); the two-argument __new__ above only runs while the
        # class body is built. Without this, mypy checks every lookup against __new__.
        def __init__(self, code: str) -> None: ...

    def __str__(self) -> str:
        return self.value

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {member.value: member.label for member in cls}


class PlatformLevel(Vocabulary):
    COUNTY_CENTRE = "county_centre", "旗县(市区)社工服务中心"
    STATION = "station", "苏木乡镇(街道)社工站"
    COMMUNITY_ROOM = "community_room", "城乡社区社工室"


class ServiceModel(Vocabulary):
    EMBEDDED = "embedded", "内嵌"
    SINKING = "sinking", "下沉"
    BRIDGING = "bridging", "桥接"


class StaffRole(Vocabulary):
    STATION_HEAD = "station_head", "站长"
    DEPUTY_HEAD = "deputy_head", "副站长"
    RESIDENT_WORKER = "resident_worker", "驻站社工"


class StaffSpecialty(Vocabulary):
    ASSISTANCE_COORDINATOR = "assistance_coordinator", "社会救助协理员"
    CHILD_SUPERVISOR = "child_supervisor", "儿童督导员"
    CHILD_DIRECTOR = "child_director", "儿童主任"
    AGENCY_WORKER = "agency_worker", "机构社工"


class Certification(Vocabulary):
    NONE = "none", "无"
    ASSISTANT_SOCIAL_WORKER = "assistant_social_worker", "助理社工师"
    SOCIAL_WORKER = "social_worker", "社工师"
    SENIOR_SOCIAL_WORKER = "senior_social_worker", "高级社工师"


class RecipientCategory(Vocabulary):
    ELDERLY = "elderly", "老年人"
    EMPTY_NEST = "empty_nest", "空巢"
    LIVING_ALONE = "living_alone", "独居"
    DISABLED_ELDERLY = "disabled_elderly", "失能老人"
    CHILD = "child", "儿童"
    LEFT_BEHIND = "left_behind", "留守儿童"
    CHILD_IN_HARDSHIP = "child_in_hardship", "困境儿童"
    DIBAO = "dibao", "低保"
    TEKUN = "tekun", "特困"
    DIBIAN = "dibian", "低边"
    DISABLED = "disabled", "残疾人"


class ServiceDomain(Vocabulary):
    SOCIAL_ASSISTANCE = "social_assistance", "社会救助"
    ELDERLY = "elderly", "老年"
    CHILDREN = "children", "儿童"
    COMMUNITY_DEVELOPMENT = "community_development", "社区发展"
    VOLUNTEER_MANAGEMENT = "volunteer_management", "志愿服务管理"


class CaseState(Vocabulary):
    INTAKE = "intake", "接案"
    ASSESSMENT = "assessment", "预估"
    PLANNING = "planning", "计划"
    INTERVENTION = "intervention", "介入"
    EVALUATION = "evaluation", "评估"
    CLOSED = "closed", "结案"
    REFERRED = "referred", "转介"
    FOLLOW_UP = "follow_up", "回访"


class ServiceRecordKind(Vocabulary):
    """Service activities the Hunan station guideline lists for the five service domains."""

    HOME_VISIT = "home_visit", "入户走访"
    HOME_INVESTIGATION = "home_investigation", "入户调查"
    POLICY_PUBLICITY = "policy_publicity", "政策宣传"
    RESOURCE_LINKING = "resource_linking", "资源链接"
    CAPACITY_BUILDING = "capacity_building", "能力提升"
    SOCIAL_INTEGRATION = "social_integration", "社会融合"
    MATERIAL_AID = "material_aid", "物质救助"
    DAILY_CARE = "daily_care", "生活照料"
    FAMILY_COUNSELLING = "family_counselling", "家庭辅导"
    EMOTIONAL_COMFORT = "emotional_comfort", "精神慰藉"
    SUPPORT_NETWORK = "support_network", "社会支持网络建设"
    MENTAL_HEALTH = "mental_health", "心理健康"
    CHILD_PROTECTION = "child_protection", "儿童保护"
    COMMUNITY_PARTICIPATION = "community_participation", "促进社区参与"
    ORGANISATION_CULTIVATION = "organisation_cultivation", "培育社会组织"
    MULTI_PARTY_LINKAGE = "multi_party_linkage", "推动多方联动"
    VOLUNTEER_TEAM_BUILDING = "volunteer_team_building", "志愿服务队伍建设"


class RiskLevel(Vocabulary):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class Gender(Vocabulary):
    FEMALE = "female", "女"
    MALE = "male", "男"


class ReferralState(Vocabulary):
    SENT = "sent", "已转出"
    ACCEPTED = "accepted", "已接收"
    DECLINED = "declined", "已拒绝"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


class NeedKind(Vocabulary):
    MICRO_WISH = "micro_wish", "微心愿"
    CARE = "care", "关爱服务"
    FUNDING = "funding", "资金需求"


class NeedState(Vocabulary):
    OPEN = "open", "待认领"
    PENDING = "pending", "已预留"
    MATCHED = "matched", "已对接"
    FULFILLED = "fulfilled", "已实现"
    CLOSED = "closed", "已关闭"
    CANCELLED = "cancelled", "已取消"
    EXPIRED = "expired", "已过期"


class ItemCategory(Vocabulary):
    SCHOOL_SUPPLIES = "school_supplies", "学习用品"
    BOOKS = "books", "图书"
    CLOTHING = "clothing", "衣物"
    BEDDING = "bedding", "被褥"
    FOOD = "food", "食品"
    SMALL_APPLIANCE = "small_appliance", "小家电"
    MOBILITY_AID = "mobility_aid", "助行器具"
    MEDICAL_SUPPLY = "medical_supply", "医疗用品"
    DAILY_NECESSITIES = "daily_necessities", "生活用品"
    OTHER = "other", "其他"


class OrganizationKind(Vocabulary):
    CHARITY = "charity", "慈善组织"
    COMMUNITY_FOUNDATION = "community_foundation", "社区发展基金会"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"
    ENTERPRISE = "enterprise", "企业"
    MASS_ORGANIZATION = "mass_organization", "群团组织"
    GOVERNMENT_AGENCY = "government_agency", "政府部门"
    INDIVIDUAL_DONOR = "individual_donor", "爱心人士"


class OfferKind(Vocabulary):
    MATERIAL = "material", "物资"
    FUND = "fund", "资金"
    SERVICE = "service", "专业服务"
    VENUE = "venue", "场地"


class HoldState(Vocabulary):
    HELD = "held", "已预留"
    COMMITTED = "committed", "已确认"
    DELIVERED = "delivered", "已交付"
    RELEASED = "released", "已释放"
    EXPIRED = "expired", "已过期"


class Skill(Vocabulary):
    COMPANIONSHIP = "companionship", "陪伴聊天"
    HAIRCUT = "haircut", "理发"
    HOUSEKEEPING = "housekeeping", "家政"
    MEDICAL = "medical", "医疗"
    LEGAL = "legal", "法律"
    TUTORING = "tutoring", "课业辅导"
    REPAIR = "repair", "维修"
    PSYCHOLOGICAL = "psychological", "心理支持"
    COOKING = "cooking", "做饭"
    TRANSPORT = "transport", "陪同出行"


class Language(Vocabulary):
    ZH = "zh", "普通话"
    MN = "mn", "蒙古语"
    DIALECT = "dialect", "方言"


class Role(Vocabulary):
    """Roles exactly as they appear in tokens (DESIGN.md, "Security model")."""

    CIVIL_AFFAIRS_ADMIN = "civil_affairs_admin", "民政管理员"
    CENTRE_STAFF = "centre_staff", "社工服务中心工作人员"
    STATION_STAFF = "station_staff", "社工站工作人员"
    COMMUNITY_WORKER = "community_worker", "社区工作者"
    ORG_STAFF = "org_staff", "组织工作人员"
    VOLUNTEER = "volunteer", "志愿者"
    APP_CLIENT = "app_client", "第三方应用"


STAFF_ROLES = frozenset({Role.CIVIL_AFFAIRS_ADMIN, Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


# Volunteers service codes (issue 18): each a GraphQL enum, listed in `vocabularies`.
class OrganiserKind(Vocabulary):
    PLATFORM = "platform", "平台"
    TEAM = "team", "志愿服务队"
    ORGANISATION = "organisation", "社会组织"


class ActivityState(Vocabulary):
    SCHEDULED = "scheduled", "未开始"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


class SignUpStatus(Vocabulary):
    CONFIRMED = "confirmed", "已确认"
    WAITING = "waiting", "候补中"
    CANCELLED = "cancelled", "已取消"


class VolunteerHoursState(Vocabulary):
    """Where the minutes of a sign-up or a care visit stand."""

    NONE = "none", "无时长"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已计入"


class VolunteerVerification(Vocabulary):
    PENDING = "pending", "待审核"
    VERIFIED = "verified", "已认证"
    REJECTED = "rejected", "未通过"


class CareAssignmentState(Vocabulary):
    ACTIVE = "active", "服务中"
    ENDED = "ended", "已结束"


class CareVisitOutcome(Vocabulary):
    DONE = "done", "已探访"
    MISSED = "missed", "未探访"


class WellbeingFlag(Vocabulary):
    """What a visiting volunteer saw that the station must follow up."""

    FALL_OR_INJURY = "fall_or_injury", "跌倒或受伤"
    ILLNESS = "illness", "患病"
    LOW_MOOD = "low_mood", "情绪低落"
    FOOD_INSECURITY = "food_insecurity", "缺少食物"
    UNSAFE_HOME = "unsafe_home", "居住不安全"
    NEEDS_FOLLOW_UP = "needs_follow_up", "需要跟进"


class HoursEntryKind(Vocabulary):
    ACTIVITY = "activity", "活动"
    CARE_VISIT = "care_visit", "关爱探访"
    CORRECTION = "correction", "更正"


class HoursCorrectionState(Vocabulary):
    REQUESTED = "requested", "待审核"
    APPROVED = "approved", "已通过"
    REFUSED = "refused", "未通过"
