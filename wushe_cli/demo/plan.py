"""What the demo creates, decided before any request: a pure function of a reference time.

`build_plan(reference)` draws everything from one `random.Random(SEED)` — the draws never depend on
the reference, so the same records come out for any date — and places every time relative to the
reference. The seeder uses the creation time of the first record it makes as the reference (and gets
it back unchanged on every later run), so request bodies, and with them their idempotency
fingerprints, are the same on every run. The plan keeps the rules the services enforce on any date
and at any hour (tests/demo/test_plan.py checks every hour of two weeks).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from services.common.clock import BEIJING, beijing, beijing_week
from wushe_cli.demo.cases import CaseScript, script_case
from wushe_cli.demo.geography import COUNTIES_IN_DEMO, County, Township
from wushe_cli.demo.people import PersonFactory

SEED = 20240209  # the day the Hunan station guideline took effect
RECIPIENTS = 500


@dataclass
class PlatformSpec:
    key: str
    name: str
    level: str
    region_code: str
    parent_key: str | None
    service_model: str | None = None
    address: str = ""
    phone: str = ""


@dataclass
class StaffSpec:
    key: str
    platform_key: str
    name: str
    role: str
    certification: str
    specialty: str | None = None


@dataclass
class ProjectSpec:
    key: str
    platform_key: str
    name: str
    is_brand: bool
    description: str
    starts_on: date
    ends_on: date


@dataclass
class RecipientSpec:
    key: str
    platform_key: str
    station_key: str
    body: dict[str, Any]  # RecipientCreate without platform_id and consent time
    consent_at: datetime
    mongolian: bool
    profile: str


@dataclass
class OrgSpec:
    key: str
    body: dict[str, Any]  # OrganizationCreate
    county: str | None


@dataclass
class OfferSpec:
    key: str
    org_key: str
    body: dict[str, Any]  # OfferCreate
    donations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class VolunteerSpec:
    key: str
    station_key: str
    body: dict[str, Any]  # VolunteerCreate without platform_id
    mongolian: bool


@dataclass
class TeamSpec:
    key: str
    platform_key: str
    name: str
    region: str
    members: list[tuple[str, bool]]  # (volunteer key, is leader)


@dataclass
class ActivitySpec:
    key: str
    station_key: str
    team_key: str | None
    project_key: str | None
    title: str
    place: str
    region: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    skills: list[str]
    signups: list[str]  # volunteer keys
    held: bool  # checked in, out, hours approved and completed
    beneficiaries: int = 0

    def check_in_at(self, number: int) -> datetime:
        """When the `number`-th signed-up volunteer arrived (some a quarter of an hour early)."""
        return self.starts_at - (timedelta(0) if number % 3 else timedelta(minutes=15))

    def check_out_at(self, number: int) -> datetime:
        """When they left: an hour, or an hour and a half, before the planned end."""
        return self.ends_at - timedelta(hours=1, minutes=30 * (number % 2))


@dataclass
class DemoPlan:
    reference: datetime  # aware; every time below is placed relative to it
    platforms: list[PlatformSpec] = field(default_factory=list)
    staff: list[StaffSpec] = field(default_factory=list)
    projects: list[ProjectSpec] = field(default_factory=list)
    recipients: list[RecipientSpec] = field(default_factory=list)
    cases: list[CaseScript] = field(default_factory=list)
    organisations: list[OrgSpec] = field(default_factory=list)
    offers: list[OfferSpec] = field(default_factory=list)
    volunteers: list[VolunteerSpec] = field(default_factory=list)
    teams: list[TeamSpec] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)

    def platform(self, key: str) -> PlatformSpec:
        return next(p for p in self.platforms if p.key == key)

    def served_on(self, days_ago: int) -> date:
        """The Beijing date `days_ago` days before the reference (a service record's date)."""
        return beijing(self.reference - timedelta(days=days_ago)).date()

    def deadline(self, days: int) -> datetime:
        """A need's deadline: the end of the Beijing day `days` days after the reference."""
        day = beijing(self.reference).date() + timedelta(days=days)
        return datetime.combine(day, time(23, 59, 59), BEIJING)

    def counts(self) -> dict[str, int]:
        """What a full run leaves behind, by kind (the figures the tests check)."""
        needs = [n for c in self.cases for n in c.needs]
        return {
            "platforms": len(self.platforms),
            "county_centres": sum(p.level == "county_centre" for p in self.platforms),
            "stations": sum(p.level == "station" for p in self.platforms),
            "community_rooms": sum(p.level == "community_room" for p in self.platforms),
            "staff": len(self.staff),
            "projects": len(self.projects),
            "brand_projects": sum(p.is_brand for p in self.projects),
            "recipients": len(self.recipients),
            "cases": len(self.cases),
            "needs": len(needs),
            "micro_wishes": sum(n.kind == "micro_wish" for n in needs),
            "care_needs": sum(n.kind == "care" for n in needs),
            "mongolian_care_needs": sum(n.kind == "care" and "mn" in n.body.get("languages", []) for n in needs),
            "funding_needs": sum(n.kind == "funding" for n in needs),
            "fulfilled_needs": sum(n.fate in ("fulfilled", "closed") for n in needs),
            "organisations": len(self.organisations),
            "offers": len(self.offers),
            "donations": sum(len(o.donations) for o in self.offers),
            "volunteers": len(self.volunteers),
            "mongolian_speaking_volunteers": sum("mn" in v.body["languages"] for v in self.volunteers),
            "teams": len(self.teams),
            "activities": len(self.activities),
            "signups": sum(len(a.signups) for a in self.activities),
            "approved_hours": sum(len(a.signups) for a in self.activities if a.held),
        }


CERTIFICATIONS = ["none", "assistant_social_worker", "social_worker", "senior_social_worker"]
SPECIALTIES = ["assistance_coordinator", "child_supervisor", "child_director", "agency_worker"]


def build_plan(reference: datetime, seed: int = SEED, recipients: int = RECIPIENTS) -> DemoPlan:
    """The whole demo, its times placed around `reference` (an aware instant)."""
    if reference.tzinfo is None:
        raise ValueError("the reference time must be aware")
    rng = random.Random(seed)
    people = PersonFactory(rng)
    plan = DemoPlan(reference.replace(microsecond=0))
    for county in COUNTIES_IN_DEMO:
        _platforms(plan, rng, people, county)
    stations = [p for p in plan.platforms if p.level == "station"]
    _recipients(plan, rng, people, stations, recipients)
    offers_by_county = _organisations(plan, rng, people)
    workers = {s.key: [st.key for st in plan.staff if st.platform_key == s.key] for s in stations}
    projects = {p.platform_key: p.key for p in plan.projects}
    for index, recipient in enumerate(plan.recipients):
        if rng.random() < 0.56:
            station = recipient.station_key
            county_code = plan.platform(station).region_code[:6]
            plan.cases.append(
                script_case(
                    rng,
                    f"case/{index:04d}",
                    recipient,
                    rng.choice(workers[station]),
                    projects.get(station),
                    offers_by_county.get(county_code, {}),
                )
            )
    _volunteers(plan, rng, people, stations)
    return plan


def _platforms(plan: DemoPlan, rng: random.Random, people: PersonFactory, county: County) -> None:
    centre_key = f"platform/{county.code}"
    plan.platforms.append(
        PlatformSpec(
            centre_key,
            f"{county.name}社会工作服务中心",
            "county_centre",
            county.code,
            None,
            address=f"{county.league}{county.name}民政局一楼",
            phone=people.mobile(),
        )
    )
    _staff(plan, rng, people, centre_key, county, head_cert="senior_social_worker")
    for number, township in enumerate(county.townships):
        station_key = f"platform/{township.code}"
        plan.platforms.append(
            PlatformSpec(
                station_key,
                f"{township.name}社会工作服务站",
                "station",
                township.code,
                centre_key,
                service_model=township.service_model,
                address=f"{county.name}{township.name}党群服务中心",
                phone=people.mobile(),
            )
        )
        _staff(plan, rng, people, station_key, county)
        for code, name in township.communities:
            room_key = f"platform/{code}"
            plan.platforms.append(
                PlatformSpec(
                    room_key,
                    f"{name}社会工作室",
                    "community_room",
                    code,
                    station_key,
                    address=f"{township.name}{name}党群服务站",
                )
            )
            plan.staff.append(
                StaffSpec(
                    f"staff/{code}/1",
                    room_key,
                    people.name(rng.choice(["male", "female"])),
                    "resident_worker",
                    rng.choice(CERTIFICATIONS[:2]),
                    "agency_worker",
                )
            )
        # Projects run from two New Years before the reference to the end of the year after it.
        year = beijing(plan.reference).year
        starts_on, ends_on = date(year - 2, 1, 1), date(year + 1, 12, 31)
        if number == 0:
            plan.projects.append(
                ProjectSpec(
                    f"project/{township.code}",
                    station_key,
                    county.brand,
                    True,
                    county.brand_description,
                    starts_on,
                    ends_on,
                )
            )
        else:
            plan.projects.append(
                ProjectSpec(
                    f"project/{township.code}",
                    station_key,
                    f"{township.name}“五社联动”社工服务试点",
                    False,
                    f"“五社联动”社会工作服务试点项目（{starts_on.year}—{ends_on.year}年）。",
                    starts_on,
                    ends_on,
                )
            )


def _staff(
    plan: DemoPlan,
    rng: random.Random,
    people: PersonFactory,
    platform_key: str,
    county: County,
    head_cert: str | None = None,
) -> None:
    code = platform_key.split("/")[1]

    def person() -> str:
        return people.name(rng.choice(["male", "female"]), mongolian=rng.random() < county.mongolian_share)

    plan.staff.append(
        StaffSpec(
            f"staff/{code}/1", platform_key, person(), "station_head", head_cert or rng.choice(CERTIFICATIONS[:3])
        )
    )
    plan.staff.append(StaffSpec(f"staff/{code}/2", platform_key, person(), "deputy_head", rng.choice(CERTIFICATIONS)))
    for number, specialty in enumerate(rng.sample(SPECIALTIES, 3), start=3):
        cert = rng.choices(CERTIFICATIONS, weights=[3, 4, 3, 1])[0]
        plan.staff.append(
            StaffSpec(f"staff/{code}/{number}", platform_key, person(), "resident_worker", cert, specialty)
        )


# Recipient profiles (老小困残): categories, birth years, weight, health notes.
PROFILES: dict[str, tuple[list[str], tuple[int, int], int]] = {
    "empty_nest": (["elderly", "empty_nest"], (1938, 1960), 18),
    "living_alone": (["elderly", "living_alone"], (1936, 1958), 12),
    "disabled_elderly": (["elderly", "disabled_elderly"], (1935, 1955), 8),
    "poor_elderly": (["elderly", "tekun"], (1937, 1958), 6),
    "left_behind": (["child", "left_behind"], (2011, 2019), 15),
    "child_in_hardship": (["child", "child_in_hardship", "dibao"], (2010, 2019), 10),
    "dibao": (["dibao"], (1965, 1995), 9),
    "tekun": (["tekun"], (1962, 1985), 4),
    "dibian": (["dibian"], (1963, 1992), 7),
    "disabled": (["disabled"], (1966, 2000), 11),
}
HEALTH = {
    "empty_nest": ["高血压，按时服药", "子女在外地务工，腿脚尚可", "糖尿病，需定期测血糖"],
    "living_alone": ["独居多年，听力下降", "慢性支气管炎，冬季易发", "视力不好，行动缓慢"],
    "disabled_elderly": ["中风后右侧偏瘫，需助行器", "长期卧床，需生活照料", "阿尔茨海默病早期"],
    "disabled": ["肢体残疾", "视力残疾", "听力言语残疾", "智力残疾"],
}


def _recipients(
    plan: DemoPlan, rng: random.Random, people: PersonFactory, stations: list[PlatformSpec], total: int
) -> None:
    profiles = list(PROFILES)
    weights = [PROFILES[p][2] for p in profiles]
    rooms = {s.key: [p for p in plan.platforms if p.parent_key == s.key] for s in stations}
    for index in range(total):
        station = stations[index % len(stations)]
        county = next(c for c in COUNTIES_IN_DEMO if c.code == station.region_code[:6])
        township = next(t for t in county.townships if t.code == station.region_code)
        room = rng.choice(rooms[station.key]) if rng.random() < 0.4 else None
        profile = rng.choices(profiles, weights=weights)[0]
        categories, (first, last), _ = PROFILES[profile]
        gender = rng.choice(["male", "female"])
        mongolian = rng.random() < county.mongolian_share
        name = people.name(gender, mongolian)
        birth = people.birth_date(first, last)
        place = _place(county, township, room)
        extra = [c for c in ("dibao", "dibian") if profile in ("disabled", "empty_nest") and rng.random() < 0.15][:1]
        body: dict[str, Any] = {
            "region_code": (room or station).region_code if room else _village_or_township(rng, township),
            "name": name,
            "gender": gender,
            "birth_date": birth.isoformat(),
            "categories": categories + extra,
            "id_number": people.id_number(county.code, birth, gender),
            "phone": people.mobile()
            if profile not in ("left_behind", "child_in_hardship") or rng.random() < 0.5
            else None,
            "address": people.address(place),
            "health_notes": rng.choice(HEALTH.get(profile, [""])),
        }
        if profile in ("disabled", "disabled_elderly"):
            body["disability_grade"] = rng.randint(1, 4)
        child = categories[0] == "child"
        guardian = people.name(rng.choice(["male", "female"]), mongolian) if child else None
        body["consent"] = {
            "given_by": f"{guardian}（监护人）" if guardian else "本人",
            "purpose": "建档并提供社会工作服务，链接慈善资源（仅限五社联动平台内使用）",
        }
        plan.recipients.append(
            RecipientSpec(
                f"recipient/{index:04d}",
                (room or station).key,
                station.key,
                body,
                _consent_at(plan.reference, rng.randint(5, 200)),
                mongolian,
                profile,
            )
        )


def _consent_at(reference: datetime, days_ago: int) -> datetime:
    """Half past nine in the morning (Beijing) on a day before the reference."""
    day = beijing(reference).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(9, 30), BEIJING)


