"""Match weights and thresholds (Fellegi-Sunter), with defaults and a loader from a mapping.

Every weight is a *match weight* in bits: ``log2(m / u)``, where ``m`` is the chance that a
field reaches that level of agreement for two records of the same child and ``u`` the chance
for two records of different children found by the same blocking. Positive weights are
evidence for a match, negative ones against; a missing value weighs 0. A candidate's score is
the sum over fields. docs/identity.md explains each default and how it was tuned.

``config_from_mapping`` takes a plain mapping (e.g. the ``[identity]`` table of a TOML file,
read by an adapter) and rejects unknown keys, so a typo in a weight name is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class MatchConfig:
    # given name (first token), compared with the family name's variants too
    given_exact: float = 5.5
    given_nickname: float = 5.0
    given_variant: float = 3.0
    given_typo: float = 5.0
    given_similar: float = -4.0
    given_other_token: float = 2.0
    given_initial: float = 0.0
    given_disagree: float = -20.0
    # family name: whole name, one shared hyphenated part, a typo, or a change
    family_exact: float = 5.5
    family_part: float = 3.0
    family_typo: float = 3.0
    family_similar: float = -2.0
    family_disagree: float = -6.0
    # given and family names written the wrong way round
    names_swapped: float = 9.0
    names_swapped_typo: float = 7.0
    """Swapped, and one of the two names agrees only by a typo (Edwards Aiden / Ayden Edwards).
    Two errors in one record are rarer than one, and twins are given such look-alike names, so
    it is never decisive on its own (``link_min_given_weight``): a person decides."""
    # date of birth
    dob_exact: float = 12.0
    dob_day_month_swap: float = 7.0
    dob_one_digit: float = 2.0
    dob_same_year: float = -8.0
    dob_disagree: float = -12.0
    # sex
    sex_agree: float = 0.8
    sex_disagree: float = -8.0
    # postcode: children move, so a different postcode is weak evidence against
    postcode_full: float = 7.0
    postcode_sector: float = -2.0
    postcode_district: float = -4.0
    postcode_disagree: float = -7.0
    # term frequencies: exact agreement on a rare name counts more (see frequencies.py)
    tf_given_u: float = 0.02
    tf_family_u: float = 0.02
    tf_prior: float = 200.0
    tf_cap: float = 3.0
    tf_family_prior: float = 20.0
    """Pseudo-children smoothing a given name's share among one family name's children."""
    # population size: the prior odds that two records are one child fall as 1/children, so
    # past reference_children every threshold rises by population_prior * log2(children /
    # reference_children) bits, and so does a full postcode's weight (the chance that another
    # child shares a postcode grows with the population too; a household match is unchanged)
    reference_children: float = 10_000.0
    population_prior: float = 1.0
    # strong identifiers agreeing (LA child id, UPN, NHS number, YOT id, source id)
    strong_id_agree: float = 30.0
    # decisions
    link_threshold: float = 16.0
    """Recalibrated on the training seeds' events (docs/identity.md, Quality): the lowest
    threshold whose automatic links keep pairwise precision >= 0.9995 on every one."""
    link_without_dob_min_given: float = 3.5
    """Without a date of birth on both sides, auto-link only when the exact given name is rare
    enough among children of that family name (its weight with term frequency reaches this):
    same-name siblings are otherwise indistinguishable."""
    link_min_given_weight: float = 5.0
    """Auto-link only when the given-name level's own weight reaches this (or names are
    swapped): twins share everything but the given name, so a nickname or typo match within
    a household is for a person to decide."""
    link_elsewhere_margin: float = 8.0
    """A match whose postcode is outside the child's postcode sectors (another district, or
    another sector of its district: a move, or a namesake in another family)
    needs ``link_threshold`` plus this to link, unless the child's household is known to have
    moved there (a sibling of the same family name holds both addresses): otherwise a person
    decides. Exact common names and date of birth elsewhere are not enough."""
    review_threshold: float = 11.0
    link_household_threshold: float = 14.0
    """Without a date of birth, exact given and family names at the child's own full
    postcode link at this score (below ``link_threshold``, and whatever the given name's
    weight) when no other child of the household has a given name like the record's
    (``resolver.alone_in_household``): a common name (Oliver Smith) is then still one child
    at that address. Measured on training authorities, held-out ones checked (docs/identity.md)."""
    ambiguity_margin: float = 4.0
    max_block_size: int = 400
    max_candidates: int = 50


DEFAULT_CONFIG = MatchConfig()


def config_from_mapping(
    values: Mapping[str, object], base: MatchConfig = DEFAULT_CONFIG
) -> MatchConfig:
    """A config with ``values`` overriding ``base``; unknown keys or non-numbers are errors."""
    known = {f.name: f.type for f in fields(MatchConfig)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"unknown identity setting(s): {', '.join(unknown)}")
    changes: dict[str, float | int] = {}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"identity setting {name} must be a number, not {value!r}")
        changes[name] = int(value) if known[name] in ("int", int) else float(value)
    return replace(base, **changes)  # type: ignore[arg-type]
