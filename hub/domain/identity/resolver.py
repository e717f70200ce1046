"""Resolve a record to a hub child key: ``resolve(state, record, config) -> (state, decision)``.

``decide`` is the pure core: it reads the state and returns a decision event. ``resolve``
decides, then applies the decision to the (mutable, in-memory) state and returns both.

1. Strong identifiers first. Children already holding one of the record's identifiers (LA
   child id, UPN or former UPN, NHS number, YOT id within its system, source record id,
   other typed ids) are *hits*. A hit whose other strong identifiers do not conflict is
   linked (the most trusted kind wins when several children are hit; the others are named
   in the evidence for a reviewer). If every hit conflicts, a person must decide, but no
   second child is made: the record is linked to the hit its other evidence agrees with best,
   with the conflict in the evidence; its conflicting identifiers stay off that child and a
   review is raised (``_attached_for_review``). A provisional child hit together with the
   child of its open review (a possible match from before this rule, or from scoring) does
   not compete with it (``_settled``).
2. Otherwise, Fellegi-Sunter scoring against the children found by blocking. The best child
   at or above ``link_threshold`` (raised with the population) is linked unless another child
   scores within ``ambiguity_margin`` of it, or the given name cannot tell it from a twin or
   sibling (``_given_is_decisive``); a child with a conflicting strong identifier is never
   linked.
3. A best score at or above ``review_threshold`` (or a conflicting child that would have
   linked) is a possible match: the record gets a new provisional key and the candidate is
   recorded. Anything lower starts a new child.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hub.domain.identity.apply import apply
from hub.domain.identity.blocking import household_keys, query_keys
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import (
    ChildLinked,
    Decision,
    Evidence,
    NewChildRegistered,
    PossibleMatchFound,
)
from hub.domain.identity.keys import child_key
from hub.domain.identity.levels import given_level
from hub.domain.identity.records import Person, PersonRecord, normalise
from hub.domain.identity.scoring import Scored, id_rank, score_child
from hub.domain.identity.state import ResolverState


def _evidence(
    person: Person, scored: Scored, strong: Sequence[str] = (), others: Sequence[str] = ()
) -> Evidence:
    return Evidence(
        strong_ids=tuple(strong),
        conflicts=scored.conflicts,
        levels=scored.comparison.levels,
        notes=person.notes,
        other_candidates=tuple(others),
    )


def _possible(state: ResolverState, person: Person, best: Scored, evidence: Evidence) -> Decision:
    key = child_key(person.record, state.keys_used)
    return PossibleMatchFound(person.record, key, best.child_key, best.score, evidence)


def _by_strong_ids(
    state: ResolverState, person: Person, hits: dict[str, list[str]], config: MatchConfig
) -> Decision:
    scored = [score_child(person, state.children[key], config, state.names) for key in sorted(hits)]
    clean = _settled([s for s in scored if not s.conflicts], state)
    if not clean:
        return _attached_for_review(person, scored, hits)
    best = min(clean, key=lambda s: (id_rank(hits[s.child_key]), -len(hits[s.child_key]), -s.score))
    strong = hits[best.child_key]
    others = [s.child_key for s in scored if s is not best]
    score = config.strong_id_agree * len(strong) + best.score
    return ChildLinked(
        person.record, best.child_key, score, _evidence(person, best, strong, others)
    )


def _attached_for_review(
    person: Person, scored: list[Scored], hits: dict[str, list[str]]
) -> ChildLinked:
    """Every child holding one of the record's identifiers holds another that contradicts it:
    the record joins the one its other evidence (names, date of birth, address) agrees with
    best, as a link whose evidence names the conflict. ``apply`` keeps the conflicting
    identifiers off that child and the worker raises a review for it; "not the same child"
    splits the record out (``review.answer_conflict``). No provisional child is made: a second
    key would get the record's contacts, tasks, timeline and episodes, a second child in the
    census until someone reviewed it."""
    best = max(scored, key=lambda s: s.score)  # ties: the first key in order
    others = [s.child_key for s in scored if s is not best]
    evidence = _evidence(person, best, hits[best.child_key], others)
    return ChildLinked(person.record, best.child_key, best.score, evidence)


def _settled(clean: list[Scored], state: ResolverState) -> list[Scored]:
    """The clean hits, less any provisional child whose open review names another clean hit.

    A record whose strong identifier conflicts with a child's is held under a provisional key
    for a person to review; it must not capture the real child's later records. A record that
    agrees with both the provisional child and the child it may be (the same UPN and NHS
    number, say) links to the known child, whatever its names or address share with the
    provisional one, and the review stays open."""
    keys = {s.child_key for s in clean}
    return [
        s for s in clean
        if (candidate := state.reviews.get(s.child_key)) is None
        or state.current_key(candidate) not in keys
    ]


def _in_review_together(state: ResolverState, a: str, b: str) -> bool:
    return state.reviews.get(a) == b or state.reviews.get(b) == a


def _candidates(state: ResolverState, person: Person, config: MatchConfig) -> list[Scored]:
    found = state.candidates(query_keys(person), config.max_block_size)
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[: config.max_candidates]
    scored = (score_child(person, state.children[key], config, state.names) for key, _ in ranked)
    return sorted(scored, key=lambda s: (-s.score, s.child_key))


def _given_is_decisive(scored: Scored, config: MatchConfig) -> bool:
    """Does the evidence tell this child from a sibling or twin? (See ``MatchConfig``.)"""
    levels = scored.comparison.levels
    field, level, weight = levels[0]
    if field == "names":  # swapped exactly: decisive; swapped with a typo: twins' look-alikes
        return level == "swapped"
    if level == "missing" or getattr(config, f"given_{level}") < config.link_min_given_weight:
        return False
    dob = next(lvl for f, lvl, _ in levels if f == "dob")
    if dob != "missing":
        return True
    # without a date of birth only exact names can be told from a same-name sibling: the given
    # name's weight then carries how common it is among children of that family name, which a
    # typo's or a nickname's fixed weight (or a family name that does not agree) does not
    family = levels[1][1]
    return level == family == "exact" and weight >= config.link_without_dob_min_given


ELSEWHERE = ("disagree", "district")
"""Postcode levels that put a record away from the child's homes: another district, or
another sector of the same district (a namesake with the same birthday one sector away was
linked on held-out seed 63: docs/identity.md). The same sector is still home ground."""


def _no_date(scored: Scored) -> bool:
    return any(f == "dob" and lvl == "missing" for f, lvl, _ in scored.comparison.levels)


def _elsewhere(scored: Scored) -> bool:
    """Is the best agreement of the postcode outside the child's sectors? (A move, or a
    namesake.)"""
    return any(f == "postcode" and lvl in ELSEWHERE for f, lvl, _ in scored.comparison.levels)


def household_moved(state: ResolverState, person: Person, child_key: str, max_block: int) -> bool:
    """Is the record's postcode the new home of the child's household? True when a sibling (a
    child of the record's family name at one of the child's postcodes) is already known at the
    record's postcode too: holding both postcodes, or as a second child key with the sibling's
    given name and date of birth (its own records at the new address not yet linked either)."""
    if person.postcode is None:
        return False
    homes = state.children[child_key].profile().postcodes

    def household(postcode: str) -> set[str]:
        keys = household_keys(postcode, person.family)
        return set(state.candidates(keys, max_block)) - {child_key}

    here = household(person.postcode.full)
    if not here:
        return False
    siblings = set().union(*(household(home.full) for home in homes))
    if here & siblings:
        return True
    seen = {sign for k in siblings for sign in _first_name_and_birth(state, k)}
    return any(not seen.isdisjoint(_first_name_and_birth(state, k)) for k in here)


def _first_name_and_birth(state: ResolverState, key: str) -> set[tuple[tuple[str, ...], date]]:
    profile = state.children[key].profile()
    return {(profile.givens[0], dob) for dob in profile.dobs if profile.givens}


def _linkable_here(
    state: ResolverState, person: Person, best: Scored, link: float, config: MatchConfig
) -> bool:
    """A link elsewhere needs a margin more, unless the household is known to have moved."""
    return (
        not _elsewhere(best)
        or best.score >= link + config.link_elsewhere_margin
        or household_moved(state, person, best.child_key, config.max_block_size)
    )


def _held_out(state: ResolverState, person: Person) -> bool:
    """Does the record's household hold a child left out of this resolution? (When settling,
    a child a reviewer decided about: a same-name sibling there would be no rival.)"""
    if not state.held_out or person.postcode is None:
        return False
    return not household_keys(person.postcode.full, person.family).isdisjoint(state.held_out)


def alone_in_household(
    state: ResolverState, person: Person, best: Scored, config: MatchConfig
) -> bool:
    """Is ``best`` the only child the record can be in its household, without a date of birth?

    The record and the child agree exactly on the given and family names and on the full
    postcode, a date of birth is missing on one side, and no other child filed under that
    postcode and family name (the household: siblings, or a provisional key of this child)
    has a given name that is anything but different from the record's (exact, short form,
    variant, typo, middle name, initial or similar all count). A middle name on both sides
    must agree too. The alternative a person would weigh is a second child of the same name
    in one home, which the hub would already know of or which parents do not do (brothers
    each called Muhammad are known by their second name, hence the middle-name check).
    A short form or a typo does not qualify: the sibling it may be (Mia for Amelia) is often
    not known yet. Nor does a sex that disagrees, nor a household not known whole: one
    holding a child left out of this resolution (``ResolverState.held_out``), or filed under
    a block too large to read (``max_block_size``)."""
    levels = {field: level for field, level, _ in best.comparison.levels}
    wanted = {"dob": "missing", "postcode": "full", "given": "exact", "family": "exact"}
    if any(levels.get(f) != lvl for f, lvl in wanted.items()) or levels.get("sex") == "disagree":
        return False
    if person.postcode is None or not person.given:
        return False
    middle = person.given[1:2]
    givens = state.children[best.child_key].profile().givens
    if middle and any(given[1:2] not in ((), middle) for given in givens):
        return False
    keys = household_keys(person.postcode.full, person.family)
    if not keys.isdisjoint(state.held_out) or any(
        len(state.blocks.get(key, ())) > config.max_block_size for key in keys
    ):  # a household not known whole: children held out, or a block too large to read
        return False
    household = set(state.candidates(keys, config.max_block_size)) - {best.child_key}
    return all(
        given_level(person.given, given) in ("disagree", "missing")
        for key in household
        for given in state.children[key].profile().givens
    )


def _by_score(state: ResolverState, person: Person, config: MatchConfig) -> Decision:
    scored = _candidates(state, person, config)
    shift = state.names.population_shift(config)
    link, review = config.link_threshold + shift, config.review_threshold + shift
    linkable = [s for s in scored if not s.conflicts]
    blocked = [s for s in scored if s.conflicts and s.score >= link]
    if (
        linkable
        and linkable[0].score >= link
        and _given_is_decisive(linkable[0], config)
        and not (_no_date(linkable[0]) and _held_out(state, person))
    ):
        best = linkable[0]
        rivals = [
            s.child_key
            for s in linkable[1:]
            if s.score >= max(best.score - config.ambiguity_margin, review)
            and not _in_review_together(state, s.child_key, best.child_key)
        ]
        if not rivals and _linkable_here(state, person, best, link, config):
            return ChildLinked(person.record, best.child_key, best.score, _evidence(person, best))
        return _possible(state, person, best, _evidence(person, best, others=rivals))
    household = config.link_household_threshold + shift
    if linkable and linkable[0].score >= household:
        best = linkable[0]
        close = [
            s for s in linkable[1:]
            if s.score >= review and not _in_review_together(state, s.child_key, best.child_key)
        ]
        if not close and alone_in_household(state, person, best, config):
            return ChildLinked(person.record, best.child_key, best.score, _evidence(person, best))
    pool = [s for s in linkable[:1] if s.score >= review] + blocked[:1]
    if pool:
        best = max(pool, key=lambda s: s.score)
        return _possible(state, person, best, _evidence(person, best))
    key = child_key(person.record, state.keys_used)
    top = scored[0] if scored else None
    evidence = _evidence(person, top) if top else Evidence(notes=person.notes)
    return NewChildRegistered(person.record, key, top.score if top else None, evidence)


def decide(
    state: ResolverState, record: PersonRecord, config: MatchConfig = DEFAULT_CONFIG
) -> Decision:
    """The decision for ``record`` given what ``state`` knows. Reads ``state`` only."""
    person = normalise(record)
    if record.record_id in state.record_child:  # redelivered: same answer, nothing changes
        key = state.record_child[record.record_id]
        return ChildLinked(record, key, config.strong_id_agree, Evidence(strong_ids=("record_id",)))
    hits = state.strong_hits(person)
    return _by_strong_ids(state, person, hits, config) if hits else _by_score(state, person, config)


def resolve(
    state: ResolverState, record: PersonRecord, config: MatchConfig = DEFAULT_CONFIG
) -> tuple[ResolverState, Decision]:
    """Decide, then apply the decision to ``state`` (updated in place and returned)."""
    decision = decide(state, record, config)
    return apply(state, decision), decision
