"""Matching benchmark: optimiser vs first-come-first-served greedy on generated instances.

    python bench/matching.py                      # 1k, 10k and 100k needs
    python bench/matching.py --sizes 1000,10000   # the smaller sizes only

For each size prints candidate-generation and solve time, needs met, priority-weighted value
and the share of 特困 needs met for the optimiser and greedy (and, where `--exact-upto` allows,
the gap of the optimiser to the exact MILP), then one JSON line with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.matching import CostModel, propose
from gateway.matching.generator import generate_instance


def run(size: int, seed: int, supply: float, exact_upto: int) -> dict[str, object]:
    """Run one size and return its figures (also printed as a table row)."""
    t = time.perf_counter()
    inst = generate_instance(size, seed=seed, supply=supply)
    generate_s = time.perf_counter() - t
    model = CostModel()
    opt = propose(inst.needs, inst.offers, inst.volunteers, model, "optimal", now=inst.now).stats
    greedy = propose(inst.needs, inst.offers, inst.volunteers, model, "greedy", now=inst.now).stats
    row: dict[str, object] = {
        "needs": size,
        "offers": len(inst.offers),
        "volunteers": len(inst.volunteers),
        "candidates": opt.candidates,
        "candidates_s": round(opt.candidates_s, 3),
        "solve_s": round(opt.solve_s, 3),
        "cpu_s": round(opt.cpu_s, 3),
        "greedy_solve_s": round(greedy.solve_s, 3),
        "met": {"optimal": opt.needs_met, "greedy": greedy.needs_met},
        "value": {"optimal": round(opt.value, 1), "greedy": round(greedy.value, 1)},
        "tekun_met_share": {
            "optimal": round(opt.tekun_met / max(opt.tekun_needs, 1), 3),
            "greedy": round(greedy.tekun_met / max(greedy.tekun_needs, 1), 3),
        },
        "ratio_vs_greedy": round(opt.value / max(greedy.value, 1e-9), 3),
        "notes": opt.notes,
    }
    print(
        f"{size:>7} needs {len(inst.offers):>6} offers {len(inst.volunteers):>6} volunteers"
        f" | generate {generate_s:.2f}s candidates {opt.candidates:>8} in {opt.candidates_s:.2f}s"
        f" solve {opt.solve_s:.2f}s (cpu {opt.cpu_s:.2f}s; greedy solve {greedy.solve_s:.2f}s)"
        f" | met {opt.needs_met} vs {greedy.needs_met}"
        f" value {opt.value:.0f} vs {greedy.value:.0f} (x{row['ratio_vs_greedy']})"
        f" 特困 met {opt.tekun_met}/{opt.tekun_needs} vs {greedy.tekun_met}/{greedy.tekun_needs}",
        flush=True,
    )
    for note in opt.notes:
        print(f"        note: {note}")
    if size <= exact_upto:
        dec = propose(inst.needs, inst.offers, inst.volunteers, model, "decomposed", now=inst.now).stats
        exact = propose(inst.needs, inst.offers, inst.volunteers, model, "exact", now=inst.now).stats
        gap = 1 - dec.objective / exact.objective
        row["exact"] = {
            "objective": round(exact.objective, 1),
            "exact_s": round(exact.solve_s, 3),
            "decomposed_objective": round(dec.objective, 1),
            "decomposed_gap": round(gap, 4),
            "exact_notes": exact.notes,
        }
        print(
            f"        exact MILP objective {exact.objective:.1f} in {exact.solve_s:.2f}s;"
            f" decomposition {dec.objective:.1f} in {dec.solve_s:.2f}s (gap {100 * gap:.2f}%)",
            flush=True,
        )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated need counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--supply", type=float, default=0.6, help="share of demand the resources could cover")
    parser.add_argument("--exact-upto", type=int, default=1000, help="also solve the exact MILP up to this size")
    args = parser.parse_args()
    results = [run(int(s), args.seed, args.supply, args.exact_upto) for s in args.sizes.split(",") if s]
    print(json.dumps({"bench": "matching", "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
