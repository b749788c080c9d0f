-- 008: account security (issue 8; api.md rows for verify-email, password reset, e-mail change
-- and 2FA): one-time tokens sent by mail, the mail outbox, TOTP secrets, recovery codes and the
-- second step of a login with 2FA.

-- A token sent in a mail: 32 random bytes (base64url, 43 characters) in the link, only its
-- SHA-256 stored. Single use (used_at), short-lived (expires_at). email is the address the mail
-- went to: for change_email the new address, which becomes the account's when the token is used.
CREATE TABLE account_tokens (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
-- a new token of a purpose retires the user's older unused ones of the same purpose
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX account_tokens_expiry ON account_tokens (expires_at);

-- Mail to send, written in the same statement as whatever it announces (a token, a notice), so a
-- mail is never lost and never sent for something that was rolled back. The program that wrote
-- it tries to send it at once; what could not be sent is retried by `sc-admin outbox flush`
-- (and sc-notifyd when it exists) at next_attempt_at with backoff, until sent_at is set or
-- expires_at passes (then given up, last_error says why). A sent mail keeps its row for the
-- record, its bodies emptied (they may carry a token).
CREATE TABLE mail_outbox (
    mail_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid REFERENCES users (user_id) ON DELETE SET NULL,
    template        text NOT NULL,
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- a sender holds a mail by moving next_attempt_at forward (FOR UPDATE SKIP LOCKED), so two
    -- senders never send the same mail at once
    last_error      text,
    sent_at         timestamptz,
    gave_up_at      timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND gave_up_at IS NULL;

-- TOTP (RFC 6238): the secret is stored sealed with AES-256-GCM under TOTP_KEY (nonce || ciphertext
-- || tag); totp_pending is the secret of a setup not yet confirmed by a code. totp_last_step is
-- the last time step accepted, so a code is accepted once.
ALTER TABLE users
    ADD COLUMN totp_secret    bytea,
    ADD COLUMN totp_pending   bytea,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- Ten single-use recovery codes per enabling of 2FA, stored as SHA-256.
CREATE TABLE recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    code_hash bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a login with 2FA: the mfa_token (32 random bytes, base64url) handed out by
-- POST /v1/auth/login after the password, stored as SHA-256, good for MFA_TOKEN_SECONDS and a
-- few attempts, used once.
CREATE TABLE login_challenges (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    user_agent text NOT NULL DEFAULT '',
    ip         text NOT NULL DEFAULT '',
    used_at    timestamptz
);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);
