-- 006: calls (WebRTC call records, api.md "Calls"): calls, their participants, and the functions
-- that read a call (call_status, call_json) and move it from state to state (call_initiate,
-- call_join, call_leave, call_decline, call_end). The programs call each transition as one
-- statement (lib/sc_call.h); authorization is decided inside it.
--
-- Status: ringing (the caller waits) -> active (someone other than the caller joined:
-- answered_at) -> ended (the last joined participant left, or one ended it for everyone). Or
-- from ringing: missed (rang CALL_RING_SECONDS with nobody but the caller in it) or declined
-- (every invited callee declined). A ringing call past its ring time *reads* as missed at once
-- (call_status); the row is marked missed by the first write that touches it (or a new call in
-- its conversation), with ended_at = started_at + the ring time.
--
-- One live (ringing or active) call per conversation: the partial unique index calls_live
-- decides between concurrent initiates. rev counts the changes of a call; the Redis set
-- call:{id}:participants is written with it so a late write cannot undo a newer one.
CREATE TABLE calls (
    call_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL REFERENCES conversations (conversation_id) ON DELETE CASCADE,
    caller_id       uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    call_type       text NOT NULL CHECK (call_type IN ('audio', 'video')),
    status          text NOT NULL DEFAULT 'ringing'
                    CHECK (status IN ('ringing', 'active', 'ended', 'missed', 'declined')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    answered_at     timestamptz,
    ended_at        timestamptz,
    ended_by        uuid REFERENCES users (user_id) ON DELETE SET NULL,
    rev             integer NOT NULL DEFAULT 1,
    CHECK ((status IN ('ringing', 'active')) = (ended_at IS NULL))
);
CREATE UNIQUE INDEX calls_live ON calls (conversation_id) WHERE status IN ('ringing', 'active');

-- role: caller | callee (invited by the caller) | joiner (a member who joined uninvited).
-- state: invited (rung, not answered) -> joined <-> left, or invited -> declined. joined_at is
-- the latest (re)join, left_at the latest leave (NULL while in the call), declined_at the
-- decline. When a call ends, those still joined are marked left at its end.
CREATE TABLE call_participants (
    call_id     uuid NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('caller', 'callee', 'joiner')),
    invited     boolean NOT NULL,
    state       text NOT NULL CHECK (state IN ('invited', 'joined', 'left', 'declined')),
    joined_at   timestamptz,
    left_at     timestamptz,
    declined_at timestamptz,
    PRIMARY KEY (call_id, user_id)
);
-- the call log (GET /v1/calls): the calls one user has a row in
CREATE INDEX call_participants_user ON call_participants (user_id);

-- A time in RFC 3339 UTC with milliseconds, as SC_SQL_TS writes it (lib/sc_user.h).
CREATE FUNCTION call_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- The status as clients see it: a ringing call older than `ring` seconds reads as missed.
CREATE FUNCTION call_status(status text, started_at timestamptz, ring integer) RETURNS text
LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN status = 'ringing' AND started_at + make_interval(secs => ring) <= now()
               THEN 'missed' ELSE status END $$;

