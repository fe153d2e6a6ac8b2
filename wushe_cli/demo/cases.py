"""Case scripts: the steps each demo case goes through, so every stage of the service process
(intake … closed, referred, follow-up) appears with a real transition history.
"""

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wushe_cli.demo.plan import RecipientSpec

FORWARD = ["assessment", "planning", "intervention", "evaluation", "closed"]


@dataclass
class NeedSpec:
    key: str
    kind: str
    body: dict[str, Any]  # NeedPublish without case_id, project_id and deadline
    deadline_days: int
    fate: str  # open, fulfilled or closed (fulfilled through a hold on `offer_key`)
    offer_key: str | None = None


@dataclass
class Step:
    """One step: `to` (a direct transition), `record`, `need`, `refer` or `referral` (an outcome)."""

    op: str
    state: str = ""  # for `to`; the outcome for `referral`
    note: str = ""
    days_ago: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    need: NeedSpec | None = None

    @property
    def transitions(self) -> int:
        """How many case transitions the step adds (an accepted referral adds none)."""
        if self.op in ("to", "refer"):
            return 1
        if self.op == "referral":
            return 0 if self.state == "accept" else 1
        return 0


@dataclass
class CaseScript:
    key: str
    recipient_key: str
    station_key: str
    worker_key: str
    project_key: str | None
    body: dict[str, Any]  # CaseOpen without recipient, worker and project ids
    steps: list[Step]
    target: str  # the stage the case is left in (for the report)

    @property
    def needs(self) -> list[NeedSpec]:
        return [s.need for s in self.steps if s.need is not None]

    @property
    def final_state(self) -> str:
        state = before_referral = "intake"
        for step in self.steps:
            if step.op == "to":
                state = step.state
            elif step.op == "refer":
                before_referral, state = state, "referred"
            elif step.op == "referral" and step.state == "complete":
                state = before_referral  # the case comes back to where it was (the station evaluates next)
            elif step.op == "referral" and step.state in ("decline", "cancel"):
                state = step.data["back_to"]
        return state


# (target, weight): where cases are left. `referred_*` wait on a referral, `follow_up` was closed
# and visited again, `not_taken` was closed at intake (不予接案).
TARGETS = [
    ("intake", 9),
    ("assessment", 10),
    ("planning", 10),
    ("intervention", 20),
    ("evaluation", 9),
    ("closed", 18),
    ("referred_sent", 4),
    ("referred_accepted", 4),
    ("referral_completed", 4),
    ("referral_declined", 3),
    ("follow_up", 7),
    ("not_taken", 2),
]
DOMAIN = {
    "empty_nest": "elderly",
    "living_alone": "elderly",
    "disabled_elderly": "elderly",
    "poor_elderly": "social_assistance",
    "left_behind": "children",
    "child_in_hardship": "children",
    "dibao": "social_assistance",
    "tekun": "social_assistance",
    "dibian": "social_assistance",
    "disabled": "social_assistance",
}
RECORDS = {
    "elderly": [
        ("home_visit", "入户走访，了解生活和健康状况"),
        ("emotional_comfort", "陪伴聊天，精神慰藉"),
        ("daily_care", "协助打扫卫生、购买生活用品"),
        ("support_network", "联系子女和邻里，建立支持网络"),
    ],
    "children": [
        ("home_visit", "入户走访，了解学习和家庭情况"),
        ("mental_health", "开展心理健康小组活动"),
        ("child_protection", "落实监护责任，开展安全教育"),
        ("family_counselling", "与监护人沟通家庭教育"),
    ],
    "social_assistance": [
        ("home_investigation", "入户调查家庭经济状况"),
        ("policy_publicity", "讲解低保、特困救助政策"),
        ("resource_linking", "链接慈善资源和临时救助"),
        ("capacity_building", "就业技能培训信息推送"),
    ],
}
AGENCIES = ["旗县医院康复科", "县残疾人联合会", "司法所法律援助站", "民政局社会救助股", "妇联儿童之家"]
WISHES = {
    "children": [
        ("school_supplies", "一个新书包和一套文具", "120.00"),
        ("books", "十本课外读物", "150.00"),
        ("clothing", "一件冬天穿的羽绒服", "260.00"),
        ("school_supplies", "一盏护眼台灯", "90.00"),
    ],
    "elderly": [
        ("small_appliance", "一台收音机", "80.00"),
        ("bedding", "一床加厚棉被", "200.00"),
        ("mobility_aid", "一个助行器", "180.00"),
        ("medical_supply", "一个电子血压计", "150.00"),
    ],
    "social_assistance": [
        ("food", "一袋米面油慰问品", "150.00"),
        ("bedding", "一套过冬被褥", "220.00"),
        ("daily_necessities", "一箱日用品", "100.00"),
        ("clothing", "一件棉大衣", "240.00"),
    ],
}


def _forward_to(state: str, days: list[int]) -> list[Step]:
    return [
        Step("to", s, note=f"推进至{s}", days_ago=days.pop(0) if days else 1)
        for s in FORWARD[: FORWARD.index(state) + 1]
    ]


