-- 002: accounts and sessions.
-- users: email is stored normalized (trimmed, lower case); email and username are unique
-- without regard to case. Deleted accounts keep their row (ids stay valid in history) with
-- personal fields scrubbed and deleted_at set.
CREATE TABLE users (
    user_id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email              text NOT NULL,
    username           text NOT NULL,
    password_hash      text NOT NULL,
    display_name       text NOT NULL,
    avatar_url         text,
    status             text NOT NULL DEFAULT 'offline'
                       CHECK (status IN ('online', 'away', 'busy', 'offline', 'deleted')),
    role               text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    email_verified     boolean NOT NULL DEFAULT false,
    two_factor_enabled boolean NOT NULL DEFAULT false,
    searchable         boolean NOT NULL DEFAULT true,
    read_receipts      boolean NOT NULL DEFAULT true,
    settings           jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_login_at      timestamptz,
    deleted_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
-- user search: similarity on username and display name (pg_trgm, migration 001)
CREATE INDEX users_username_trgm ON users USING gin (lower(username) gin_trgm_ops)
    WHERE deleted_at IS NULL;
CREATE INDEX users_display_name_trgm ON users USING gin (lower(display_name) gin_trgm_ops)
    WHERE deleted_at IS NULL;

-- sessions: one per login or registration, and one refresh-token family each. The current
-- refresh token is stored as its SHA-256; every use rotates it.
CREATE TABLE sessions (
    session_id         uuid PRIMARY KEY,
    user_id            uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    refresh_hash       bytea NOT NULL UNIQUE,
    refresh_expires_at timestamptz NOT NULL,
    user_agent         text NOT NULL DEFAULT '',
    ip                 text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    last_used_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at         timestamptz,
    revoked_reason     text
);
CREATE INDEX sessions_user_active ON sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens already rotated out. Presenting one again means it was stolen or replayed:
-- its session (the whole family) is revoked.
CREATE TABLE refresh_tokens_used (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    used_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_used_session ON refresh_tokens_used (session_id);
