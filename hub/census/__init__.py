"""The census compiler: pure builders from typed records to census files (bytes or dicts).

No broker, database or file access here: callers pass iterables of events, episodes and
consent-limited counts, and write what comes back. Same inputs, in any order: same bytes.
"""
