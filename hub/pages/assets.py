"""Where the GOV.UK Frontend files are, and which of them the inbox serves.

``govuk-frontend`` is an npm package (version pinned in ``package.json``) that ``./run``
installs into ``node_modules/`` at the project root; ``HUB_FRONTEND_DIR`` may point at its
``dist/govuk`` folder elsewhere. The inbox serves only the files named here. It does not serve
the GDS Transport font: that typeface is licensed for services on GOV.UK only, so pages fall
back to Arial, as the Design System says services elsewhere must.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVED = {
    "govuk-frontend.min.css": "text/css",
    "govuk-frontend.min.js": "text/javascript",
    "images/favicon.ico": "image/x-icon",
    "images/favicon.svg": "image/svg+xml",
    "images/govuk-crest.svg": "image/svg+xml",
}
_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


class FrontendMissingError(FileNotFoundError):
    pass


def frontend_dir(env: dict[str, str] | None = None) -> Path:
    """The ``dist/govuk`` folder of the installed govuk-frontend package."""
    given = (os.environ if env is None else env).get("HUB_FRONTEND_DIR", "")
    folder = Path(given) if given else ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    if not (folder / "govuk-frontend.min.css").is_file():
        raise FrontendMissingError(
            f"GOV.UK Frontend is not installed at {folder}: run ./run (or npm ci) in the "
            "project root, or set HUB_FRONTEND_DIR")
    return folder


def asset(name: str, folder: Path) -> Path | None:
    """The file behind ``/assets/<name>`` if it is one the inbox serves."""
    if name not in SERVED:
        return None
    path = folder / name if "/" not in name else folder / "assets" / name
    return path if path.is_file() else None


def inline_css(folder: Path) -> str:
    """The Design System's stylesheet for a page that must stand alone (no font files)."""
    css = (folder / "govuk-frontend.min.css").read_text(encoding="utf-8")
    return _FONT_FACE.sub("", css).replace("</", "<\\/")
