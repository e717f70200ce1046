"""One settings object becomes every client's security arguments; passwords stay out of sight."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from hub.adapters.broker.tls import ensure_tls
from hub.adapters.kafka.connection import (
    KafkaSecurityError,
    client_kwargs,
    connection_env,
)
from hub.config import KafkaConnection, KafkaSecurity, Settings, load_settings


def test_a_bare_address_is_a_plaintext_client() -> None:
    plain = {"bootstrap_servers": "h:9092", "security_protocol": "PLAINTEXT"}
    assert client_kwargs("h:9092") == plain


def test_sasl_ssl_reads_the_password_file_and_trusts_the_ca(tmp_path: Path) -> None:
    tls = ensure_tls(tmp_path / "tls")
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    security = KafkaSecurity(
        protocol="SASL_SSL", ca_file=tls.ca, user="worker", password_file=secret
    )
    kwargs = client_kwargs(KafkaConnection(bootstrap="h:1", security=security))
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (kwargs["sasl_plain_username"], kwargs["sasl_plain_password"]) == ("worker", "s3cret")
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert kwargs["ssl_context"].verify_mode == ssl.CERT_REQUIRED


def test_password_from_the_environment_and_a_missing_one_named_not_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    security = KafkaSecurity(protocol="SASL_PLAINTEXT", user="inbox")
    connection = KafkaConnection(bootstrap="h:1", security=security)
    monkeypatch.setenv("HUB_KAFKA_PASSWORD", "from-env")
    assert client_kwargs(connection)["sasl_plain_password"] == "from-env"
    monkeypatch.delenv("HUB_KAFKA_PASSWORD")
    with pytest.raises(KafkaSecurityError, match="HUB_KAFKA_PASSWORD"):
        client_kwargs(connection)


def test_settings_come_from_the_environment_and_the_password_never_does(tmp_path: Path) -> None:
    settings = load_settings({
        "HUB_HOME": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "kafka:9093",
        "HUB_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "HUB_KAFKA_USER": "source-yot",
        "HUB_KAFKA_PASSWORD_FILE": str(tmp_path / "pw"), "HUB_KAFKA_CA_FILE": str(tmp_path / "ca"),
    })
    assert settings.kafka.security.user == "source-yot"
    env = connection_env(settings.kafka)
    assert env["HUB_KAFKA_PASSWORD_FILE"] == str(tmp_path / "pw")
    assert "HUB_KAFKA_PASSWORD" not in env
    assert str(settings.kafka) == "kafka:9093"  # messages show the address only


def test_the_secured_local_broker_gives_each_role_its_own_user(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, broker_secure=True)
    worker = settings.kafka_for("worker").security
    assert (worker.protocol, worker.user) == ("SASL_SSL", "worker")
    assert worker.password_file == settings.local_secrets_dir / "passwords" / "worker"
    assert settings.kafka.security.user == "admin"
    configured = settings.model_copy(update={"kafka_security": KafkaSecurity(
        protocol="SASL_SSL", user="mine")})
    assert configured.kafka_for("worker").security.user == "mine"  # configuration wins


def test_the_worker_role_has_its_own_credentials_on_a_cluster_of_your_own(tmp_path: Path) -> None:
    """``hub replay`` run with an operator's credentials starts its worker as the worker role
    when HUB_WORKER_KAFKA_USER and its password file are set (before, as the operator)."""
    base = {"HUB_HOME": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "kafka:9093",
            "HUB_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "HUB_KAFKA_USER": "admin",
            "HUB_KAFKA_PASSWORD_FILE": str(tmp_path / "admin.pw")}
    alone = load_settings(base)
    assert alone.kafka_for("worker").security.user == "admin"  # nothing else configured
    settings = load_settings({**base, "HUB_WORKER_KAFKA_USER": "hub-worker",
                              "HUB_WORKER_KAFKA_PASSWORD_FILE": str(tmp_path / "worker.pw")})
    worker = settings.kafka_for("worker")
    assert (worker.security.user, worker.security.password_file) == (
        "hub-worker", tmp_path / "worker.pw")
    assert worker.security.protocol == "SASL_SSL"
    env = connection_env(worker)
    assert (env["HUB_KAFKA_USER"], env["HUB_KAFKA_PASSWORD_FILE"]) == (
        "hub-worker", str(tmp_path / "worker.pw"))
    assert settings.kafka.security.user == "admin"
    assert settings.kafka_for("inbox").security.user == "admin"  # only the worker role
