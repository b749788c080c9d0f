-- bench/login.lua: wrk script for POST /v1/auth/login with the bench user's e-mail and the right
-- password (SC_BENCH_EMAIL, SC_BENCH_PASSWORD in the environment), so the lockout never triggers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}',
    assert(os.getenv("SC_BENCH_EMAIL")), assert(os.getenv("SC_BENCH_PASSWORD")))
