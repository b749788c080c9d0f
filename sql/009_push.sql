-- 009: push devices, the notification center and its preferences (issue 9; api.md "Push devices
-- and notifications").
--
-- How a notification comes to be: the event publisher (lib/sc_events.c), in the one Redis script it
-- already runs, queues a push job on the stream push:jobs for every recipient of a push-worthy
-- event (message.new, call.ringing, call.missed, contact.request) who has no presence key. sc-notifyd
-- reads the stream and, in one statement per job, writes the notifications row (unless the user's
-- preferences or a mute say no; job_id makes a reclaimed job write nothing twice) and reads the
-- devices to push to (when push_enabled). Message text never reaches a job, a row or a push.

-- A device to push to. type fcm/apns: token is the registration token. type web: token is the
-- subscription endpoint (https), p256dh the subscription's P-256 public key (65 bytes,
-- uncompressed) and auth_secret its 16-byte secret (RFC 8291). A token belongs to one user: the
-- same token registered again (by the same or another user: a phone that changes accounts) takes
-- the row over. device_id is the client's own id when it sent one (a UUID), else generated.
CREATE TABLE push_devices (
    device_id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    type        text NOT NULL CHECK (type IN ('fcm', 'apns', 'web')),
    platform    text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
    token       text NOT NULL CHECK (octet_length(token) BETWEEN 1 AND 4096),
    p256dh      bytea CHECK (p256dh IS NULL OR octet_length(p256dh) = 65),
    auth_secret bytea CHECK (auth_secret IS NULL OR octet_length(auth_secret) = 16),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    last_push_at timestamptz,
    CHECK ((type = 'web') = (p256dh IS NOT NULL AND auth_secret IS NOT NULL)),
    UNIQUE (type, token)
);
CREATE INDEX push_devices_user ON push_devices (user_id, created_at);

-- The notification center. type: message, call, missed_call, friend_request, system. data: the
-- ids a client needs to open the thing (conversation_id, message_id, call_id, sender_id, ...),
-- never message text. job_id: the push job (stream entry id) that wrote the row.
CREATE TABLE notifications (
    notification_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    type            text NOT NULL CHECK (type IN ('message', 'call', 'missed_call',
                                                  'friend_request', 'system')),
    title           text NOT NULL DEFAULT '',
    body            text NOT NULL DEFAULT '',
    data            jsonb NOT NULL DEFAULT '{}'::jsonb,
    job_id          text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC, notification_id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_created ON notifications (created_at);

-- Preferences; a user without a row has every kind enabled.
CREATE TABLE notification_preferences (
    user_id                uuid PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    push_enabled           boolean NOT NULL DEFAULT true,
    email_enabled          boolean NOT NULL DEFAULT true,
    message_enabled        boolean NOT NULL DEFAULT true,
    call_enabled           boolean NOT NULL DEFAULT true,
    friend_request_enabled boolean NOT NULL DEFAULT true,
    system_enabled         boolean NOT NULL DEFAULT true,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Conversations a user muted: no notification row and no push for their messages and calls.
CREATE TABLE notification_mutes (
    user_id         uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (conversation_id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, conversation_id)
);
