"""The status store's database: engine, tables, migrations (one data layer for applications and staff)."""
