"""Star levels (星级志愿者) from total recorded hours — the one table to change.

Thresholds follow China's registered-volunteer rules (《志愿服务记录与证明出具办法》 practice):
one star at 100 hours, two at 300, three at 600, four at 1,000, five at 1,500.
"""

STAR_LEVEL_THRESHOLD_HOURS: tuple[tuple[int, int], ...] = (
    (5, 1500),
    (4, 1000),
    (3, 600),
    (2, 300),
    (1, 100),
)


def star_level(total_minutes: int) -> int:
    """The highest level whose threshold the total reaches (compared in exact minutes)."""
    for level, hours in STAR_LEVEL_THRESHOLD_HOURS:
        if total_minutes >= hours * 60:
            return level
    return 0


def minutes_to_next_level(total_minutes: int) -> int | None:
    """Minutes still needed for the next level; None at the top level."""
    upcoming = [hours * 60 for _, hours in STAR_LEVEL_THRESHOLD_HOURS if hours * 60 > total_minutes]
    return min(upcoming) - total_minutes if upcoming else None
