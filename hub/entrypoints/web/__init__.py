"""Web entrypoints: the push intake, where department systems POST their events."""
