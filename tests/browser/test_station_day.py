"""A station worker's day in the workbench, in Chromium against the real stack: register an elder
(a wrong check digit refused next to the field), open a case, add a record, publish a wish, confirm
a proposal with a double click (one hold), record fulfilment with a photo that the public wish then
shows, and confirm a donor's claim made from an app."""

import io
import uuid
from datetime import date
from typing import Any

import pytest
from PIL import Image
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import Screenshots
from tests.browser.world import BrowserWorld, local_id
from tests.case.factories import make_id_number
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.graphql import gql

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TAG = uuid.uuid4().hex[:5]

ORG = """mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) {
  ... on OrganizationRegistered { organization { id } } } }"""
VERIFY_ORG = """mutation($id: ID!) { verifyOrganization(organizationId: $id) { __typename } }"""
OFFER = """mutation($input: CreateOfferInput!) { createOffer(input: $input) { ... on OfferSaved { offer { id } } } }"""
PUBLISH_OFFER = """mutation($id: ID!) { publishOffer(offerId: $id) { __typename } }"""
PAUSE_OFFER = """mutation($id: ID!) { pauseOffer(offerId: $id) { __typename } }"""
HOLDS = """query($need: ID!) { holds(first: 10, filter: {needId: $need}) { edges { node { state } } } }"""
FEED = """query { publicWishes(first: 100, filter: {region: "150781"}) { edges { node { id title } } } }"""
FULFILLED = """query { fulfilledWishes(first: 100, filter: {region: "150781"}) { edges { node {
  title proofNote proofPhotoUrl } } } }"""
CLAIM = """mutation($wish: ID!, $key: String!) { claimWish(wishId: $wish, donor: {name: "赵敏", contact: "13900007777"},
  idempotencyKey: $key) { __typename } }"""
PUBLISH = (
    """mutation($input: PublishNeedInput!) { publishNeed(input: $input) { ... on NeedPublished { need { id } } } }"""
)