def _village_or_township(rng: random.Random, township: Township) -> str:
    return rng.choice([township.code, *[code for code, _ in township.communities]])


def _place(county: County, township: Township, room: PlatformSpec | None) -> str:
    community = room.name.removesuffix("社会工作室") if room else ""
    return f"内蒙古{county.league}{county.name}{township.name}{community}"


CREDIT_PREFIX = {"charity": "53", "community_foundation": "53", "social_organization": "52", "enterprise": "91"}


def credit_code(rng: random.Random, kind: str, county_code: str) -> str:
    from services.resources.organizations.credit_code import ALPHABET, check_character

    body = CREDIT_PREFIX[kind] + county_code + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


MATERIALS = [
    ("school_supplies", "书包文具套装"),
    ("books", "儿童绘本和课外读物"),
    ("clothing", "冬季羽绒服"),
    ("bedding", "加厚棉被"),
    ("food", "米面油慰问包"),
    ("small_appliance", "收音机"),
    ("daily_necessities", "日用品礼包"),
    ("mobility_aid", "助行器"),
    ("medical_supply", "家用血压计"),
]


def _organisations(plan: DemoPlan, rng: random.Random, people: PersonFactory) -> dict[str, dict[str, str]]:
    """Charities, foundations with funds, enterprises and individual donors with material offers.

    Returns, per county, the material offer key for each item category offered there.
    """

    def org(key: str, kind: str, name: str, regions: list[str], county: str | None) -> OrgSpec:
        contact = people.name(rng.choice(["male", "female"]))
        body = {
            "kind": kind,
            "name": name,
            "contact_name": contact,
            "contact_phone": people.mobile(),
            "service_regions": regions,
        }
        if kind != "individual_donor":
            body["credit_code"] = credit_code(rng, kind, (county or "150100")[:6])
        spec = OrgSpec(key, body, county)
        plan.organisations.append(spec)
        return spec

    def fund(org_spec: OrgSpec, title: str, region: str, opening: str, purposes: list[str]) -> None:
        body: dict[str, Any] = {
            "kind": "fund",
            "title": title,
            "amount": opening,
            "region_prefix": region,
            "description": "定向用于困难群众微心愿和救助需求，收支全部公开。",
        }
        if purposes:
            body["restrictions"] = {"purposes": purposes, "cap_per_need": "3000.00"}
        donations = []
        for number in range(rng.randint(3, 6)):
            individual = rng.random() < 0.6
            donor = (
                people.name(rng.choice(["male", "female"]))
                if individual
                else f"{rng.choice(['草原', '北疆', '金泉', '兴旺'])}商贸（演示）有限公司"
            )
            donations.append(
                {
                    "kind": "donation",
                    "amount": f"{rng.randint(2, 200) * 100}.00",
                    "donor_name": donor,
                    "donor_is_individual": individual,
                    "reference": f"DEMO-{org_spec.key[4:]}-{number + 1:03d}",
                }
            )
        plan.offers.append(OfferSpec(f"offer/{org_spec.key[4:]}/fund", org_spec.key, body, donations))

    charity = org("org/nmg-charity", "charity", "内蒙古自治区慈善总会（演示）", ["15"], "150100")
    fund(charity, "“五社联动”困难群众救助金", "15", "200000.00", [])
    hlbe = org("org/hlbe-charity", "charity", "呼伦贝尔市慈善总会（演示）", ["1507"], "150700")
    fund(hlbe, "爱伴童行助学金", "1507", "50000.00", ["school_supplies", "books", "funding"])
    org("org/lezhong", "social_organization", "红山区乐众社会工作服务中心（演示）", ["150402"], "150402")
    offers: dict[str, dict[str, str]] = {}
    for county in COUNTIES_IN_DEMO:
        foundation = org(
            f"org/{county.code}-foundation",
            "community_foundation",
            f"{county.name}社区发展基金会（演示）",
            [county.code],
            county.code,
        )
        fund(foundation, f"{county.name}社区微心愿基金", county.code, f"{rng.randint(10, 40) * 1000}.00", [])
        givers = [
            org(
                f"org/{county.code}-enterprise",
                "enterprise",
                f"{county.name}{rng.choice(['草原', '北疆', '金泉', '兴旺', '牧歌'])}商贸（演示）有限公司",
                [county.code],
                county.code,
            ),
            org(
                f"org/{county.code}-donor",
                "individual_donor",
                people.name(rng.choice(["male", "female"])),
                [county.code],
                None,
            ),
        ]
        offers[county.code] = {}
        for number, (category, title) in enumerate(rng.sample(MATERIALS, 5)):
            giver = givers[number % 2]
            key = f"offer/{county.code}/{category}"
            body = {
                "kind": "material",
                "title": title,
                "category": category,
                "quantity": rng.randint(20, 120),
                "region_prefix": county.code,
                "description": "爱心捐赠，社工站统一发放。",
            }
            plan.offers.append(OfferSpec(key, giver.key, body))
            offers[county.code][category] = key
        offers[county.code]["funding"] = f"offer/{county.code}-foundation/fund"
    return offers