def script_case(
    rng: random.Random,
    key: str,
    recipient: "RecipientSpec",
    worker_key: str,
    project_key: str | None,
    offers: dict[str, str],
) -> CaseScript:
    target = rng.choices([t for t, _ in TARGETS], weights=[w for _, w in TARGETS])[0]
    domain = DOMAIN[recipient.profile]
    if rng.random() < 0.05:
        domain = "community_development"
    risk = rng.choices(["low", "medium", "high"], weights=[5, 3, 1])[0]
    body = {"domain": domain, "risk_level": risk, "summary": f"{recipient.body['name']}：{_summary(recipient.profile)}"}
    ago = sorted(rng.sample(range(1, 90), 8), reverse=True)
    steps: list[Step] = []
    record_pool = RECORDS.get(domain, RECORDS["social_assistance"])

    def record(days: int) -> Step:
        kind, note = rng.choice(record_pool)
        return Step("record", note=note, days_ago=days, data={"kind": kind, "beneficiaries": rng.randint(1, 4)})

    def need(stage_needs: list[Step], fate_ready: bool) -> None:
        spec = _need(rng, f"{key}/need", recipient, domain, offers, fate_ready)
        if spec is not None:
            stage_needs.append(Step("need", need=spec))

    if target == "not_taken":
        steps = [Step("to", "closed", note="经评估不符合接案条件，不予接案")]
    elif target in ("intake",):
        steps = []
    elif target in FORWARD or target == "follow_up":
        last = "closed" if target == "follow_up" else target
        for step in _forward_to(last, list(ago)):
            steps.append(step)
            if step.state == "assessment":
                steps.append(record(step.days_ago))
            if step.state == "planning":
                need(steps, fate_ready=FORWARD.index(last) >= FORWARD.index("evaluation"))
            if step.state == "intervention":
                steps.append(record(max(step.days_ago - 1, 0)))
        if target == "follow_up":
            steps.append(Step("to", "follow_up", note="结案后一个月回访"))
    else:  # referrals
        steps = [Step("to", "assessment", days_ago=ago[0]), record(ago[0]), Step("to", "planning", days_ago=ago[1])]
        need(steps, fate_ready=False)
        steps.append(Step("to", "intervention", days_ago=ago[2]))
        agency = rng.choice(AGENCIES)
        steps.append(Step("refer", data={"to_agency": agency, "reason": "需要专业机构提供进一步服务"}))
        if target in ("referred_accepted", "referral_completed"):
            steps.append(Step("referral", "accept", note=f"{agency}已接收"))
        if target == "referral_completed":
            steps.append(Step("referral", "complete", note="转介服务完成，回到社工站继续服务"))
        if target == "referral_declined":
            steps.append(Step("referral", "decline", note="对方暂无服务名额", data={"back_to": "intervention"}))
    return CaseScript(key, recipient.key, recipient.station_key, worker_key, project_key, body, steps, target)


def _summary(profile: str) -> str:
    return {
        "empty_nest": "子女长期在外，独自生活，需要定期探访",
        "living_alone": "独居老人，生活照料和精神慰藉需求",
        "disabled_elderly": "失能老人，需要生活照料和康复辅具",
        "poor_elderly": "特困供养老人，需要救助和照料",
        "left_behind": "父母外出务工，由祖辈照看，需要学业和心理支持",
        "child_in_hardship": "家庭困难，需要助学和生活帮扶",
        "dibao": "低保家庭，需要政策落实和资源链接",
        "tekun": "特困人员，需要兜底保障和照料",
        "dibian": "低保边缘家庭，需要临时救助和就业支持",
        "disabled": "残疾人，需要康复和就业支持",
    }[profile]


def _need(
    rng: random.Random, key: str, recipient: "RecipientSpec", domain: str, offers: dict[str, str], fate_ready: bool
) -> NeedSpec | None:
    lonely = recipient.profile in ("empty_nest", "living_alone", "disabled_elderly")
    if lonely and rng.random() < 0.45:
        mongolian = recipient.mongolian and rng.random() < 0.8
        title = "每周上门陪伴聊天（蒙古语）/ ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ" if mongolian else "每周上门探访，陪伴聊天"
        body = {
            "kind": "care",
            "title": title,
            "description": "老人希望有人定期上门说说话、帮忙做点家务",
            "visits_per_month": rng.choice([2, 4, 8]),
            "visit_minutes": rng.choice([60, 90, 120]),
            "skills": ["companionship"] + (["housekeeping"] if rng.random() < 0.3 else []),
            "languages": ["mn"] if mongolian else ["zh"],
        }
        return NeedSpec(key, "care", body, rng.randint(30, 120), "open")
    if recipient.profile in ("tekun", "poor_elderly", "disabled") and rng.random() < 0.3:
        amount = f"{rng.randint(5, 30) * 100}.00"
        body = {
            "kind": "funding",
            "title": "医疗和康复费用资助",
            "description": "自付部分医疗费用困难",
            "amount": amount,
        }
        fate = "fulfilled" if fate_ready and "funding" in offers else "open"
        return NeedSpec(key, "funding", body, rng.randint(30, 90), fate, offers.get("funding"))
    if rng.random() < 0.15:
        return None
    category, title, value = rng.choice(WISHES.get(domain, WISHES["social_assistance"]))
    body = {
        "kind": "micro_wish",
        "title": title,
        "description": "社工入户时了解到的心愿",
        "item_category": category,
        "quantity": 1,
        "estimated_value": value,
    }
    fate = "open"
    if category in offers and (fate_ready or rng.random() < 0.15):
        fate = "closed" if rng.random() < 0.5 else "fulfilled"
    return NeedSpec(
        key, "micro_wish", body, rng.randint(20, 120), fate, offers.get(category) if fate != "open" else None
    )
