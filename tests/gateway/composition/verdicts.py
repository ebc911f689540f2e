"""Judge our composition against a JS composer's: same decision, same rule, same supergraph."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.composition import CompositionResult

from .harness import normalise

__all__ = ["Verdict", "composers_agree", "judge"]


@dataclass(frozen=True)
class Verdict:
    """`agree`, or how we differ: `decision` (one composes, one refuses), `code` (both refuse
    but we name a rule they do not), `supergraph` (both compose, normalised texts differ)."""

    outcome: str
    ours: str
    theirs: str

    @property
    def agrees(self) -> bool:
        return self.outcome == "agree"

    @property
    def satisfiability_only(self) -> bool:
        """A decision that differs only on SATISFIABILITY_ERROR (left to the planner rework)."""
        return self.outcome == "decision" and "SATISFIABILITY_ERROR" in (self.ours, self.theirs) \
            and "," not in self.ours + self.theirs


def _codes(codes) -> str:
    return ",".join(sorted(set(codes)))


def judge(ours: CompositionResult, theirs: dict) -> Verdict:
    """Compare our result with one JS composer's `{"supergraph"} | {"errors", "codes"}`."""
    ours_codes = _codes(e.code for e in ours.errors)
    their_codes = _codes(theirs.get("codes", ()))
    if ours.supergraph is None and "errors" in theirs:
        same_rule = set(ours_codes.split(",")) <= set(their_codes.split(","))
        return Verdict("agree" if same_rule else "code", ours_codes, their_codes)
    if ours.supergraph is None or "errors" in theirs:
        return Verdict("decision", ours_codes or "composed", their_codes or "composed")
    same = normalise(ours.supergraph) == normalise(theirs["supergraph"])
    return Verdict("agree" if same else "supergraph", "composed", "composed")


def composers_agree(answer: dict[str, dict]) -> bool:
    """The two JS composers decide alike: both compose the same supergraph, or both refuse
    naming the same rules (a composer that crashed, EXCEPTION, decided nothing)."""
    apollo, guild = answer["apollo"], answer["guild"]
    if "EXCEPTION" in [*apollo.get("codes", ()), *guild.get("codes", ())]:
        return False
    if "supergraph" in apollo and "supergraph" in guild:
        return normalise(apollo["supergraph"]) == normalise(guild["supergraph"])
    return set(apollo.get("codes", ["composed"])) == set(guild.get("codes", ["composed"]))
