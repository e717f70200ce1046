"""The stream worker (faust-streaming): identity resolution and the per-child processor."""
