-- bench/send.lua: wrk script for POST /v1/messages into the bench's send conversation
-- (SC_BENCH_CONV in the environment; the sender's token comes with wrk -H). Every request sends
-- the same unencrypted text message without client_msg_id, so each one inserts a row and
-- publishes message.new to the two members.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format(
    '{"conversation_id":"%s","content":"bench send","is_encrypted":false,"message_type":"text"}',
    assert(os.getenv("SC_BENCH_CONV")))
