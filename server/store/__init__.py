"""Storage: SQLAlchemy Core tables and queries, and nothing else."""
