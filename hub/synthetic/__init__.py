"""Synthetic local authority for demos, connector tests and identity-matching benchmarks.

``hub demo-data`` builds true children and families (:mod:`.population`), decides who is
known to which service (:mod:`.services`), renders each source system's export in that
system's own format (:mod:`.exports`) with the noise real data carries (:mod:`.noise`),
and writes the ground truth (:mod:`.truth`). Formats are documented in
``connectors/FORMATS.md``.
"""

GENERATOR_VERSION = "1.2.0"  # 1.1: go-live loads, revised panel decisions, overstated nights;
# 1.2: siblings do not share a given name (Muhammad aside)
