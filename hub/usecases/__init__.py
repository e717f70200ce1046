"""Application services: use cases that wire domain rules to ports, with no framework code."""
