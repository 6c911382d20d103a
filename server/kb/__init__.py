"""The knowledge base: multilingual articles with full-text search (SQLite FTS5 or PostgreSQL
full text, through one service), used by agents and by the bot's intake pipeline."""
