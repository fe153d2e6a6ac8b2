"""Demo data for Wushe: a realistic slice of Inner Mongolia, seeded through the REST APIs."""

from wushe_cli.demo.plan import build_plan
from wushe_cli.demo.seeder import SeedReport, seed_demo

__all__ = ["SeedReport", "build_plan", "seed_demo"]
