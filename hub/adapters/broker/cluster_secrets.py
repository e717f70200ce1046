"""TLS material and SCRAM passwords for a multi-node cluster (docker-compose, or any cluster).

``OUT/tls/ca.pem`` (clients' trust), ``OUT/tls/ca-key.pem``, ``OUT/tls/<host>.pem`` (each
broker's key and certificate, ``CN=<host>``, its super-user identity on the mutual-TLS
listeners), ``OUT/passwords/<user>`` (one per role). Existing files are kept, so running it
again never changes what clients trust or what users log in with. Files 0600, folders 0700;
``owner`` hands them to the uid the brokers run as.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from hub.adapters.broker.tls import TlsFiles, ensure_ca, issue
from hub.adapters.files.private import private_dir, write_private


def write_cluster_secrets(
    out: Path, hosts: Iterable[str], users: Iterable[str], owner: int | None = None
) -> list[Path]:
    """Make what is missing; returns every file that now exists."""
    files = TlsFiles(private_dir(out / "tls"))
    ensure_ca(files)
    made = [files.ca, files.ca_key]
    for host in hosts:
        path = files.folder / f"{host}.pem"
        if not path.is_file():
            issue(files, path, host, [host])
        made.append(path)
    passwords = private_dir(out / "passwords")
    for user in users:
        path = passwords / user
        if not path.is_file():
            write_private(path, secrets.token_urlsafe(32) + "\n")
        made.append(path)
    if owner is not None:
        for path in [out, files.folder, passwords, *made]:
            os.chown(path, owner, owner)
    return made
