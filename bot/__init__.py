"""Entry points: the wuchang CLI, settings, wiring, the HTTP app and the channel adapters."""
