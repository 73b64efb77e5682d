"""The database: schema, migrations, repositories, the event log and the outbox."""