-- The call object of api.md: {call_id, conversation_id, caller_id, call_type, status,
-- started_at, answered_at, ended_at, ended_by, duration, participants:[{user_id, role, state,
-- joined_at, left_at}]}, keys in that order. A call that reads as missed shows the end it will be
-- given (started_at + ring) and its caller as left then. duration: whole seconds from answered_at
-- to ended_at (to now while it goes on), 0 when nobody answered. Participants: the caller, the
-- callees, the joiners, each by user id.
CREATE FUNCTION call_json(c calls, ring integer) RETURNS json LANGUAGE sql STABLE AS $$
    WITH s AS (SELECT call_status(c.status, c.started_at, ring) AS status),
    e AS (SELECT s.status,
                 CASE WHEN s.status = 'missed' AND c.ended_at IS NULL
                      THEN c.started_at + make_interval(secs => ring) ELSE c.ended_at END AS ended_at
          FROM s)
    SELECT json_build_object(
        'call_id', c.call_id, 'conversation_id', c.conversation_id, 'caller_id', c.caller_id,
        'call_type', c.call_type, 'status', e.status, 'started_at', call_ts(c.started_at),
        'answered_at', call_ts(c.answered_at), 'ended_at', call_ts(e.ended_at),
        'ended_by', c.ended_by,
        'duration', CASE WHEN c.answered_at IS NULL THEN 0
                         ELSE greatest(0, floor(extract(epoch FROM
                                  coalesce(e.ended_at, now()) - c.answered_at)))::bigint END,
        'participants', (
            SELECT coalesce(json_agg(json_build_object(
                'user_id', p.user_id, 'role', p.role,
                'state', CASE WHEN p.state = 'joined' AND e.ended_at IS NOT NULL
                              THEN 'left' ELSE p.state END,
                'joined_at', call_ts(p.joined_at),
                'left_at', call_ts(CASE WHEN p.state = 'joined' AND e.ended_at IS NOT NULL
                                        THEN e.ended_at ELSE p.left_at END))
                ORDER BY array_position(ARRAY['caller', 'callee', 'joiner'], p.role), p.user_id),
                '[]'::json)
            FROM call_participants p WHERE p.call_id = c.call_id))
    FROM e
$$;

-- What every transition answers, in one row (lib/sc_call.c reads the columns in this order):
--   code      'ok', or why not: lib/sc_call.c maps it to the HTTP answer
--   call_id   the call; for 'busy' the call already live in the conversation
--   call      the call object after the change (NULL when refused before the call was read)
--   others    recipients of call.ringing / call.joined / call.left (user ids, comma list)
--   everyone  every participant (call.ended)
--   members   the Redis set call:{id}:participants: participants invited or joined ('' when over)
--   live      'ringing', 'active' or 'over'
--   rev       the call's revision after the change
--   ttl       seconds the Redis set lives while ringing (the ring time left + 30)
--   changed   this statement changed the call: write the Redis set
--   ended     this statement ended the call: publish call.ended
CREATE TYPE call_result AS (
    code text, call_id uuid, call json, others text, everyone text, members text, live text,
    rev integer, ttl integer, changed boolean, ended boolean
);

CREATE FUNCTION call_refuse(p_code text, p_call uuid) RETURNS call_result LANGUAGE sql IMMUTABLE AS
$$ SELECT ROW(p_code, p_call, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, false)::call_result $$;

CREATE FUNCTION call_answer(p_code text, p_call uuid, p_ring integer, p_others text,
    p_changed boolean, p_ended boolean) RETURNS call_result LANGUAGE sql STABLE AS $$
    SELECT ROW(p_code, c.call_id, call_json(c, p_ring), p_others,
        (SELECT string_agg(p.user_id::text, ',' ORDER BY p.user_id) FROM call_participants p
         WHERE p.call_id = c.call_id),
        CASE WHEN l.live = 'over' THEN ''
             ELSE (SELECT coalesce(string_agg(p.user_id::text, ',' ORDER BY p.user_id), '')
                   FROM call_participants p
                   WHERE p.call_id = c.call_id AND p.state IN ('invited', 'joined')) END,
        l.live, c.rev,
        greatest(1, ceil(extract(epoch FROM
            c.started_at + make_interval(secs => p_ring + 30) - now())))::integer,
        p_changed, p_ended)::call_result
    FROM calls c,
         LATERAL (SELECT CASE WHEN call_status(c.status, c.started_at, p_ring) IN ('ringing', 'active')
                              THEN c.status ELSE 'over' END AS live) l
    WHERE c.call_id = p_call
$$;

-- The participants still rung or in the call (invited or joined) but p_user: the others.
CREATE FUNCTION call_others(p_call uuid, p_user uuid) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(p.user_id::text, ',' ORDER BY p.user_id) FROM call_participants p
    WHERE p.call_id = p_call AND p.user_id <> p_user AND p.state IN ('invited', 'joined')
