-- Trigram indexes back substring search over Chinese text (item names and bodies, village names).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
