"""The domain of wuchang without I/O: models, rules, calendars and texts."""