def _ok(world: BrowserWorld, query: str, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    body = gql(world.stack, query, variables, headers)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _charity_offering_walkers(world: BrowserWorld) -> tuple[dict[str, str], str]:
    org = {
        "kind": "CHARITY",
        "name": f"扎区助老协会{TAG}",
        "contactName": "韩",
        "contactPhone": "13900001111",
        "serviceRegions": ["150781"],
        "creditCode": credit_code("150781"),
    }
    org_id = _ok(world, ORG, {"input": org}, world.admin)["registerOrganization"]["organization"]["id"]
    _ok(world, VERIFY_ORG, {"id": org_id}, world.admin)
    staff = bearer(world.settings, "org_staff", org_id=local_id(org_id), region="150781", subject=f"charity-{TAG}")
    offer = {
        "kind": "MATERIAL",
        "title": f"助行器捐赠{TAG}",
        "regionPrefix": "150781",
        "category": "MOBILITY_AID",
        "quantity": 30,
    }
    offer_id = _ok(world, OFFER, {"input": offer}, staff)["createOffer"]["offer"]["id"]
    assert _ok(world, PUBLISH_OFFER, {"id": offer_id}, staff)["publishOffer"]["__typename"] == "OfferSaved"
    return staff, offer_id


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_a_station_day_in_the_workbench(
    station_page: Page, browser: Browser, browser_world: BrowserWorld, shots: Screenshots
) -> None:
    page, world = station_page, browser_world
    birth = date(1942, 3, 8)
    id_number = make_id_number("150781", birth, 300 + int(TAG, 16) % 500)
    wrong = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")

    # Register an elder: the wrong check digit is refused next to the ID field, in Chinese.
    await page.get_by_role("link", name="服务对象 / 个案").click()
    await page.get_by_role("link", name="登记服务对象").click()
    await page.get_by_label("姓名").fill(f"乌云{TAG}")
    await page.get_by_label("身份证号").fill(wrong)
    await page.get_by_label("出生日期").fill(birth.isoformat())
    await page.get_by_label("住址").fill("满洲里市扎赉诺尔区二道街 7 号")
    await page.get_by_label("老年人").check()
    await page.get_by_label("独居").check()
    await page.get_by_role("button", name="保存并建档").click()
    id_field = page.get_by_label("身份证号")
    await expect(id_field).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#e-id_number")).to_contain_text("身份证")
    await id_field.fill(id_number)
    await page.get_by_role("button", name="保存并建档").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"乌云{TAG}")

    # Registered twice by mistake: the duplicate ID number is explained, with the way to the record.
    await page.get_by_role("link", name="服务对象 / 个案").click()
    await page.get_by_role("link", name="登记服务对象").click()
    await page.get_by_label("姓名").fill(f"乌云{TAG}")
    await page.get_by_label("身份证号").fill(id_number)
    await page.get_by_label("出生日期").fill(birth.isoformat())
    await page.get_by_label("老年人").check()
    await page.get_by_role("button", name="保存并建档").click()
    await expect(page.get_by_role("status")).to_contain_text("该身份证号已在本平台建档")
    await page.get_by_role("link", name="查看该档案").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"乌云{TAG}")

    # Found again by name: the list narrows as the worker types (htmx), and leads back to the record.
    await page.get_by_role("link", name="服务对象 / 个案").click()
    await page.get_by_role("searchbox", name="姓名").fill(f"乌云{TAG}")
    results = page.locator("#results")
    await expect(results).to_contain_text("共 1 人")
    await results.get_by_role("link", name=f"乌云{TAG}").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"乌云{TAG}")

    # Open a case, move it to assessment, add a home visit: all on the case file's timeline.
    await page.get_by_role("button", name="开案").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("个案档案")
    await page.get_by_label("备注").first.fill("入户评估")
    await page.get_by_role("button", name="转入预估").click()
    await expect(page.locator("#case-state")).to_have_text("预估")
    await page.get_by_label("服务类型").select_option("HOME_VISIT")
    await page.locator("#f-note").fill(f"入户走访{TAG}")
    await page.get_by_role("button", name="保存记录").click()
    timeline = page.locator("ol.timeline")
    await expect(timeline).to_contain_text(f"入户走访{TAG}")
    await expect(timeline).to_contain_text("入户评估")

    # Publish a micro-wish for the case; a charity offers walkers.
    staff, offer_id = _charity_offering_walkers(world)
    await page.get_by_role("link", name="发布需求").click()
    await page.get_by_label("标题").fill(f"助行器{TAG}")
    await page.get_by_label("物资类别").select_option("MOBILITY_AID")
    await page.get_by_label("估值（元）").fill("260.00")
    await page.get_by_role("button", name="发布需求").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"助行器{TAG}")
    need_url = page.url
    need_id = need_url.rsplit("/", 1)[1]

    # The proposal, with its reasons and score parts; a double click confirms it once.
    await page.get_by_role("link", name="匹配建议").first.click()
    card = page.locator("li.proposal", has=page.get_by_role("link", name=f"助行器{TAG}")).first
    await expect(card).to_contain_text("得分")
    await expect(card.locator("ul.reasons li").first).to_be_visible()
    await shots.take(page, "proposals")
    await card.get_by_role("button", name="确认匹配").dblclick()
    await expect(page.locator(".notice")).to_contain_text("已确认匹配")
    await expect(page.locator("#need-state")).to_have_text("已对接")
    holds = _ok(world, HOLDS, {"need": need_id}, world.station())["holds"]["edges"]
    assert [h["node"]["state"] for h in holds] == ["COMMITTED"], holds
    _ok(world, PAUSE_OFFER, {"id": offer_id}, staff)

    # Fulfilment with a photo: the public wish shows the photo to anyone.
    await page.get_by_label("凭证照片").set_input_files(
        {"name": "proof.png", "mimeType": "image/png", "buffer": _photo()}
    )
    await page.get_by_label("圆梦说明").fill("助行器已送到老人家中")
    await page.get_by_label("服务对象反馈").fill("谢谢，出门方便多了")
    await page.get_by_role("button", name="保存圆梦记录").click()
    await expect(page.locator("#need-state")).to_have_text("已实现")
    await expect(page.get_by_role("img", name=f"助行器{TAG}的凭证照片")).to_be_visible()
    shown = [e["node"] for e in _ok(world, FULFILLED, {}, {})["fulfilledWishes"]["edges"]]
    wish = next(w for w in shown if w["title"] == f"助行器{TAG}")
    assert wish["proofNote"] == "助行器已送到老人家中" and wish["proofPhotoUrl"], wish
    anyone = await browser.new_context()  # no session, no token: the public wish's photo as anyone sees it
    public_photo = await (await anyone.new_page()).goto(world.stack.url("gateway") + wish["proofPhotoUrl"])
    assert public_photo is not None and public_photo.status == 200
    assert (await public_photo.header_value("content-type") or "").startswith("image/")
    await anyone.close()

    # A donor claims a second wish from an app; the station confirms it from the dashboard.
    case_id = (await page.locator('a[href^="/people/cases/"]').first.get_attribute("href") or "").rsplit("/", 1)[1]
    blanket = {"caseId": case_id, "kind": "MICRO_WISH", "title": f"棉被{TAG}", "itemCategory": "BEDDING", "quantity": 1}
    _ok(world, PUBLISH, {"input": blanket}, world.station())
    app = bearer(world.settings, "app_client", subject=f"donor-app-{TAG}", scopes=["wishes:read", "wishes:claim"])
    feed = [e["node"] for e in _ok(world, FEED, {}, app)["publicWishes"]["edges"]]
    wish_id = next(w["id"] for w in feed if w["title"] == f"棉被{TAG}")
    assert _ok(world, CLAIM, {"wish": wish_id, "key": f"claim-{TAG}"}, app)["claimWish"]["__typename"] == "WishClaimed"
    await page.get_by_role("link", name="今日工作台").click()
    claims = page.locator("section", has=page.get_by_role("heading", name="待确认的爱心认领"))
    await expect(claims).to_contain_text(f"棉被{TAG}")
    await expect(claims).to_contain_text("前未确认将失效")
    await shots.take(page, "dashboard")
    await claims.get_by_role("link", name=f"棉被{TAG}").click()
    await expect(page.locator("section", has=page.get_by_role("heading", name="待确认的爱心认领"))).to_contain_text(
        "赵敏"
    )
    await page.get_by_role("button", name="确认认领（物资已到站）").click()
    await expect(page.locator(".notice")).to_contain_text("已确认爱心认领")
    await expect(page.locator("#need-state")).to_have_text("已对接")
