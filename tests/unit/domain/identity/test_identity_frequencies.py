"""Name frequencies: rare names weigh more, common ones less; big populations need more."""

from dataclasses import replace

import pytest

from hub.domain.identity.config import DEFAULT_CONFIG
from hub.domain.identity.frequencies import NameFrequencies
from hub.domain.identity.records import PersonRecord, normalise


def _population(names: list[tuple[str, str]]) -> NameFrequencies:
    freq = NameFrequencies()
    for i, (given, family) in enumerate(names):
        freq.add(
            f"CH-{i}", normalise(PersonRecord(str(i), "T", given_name=given, family_name=family))
        )
    return freq


def test_common_names_weigh_less_than_rare_ones():
    freq = _population(
        [("Oliver", "Smith")] * 300
        + [("Zebedee", "Okonkwo")] * 1
        + [("Amy", f"Name{i}") for i in range(700)]
    )
    assert freq.adjustment("given", "OLIVER", DEFAULT_CONFIG) < 0
    assert freq.adjustment("given", "ZEBEDEE", DEFAULT_CONFIG) > 0
    assert freq.adjustment("family", "SMITH", DEFAULT_CONFIG) == -DEFAULT_CONFIG.tf_cap


def test_given_name_share_among_the_family_is_the_sibling_risk():
    # Olivia is rare overall but every other Wojcik child is an Olivia.
    freq = _population([("Olivia", "Wojcik")] * 30 + [("Amy", f"Name{i}") for i in range(2000)])
    overall = freq.adjustment("given", "OLIVIA", DEFAULT_CONFIG)
    in_family = freq.adjustment("given", "OLIVIA", DEFAULT_CONFIG, family="WOJCIK")
    assert in_family < overall


def test_counts_follow_removals():
    freq = _population([("Oliver", "Smith")])
    person = normalise(PersonRecord("0", "T", given_name="Oliver", family_name="Smith"))
    freq.remove("CH-0", person)
    assert freq == NameFrequencies()


@pytest.mark.parametrize(("children", "shift"), [(10, 0.0), (10_000, 0.0), (40_000, 2.0)])
def test_thresholds_rise_with_the_population(children, shift):
    freq = NameFrequencies()
    freq.children.update({f"CH-{i}": 1 for i in range(children)})
    assert freq.population_shift(DEFAULT_CONFIG) == pytest.approx(shift)
    assert freq.population_shift(replace(DEFAULT_CONFIG, population_prior=0)) == 0