$$;

-- Membership of p_user in p_conv, and whether a block stands between p_user and the other
-- participant of a direct conversation (a group is not affected by a block).
CREATE FUNCTION call_access(p_conv uuid, p_user uuid, OUT member boolean, OUT blocked boolean)
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM conversation_participants p
                   WHERE p.conversation_id = p_conv AND p.user_id = p_user),
           EXISTS (SELECT 1 FROM conversations c
                   JOIN conversation_participants o ON o.conversation_id = c.conversation_id
                   JOIN blocked_users b ON (b.blocker_id = o.user_id AND b.blocked_id = p_user)
                                        OR (b.blocker_id = p_user AND b.blocked_id = o.user_id)
                   WHERE c.conversation_id = p_conv AND c.type = 'direct' AND o.user_id <> p_user)
$$;

-- Mark a locked call that rang past its ring time as missed: ended_at = started_at + ring, its
-- caller left then. True when it did (the call is over).
CREATE FUNCTION call_expire(c calls, p_ring integer) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF call_status(c.status, c.started_at, p_ring) <> 'missed' OR c.status <> 'ringing' THEN
        RETURN false;
    END IF;
    UPDATE calls SET status = 'missed', ended_at = c.started_at + make_interval(secs => p_ring),
                     rev = rev + 1
    WHERE call_id = c.call_id;
    UPDATE call_participants SET state = 'left', left_at = c.started_at + make_interval(secs => p_ring)
    WHERE call_id = c.call_id AND state = 'joined';
    RETURN true;
END
$$;

-- End a locked call now (status ended or declined) by p_user; those in it are marked left.
CREATE FUNCTION call_finish(p_call uuid, p_status text, p_user uuid) RETURNS void
LANGUAGE sql AS $$
    UPDATE calls SET status = p_status, ended_at = now(), ended_by = p_user, rev = rev + 1
    WHERE call_id = p_call;
    UPDATE call_participants SET state = 'left', left_at = now()
    WHERE call_id = p_call AND state = 'joined';
$$;

-- POST /v1/calls/initiate. p_callees NULL: every other member of the conversation but deleted
-- users and those across a block with the caller; else those users (the caller among them is
-- ignored, duplicates count once), each a member (callee_not_member) and not across a block
-- (callee_blocked). Codes: no_conversation, not_member, blocked (a direct conversation with a
-- block), callee_not_member, callee_blocked, no_callees (nobody to ring), too_many (callees +
-- the caller > p_cap), busy (call_id: the live call), ok. A ringing call of the conversation
-- past its ring time is marked missed first, so it does not stand in the way.
CREATE FUNCTION call_initiate(p_caller uuid, p_conv uuid, p_type text, p_callees uuid[],
    p_cap integer, p_ring integer) RETURNS call_result LANGUAGE plpgsql AS $$
DECLARE
    v_type    text;
    v_member  boolean;
    v_blocked boolean;
    v_callees uuid[];
    v_id      uuid;
    v_stale   calls;
    v_try     integer;
