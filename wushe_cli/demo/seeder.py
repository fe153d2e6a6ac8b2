"""Seed the demo through the services' REST APIs, as the people in it would.

Every POST carries a deterministic Idempotency-Key, so a second run gets each first result
replayed and creates nothing. State changes (case transitions, verification, check-ins …) have
no key of their own: the seeder reads the current state first and only makes the missing moves.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.common.clock import clock, iso_utc
from services.common.settings import Settings, get_settings
from wushe_cli.demo.cases import CaseScript, NeedSpec, Step
from wushe_cli.demo.client import Actor, DemoClient, SeedError, Tally
from wushe_cli.demo.plan import RECIPIENTS, SEED, ActivitySpec, DemoPlan, PlatformSpec, build_plan

T = TypeVar("T")
CASE_ENDINGS = frozenset({"closed", "follow_up", "referred"})  # a case in these takes no new link
ROLE_OF_LEVEL = {"county_centre": "centre_staff", "station": "station_staff", "community_room": "community_worker"}


@dataclass
class SeedReport:
    counts: dict[str, int]
    tally: Tally
    seconds: float

    @property
    def created(self) -> int:
        return sum(self.tally.created.values())

    @property
    def changed(self) -> int:
        return sum(self.tally.changed.values())


class DemoSeeder:
    def __init__(self, client: DemoClient, build: Callable[[datetime], DemoPlan], progress: Progress) -> None:
        self.client, self.build, self.progress = client, build, progress
        # Built around "now" until the first record tells the reference time (only the first
        # platform is sent before that, and nothing about it depends on the time).
        self.plan = plan = build(clock.now())
        self.step = "platforms (county_centre)"  # what a failure is reported as
        self.ids: dict[str, str] = {}
        self.fresh: set[str] = set()  # keys created by this run (their state is the initial one)
        self.transitions_done: dict[str, int] = {}  # case key -> transitions made by an earlier run
        self.admin = Actor("civil_affairs_admin", "demo-civil-affairs", region="15")
        self.subjects = {s.key: f"demo-{s.key.replace('/', '-')}" for s in plan.staff}

    # --- helpers -------------------------------------------------------------------------
    async def phase(self, title: str, items: Iterable[T], unit: Callable[[T], Awaitable[None]]) -> None:
        items = list(items)
        self.step = title
        task = self.progress.add_task(title, total=len(items))

        async def run(item: T) -> None:
            await unit(item)
            self.progress.advance(task)

        await asyncio.gather(*(run(item) for item in items))

    async def create(
        self, service: str, path: str, actor: Actor, key: str, body: dict[str, Any] | None, kind: str
    ) -> dict[str, Any]:
        replays = self.client.tally.replayed[kind]
        result = await self.client.create(service, path, actor, key, body, kind)
        self.ids[key] = result["id"]
        if self.client.tally.replayed[kind] == replays:
            self.fresh.add(key)
        return result

    async def platform_ticket(self, actor: Actor, platform_key: str) -> str:
        """The case service's sealed word on a platform's place in the tree: with it, the volunteers
        service puts the row in the county centre's view as well as the station's."""
        ticket = await self.client.ask("case", f"/v1/platforms/{self.ids[platform_key]}/ticket", actor)
        return str(ticket["ticket"])

    def platform_actor(self, platform_key: str, staff_number: int = 1) -> Actor:
        platform = self.plan.platform(platform_key)
        code = platform.region_code
        return Actor(
            ROLE_OF_LEVEL[platform.level],
            self.subjects[f"staff/{code}/{staff_number}"],
            platform_id=self.ids[platform_key],
            region=code,
        )

    def worker_actor(self, station_key: str, worker_key: str) -> Actor:
        return Actor(
            "station_staff",
            self.subjects[worker_key],
            platform_id=self.ids[station_key],
            region=self.plan.platform(station_key).region_code,
        )

    def org_actor(self, org_key: str) -> Actor:
        return Actor("org_staff", f"demo-{org_key.replace('/', '-')}", org_id=self.ids[org_key])

    # --- case side ----------------------------------------------------------------------
    async def platforms(self) -> None:
        levels = ["county_centre", "station", "community_room"]
        for level in levels:
            specs = [p for p in self.plan.platforms if p.level == level]
            if level == "county_centre":  # the first record's creation is the reference of every time
                first = await self.create(
                    "case", "/v1/platforms", self.admin, specs[0].key, self._platform_body(specs[0]), "platforms"
                )
                self.plan = self.build(datetime.fromisoformat(first["created_at"]))
                specs = specs[1:]
            await self.phase(f"platforms ({level})", specs, self._platform)

    def _platform_body(self, spec: PlatformSpec) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": spec.name,
            "level": spec.level,
            "region_code": spec.region_code,
            "address": spec.address,
            "phone": spec.phone,
        }
        if spec.parent_key:
            body["parent_id"] = self.ids[spec.parent_key]
        if spec.service_model:
            body["service_model"] = spec.service_model
        return body

    async def _platform(self, spec: PlatformSpec) -> None:
        actor = self.admin if spec.parent_key is None else self.platform_actor(spec.parent_key)
        await self.create("case", "/v1/platforms", actor, spec.key, self._platform_body(spec), "platforms")

    async def staff_and_projects(self) -> None:
        async def staff(spec: Any) -> None:
            body = {
                "name": spec.name,
                "role": spec.role,
                "certification": spec.certification,
                "specialty": spec.specialty,
                "subject": self.subjects[spec.key],
            }
            path = f"/v1/platforms/{self.ids[spec.platform_key]}/staff"
            await self.create("case", path, self.platform_actor(spec.platform_key), spec.key, body, "staff")

        async def project(spec: Any) -> None:
            body = {
                "platform_id": self.ids[spec.platform_key],
                "name": spec.name,
                "is_brand": spec.is_brand,
                "description": spec.description,
                "starts_on": spec.starts_on.isoformat(),
                "ends_on": spec.ends_on.isoformat(),
            }
            await self.create(
                "case", "/v1/projects", self.platform_actor(spec.platform_key), spec.key, body, "projects"
            )

        await self.phase("staff", self.plan.staff, staff)
        await self.phase("projects", self.plan.projects, project)

    async def recipients(self) -> None:
        async def recipient(spec: Any) -> None:
            body = {
                **spec.body,
                "platform_id": self.ids[spec.platform_key],
                "consent": {**spec.body["consent"], "given_at": spec.consent_at.isoformat()},
            }
            if body.get("phone") is None:
                body.pop("phone", None)
            await self.create(
                "case", "/v1/recipients", self.platform_actor(spec.platform_key), spec.key, body, "recipients"
            )

        await self.phase("recipients", self.plan.recipients, recipient)

    async def cases(self) -> None:
        await self.phase("cases opened", self.plan.cases, self._open_case)
        # A case's version counts its transitions: an earlier run's progress, read in batches.
        resumed: dict[str, list[CaseScript]] = {}
        for script in self.plan.cases:
            if script.key not in self.fresh and script.steps:
                resumed.setdefault(script.station_key, []).append(script)
        for station_key, scripts in resumed.items():
            found = await self.client.batch(
                "case", "/v1/cases:batch", self.platform_actor(station_key), [self.ids[s.key] for s in scripts]
            )
            for script in scripts:
                self.transitions_done[script.key] = found[self.ids[script.key]]["version"] - 1
        await self.phase("case histories", self.plan.cases, self._run_case)

    async def _open_case(self, script: CaseScript) -> None:
        body = {
            **script.body,
            "recipient_id": self.ids[script.recipient_key],
            "assigned_worker_id": self.ids[script.worker_key],
        }
        if script.project_key:
            body["project_id"] = self.ids[script.project_key]
        actor = self.worker_actor(script.station_key, script.worker_key)
        await self.create("case", "/v1/cases", actor, script.key, body, "cases")

    async def _run_case(self, script: CaseScript) -> None:
        """Run the steps an earlier run has not; needs are re-sent (replayed) for their ids."""
        actor = self.worker_actor(script.station_key, script.worker_key)
        case_id = self.ids[script.key]
        done, made, last_done = self.transitions_done.get(script.key, 0), 0, -1
        for number, step in enumerate(script.steps):
            if made >= done:
                break
            made += step.transitions
            last_done = number
        for number, step in enumerate(script.steps):
            if number <= last_done and step.op != "need":
                continue
            if step.op == "referral" and f"{script.key}/referral" not in self.ids:
                referrals = await self.client.get("case", f"/v1/cases/{case_id}/referrals", actor)
                self.ids[f"{script.key}/referral"] = referrals[0]["id"]
                if step.state == "accept" and referrals[0]["state"] != "sent":
                    continue
            if (step.op == "to" and step.state in CASE_ENDINGS) or step.op == "refer":
                # Wishes are met while the case is active; a closed or referred case takes no new link.
                for need in script.needs:
                    if need.fate != "open" and need.offer_key:
                        await self._fulfil(script, need)
            await self._case_step(actor, script, case_id, number, step)

    async def _kept_on_close(self, actor: Actor, case_id: str) -> list[dict[str, str]]:
        """Closing decides every open need (since 169887b); the demo keeps them, as it always showed them."""
        page = await self.client.get("case", "/v1/needs", actor, {"case_id": case_id, "limit": 100})
        live = [n for n in page["items"] if n["state"] in ("open", "pending", "matched")]
        reason = "演示数据：结案后保留，捐赠方已联系"
        return [{"need_id": n["id"], "decision": "keep", "reason": reason} for n in live]

    async def _case_step(self, actor: Actor, script: CaseScript, case_id: str, number: int, step: Step) -> None:
        key = f"{script.key}/{number}"
        if step.op == "to":
            body: dict[str, object] = {"to_state": step.state, "note": step.note}
            if step.state == "closed":
                body["needs"] = await self._kept_on_close(actor, case_id)
            await self.client.change("case", f"/v1/cases/{case_id}/transitions", actor, body, "case_transitions", key)
        elif step.op == "record":
            served_on = self.plan.served_on(step.days_ago).isoformat()
            body = {**step.data, "served_on": served_on, "note": step.note, "worker_id": self.ids[script.worker_key]}
            await self.create("case", f"/v1/cases/{case_id}/records", actor, key, body, "service_records")
        elif step.op == "need":
            assert step.need is not None
            await self._publish(actor, script, case_id, step.need)
        elif step.op == "refer":
            referral = await self.create("case", f"/v1/cases/{case_id}/referrals", actor, key, step.data, "referrals")
            self.ids[f"{script.key}/referral"] = referral["id"]
        elif step.op == "referral":
            referral_id = self.ids[f"{script.key}/referral"]
            await self.client.change(
                "case",
                f"/v1/referrals/{referral_id}/{step.state}",
                actor,
                {"outcome": step.note},
                "referral_outcomes",
                key,
            )

    async def _publish(self, actor: Actor, script: CaseScript, case_id: str, need: NeedSpec) -> None:
        body = {**need.body, "case_id": case_id, "deadline": self.plan.deadline(need.deadline_days).isoformat()}
        if script.project_key:
            body["project_id"] = self.ids[script.project_key]
        await self.create("case", "/v1/needs", actor, need.key, body, "needs")

    # --- resources ----------------------------------------------------------------------
    async def organisations(self) -> None:
        async def organisation(spec: Any) -> None:
            org = await self.create("resources", "/v1/organizations", self.admin, spec.key, spec.body, "organisations")
            if spec.key not in self.fresh:
                org = await self.client.get("resources", f"/v1/organizations/{org['id']}", self.admin)
            if org["verification_status"] == "pending":
                await self.client.change(
                    "resources",
                    f"/v1/organizations/{org['id']}/verify",
                    self.admin,
                    None,
                    "verifications",
                    f"{spec.key}/verify",
                )

        async def offer(spec: Any) -> None:
            actor = self.org_actor(spec.org_key)
            created = await self.create("resources", "/v1/offers", actor, spec.key, spec.body, "offers")
            if spec.key not in self.fresh:
                created = await self.client.get("resources", f"/v1/offers/{created['id']}", actor)
            if created["status"] == "draft":
                await self.client.change(
                    "resources",
                    f"/v1/offers/{created['id']}/publish",
                    actor,
                    None,
                    "offer_publications",
                    f"{spec.key}/publish",
                )
            for number, donation in enumerate(spec.donations):
                await self.create(
                    "resources",
                    f"/v1/funds/{created['id']}/entries",
                    actor,
                    f"{spec.key}/donation/{number}",
                    donation,
                    "donations",
                )

        await self.phase("organisations", self.plan.organisations, organisation)
        await self.phase("offers and donations", self.plan.offers, offer)

    async def fulfilments(self) -> None:
        todo = [(c, n) for c in self.plan.cases for n in c.needs if n.fate != "open" and n.offer_key]
        await self.phase("wishes fulfilled", todo, lambda item: self._fulfil(*item))

    async def _fulfil(self, script: CaseScript, need: NeedSpec) -> None:
        """Hold an offer, reserve the need, commit, confirm, deliver, fulfil (and close)."""
        actor = self.worker_actor(script.station_key, script.worker_key)
        need_id = self.ids[need.key]
        current = await self.client.get("case", f"/v1/needs/{need_id}", actor)
        if current["state"] in ("fulfilled", "closed"):  # met already (before its case ended, or by an earlier run)
            if need.fate == "closed" and current["state"] == "fulfilled":
                await self.client.change(
                    "case", f"/v1/needs/{need_id}/close", actor, None, "need_changes", f"{need.key}/close"
                )
            return
        ticket = await self.client.ask("case", f"/v1/needs/{need_id}/ticket", actor)
        body: dict[str, Any] = {
            "need_id": need_id,
            "need_ticket": ticket["ticket"],
            "offer_id": self.ids[need.offer_key or ""],
        }
        if need.kind == "funding":
            body.update(amount=need.body["amount"], purpose="funding")
        else:
            body["quantity"] = need.body["quantity"]
        hold = await self.create("resources", "/v1/holds", actor, f"{need.key}/hold", body, "holds")
        if f"{need.key}/hold" not in self.fresh:
            hold = await self.client.get("resources", f"/v1/holds/{hold['id']}", actor)
        reference = f"hold:{hold['id']}"
        state, hold_state = current["state"], hold["state"]

        async def need_move(verb: str, payload: dict[str, Any] | None) -> None:
            await self.client.change(
                "case", f"/v1/needs/{need_id}/{verb}", actor, payload, "need_changes", f"{need.key}/{verb}"
            )

        async def hold_move(verb: str) -> None:
            await self.client.change(
                "resources", f"/v1/holds/{hold['id']}/{verb}", actor, None, "hold_changes", f"{need.key}/hold/{verb}"
            )

        if state == "open":
            await need_move("hold", {"reference": reference, "until": iso_utc(clock.now() + timedelta(hours=2))})
            state = "pending"
        if hold_state == "held":
            await hold_move("commit")
            hold_state = "committed"
        if state == "pending":
            await need_move("confirm", {"reference": reference})
            state = "matched"
        if hold_state == "committed":
            await hold_move("deliver")
        if state == "matched":
            proof = {"proof_note": "社工与捐赠方一同上门送达，服务对象签收。", "feedback": "谢谢社工和好心人！"}
            await need_move("fulfil", proof)
            state = "fulfilled"
        if need.fate == "closed" and state == "fulfilled":
            await need_move("close", None)

    # --- volunteers ---------------------------------------------------------------------
    async def volunteers(self) -> None:
        async def volunteer(spec: Any) -> None:
            actor = self.platform_actor(spec.station_key)
            body = {**spec.body, "platform_id": self.ids[spec.station_key]}
            body["platform_ticket"] = await self.platform_ticket(actor, spec.station_key)
            created = await self.create("volunteers", "/v1/volunteers", actor, spec.key, body, "volunteers")
            if spec.key not in self.fresh:
                created = await self.client.get("volunteers", f"/v1/volunteers/{created['id']}", actor)
            if created["verification"] == "pending":
                await self.client.change(
                    "volunteers",
                    f"/v1/volunteers/{created['id']}/verify",
                    actor,
                    {"decision": "verified"},
                    "verifications",
                    f"{spec.key}/verify",
                )

        async def team(spec: Any) -> None:
            actor = self.platform_actor(spec.platform_key)
            body = {"name": spec.name, "platform_id": self.ids[spec.platform_key], "region": spec.region}
            body["platform_ticket"] = await self.platform_ticket(actor, spec.platform_key)
            created = await self.create("volunteers", "/v1/teams", actor, spec.key, body, "teams")
            present = set()
            if spec.key not in self.fresh:
                listed = await self.client.get("volunteers", f"/v1/teams/{created['id']}/members", actor)
                present = {m["volunteer_id"] for m in (listed["items"] if isinstance(listed, dict) else listed)}
            for volunteer_key, leader in spec.members:
                if self.ids[volunteer_key] not in present:
                    await self.client.change(
                        "volunteers",
                        f"/v1/teams/{created['id']}/members",
                        actor,
                        {"volunteer_id": self.ids[volunteer_key], "is_leader": leader},
                        "team_members",
                        f"{spec.key}/{volunteer_key}",
                    )

        await self.phase("volunteers", self.plan.volunteers, volunteer)
        await self.phase("teams", self.plan.teams, team)
        await self.phase("activities", self.plan.activities, self._activity)

    async def _activity(self, spec: ActivitySpec) -> None:
        actor = self.platform_actor(spec.station_key)
        body: dict[str, Any] = {
            "title": spec.title,
            "place": spec.place,
            "region": spec.region,
            "capacity": spec.capacity,
            "starts_at": spec.starts_at.isoformat(),
            "ends_at": spec.ends_at.isoformat(),
            "required_skills": spec.skills,
            "is_public": True,
            "project_id": self.ids[spec.project_key] if spec.project_key else None,
        }
        if spec.team_key:
            body.update(organiser_kind="team", team_id=self.ids[spec.team_key])
        else:
            ticket = await self.platform_ticket(actor, spec.station_key)
            body.update(organiser_kind="platform", platform_id=self.ids[spec.station_key], platform_ticket=ticket)
        activity = await self.create("volunteers", "/v1/activities", actor, spec.key, body, "activities")
        signups = []
        for volunteer_key in spec.signups:
            signups.append(
                await self.create(
                    "volunteers",
                    f"/v1/activities/{activity['id']}/signups",
                    actor,
                    f"{spec.key}/{volunteer_key}",
                    {"volunteer_id": self.ids[volunteer_key]},
                    "signups",
                )
            )
        if not spec.held:
            return
        if spec.key not in self.fresh:
            activity = await self.client.get("volunteers", f"/v1/activities/{activity['id']}", actor)
            listed = await self.client.get(
                "volunteers", f"/v1/activities/{activity['id']}/signups", actor, {"limit": 100}
            )
            signups = [s for s in listed["items"] if s["status"] == "confirmed"]
        for number, signup in enumerate(signups):
            base = f"{spec.key}/signup/{signup['volunteer_id']}"
            if signup["checked_in_at"] is None:
                await self.client.change(
                    "volunteers",
                    f"/v1/signups/{signup['id']}/check-in",
                    actor,
                    {"at": spec.check_in_at(number).isoformat()},
                    "check_ins",
                    f"{base}/in",
                )
            if signup["checked_out_at"] is None:
                await self.client.change(
                    "volunteers",
                    f"/v1/signups/{signup['id']}/check-out",
                    actor,
                    {"at": spec.check_out_at(number).isoformat()},
                    "check_outs",
                    f"{base}/out",
                )
            if signup["hours_state"] in ("none", "pending"):
                await self.client.change(
                    "volunteers",
                    f"/v1/signups/{signup['id']}/approve-hours",
                    actor,
                    None,
                    "hours_approved",
                    f"{base}/approve",
                )
        if activity["state"] == "scheduled":
            await self.client.change(
                "volunteers",
                f"/v1/activities/{activity['id']}/complete",
                actor,
                {"beneficiaries": spec.beneficiaries, "social_worker_participants": 2, "donor_participants": 1},
                "activities_completed",
                f"{spec.key}/complete",
            )


async def demo_loaded_at(urls: dict[str, str], settings: Settings | None = None) -> datetime | None:
    """When the demo's first record was made, if the database has it (None for an empty one)."""
    first = build_plan(clock.now()).platforms[0]
    client = DemoClient(urls, settings or get_settings())
    admin = Actor("civil_affairs_admin", "demo-civil-affairs", region="15")
    try:
        page = await client.get(
            "case", "/v1/platforms", admin, {"level": "county_centre", "region": first.region_code, "limit": 100}
        )
    finally:
        await client.close()
    found = [p for p in page["items"] if p["name"] == first.name]
    return datetime.fromisoformat(found[0]["created_at"]) if found else None


async def seed_demo(
    urls: dict[str, str],
    settings: Settings | None = None,
    *,
    concurrency: int = 12,
    show_progress: bool = True,
    recipients: int = RECIPIENTS,
    seed: int = SEED,
) -> SeedReport:
    """Create (or confirm) the whole demo against running services; returns what it did.

    Raises `SeedError` naming the step and the answer that stopped it; a later run resumes.
    """
    client = DemoClient(urls, settings or get_settings(), concurrency=concurrency)
    started = time.monotonic()
    columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, disable=not show_progress, transient=False) as progress:
            seeder = DemoSeeder(client, partial(build_plan, seed=seed, recipients=recipients), progress)
            await seeder.platforms()
            await seeder.staff_and_projects()
            await seeder.recipients()
            await seeder.organisations()
            await seeder.cases()
            await seeder.fulfilments()
            await seeder.volunteers()
    except SeedError as error:
        error.step = seeder.step
        raise
    finally:
        await client.close()
    return SeedReport(seeder.plan.counts(), client.tally, time.monotonic() - started)
