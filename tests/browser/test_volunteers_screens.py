"""志愿者与关爱 in Chromium: the station publishes an activity and signs a volunteer up; the volunteer,
signed in on a 360 px phone, checks in and out with the big buttons, finds the elder's address on their care assignment and logs a visit with a
wellbeing flag; the station worker approves both, and the certificate prints without the frame."""

import random
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from services.common.clock import beijing, beijing_midnight, clock, iso_utc
from tests.browser.conftest import Screenshots
from tests.browser.world import BrowserWorld
from tests.case.factories import make_id_number
from tests.support.graphql import gql

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TAG = uuid.uuid4().hex[:5]
REGISTER = """mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) {
  __typename ... on VolunteerRegistered { volunteer { id } } } }"""
VERIFY = """mutation($id: ID!) { verifyVolunteer(volunteerId: $id) { __typename } }"""
RECIPIENT = """mutation($input: CreateRecipientInput!) { createRecipient(input: $input) {
  ... on RecipientCreated { recipient { id } } } }"""
OPEN_CASE = """mutation($input: OpenCaseInput!) { openCase(input: $input) { ... on CaseOpened { case { id } } } }"""
ADVANCE = """mutation($id: ID!) { advanceCase(caseId: $id, toState: ASSESSMENT, note: "入户评估") { __typename } }"""
PUBLISH = """mutation($input: PublishNeedInput!) { publishNeed(input: $input) { __typename
  ... on NeedPublished { need { id } } ... on InvalidInput { fields messageZh } ... on Conflict { messageZh } } }"""
ASSIGN = """mutation($need: ID!, $volunteer: ID!, $weekday: Int!, $key: String!) {
  assignVolunteer(input: {needId: $need, volunteerId: $volunteer, idempotencyKey: $key,
                          schedule: {weekday: $weekday, start: "00:00", durationMinutes: 60}}) { __typename } }"""
CREATE = """mutation($input: CreateActivityInput!) { createActivity(input: $input) { __typename } }"""
ADDRESS = f"满洲里市东山街道二道街 {random.randint(10, 99)} 号"