BEGIN
    SELECT c.type INTO v_type FROM conversations c WHERE c.conversation_id = p_conv;
    IF NOT FOUND THEN
        RETURN call_refuse('no_conversation', NULL);
    END IF;
    SELECT a.member, a.blocked INTO v_member, v_blocked FROM call_access(p_conv, p_caller) a;
    IF NOT v_member THEN
        RETURN call_refuse('not_member', NULL);
    END IF;
    IF v_blocked THEN
        RETURN call_refuse('blocked', NULL);
    END IF;
    IF p_callees IS NOT NULL THEN
        SELECT array_agg(DISTINCT x ORDER BY x) INTO v_callees FROM unnest(p_callees) x
        WHERE x <> p_caller;
        IF v_callees IS NULL THEN
            RETURN call_refuse('no_callees', NULL);
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(v_callees) x
                   WHERE NOT EXISTS (SELECT 1 FROM conversation_participants p
                                     JOIN users u ON u.user_id = p.user_id AND u.deleted_at IS NULL
                                     WHERE p.conversation_id = p_conv AND p.user_id = x)) THEN
            RETURN call_refuse('callee_not_member', NULL);
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(v_callees) x
                   JOIN blocked_users b ON (b.blocker_id = x AND b.blocked_id = p_caller)
                                        OR (b.blocker_id = p_caller AND b.blocked_id = x)) THEN
            RETURN call_refuse('callee_blocked', NULL);
        END IF;
    ELSE
        SELECT array_agg(p.user_id ORDER BY p.user_id) INTO v_callees
        FROM conversation_participants p JOIN users u ON u.user_id = p.user_id
        WHERE p.conversation_id = p_conv AND p.user_id <> p_caller AND u.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM blocked_users b
                          WHERE (b.blocker_id = p.user_id AND b.blocked_id = p_caller)
                             OR (b.blocker_id = p_caller AND b.blocked_id = p.user_id));
        IF v_callees IS NULL THEN
            RETURN call_refuse('no_callees', NULL);
        END IF;
    END IF;
    IF cardinality(v_callees) + 1 > p_cap THEN
        RETURN call_refuse('too_many', NULL);
    END IF;
    -- A concurrent initiate that inserted first makes ours wait for its commit and then fail
    -- the unique index: busy with its id. Should that call be over already when we look, try
    -- again (bounded: each round some other call was live).
    FOR v_try IN 1..3 LOOP
        FOR v_stale IN SELECT * FROM calls c WHERE c.conversation_id = p_conv
                       AND c.status = 'ringing' FOR UPDATE LOOP
            PERFORM call_expire(v_stale, p_ring);
        END LOOP;
        BEGIN
            INSERT INTO calls (conversation_id, caller_id, call_type)
            VALUES (p_conv, p_caller, p_type) RETURNING call_id INTO v_id;
        EXCEPTION WHEN unique_violation THEN
            SELECT c.call_id INTO v_id FROM calls c
            WHERE c.conversation_id = p_conv AND c.status IN ('ringing', 'active')
              AND call_status(c.status, c.started_at, p_ring) <> 'missed';
            IF v_id IS NOT NULL THEN
                RETURN call_refuse('busy', v_id);
            END IF;
            CONTINUE;
        END;
        INSERT INTO call_participants (call_id, user_id, role, invited, state, joined_at)
        VALUES (v_id, p_caller, 'caller', false, 'joined', now());
        INSERT INTO call_participants (call_id, user_id, role, invited, state)
        SELECT v_id, x, 'callee', true, 'invited' FROM unnest(v_callees) x;
        RETURN call_answer('ok', v_id, p_ring, array_to_string(v_callees, ','), true, false);
    END LOOP;
    SELECT c.call_id INTO v_id FROM calls c
    WHERE c.conversation_id = p_conv AND c.status IN ('ringing', 'active');
    RETURN call_refuse('busy', v_id);
END
$$;

-- POST /v1/calls/:id/join. Codes: no_call, not_member (of the conversation, now), blocked (a
-- direct conversation with a block), over (ended, missed, declined; a stale ringing call is
-- marked missed: changed), already_joined, full (the participants rung or in the call would
-- exceed p_cap), ok. Anyone of the conversation may join: an invited callee, a member who was not
-- invited (role joiner), one who left or declined before. The first join by someone other than
-- the caller answers the call (active, answered_at).
CREATE FUNCTION call_join(p_user uuid, p_call uuid, p_cap integer, p_ring integer)
RETURNS call_result LANGUAGE plpgsql AS $$
DECLARE
    c         calls;
    v_member  boolean;
    v_blocked boolean;
    v_state   text;
    v_count   integer;
