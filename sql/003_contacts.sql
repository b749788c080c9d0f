-- 003: contacts (friendships) and blocks, and users.last_seen_at for presence.
-- One friendship row per pair of users, whatever its direction: requester first. A rejected
-- or withdrawn request and a removed friend delete the row, so either side may ask again.
CREATE TABLE friendships (
    requester_id uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    addressee_id uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    accepted_at  timestamptz,
    PRIMARY KEY (requester_id, addressee_id),
    CHECK (requester_id <> addressee_id)
);
CREATE UNIQUE INDEX friendships_pair ON friendships
    (least(requester_id, addressee_id), greatest(requester_id, addressee_id));
CREATE INDEX friendships_addressee ON friendships (addressee_id, status);

-- A block stands in one direction and takes effect in both (api.md "Contacts and blocking").
CREATE TABLE blocked_users (
    blocker_id uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    blocked_id uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocked_users_blocked ON blocked_users (blocked_id);

-- Presence: the last time the user was seen online (POST /v1/presence, the relay).
ALTER TABLE users ADD COLUMN last_seen_at timestamptz;
