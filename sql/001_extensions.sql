-- 001: extensions the schema relies on.
-- pg_trgm: user search by similarity (GIN trigram indexes).
-- citext: case-insensitive e-mail addresses.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;
