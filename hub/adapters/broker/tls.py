"""TLS material for the secured local broker, made with the ``cryptography`` package.

A private CA (``ca.pem``, its key ``ca-key.pem``) signs one broker certificate
(``broker.pem``: the PKCS#8 key, unencrypted, then the certificate chain, the form Kafka's
``ssl.keystore.type=PEM`` reads without a password). The broker's certificate names it
``CN=broker``: it authenticates the broker to itself on the controller and inter-broker
listeners (mutual TLS), where SCRAM cannot be used in KRaft. Files are 0600 in a 0700 folder.
Existing material is kept: a restart never changes what clients trust.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hub.adapters.files.private import private_dir, write_private

VALID_DAYS = 825  # the longest life browsers accept for a leaf; rotate before (docs/security.md)
BROKER_CN = "broker"


@dataclass(frozen=True)
class TlsFiles:
    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca-key.pem"

    @property
    def broker(self) -> Path:
        return self.folder / "broker.pem"


def ensure_tls(folder: Path, host: str = "127.0.0.1") -> TlsFiles:
    """The CA and broker certificate under ``folder``, made on first use."""
    files = TlsFiles(private_dir(folder))
    if ensure_ca(files):
        files.broker.unlink(missing_ok=True)
    if not files.broker.is_file():
        issue(files, files.broker, BROKER_CN, [host])
    return files


def ensure_ca(files: TlsFiles) -> bool:
    """Make the CA unless it exists; True when a new one was made."""
    if files.ca.is_file() and files.ca_key.is_file():
        return False
    new_ca = ec.generate_private_key(ec.SECP256R1())
    write_private(files.ca_key, _key_pem(new_ca))
    write_private(files.ca, _pem(_ca_certificate(new_ca)))
    return True


def issue(files: TlsFiles, path: Path, common_name: str, hosts: list[str]) -> None:
    """A key and certificate for ``common_name`` (its hosts as SANs), signed by the CA, written
    to ``path`` as one PEM file: key, certificate, CA certificate."""
    loaded = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{files.ca_key}: not the EC key this hub makes")
    ca_cert = x509.load_pem_x509_certificate(files.ca.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _leaf(key, loaded, ca_cert, common_name, hosts)
    write_private(path, _key_pem(key) + _pem(cert) + _pem(ca_cert))


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CIN Hub"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _ca_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    name = _name("CIN Hub local CA")
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS * 2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )


def _leaf(
    key: ec.EllipticCurvePrivateKey, ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate, common_name: str, hosts: list[str],
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
