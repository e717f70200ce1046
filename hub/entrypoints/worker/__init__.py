"""The stream worker: the resolver, the per-child stage and the SQL sink (docs/worker.md)."""