BEGIN
    SELECT * INTO c FROM calls WHERE call_id = p_call FOR UPDATE;
    IF NOT FOUND THEN
        RETURN call_refuse('no_call', NULL);
    END IF;
    SELECT a.member, a.blocked INTO v_member, v_blocked FROM call_access(c.conversation_id, p_user) a;
    IF NOT v_member THEN
        RETURN call_refuse('not_member', p_call);
    END IF;
    IF v_blocked THEN
        RETURN call_refuse('blocked', p_call);
    END IF;
    IF call_expire(c, p_ring) THEN
        RETURN call_answer('over', p_call, p_ring, NULL, true, false);
    END IF;
    IF c.status NOT IN ('ringing', 'active') THEN
        RETURN call_answer('over', p_call, p_ring, NULL, false, false);
    END IF;
    SELECT p.state INTO v_state FROM call_participants p
    WHERE p.call_id = p_call AND p.user_id = p_user;
    IF v_state = 'joined' THEN
        RETURN call_answer('already_joined', p_call, p_ring, NULL, false, false);
    END IF;
    IF v_state IS DISTINCT FROM 'invited' THEN
        SELECT count(*) INTO v_count FROM call_participants p
        WHERE p.call_id = p_call AND p.state IN ('invited', 'joined');
        IF v_count + 1 > p_cap THEN
            RETURN call_answer('full', p_call, p_ring, NULL, false, false);
        END IF;
    END IF;
    INSERT INTO call_participants AS p (call_id, user_id, role, invited, state, joined_at)
    VALUES (p_call, p_user, 'joiner', false, 'joined', now())
    ON CONFLICT (call_id, user_id) DO UPDATE SET state = 'joined', joined_at = now(), left_at = NULL;
    UPDATE calls SET status = CASE WHEN p_user <> caller_id THEN 'active' ELSE status END,
                     answered_at = coalesce(answered_at, CASE WHEN p_user <> caller_id THEN now() END),
                     rev = rev + 1
    WHERE call_id = p_call;
    RETURN call_answer('ok', p_call, p_ring, call_others(p_call, p_user), true, false);
END
$$;

-- POST /v1/calls/:id/leave. Codes: no_call, not_participant (no row: never rung nor joined),
-- over, not_joined (not in the call now), ok. When nobody is left in the call it ends (status
-- ended, ended_by the leaver): ended.
CREATE FUNCTION call_leave(p_user uuid, p_call uuid, p_ring integer)
RETURNS call_result LANGUAGE plpgsql AS $$
DECLARE
    c        calls;
    v_state  text;
    v_others text;
    v_ended  boolean := false;
BEGIN
    SELECT * INTO c FROM calls WHERE call_id = p_call FOR UPDATE;
    IF NOT FOUND THEN
        RETURN call_refuse('no_call', NULL);
    END IF;
    SELECT p.state INTO v_state FROM call_participants p
    WHERE p.call_id = p_call AND p.user_id = p_user;
    IF NOT FOUND THEN
        RETURN call_refuse('not_participant', p_call);
    END IF;
    IF call_expire(c, p_ring) THEN
        RETURN call_answer('over', p_call, p_ring, NULL, true, false);
    END IF;
    IF c.status NOT IN ('ringing', 'active') THEN
        RETURN call_answer('over', p_call, p_ring, NULL, false, false);
    END IF;
    IF v_state <> 'joined' THEN
        RETURN call_answer('not_joined', p_call, p_ring, NULL, false, false);
    END IF;
    UPDATE call_participants SET state = 'left', left_at = now()
    WHERE call_id = p_call AND user_id = p_user;
    v_others := call_others(p_call, p_user);
    IF NOT EXISTS (SELECT 1 FROM call_participants p
                   WHERE p.call_id = p_call AND p.state = 'joined') THEN
        PERFORM call_finish(p_call, 'ended', p_user);
        v_ended := true;
    ELSE
        UPDATE calls SET rev = rev + 1 WHERE call_id = p_call;
    END IF;
    RETURN call_answer('ok', p_call, p_ring, v_others, true, v_ended);
