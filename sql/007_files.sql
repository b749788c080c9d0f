-- 007: file storage (api.md "Files"): the files table, each user's storage counter, and the
-- index that answers "is this file carried by a message of a conversation the caller is in".
--
-- A file is announced by POST /v1/storage/upload-url (status 'uploading', its size already
-- counted against the owner's quota), becomes 'completed' once its bytes are stored and checked,
-- and 'deleted' when its owner deletes it, its upload fails or expires, or the account is
-- deleted; a deleted file gives its size back at that moment. The row of a deleted file lives
-- only until its bytes are removed (at once, or by `sc-admin gc` when that failed).
-- file_id is a UUIDv7 made by the program and created_at the time inside it, as for messages.
-- object_key is made by the server ("<user_id>/<file_id>"), never taken from the client: it is
-- the path below STORAGE_DIR (local) or the key in the bucket (s3). backend records where the
-- bytes of this file live, so files stay readable after STORAGE_BACKEND changes.
CREATE TABLE files (
    file_id           uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    file_name         text NOT NULL CHECK (octet_length(file_name) BETWEEN 1 AND 255),
    file_size         bigint NOT NULL CHECK (file_size > 0),
    content_type      text NOT NULL,
    is_encrypted      boolean NOT NULL DEFAULT false,
    -- the conversation the client said the file is meant for (a hint; access comes from messages)
    conversation_id   uuid REFERENCES conversations (conversation_id) ON DELETE SET NULL,
    backend           text NOT NULL CHECK (backend IN ('local', 's3')),
    object_key        text NOT NULL UNIQUE,
    status            text NOT NULL DEFAULT 'uploading'
                      CHECK (status IN ('uploading', 'completed', 'deleted')),
    sha256            text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at        timestamptz NOT NULL,
    upload_expires_at timestamptz NOT NULL,
    completed_at      timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'completed') = (completed_at IS NOT NULL) OR status = 'deleted')
);
-- the owner's list (GET /v1/storage/files): newest first, keyset on (created_at, file_id)
CREATE INDEX files_owner ON files (user_id, created_at DESC, file_id DESC)
    WHERE status <> 'deleted';
-- sc-admin gc: uploads whose URL expired, and deleted files whose bytes are still to remove
CREATE INDEX files_gc_pending ON files (upload_expires_at) WHERE status = 'uploading';
CREATE INDEX files_gc_deleted ON files (updated_at) WHERE status = 'deleted';

-- Bytes each user stores, pending uploads included. Changed only by single statements of the
-- form "SET used = used + size WHERE used + size <= quota", so two concurrent uploads can never
-- both pass the quota (the second waits for the first's row lock, then re-checks).
ALTER TABLE users ADD COLUMN storage_used_bytes bigint NOT NULL DEFAULT 0
    CHECK (storage_used_bytes >= 0);

-- Sharing: a file is downloadable by the members of a conversation where a message that is not
-- deleted carries it (messages.file_ids @> ARRAY[file_id]). Only messages with files are indexed;
-- queries repeat the predicate (cardinality(file_ids) > 0) so the planner can use the index.
CREATE INDEX messages_file_ids ON messages USING gin (file_ids) WHERE cardinality(file_ids) > 0;
