import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


async def test_today_after_sign_in(station_page: Page, shots: Screenshots) -> None:
    await expect(station_page.get_by_role("navigation")).to_contain_text("需求与匹配")
    await shots.take(station_page, "smoke")
