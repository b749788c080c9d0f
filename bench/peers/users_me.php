<?php
// bench/peers/users_me.php: the PHP peer of GET /v1/users/me for `make bench`.
// What an admin of shared hosting would write and run (PHP-FPM behind the same lighttpd, stock
// php.ini with OPcache), doing the same work as build/cgi-bin/users-me.fcgi:
//   1. the bearer token: HS256 with hash_hmac + hash_equals; alg, typ "access", aud, iss, exp,
//      nbf, iat, sub/sid/jti UUIDs and user_id = sub checked as lib/sc_jwt.c does;
//   2. the revocation check: EXISTS revoked:sid:<sid> (phpredis, persistent connection);
//   3. the primary-key select of the user's own columns (SC_USER_SELF_COLS of lib/sc_user.h)
//      with pgsql, persistent connection, a prepared statement (libsc prepares too);
//   4. the same JSON envelope and headers ({"success":true,"data":{...},"meta":{...}}).
// It does NOT do the per-user GCRA rate limit that libsc runs in the same Redis round trip as
// the revocation check (one EVALSHA there, one EXISTS here), nor the JSON access-log line.
// Settings come from the pool's environment (bench/lib/peer.sh writes them): SC_JWT_SECRET,
// SC_JWT_ISSUER, SC_PG_DSN, SC_REDIS_HOST, SC_REDIS_PORT, SC_REDIS_PASSWORD.
declare(strict_types=1);

const SC_AUD = 'secureconnect-api';
const SC_LEEWAY = 30;
const SC_UUID_RE = '/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/D';
const SC_SQL_ME = 'SELECT u.user_id, u.email, u.username, u.display_name, u.avatar_url, u.status, '
    . 'u.role, u.email_verified, u.two_factor_enabled, u.searchable, u.read_receipts, '
    . "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    . "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
    . 'FROM users u WHERE u.user_id = $1 AND u.deleted_at IS NULL';

function sc_respond(int $status, ?array $data, ?array $error, array $extra = []): void
{
    $rid = $_SERVER['HTTP_X_REQUEST_ID'] ?? '';
    if (!preg_match('/^[A-Za-z0-9._-]{1,64}$/D', $rid)) {
        $rid = bin2hex(random_bytes(16));
    }
    $t = microtime(true);
    $body = $error === null ? ['success' => true, 'data' => $data]
                            : ['success' => false, 'error' => $error];
    $body['meta'] = [
        'timestamp' => gmdate('Y-m-d\TH:i:s', (int)$t) . sprintf('.%03dZ', (int)(($t - floor($t)) * 1000)),
        'request_id' => $rid,
    ];
    http_response_code($status);
    header('Content-Type: application/json; charset=utf-8');
    header('X-Request-ID: ' . $rid);
    header('X-Content-Type-Options: nosniff');
    header('X-Frame-Options: DENY');
    header('Referrer-Policy: no-referrer');
    header("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    header('Cache-Control: no-store');
    foreach ($extra as $h) {
        header($h);
    }
    $json = json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    header('Content-Length: ' . strlen($json));
    echo $json;
}

function sc_unauthorized(string $msg): void
{
    sc_respond(401, null, ['code' => 'UNAUTHORIZED', 'message' => $msg],
        ['WWW-Authenticate: Bearer realm="secureconnect"']);
}

function sc_unavailable(): void
{
    sc_respond(503, null, ['code' => 'SERVICE_UNAVAILABLE',
        'message' => 'service unavailable, try again later'], ['Retry-After: 5']);
}

function sc_b64url(string $s): string|false
{
    return base64_decode(strtr($s, '-_', '+/') . str_repeat('=', (4 - strlen($s) % 4) % 4), true);
}

/** The claims of a valid access token, or null. */
function sc_jwt_verify(string $tok, int $now): ?array
{
    if (strlen($tok) > 4096 || !preg_match('/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/D', $tok)) {
        return null;
    }
    [$h64, $p64, $s64] = explode('.', $tok);
    $sig = sc_b64url($s64);
    if ($sig === false || !hash_equals(hash_hmac('sha256', $h64 . '.' . $p64, getenv('SC_JWT_SECRET'), true), $sig)) {
        return null;
    }
    $h = json_decode((string)sc_b64url($h64), true);
    $c = json_decode((string)sc_b64url($p64), true);
    if (!is_array($h) || ($h['alg'] ?? null) !== 'HS256' || !is_array($c)) {
        return null;
    }
    if (($c['typ'] ?? null) !== 'access' || ($c['aud'] ?? null) !== SC_AUD ||
        ($c['iss'] ?? null) !== getenv('SC_JWT_ISSUER')) {
        return null;
    }
    if (!is_int($c['exp'] ?? null) || !is_int($c['nbf'] ?? null) || !is_int($c['iat'] ?? null) ||
        $now >= $c['exp'] + SC_LEEWAY || $c['nbf'] > $now + SC_LEEWAY) {
        return null;
    }
    foreach (['sub', 'sid', 'jti'] as $k) {
        if (!is_string($c[$k] ?? null) || !preg_match(SC_UUID_RE, $c[$k])) {
            return null;
        }
    }
    if (!is_string($c['user_id'] ?? null) || strcasecmp($c['user_id'], $c['sub']) !== 0) {
        return null;
    }
    return $c;
}

$auth = $_SERVER['HTTP_AUTHORIZATION'] ?? '';
if (strncasecmp($auth, 'Bearer ', 7) !== 0 || ($tok = trim(substr($auth, 7), ' ')) === '') {
    sc_unauthorized('missing bearer token');
    return;
}
$claims = sc_jwt_verify($tok, time());
if ($claims === null) {
    sc_unauthorized('invalid or expired token');
    return;
}

try {
    $redis = new Redis();
    $redis->pconnect(getenv('SC_REDIS_HOST'), (int)getenv('SC_REDIS_PORT'), 2.0, 'sc', 0, 2.0,
        ['auth' => [getenv('SC_REDIS_PASSWORD')]]);
    $revoked = $redis->exists('revoked:sid:' . strtolower($claims['sid']));
} catch (RedisException $e) {
    sc_unavailable();
    return;
}
if ($revoked) {
    sc_unauthorized('session revoked');
    return;
}

$db = @pg_pconnect(getenv('SC_PG_DSN'));
if ($db === false) {
    sc_unavailable();
    return;
}
// Prepared once per persistent connection: the first execute on a new connection fails.
$res = @pg_execute($db, 'me', [$claims['sub']]);
if ($res === false) {
    if (@pg_prepare($db, 'me', SC_SQL_ME) === false ||
        ($res = @pg_execute($db, 'me', [$claims['sub']])) === false) {
        sc_unavailable();
        return;
    }
}
$row = pg_fetch_row($res);
if ($row === false) {
    sc_respond(404, null, ['code' => 'NOT_FOUND', 'message' => 'account not found']);
    return;
}
$b = static fn ($v) => $v === 't';
sc_respond(200, [
    'user_id' => $row[0], 'email' => $row[1], 'username' => $row[2], 'display_name' => $row[3],
    'avatar_url' => $row[4], 'status' => $row[5], 'role' => $row[6],
    'email_verified' => $b($row[7]), 'two_factor_enabled' => $b($row[8]),
    'searchable' => $b($row[9]), 'read_receipts' => $b($row[10]),
    'created_at' => $row[11], 'updated_at' => $row[12],
], null);
