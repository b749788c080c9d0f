-- 004: conversations, participants, messages, edit history, reactions.
--
-- A direct conversation has exactly two participants and a direct_key (the two user ids, the
-- smaller first) that is unique: there is one direct conversation per pair of users.
-- last_message_at orders the conversation list (most recently active first).
CREATE TABLE conversations (
    conversation_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    type                   text NOT NULL CHECK (type IN ('direct', 'group')),
    title                  text,
    avatar_url             text,
    created_by             uuid REFERENCES users (user_id) ON DELETE SET NULL,
    direct_key             text UNIQUE,
    is_e2ee_enabled        boolean NOT NULL DEFAULT true,
    message_retention_days integer CHECK (message_retention_days BETWEEN 1 AND 36500),
    last_message_at        timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((type = 'direct') = (direct_key IS NOT NULL))
);

-- hidden_at: a direct conversation the participant "deleted"; it stays out of their list until
-- a message newer than hidden_at arrives. last_read_message_id only moves forward.
CREATE TABLE conversation_participants (
    conversation_id      uuid NOT NULL REFERENCES conversations (conversation_id) ON DELETE CASCADE,
    user_id              uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role                 text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    joined_at            timestamptz NOT NULL DEFAULT now(),
    last_read_message_id uuid,
    hidden_at            timestamptz,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user ON conversation_participants (user_id);

-- Messages: message_id is a UUIDv7 made by the program; sent_at is the time inside it, so the
-- order of message_id within a conversation is the order of sending, and one index serves
-- keyset pages at any depth. Deleted messages keep their row as a tombstone with the text
-- scrubbed. Full-text search covers only unencrypted, undeleted messages.
CREATE TABLE messages (
    message_id          uuid PRIMARY KEY,
    conversation_id     uuid NOT NULL REFERENCES conversations (conversation_id) ON DELETE CASCADE,
    sender_id           uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    content             text NOT NULL,
    is_encrypted        boolean NOT NULL DEFAULT false,
    message_type        text NOT NULL DEFAULT 'text'
                        CHECK (message_type IN ('text', 'image', 'video', 'audio', 'file')),
    metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
    client_msg_id       text,
    reply_to_message_id uuid,
    file_ids            uuid[] NOT NULL DEFAULT '{}',
    sent_at             timestamptz NOT NULL,
    edited_at           timestamptz,
    deleted_at          timestamptz,
    search              tsvector GENERATED ALWAYS AS (
                            CASE WHEN is_encrypted OR deleted_at IS NOT NULL THEN NULL
                                 ELSE to_tsvector('simple'::regconfig, content) END) STORED
);
CREATE INDEX messages_conversation ON messages (conversation_id, message_id DESC);
CREATE UNIQUE INDEX messages_client_msg_id ON messages (sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
CREATE INDEX messages_search ON messages USING gin (search) WHERE search IS NOT NULL;

-- Earlier versions of an edited message: the text it had until edited_at.
CREATE TABLE message_edits (
    message_id uuid NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
    content    text NOT NULL,
    edited_at  timestamptz NOT NULL,
    PRIMARY KEY (message_id, edited_at)
);

CREATE TABLE message_reactions (
    message_id uuid NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    emoji      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, user_id, emoji)
);
