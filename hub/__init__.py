"""CIN Hub: event-driven notification and integration hub for Children's Social Care."""

__version__ = "0.1.0"