END
$$;

-- POST /v1/calls/:id/decline. Codes: no_call, not_invited (only an invited callee declines),
-- over, answered (joined before), declined (twice), ok. A ringing call whose invited callees
-- have all declined is over: status declined, ended_by the last one (ended).
CREATE FUNCTION call_decline(p_user uuid, p_call uuid, p_ring integer)
RETURNS call_result LANGUAGE plpgsql AS $$
DECLARE
    c         calls;
    v_state   text;
    v_invited boolean;
    v_others  text;
    v_ended   boolean := false;
BEGIN
    SELECT * INTO c FROM calls WHERE call_id = p_call FOR UPDATE;
    IF NOT FOUND THEN
        RETURN call_refuse('no_call', NULL);
    END IF;
    SELECT p.state, p.invited INTO v_state, v_invited FROM call_participants p
    WHERE p.call_id = p_call AND p.user_id = p_user;
    IF NOT FOUND OR NOT v_invited THEN
        RETURN call_refuse('not_invited', p_call);
    END IF;
    IF call_expire(c, p_ring) THEN
        RETURN call_answer('over', p_call, p_ring, NULL, true, false);
    END IF;
    IF c.status NOT IN ('ringing', 'active') THEN
        RETURN call_answer('over', p_call, p_ring, NULL, false, false);
    END IF;
    IF v_state = 'declined' THEN
        RETURN call_answer('declined', p_call, p_ring, NULL, false, false);
    END IF;
    IF v_state <> 'invited' THEN
        RETURN call_answer('answered', p_call, p_ring, NULL, false, false);
    END IF;
    UPDATE call_participants SET state = 'declined', declined_at = now()
    WHERE call_id = p_call AND user_id = p_user;
    v_others := call_others(p_call, p_user);
    IF c.status = 'ringing' AND NOT EXISTS (SELECT 1 FROM call_participants p
                                            WHERE p.call_id = p_call AND p.invited
                                              AND p.state = 'invited') THEN
        PERFORM call_finish(p_call, 'declined', p_user);
        v_ended := true;
    ELSE
        UPDATE calls SET rev = rev + 1 WHERE call_id = p_call;
    END IF;
    RETURN call_answer('ok', p_call, p_ring, v_others, true, v_ended);
END
$$;

-- POST /v1/calls/:id/end. Codes: no_call, forbidden (neither a participant nor a member of the
-- conversation), over, not_in_call (not joined now: only one who is in the call ends it), ok
-- (ended).
CREATE FUNCTION call_end(p_user uuid, p_call uuid, p_ring integer)
RETURNS call_result LANGUAGE plpgsql AS $$
DECLARE
    c       calls;
    v_state text;
BEGIN
    SELECT * INTO c FROM calls WHERE call_id = p_call FOR UPDATE;
    IF NOT FOUND THEN
        RETURN call_refuse('no_call', NULL);
    END IF;
    SELECT p.state INTO v_state FROM call_participants p
    WHERE p.call_id = p_call AND p.user_id = p_user;
    IF v_state IS NULL AND NOT (SELECT a.member FROM call_access(c.conversation_id, p_user) a) THEN
        RETURN call_refuse('forbidden', p_call);
    END IF;
    IF call_expire(c, p_ring) THEN
        RETURN call_answer('over', p_call, p_ring, NULL, true, false);
    END IF;
    IF c.status NOT IN ('ringing', 'active') THEN
        RETURN call_answer('over', p_call, p_ring, NULL, false, false);
    END IF;
    IF v_state IS DISTINCT FROM 'joined' THEN
        RETURN call_answer('not_in_call', p_call, p_ring, NULL, false, false);
    END IF;
    PERFORM call_finish(p_call, 'ended', p_user);
    RETURN call_answer('ok', p_call, p_ring, NULL, true, true);
END
$$;
