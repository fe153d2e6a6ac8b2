"""The main pages at a phone's 360 px (no horizontal scroll), and forms refused without the CSRF token."""

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

MAIN_PAGES = ["/today", "/people", "/people/new", "/needs", "/needs/new", "/needs/proposals"]


async def test_main_pages_fit_a_360_px_phone(station_page: Page, workbench_url: str, shots: Screenshots) -> None:
    page = station_page
    await page.set_viewport_size({"width": 360, "height": 740})
    for path in MAIN_PAGES:
        await page.goto(workbench_url + path)
        await expect(page.get_by_role("navigation", name="菜单")).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways at 360 px: {width} px wide"
    await page.goto(workbench_url + "/today")
    await shots.take(page, "phone-today")


async def test_english_is_switched_on_and_remembered(station_page: Page, workbench_url: str) -> None:
    page = station_page
    await page.goto(workbench_url + "/today?lang=en")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    await page.get_by_role("link", name="Needs and matching").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Needs and matching")
    await page.get_by_role("link", name="中文").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("需求与匹配")


async def test_a_form_without_the_csrf_token_is_refused(station_page: Page, workbench_url: str) -> None:
    page = station_page
    # The session cookie goes along (as a forged cross-site form would send it), the token does not.
    refused = await page.request.post(f"{workbench_url}/people/new", form={"name": "伪造"}, max_redirects=0)
    assert refused.status == 403
    assert "CSRF" in await refused.text() and "请求被拒绝" in await refused.text()
    forged_htmx = await page.request.post(
        f"{workbench_url}/signout", headers={"HX-Request": "true", "X-CSRF-Token": "not-the-token"}
    )
    assert forged_htmx.status == 403
    # Still signed in: the refused sign-out did nothing; the page's own form carries the token and works.
    await page.goto(workbench_url + "/today")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("今日工作台")
    await page.get_by_role("button", name="退出").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("登录")
