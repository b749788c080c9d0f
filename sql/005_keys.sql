-- 005: end-to-end encryption prekeys (api.md "End-to-end encryption keys", lib/sc_keys.h).
--
-- Keys are stored as the bytes libsignal serializes (identity and EC prekeys: 0x05 + 32 bytes,
-- or 32 raw bytes for an Ed25519 identity; Kyber: 0x08 + 1568 bytes); the programs verified
-- every signature before a row was written. Key ids are libsignal's u32 (0 is refused).
--
-- e2ee_keys: one row per user who uploaded keys: the identity key, the current signed prekey
-- and the current Kyber prekey (handed out with every bundle, libsignal's "last resort" key).
CREATE TABLE e2ee_keys (
    user_id          uuid PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    identity_key     bytea NOT NULL CHECK (length(identity_key) IN (32, 33)),
    signed_key_id    bigint NOT NULL CHECK (signed_key_id BETWEEN 1 AND 4294967295),
    signed_public    bytea NOT NULL CHECK (length(signed_public) IN (32, 33)),
    signed_signature bytea NOT NULL CHECK (length(signed_signature) = 64),
    kyber_key_id     bigint CHECK (kyber_key_id BETWEEN 1 AND 4294967295),
    kyber_public     bytea,
    kyber_signature  bytea CHECK (length(kyber_signature) = 64),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kyber_key_id IS NULL) = (kyber_public IS NULL)
           AND (kyber_public IS NULL) = (kyber_signature IS NULL))
);

-- One-time prekeys not handed out yet. A bundle fetch deletes the one with the smallest key_id
-- (FOR UPDATE SKIP LOCKED: concurrent fetches take different keys); the primary key serves
-- that ORDER BY ... LIMIT 1 and the count.
CREATE TABLE e2ee_one_time_keys (
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    key_id     bigint NOT NULL CHECK (key_id BETWEEN 1 AND 4294967295),
    public_key bytea NOT NULL CHECK (length(public_key) IN (32, 33)),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key_id)
);

-- One-time prekeys already handed out, written by the same statement that claims them: an
-- upload that repeats one (a client retrying an upload whose answer it lost after the key was
-- claimed) is ignored instead of storing the key again, so no key is handed out twice. Kept
-- until the owner's next upload after 30 days, or until the identity key changes.
CREATE TABLE e2ee_claimed_keys (
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    key_id     bigint NOT NULL,
    public_key bytea NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key_id, public_key)
);
