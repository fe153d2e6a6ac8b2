"""The one clock: nothing else reads the wall clock, it can be frozen and shifted, and people's times
are Beijing time while the API's are UTC with a `Z`."""

import ast
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from services.common.clock import (
    BEIJING,
    Clock,
    beijing_month,
    beijing_text,
    beijing_week,
    clock,
    iso_utc,
)
from services.common.settings import Settings

ROOT = Path(__file__).parents[2]
PRODUCT = ["services", "gateway", "wushe_cli", "workbench"]
# Reads of the wall clock, as dotted call names. `func.now()` is PostgreSQL's clock: allowed only
# as a column's server default (rows inserted by hand in SQL), never in a query.
WALL_CLOCK_CALLS = {
    "datetime.now",
    "datetime.utcnow",
    "datetime.today",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "dt.datetime.now",
    "dt.datetime.utcnow",
    "dt.datetime.today",
    "date.today",
    "datetime.date.today",
    "dt.date.today",
    "time.time",
    "time.time_ns",
    "time.localtime",
    "time.gmtime",
    "func.now",
    "func.current_timestamp",
    "func.current_date",
    "func.localtimestamp",
    "func.statement_timestamp",
    "func.clock_timestamp",
}
THE_ONE_READ = ("services/common/clock.py", "_wall_clock")


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return "?"


def wall_clock_reads(root: Path = ROOT) -> list[str]:
    found = []
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            allowed: set[int] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.keyword) and node.arg == "server_default" and isinstance(node.value, ast.Call):
                    allowed.add(id(node.value))
                if (relative, getattr(node, "name", None)) == THE_ONE_READ:
                    allowed.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Call))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and dotted(node.func) in WALL_CLOCK_CALLS and id(node) not in allowed:
                    found.append(f"{relative}:{node.lineno} {dotted(node.func)}()")
    return found


class TestOneClock:
    def test_nothing_but_the_clock_reads_the_wall_clock(self) -> None:
        assert wall_clock_reads() == []

    def test_the_scan_finds_a_read(self, tmp_path: Path) -> None:
        (tmp_path / "services").mkdir()
        (tmp_path / "services" / "late.py").write_text(
            "import time\nfrom datetime import UTC, datetime\n"
            "created = mapped_column(DateTime(), server_default=func.now())\n"
            "def expired(row):\n    return row.until < datetime.now(UTC) or time.time() > 0 or func.now()\n"
        )
        assert sorted(wall_clock_reads(tmp_path)) == [
            "services/late.py:5 datetime.now()",
            "services/late.py:5 func.now()",
            "services/late.py:5 time.time()",
        ]

    def test_the_scan_covers_the_product(self) -> None:
        scanned = [p for folder in PRODUCT for p in (ROOT / folder).rglob("*.py")]
        assert len(scanned) > 150


class TestClock:
    def test_now_is_aware_utc(self) -> None:
        now = Clock().now()
        assert now.tzinfo is UTC

    def test_frozen_stops_it(self) -> None:
        at = datetime(2026, 12, 6, 23, 30, tzinfo=BEIJING)
        with clock.frozen(at):
            assert clock.now() == at and clock.now().tzinfo is UTC
            assert clock.today() == date(2026, 12, 6)
        assert clock.now() != at

    def test_shifted_keeps_running(self) -> None:
        at = datetime(2030, 1, 1, tzinfo=UTC)
        with clock.shifted(at):
            first = clock.now()
            assert abs(first - at) < timedelta(seconds=5)
            assert clock.now() >= first

    def test_settings_select_a_shift_or_an_instant(self) -> None:
        one = Clock()
        one.configure(Settings(clock_shift_s=86400 * 3))
        assert one.now() - datetime.now(UTC) > timedelta(days=2, hours=23)
        one.configure(Settings(clock_frozen_at=datetime(2026, 12, 1, 1, tzinfo=UTC)))
        assert one.now() == datetime(2026, 12, 1, 1, tzinfo=UTC)
        one.configure(Settings())
        assert abs(one.now() - datetime.now(UTC)) < timedelta(seconds=5)

    def test_tests_win_over_settings(self) -> None:
        one = Clock()
        one.configure(Settings(clock_shift_s=-86400))
        with one.frozen(datetime(2026, 1, 1, tzinfo=UTC)):
            one.configure(Settings(clock_shift_s=86400))
            assert one.now() == datetime(2026, 1, 1, tzinfo=UTC)

    def test_production_refuses_a_moved_clock(self) -> None:
        moved = Settings(environment="production", jwks_url="https://id.example/jwks", pii_key="k" * 32)
        moved.clock_shift_s = 3600
        with pytest.raises(RuntimeError, match="wall clock"):
            moved.require_production_secrets()

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(ValueError):
            with clock.frozen(datetime(2026, 12, 1)):
                pass


class TestBeijingTime:
    def test_today_is_the_beijing_date(self) -> None:
        with clock.frozen(datetime(2026, 12, 1, 16, 30, tzinfo=UTC)):  # 00:30 on the 2nd in Beijing
            assert clock.today() == date(2026, 12, 2)

    def test_the_week_turns_at_monday_midnight_in_beijing(self) -> None:
        sunday_late = datetime(2026, 12, 6, 23, 30, tzinfo=BEIJING)
        monday_early = datetime(2026, 12, 7, 0, 30, tzinfo=BEIJING)
        assert beijing_week(sunday_late) == (
            datetime(2026, 11, 30, tzinfo=BEIJING),
            datetime(2026, 12, 7, tzinfo=BEIJING),
        )
        assert beijing_week(monday_early)[0] == datetime(2026, 12, 7, tzinfo=BEIJING)

    def test_this_month_runs_from_the_first_in_beijing(self) -> None:
        start, end = beijing_month(datetime(2026, 11, 30, 16, 1, tzinfo=UTC))  # 1 December 00:01 in Beijing
        assert (start, end) == (datetime(2026, 12, 1, tzinfo=BEIJING), datetime(2027, 1, 1, tzinfo=BEIJING))
        assert iso_utc(start) == "2026-11-30T16:00:00Z"

    def test_people_read_beijing_time(self) -> None:
        assert beijing_text(datetime(2026, 12, 1, 10, 44, tzinfo=UTC)) == "2026-12-01 18:44"
        assert beijing_text(None) == ""

    def test_the_api_writes_utc_with_a_z(self) -> None:
        assert iso_utc(datetime(2026, 12, 1, 18, 44, tzinfo=timezone(timedelta(hours=8)))) == "2026-12-01T10:44:00Z"