SKILLS = [
    "companionship",
    "haircut",
    "housekeeping",
    "medical",
    "legal",
    "tutoring",
    "repair",
    "psychological",
    "cooking",
    "transport",
]


def _volunteers(plan: DemoPlan, rng: random.Random, people: PersonFactory, stations: list[PlatformSpec]) -> None:
    for station in stations:
        county = next(c for c in COUNTIES_IN_DEMO if c.code == station.region_code[:6])
        members: list[str] = []
        for number in range(8):
            gender = rng.choice(["male", "female"])
            mongolian = rng.random() < max(county.mongolian_share, 0.25)
            birth = people.birth_date(1960, 2004)
            key = f"volunteer/{station.region_code}/{number}"
            languages = ["zh", "mn"] if mongolian else (["zh", "dialect"] if rng.random() < 0.2 else ["zh"])
            weekday = rng.randint(1, 7)
            plan.volunteers.append(
                VolunteerSpec(
                    key,
                    station.key,
                    {
                        "name": people.name(gender, mongolian),
                        "phone": people.mobile(),
                        "id_number": people.id_number(county.code, birth, gender),
                        "skills": sorted(rng.sample(SKILLS, rng.randint(1, 3)) + ["companionship"] * (number < 3)),
                        "languages": languages,
                        "region": station.region_code,
                        "availability": [
                            {"weekday": weekday, "start": "09:00", "end": "12:00"},
                            {"weekday": weekday % 7 + 1, "start": "14:00", "end": "17:00"},
                        ],
                        "max_hours_per_week": rng.choice([4, 6, 8, 10]),
                    },
                    mongolian,
                )
            )
            members.append(key)
        skills_body = {v.key: set(v.body["skills"]) for v in plan.volunteers}
        team_key = f"team/{station.region_code}"
        plan.teams.append(
            TeamSpec(
                team_key,
                station.key,
                f"{station.name.removesuffix('社会工作服务站')}志愿服务队",
                station.region_code,
                [(m, i == 0) for i, m in enumerate(members)],
            )
        )
        project = f"project/{station.region_code}"
        held_at, next_at = _activity_times(plan.reference, rng.randint(0, 1))
        plan.activities.append(
            ActivitySpec(
                f"activity/{station.region_code}/held",
                station.key,
                team_key,
                project,
                "入户探访困难老人和留守儿童",
                station.address or station.name,
                station.region_code,
                *held_at,
                10,
                [],
                members[:6],
                True,
                beneficiaries=rng.randint(15, 60),
            )
        )
        upcoming = [m for m in members if "companionship" in skills_body[m]][:5]
        plan.activities.append(
            ActivitySpec(
                f"activity/{station.region_code}/next",
                station.key,
                None,
                project,
                "周末陪伴聊天和义务理发",
                station.address or station.name,
                station.region_code,
                *next_at,
                12,
                ["companionship"],
                upcoming,
                False,
            )
        )
    for county in COUNTIES_IN_DEMO:
        speakers = [v.key for v in plan.volunteers if v.mongolian and v.body["region"].startswith(county.code)]
        if len(speakers) >= 2:
            plan.teams.append(
                TeamSpec(
                    f"team/{county.code}/mn",
                    f"platform/{county.code}",
                    f"{county.name}蒙古语关爱服务队",
                    county.code,
                    [(m, i == 0) for i, m in enumerate(speakers)],
                )
            )


HELD_STARTED_BEFORE = timedelta(hours=5)
HELD_LASTS = timedelta(hours=4)
NEXT_LASTS = timedelta(hours=3)


def _activity_times(
    reference: datetime, weekend_day: int
) -> tuple[tuple[datetime, datetime], tuple[datetime, datetime]]:
    """The held activity and the next one, in different Beijing weeks.

    The held one has ended at the reference (an activity is completed only once it has ended): it
    started five hours before and ended an hour before, and the seeder, as its organiser, enters the
    sign-in sheet afterwards (sign-ups, check-in and out, 补录). The next one is on the Saturday or
    Sunday morning of the week after the week the held one ends in, so one volunteer's hours in the
    two never share a week: every volunteer's weekly maximum (4 h at the least) holds on any day and
    at any hour, week boundaries included.
    """
    held_start = reference - HELD_STARTED_BEFORE
    held_end = held_start + HELD_LASTS
    _, following_monday = beijing_week(held_end)
    day = following_monday.date() + timedelta(days=5 + weekend_day)
    next_start = datetime.combine(day, time(9, 0), BEIJING)
    return (held_start, held_end), (next_start, next_start + NEXT_LASTS)


def as_money(value: Decimal | str) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))