def _ok(world: BrowserWorld, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = gql(world.stack, query, variables, world.station())
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _verified_volunteer(world: BrowserWorld) -> str:
    """A verified volunteer of the station, good at companionship."""
    person = {"platformId": world.station_gid, "name": f"其其格{TAG}", "phone": "13947001234", "region": "150781001",
              "skills": ["COMPANIONSHIP"],
              "idNumber": make_id_number("150781", date(1990, 5, 6), random.randint(100, 999))}  # fmt: skip
    volunteer: str = _ok(world, REGISTER, {"input": person})["registerVolunteer"]["volunteer"]["id"]
    _ok(world, VERIFY, {"id": volunteer})
    return volunteer


async def _activity_with(page: Page, workbench_url: str, title: str) -> str:
    """The station publishes an activity that started half an hour ago and signs the volunteer up."""
    await page.goto(f"{workbench_url}/volunteers/activities/new")
    starts = beijing(clock.now() - timedelta(minutes=30))
    await page.get_by_label("活动名称").fill(title)
    await page.get_by_label("地点").fill("东山社区活动室")
    await page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("结束时间").fill((starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("名额").fill("5")
    await page.get_by_role("button", name="发布活动").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await page.get_by_label("志愿者", exact=True).select_option(label=f"其其格{TAG}")
    await page.get_by_role("button", name="为志愿者报名").click()
    await expect(page.get_by_role("status")).to_have_text(f"已报名：其其格{TAG}")
    await expect(page.locator("#h-signups + ul")).to_contain_text(f"其其格{TAG}")
    return page.url


def _public_activity_later(world: BrowserWorld, title: str) -> None:
    """A public activity of the station in two days, for the volunteer to sign up on their own."""
    starts = clock.now() + timedelta(days=2)
    activity = {"title": title, "organiserKind": "PLATFORM", "platformId": world.station_gid, "place": "东山社区卫生室",
                "region": "150781001", "startsAt": iso_utc(starts), "endsAt": iso_utc(starts + timedelta(hours=2)),
                "capacity": 3}  # fmt: skip
    assert _ok(world, CREATE, {"input": activity})["createActivity"]["__typename"] == "ActivityCreated"


def _elder_in_care_of(world: BrowserWorld, volunteer: str) -> None:
    """An elder of the station with a weekly care need, assigned to the volunteer from today."""
    birth = date(1941, 6, 12)
    person = {"platformId": world.station_gid, "regionCode": "150781001", "name": f"乌云{TAG}", "gender": "FEMALE",
              "birthDate": birth.isoformat(), "categories": ["ELDERLY", "LIVING_ALONE"], "address": ADDRESS,
              "idNumber": make_id_number("150781", birth, random.randint(100, 999)), "phone": "13812340077",
              "consent": {"givenBy": "本人", "givenAt": "2026-11-20T02:00:00Z", "purpose": "探访服务"}}  # fmt: skip
    recipient = _ok(world, RECIPIENT, {"input": person})["createRecipient"]["recipient"]["id"]
    case = _ok(world, OPEN_CASE, {"input": {"recipientId": recipient, "domain": "ELDERLY"}})["openCase"]["case"]["id"]
    assert _ok(world, ADVANCE, {"id": case})["advanceCase"]["__typename"] == "CaseAdvanced"
    care = {"caseId": case, "kind": "CARE", "title": f"每周陪伴{TAG}", "visitsPerMonth": 4, "visitMinutes": 60,
            "skills": ["COMPANIONSHIP"]}  # fmt: skip
    published = _ok(world, PUBLISH, {"input": care})["publishNeed"]
    assert published["__typename"] == "NeedPublished", published
    need = published["need"]["id"]
    # Weekly three days from today: no clash with today's activity the volunteer signed up for.
    away_from_today = (clock.today() + timedelta(days=3)).isoweekday()
    variables = {"need": need, "volunteer": volunteer, "weekday": away_from_today, "key": f"care-{TAG}"}
    assert _ok(world, ASSIGN, variables)["assignVolunteer"]["__typename"] == "VolunteerAssigned"


async def _sign_in_as_volunteer(browser: Browser, workbench_url: str, volunteer: str) -> Page:
    """A phone-sized page signed in through the development picker's form, as that volunteer."""
    context = await browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
    context.set_default_timeout(15_000)
    phone = await context.new_page()
    await phone.goto(f"{workbench_url}/signin")
    csrf = await phone.locator("input[name=csrf_token]").first.get_attribute("value")
    form: dict[str, str | float | bool] = {"csrf_token": csrf or "", "identity": volunteer, "next": "/volunteers/me"}
    await phone.request.post(f"{workbench_url}/signin/dev", form=form, max_redirects=0)
    await phone.goto(f"{workbench_url}/volunteers/me")
    return phone


async def test_a_volunteer_checks_in_and_out_on_a_phone(
    browser: Browser, station_page: Page, workbench_url: str, browser_world: BrowserWorld, shots: Screenshots
) -> None:
    title = f"敬老院包饺子{TAG}"
    volunteer = _verified_volunteer(browser_world)
    _elder_in_care_of(browser_world, volunteer)
    _public_activity_later(browser_world, f"社区义诊{TAG}")
    activity_url = await _activity_with(station_page, workbench_url, title)
    phone = await _sign_in_as_volunteer(browser, workbench_url, volunteer)
    try:
        await expect(phone.get_by_role("heading", name="我的志愿服务")).to_be_visible()
        # Signing up on their own for a public activity later on.
        await phone.locator("#h-open + ul li", has_text=f"社区义诊{TAG}").get_by_role("button", name="我要报名").click()
        await expect(phone.get_by_role("status")).to_contain_text("已报名")
        later = phone.locator("#h-signups + ul li", has_text=f"社区义诊{TAG}")
        await expect(later).to_contain_text("活动开始前一小时开放签到")
        await expect(later.get_by_role("button")).to_have_count(0)
        item = phone.locator("li", has_text=title)
        await item.get_by_role("button", name="签到").click()
        await expect(phone.get_by_role("status")).to_have_text("已签到。")
        check_out = phone.locator("li", has_text=title).get_by_role("button", name="签退")
        box = await check_out.bounding_box()
        assert box is not None and box["height"] >= 48 and box["width"] >= 300, box  # a thumb's button
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 360
        await shots.take(phone, "volunteers-phone-checked-in")
        await check_out.click()
        await expect(phone.get_by_role("status")).to_have_text("已签退，服务时长待审核。")
        await expect(phone.locator("li", has_text=title)).to_contain_text("签退")

        # The elder's address while assigned; a visit logged with a wellbeing flag (zh-CN labels).
        care = phone.locator("li", has_text=ADDRESS)
        await expect(care).to_contain_text("探访地址")
        await care.get_by_role("link", name="记录探访").click()
        # Today in Beijing (the assignment starts today), a little before now.
        visited = beijing(max(clock.now() - timedelta(minutes=2), beijing_midnight(clock.today())))
        await phone.get_by_label("探访时间").fill(visited.strftime("%Y-%m-%dT%H:%M"))
        await phone.get_by_label("情况记录").fill("陪老人聊天，老人说最近睡不好")
        await phone.get_by_label("情绪低落").check()
        await phone.get_by_role("button", name="保存探访记录").click()
        await expect(phone.get_by_role("status")).to_have_text("探访已记录。")
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 360
        await shots.take(phone, "volunteers-phone-visit")
    finally:
        await phone.context.close()

    # The organiser sees the attendance and approves the minutes.
    await station_page.goto(activity_url)
    row = station_page.locator("li", has_text=f"其其格{TAG}")
    await row.get_by_role("button", name="审核通过时长").click()
    await expect(station_page.get_by_role("status")).to_have_text("时长已计入。")
    await shots.take(station_page, "volunteers-activity-approved")

    # The visit's hours approved on the care page, its flag shown; the certificate prints alone.
    await station_page.get_by_role("link", name="关爱服务").click()
    pending = station_page.locator("#h-pending + ul li", has_text=f"其其格{TAG}")
    await pending.get_by_role("button", name="审核通过时长").click()
    await expect(station_page.get_by_role("status")).to_have_text("时长已计入。")
    visit_row = station_page.locator("table tr", has_text=f"乌云{TAG}")
    await expect(visit_row.locator(".badge.warn")).to_have_count(1)
    await station_page.get_by_role("link", name="志愿者与关爱").click()
    await station_page.get_by_role("link", name=f"其其格{TAG}").click()
    await station_page.get_by_role("link", name="志愿服务证明").click()
    await expect(station_page.locator(".certificate")).to_contain_text(f"其其格{TAG}")
    await station_page.emulate_media(media="print")
    await expect(station_page.locator("header.top")).to_be_hidden()
    await shots.take(station_page, "volunteers-certificate-print")


def test_a_volunteer_lands_on_their_own_page_and_staff_on_the_days_work() -> None:
    from workbench.pages.signin import landing
    from workbench.session import SignedInUser

    volunteer = SignedInUser(token="t", role="volunteer", name="其其格", subject="v")
    worker = SignedInUser(token="t", role="station_staff", name="东山街道", subject="s")
    assert landing(volunteer, "/today") == "/volunteers/me"
    assert landing(volunteer, "/volunteers/care") == "/volunteers/care"  # the page asked for comes first
    assert landing(worker, "/today") == "/today"
