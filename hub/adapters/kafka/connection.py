"""The one place a Kafka connection setting becomes aiokafka keyword arguments.

Every producer, consumer and admin client in the hub is built with :func:`client_kwargs`, so
TLS (a CA file) and SASL/SCRAM (a user and a password read from a file or the environment) apply
to all of them alike: connectors, intake, worker stages, inbox and admin commands.
"""

from __future__ import annotations

import os
from typing import Any

from aiokafka.helpers import create_ssl_context

from hub.config import KafkaConnection, KafkaSecurity

KafkaTarget = str | KafkaConnection  # a bare address means a plaintext, anonymous client


class KafkaSecurityError(RuntimeError):
    """Client security is configured incompletely (no message ever holds a password)."""


def as_connection(target: KafkaTarget) -> KafkaConnection:
    return target if isinstance(target, KafkaConnection) else KafkaConnection(bootstrap=target)


def client_kwargs(target: KafkaTarget) -> dict[str, Any]:
    """``bootstrap_servers`` and the security arguments for any aiokafka client."""
    connection = as_connection(target)
    security = connection.security
    kwargs: dict[str, Any] = {
        "bootstrap_servers": connection.bootstrap,
        "security_protocol": security.protocol,
    }
    if security.uses_tls:
        cafile = str(security.ca_file) if security.ca_file else None
        kwargs["ssl_context"] = create_ssl_context(cafile=cafile)
    if security.uses_sasl:
        if not security.user:
            raise KafkaSecurityError(f"{security.protocol} needs a user (HUB_KAFKA_USER)")
        kwargs["sasl_mechanism"] = security.sasl_mechanism
        kwargs["sasl_plain_username"] = security.user
        kwargs["sasl_plain_password"] = read_password(security)
    return kwargs


def read_password(security: KafkaSecurity) -> str:
    """The SASL password: the file if one is named, else the environment variable."""
    if security.password_file is not None:
        try:
            return security.password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise KafkaSecurityError(
                f"cannot read the Kafka password file {security.password_file}: {exc.strerror}"
            ) from None
    password = os.environ.get(security.password_env)
    if not password:
        raise KafkaSecurityError(
            f"no Kafka password for user {security.user}: set HUB_KAFKA_PASSWORD_FILE "
            f"or {security.password_env}"
        )
    return password


def connection_env(connection: KafkaConnection) -> dict[str, str]:
    """Environment that makes a child process's :func:`hub.config.load_settings` connect as
    ``connection`` does: the password file's path is passed, never the password."""
    security = connection.security
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": connection.bootstrap,
        "HUB_KAFKA_SECURITY_PROTOCOL": security.protocol,
        "HUB_KAFKA_SASL_MECHANISM": security.sasl_mechanism,
    }
    optional = {
        "HUB_KAFKA_CA_FILE": security.ca_file,
        "HUB_KAFKA_USER": security.user,
        "HUB_KAFKA_PASSWORD_FILE": security.password_file,
    }
    return env | {name: str(value) for name, value in optional.items() if value is not None}
