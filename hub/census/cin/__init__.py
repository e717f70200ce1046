"""The Children in Need census return, built from CSC status events (docs/census.md)."""

from __future__ import annotations

from hub.census.cin.build import build_cin_census, children

__all__ = ["build_cin_census", "children"]
