"""One module per source system: each renders a child's records in that system's format.

Every module exposes ``SOURCE`` (the source name), ``FILE`` (the file name), ``HEADER``
(first line(s)), ``FOOTER`` and ``records(case, ctx) -> list[Out]``; the formats are
documented in ``connectors/FORMATS.md``.
"""
