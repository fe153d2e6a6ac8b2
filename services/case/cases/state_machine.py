"""The service process of a case (Hunan DB43 guideline; DESIGN.md "Case"), as an explicit table.

    intake → assessment → planning → intervention → evaluation → closed → follow_up
               ↘ referred (via a referral) ↙                          ↖_____↙

Entering and leaving `referred` happens only through a referral's outcome:
declined, cancelled or completed returns the case to where it was (completed does not skip to
evaluation: the worker moves it on).
"""

from services.common.errors import InvalidTransition
from services.common.vocabulary import CaseState

S = CaseState

# Transitions a worker may make directly.
DIRECT: dict[CaseState, frozenset[CaseState]] = {
    S.INTAKE: frozenset({S.ASSESSMENT, S.CLOSED}),  # closing at intake = not taken on (不予接案)
    S.ASSESSMENT: frozenset({S.PLANNING, S.CLOSED}),
    S.PLANNING: frozenset({S.INTERVENTION, S.CLOSED}),
    S.INTERVENTION: frozenset({S.EVALUATION}),
    S.EVALUATION: frozenset({S.CLOSED, S.INTERVENTION}),  # back when the goals are not met
    S.REFERRED: frozenset(),
    S.CLOSED: frozenset({S.FOLLOW_UP}),
    S.FOLLOW_UP: frozenset({S.CLOSED, S.ASSESSMENT}),  # reopened when the follow-up finds a need
}

# States a case may be referred from.
REFERRABLE = frozenset({S.ASSESSMENT, S.PLANNING, S.INTERVENTION})


def allowed_from(state: CaseState) -> list[CaseState]:
    return sorted(DIRECT[state], key=list(CaseState).index)


def ensure_direct(current: CaseState, target: CaseState) -> None:
    if target not in DIRECT[current]:
        raise InvalidTransition(
            f"A case cannot go from {current.value} to {target.value}.",
            f"个案不能从「{current.label}」转到「{target.label}」。",
            current_state=current.value,
            allowed=[s.value for s in allowed_from(current)],
        )


def ensure_referrable(current: CaseState) -> None:
    if current not in REFERRABLE:
        raise InvalidTransition(
            f"A case in {current.value} cannot be referred.",
            f"处于「{current.label}」阶段的个案不能转介。",
            current_state=current.value,
        )
