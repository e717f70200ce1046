"""``./run test``'s dependency audit: pip-audit over requirements.lock, and an honest verdict.

pip-audit skips a dependency it cannot look up ("Dependency not found on PyPI and could not be
audited") and still says "No known vulnerabilities found" and exits 0. Where PyPI is reached
through a mirror that serves the package index but not PyPI's per-version JSON API (the one
pip-audit's PyPI service asks, ``/pypi/<name>/<version>/json``: 404 for every version), every
dependency is skipped and the audit checks nothing while looking green. So this script runs
pip-audit with JSON output and counts what was really audited:

* every dependency audited, no vulnerability: exit 0;
* a known vulnerability (not in the ignore list ``./run`` passes): its ids, exit 1;
* a dependency not audited, or the service unreachable: a loud ``NOT AUDITED`` banner saying
  how many and why; the PyPI service is tried first, then OSV; exit 0 (a sandbox without the
  vulnerability services must not fail the tests), unless ``HUB_AUDIT_REQUIRED=1`` (a CI that
  has the network), then exit 3.

Usage: ``python deploy/audit_dependencies.py requirements.lock [--ignore-vuln ID ...]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICES = ("pypi", "osv")
NOT_AUDITED_EXIT = 3


SERVICE_TIMEOUT_S = 120
"""Per service: the test run has a 30-minute budget, and a hung audit is not a result."""


@dataclass(frozen=True)
class Verdict:
    service: str
    audited: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    """Dependency -> pip-audit's reason for not auditing it."""
    vulnerable: dict[str, list[str]] = field(default_factory=dict)
    """Dependency (name==version) -> ids of its known vulnerabilities."""
    error: str = ""
    """Why the service gave no report at all (unreachable, refused), or ''."""

    @property
    def complete(self) -> bool:
        return not self.error and not self.skipped and self.audited > 0


def verdict(service: str, returncode: int, stdout: str, stderr: str) -> Verdict:
    """What one pip-audit run (``-f json``) really checked."""
    try:
        report: Any = json.loads(stdout)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        lines = [line for line in stderr.splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"pip-audit exited {returncode} with no report"
        return Verdict(service, error=reason[-300:])
    skipped = {d["name"]: d["skip_reason"] for d in dependencies if "skip_reason" in d}
    vulnerable = {
        f"{d['name']}=={d.get('version', '?')}": [v["id"] for v in d["vulns"]]
        for d in dependencies if d.get("vulns")
    }
    return Verdict(service, len(dependencies) - len(skipped), skipped, vulnerable)


def _why_skipped(v: Verdict) -> str:
    reasons = sorted({r.split(":")[0] for r in v.skipped.values()})
    if v.service == "pypi" and any("not found on PyPI" in r for r in reasons):
        return ("pip-audit found no entry on PyPI (its per-version JSON API, "
                "/pypi/<name>/<version>/json, answered 404: a mirror that serves the package "
                "index but not that API does so for every package)")
    return "; ".join(reasons)


def banner(verdicts: list[Verdict], total: int) -> str:
    """The loud message for an audit that did not check everything."""
    lines = ["", "!" * 78,
             "!! NOT AUDITED: the dependency audit did not check every locked package.",
             f"!! requirements.lock pins {total} packages; the services said:"]
    for v in verdicts:
        if v.error:
            lines.append(f"!!  - {v.service}: no answer: {v.error}")
        else:
            lines.append(f"!!  - {v.service}: {v.audited} audited, {len(v.skipped)} skipped: "
                         f"{_why_skipped(v)}")
    lines += ["!! Run ./run test where PyPI's JSON API or api.osv.dev can be reached, or set",
              f"!! HUB_AUDIT_REQUIRED=1 to make this an error (exit {NOT_AUDITED_EXIT}).",
              "!" * 78, ""]
    return "\n".join(lines)


def _run(service: str, lock: Path, ignores: list[str]) -> Verdict:
    command = [str(Path(sys.executable).with_name("pip-audit")), "-r", str(lock), "--no-deps",
               "--disable-pip", "--progress-spinner", "off", "-f", "json", "-s", service,
               *ignores]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SERVICE_TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:  # not an answer: reported as not audited, not vulnerable
        return Verdict(service, error=f"no answer within {SERVICE_TIMEOUT_S} s")
    return verdict(service, done.returncode, done.stdout, done.stderr)


def _locked(lock: Path) -> int:
    return sum(1 for line in lock.read_text().splitlines()
               if line and not line[0].isspace() and not line.startswith("#") and "==" in line)


def main(argv: list[str]) -> int:
    lock, ignores = Path(argv[0]), argv[1:]
    verdicts: list[Verdict] = []
    for service in SERVICES:
        result = _run(service, lock, ignores)
        verdicts.append(result)
        if result.vulnerable:
            for dependency, ids in sorted(result.vulnerable.items()):
                print(f"VULNERABLE: {dependency}: {', '.join(ids)}", file=sys.stderr)
            print(f"known vulnerabilities found by {service}: see above; fix the pin or list the "
                  "id in AUDIT_IGNORE in ./run with why", file=sys.stderr)
            return 1
        if result.complete:
            print(f"dependency audit ({service}): {result.audited} packages audited, "
                  "no known vulnerabilities")
            return 0
    print(banner(verdicts, _locked(lock)), file=sys.stderr)
    return NOT_AUDITED_EXIT if os.environ.get("HUB_AUDIT_REQUIRED") == "1" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
