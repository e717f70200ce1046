"""Kafka ACLs from :mod:`hub.domain.topic_access` grants, through the admin protocol.

aiokafka's admin client has no ACL methods, but ships the CreateAcls/DescribeAcls protocol
structures; this adapter sends them on an admin connection (a super user's). Creating an ACL
that already exists is a no-op on the broker, so :func:`apply_grants` is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka.protocol.admin import CreateAclsRequest

from hub.adapters.kafka.client import admin_client, raise_for_code
from hub.adapters.kafka.connection import KafkaTarget
from hub.domain.topic_access import Grant

RESOURCE = {"topic": 2, "group": 3, "cluster": 4, "transactional_id": 5}
PATTERN = {"literal": 3, "prefixed": 4}
OPERATION = {
    "READ": 3, "WRITE": 4, "CREATE": 5, "DESCRIBE": 8, "DESCRIBE_CONFIGS": 10,
    "IDEMPOTENT_WRITE": 12,
}
DENY, ALLOW = 2, 3


def acl_rows(grants: Iterable[Grant]) -> list[tuple[int, str, int, str, str, int, int]]:
    """One CreateAcls creation per (grant, operation)."""
    return [
        (RESOURCE[g.kind], g.name, PATTERN[g.pattern], f"User:{g.user}", "*", OPERATION[op],
         DENY if g.deny else ALLOW)
        for g in grants
        for op in g.operations
    ]


async def apply_grants(target: KafkaTarget, grants: Iterable[Grant]) -> int:
    """Create the ACLs for ``grants``; returns how many rows were sent."""
    rows = acl_rows(grants)
    async with admin_client(target) as admin:
        for row in rows:
            response = await admin._send_request(CreateAclsRequest(*row))
            for code, message in response.creation_responses:
                raise_for_code(code, f"create ACL for {row[3]} on {row[1]}", message)
    return len(rows)
