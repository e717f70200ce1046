"""``deploy/audit_dependencies.py``: an audit that checked nothing never reads as a pass."""

from __future__ import annotations

import importlib.util
import json
import sys

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("audit_dependencies",
                                               REPO / "deploy/audit_dependencies.py")
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
sys.modules["audit_dependencies"] = audit
_spec.loader.exec_module(audit)

SKIPPED = "Dependency not found on PyPI and could not be audited: {} (1.0)"


def _report(*deps: dict) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


def test_every_package_skipped_is_not_audited_although_pip_audit_exits_0():
    out = _report({"name": "aiokafka", "skip_reason": SKIPPED.format("aiokafka")},
                  {"name": "uvicorn", "skip_reason": SKIPPED.format("uvicorn")})
    v = audit.verdict("pypi", 0, out, "No known vulnerabilities found")
    assert v.audited == 0 and set(v.skipped) == {"aiokafka", "uvicorn"}
    assert not v.complete
    text = audit.banner([v], 2)
    assert "NOT AUDITED" in text and "0 audited, 2 skipped" in text and "404" in text


def test_a_clean_full_audit_is_complete():
    out = _report({"name": "a", "version": "1", "vulns": []},
                  {"name": "b", "version": "2", "vulns": []})
    v = audit.verdict("osv", 0, out, "")
    assert v.complete and v.audited == 2 and not v.vulnerable


def test_a_vulnerability_is_named_with_its_ids():
    out = _report({"name": "a", "version": "1", "vulns": [{"id": "PYSEC-1", "aliases": []}]},
                  {"name": "b", "version": "2", "vulns": []})
    v = audit.verdict("pypi", 1, out, "")
    assert v.vulnerable == {"a==1": ["PYSEC-1"]}


def test_an_unreachable_service_is_an_error_with_its_last_line():
    v = audit.verdict("osv", 1, "", "Traceback...\nConnectionError: cannot resolve api.osv.dev")
    assert v.error.startswith("ConnectionError") and not v.complete
    assert "osv: no answer: ConnectionError" in audit.banner([v], 93)


def test_a_partial_audit_is_not_complete():
    out = _report({"name": "a", "version": "1", "vulns": []},
                  {"name": "local-pkg", "skip_reason": "Dependency not found on PyPI and ..."})
    v = audit.verdict("pypi", 0, out, "")
    assert v.audited == 1 and not v.complete


def test_main_passes_loudly_unless_an_audit_is_required(monkeypatch, tmp_path, capsys):
    lock = tmp_path / "requirements.lock"
    lock.write_text("aiokafka==0.14.0 \\\n    --hash=sha256:ab\nuvicorn==0.54.0\n")
    skipped = audit.Verdict("pypi", 0, {"aiokafka": SKIPPED.format("aiokafka")})
    monkeypatch.setattr(audit, "_run", lambda service, lock, ignores: skipped)
    monkeypatch.delenv("HUB_AUDIT_REQUIRED", raising=False)
    assert audit.main([str(lock)]) == 0
    assert "NOT AUDITED" in capsys.readouterr().err
    monkeypatch.setenv("HUB_AUDIT_REQUIRED", "1")
    assert audit.main([str(lock)]) == audit.NOT_AUDITED_EXIT
    assert "pins 2 packages" in capsys.readouterr().err


def test_main_fails_on_a_known_vulnerability(monkeypatch, tmp_path, capsys):
    found = audit.Verdict("pypi", 1, {}, {"a==1": ["PYSEC-1"]})
    monkeypatch.setattr(audit, "_run", lambda service, lock, ignores: found)
    assert audit.main([str(tmp_path / "requirements.lock")]) == 1
    assert "VULNERABLE: a==1: PYSEC-1" in capsys.readouterr().err
