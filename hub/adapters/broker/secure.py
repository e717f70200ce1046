"""The secured local broker: SASL_SSL for clients, mutual TLS inside, ACLs enforced.

Listeners (all on 127.0.0.1):

- ``SASL_SSL`` on the broker port: every client, authenticated with SCRAM-SHA-512, one user per
  role (:mod:`hub.domain.topic_access`), over TLS signed by the hub's own CA;
- ``CONTROLLER`` (SSL, client certificate required) on the controller port and ``INTERNAL``
  (SSL, client certificate required) on the internal port: the broker talking to its own
  controller and to itself as ``User:broker`` from its certificate (KRaft cannot use SCRAM for
  the controller, and mutual TLS keeps every password out of ``server.properties``).

Authorisation is KRaft's ``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false``:
a principal with no ACL (``User:ANONYMOUS`` included) may do nothing. ``admin`` and ``broker``
are super users. SCRAM users are created when the storage is formatted
(``kafka-storage format --add-scram``), passed in a 0600 argument file, never on a command line.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hub.adapters.broker.tls import TlsFiles, ensure_tls
from hub.adapters.files.private import private_dir, write_private
from hub.config import Settings

MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class SecureMaterial:
    tls: TlsFiles
    passwords_dir: Path

    def password_file(self, user: str) -> Path:
        return self.passwords_dir / user


def ensure_material(
    settings: Settings, users: Iterable[str]
) -> tuple[SecureMaterial, dict[str, str]]:
    """TLS files and one password per user (kept once made); returns the passwords too, which
    the storage format needs for the SCRAM credentials."""
    root = private_dir(settings.local_secrets_dir)
    material = SecureMaterial(ensure_tls(root / "tls"), private_dir(root / "passwords"))
    passwords: dict[str, str] = {}
    for user in users:
        path = material.password_file(user)
        if not path.is_file():
            write_private(path, secrets.token_urlsafe(32) + "\n")
        passwords[user] = path.read_text(encoding="utf-8").strip()
    return material, passwords


def secure_properties(settings: Settings, tls: TlsFiles) -> dict[str, str]:
    """What the secured broker sets on top of :func:`broker_config.server_properties`."""
    host = "127.0.0.1"
    broker, controller = settings.broker_port, settings.controller_port
    internal = settings.broker_internal_port
    return {
        "listeners": (
            f"SASL_SSL://{host}:{broker},CONTROLLER://{host}:{controller},"
            f"INTERNAL://{host}:{internal}"
        ),
        "advertised.listeners": f"SASL_SSL://{host}:{broker},INTERNAL://{host}:{internal}",
        "listener.security.protocol.map": "SASL_SSL:SASL_SSL,CONTROLLER:SSL,INTERNAL:SSL",
        "inter.broker.listener.name": "INTERNAL",
        "sasl.enabled.mechanisms": MECHANISM,
        "listener.name.sasl_ssl.sasl.enabled.mechanisms": MECHANISM,
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": (
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        ),
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(tls.broker),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(tls.ca),
        "ssl.endpoint.identification.algorithm": "https",
        "listener.name.controller.ssl.client.auth": "required",
        "listener.name.internal.ssl.client.auth": "required",
        # "CN=broker,O=CIN Hub" -> User:broker
        "ssl.principal.mapping.rules": "RULE:^CN=([^,]+),.*$/$1/,DEFAULT",
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": "User:admin;User:broker",
    }


def scram_arguments(passwords: Mapping[str, str]) -> list[str]:
    """``--add-scram`` arguments for the storage format, one per user."""
    arguments: list[str] = []
    for user, password in sorted(passwords.items()):
        arguments += ["--add-scram", f"{MECHANISM}=[name={user},password={password}]"]
    return arguments
