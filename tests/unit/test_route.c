/* test_route.c - route pattern matching. */
#include "t_common.h"

#include "sc_route.h"

static sc_arena a;
static sc_route_params p;

static int setup(void **state)
{
	(void)state;
	sc_arena_init(&a);
	memset(&p, 0, sizeof(p));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&a);
	return 0;
}

static int m(const char *pattern, const char *path)
{
	return sc_route_match(&a, pattern, path, strlen(path), &p);
}

#define UUID_L "123e4567-e89b-12d3-a456-426614174000"
#define UUID_U "123E4567-E89B-12D3-A456-426614174000"

static void test_literal(void **state)
{
	(void)state;
	assert_int_equal(m("/health", "/health"), 1);
	assert_int_equal(p.count, 0);
	assert_int_equal(m("/v1/users/me", "/v1/users/me"), 1);
	assert_int_equal(m("/health", "/healthz"), 0);
	assert_int_equal(m("/health", "/healt"), 0);
	assert_int_equal(m("/health", "/Health"), 0);
	assert_int_equal(m("/v1/users/me", "/v1/users"), 0);
	assert_int_equal(m("/v1/users", "/v1/users/me"), 0);
	assert_int_equal(m("/", "/"), 1);
	assert_int_equal(m("/", "/x"), 0);
	assert_int_equal(m("/health", ""), 0);
	assert_int_equal(m("/health", "health"), 0);
	/* the length is honoured: a longer buffer is cut at path_len */
	assert_int_equal(sc_route_match(&a, "/health", "/healthXYZ", 7, &p), 1);
}

static void test_trailing_and_double_slash(void **state)
{
	(void)state;
	assert_int_equal(m("/health", "/health/"), 0);
	assert_int_equal(m("/health/", "/health"), 0);
	assert_int_equal(m("/v1/users", "/v1//users"), 0);
	assert_int_equal(m("/v1/users", "//v1/users"), 0);
	assert_int_equal(m("/v1/users/:id", "/v1/users//" UUID_L), 0);
	assert_int_equal(m("/v1/users/:id", "/v1/users/" UUID_L "/"), 0);
	assert_int_equal(m("/v1/users/:name", "/v1/users/"), 0);   /* empty parameter */
}

static void test_params(void **state)
{
	(void)state;
	assert_int_equal(m("/v1/rooms/:room/members/:member", "/v1/rooms/lobby/members/ann"), 1);
	assert_int_equal(p.count, 2);
	assert_string_equal(sc_route_param(&p, "room"), "lobby");
	assert_string_equal(sc_route_param(&p, "member"), "ann");
	assert_null(sc_route_param(&p, "roo"));
	assert_null(sc_route_param(&p, "rooms"));
	assert_null(sc_route_param(&p, "nothing"));
	assert_int_equal(m("/v1/rooms/:room", "/v1/rooms/lobby/extra"), 0);
	assert_int_equal(m("/v1/rooms/:room/members", "/v1/rooms/lobby/member"), 0);
}

static void test_uuid_params(void **state)
{
	(void)state;
	assert_int_equal(m("/v1/users/:id", "/v1/users/" UUID_L), 1);
	assert_string_equal(sc_route_param(&p, "id"), UUID_L);
	assert_int_equal(m("/v1/users/:id", "/v1/users/" UUID_U), 1);
	assert_string_equal(sc_route_param(&p, "id"), UUID_L);    /* stored lower case */
	assert_int_equal(m("/v1/rooms/:room_id/x", "/v1/rooms/" UUID_U "/x"), 1);
	assert_string_equal(sc_route_param(&p, "room_id"), UUID_L);
	/* not a UUID -> no match */
	assert_int_equal(m("/v1/users/:id", "/v1/users/42"), 0);
	assert_int_equal(m("/v1/users/:id", "/v1/users/me"), 0);
	assert_int_equal(m("/v1/users/:id", "/v1/users/123e4567-e89b-12d3-a456-42661417400g"), 0);
	assert_int_equal(m("/v1/users/:id", "/v1/users/123e4567e89b12d3a456426614174000"), 0);
	assert_int_equal(m("/v1/users/:room_id", "/v1/users/lobby"), 0);
	/* percent-encoding is not decoded for ids */
	assert_int_equal(m("/v1/users/:id", "/v1/users/%31" "23e4567-e89b-12d3-a456-426614174000"), 0);
	/* names that merely contain "id" are ordinary parameters */
	assert_int_equal(m("/v1/x/:idea", "/v1/x/plain"), 1);
	assert_int_equal(m("/v1/x/:paid", "/v1/x/plain"), 1);
	assert_int_equal(m("/v1/x/:_id", "/v1/x/plain"), 1);     /* "_id" alone: n > 3 is false */
}

static void test_decoded_params(void **state)
{
	(void)state;
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/caf%C3%A9%20bar"), 1);
	assert_string_equal(sc_route_param(&p, "tag"), "caf\xc3\xa9 bar");
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/a+b"), 1);
	assert_string_equal(sc_route_param(&p, "tag"), "a+b");     /* '+' is not a space in paths */
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/%2F"), 1);
	assert_string_equal(sc_route_param(&p, "tag"), "/");
	/* bad escapes, NUL, invalid UTF-8 -> no match */
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/%zz"), 0);
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/%00"), 0);
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/%C3"), 0);
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/\xff"), 0);
	assert_int_equal(m("/v1/tags/:tag", "/v1/tags/%"), 0);
}

static void test_catch_all(void **state)
{
	(void)state;
	assert_int_equal(m("/*", "/"), 1);
	assert_int_equal(m("/*", "/anything/at/all"), 1);
	assert_int_equal(m("/*", "/a//b/"), 1);
	assert_int_equal(p.count, 0);
	assert_int_equal(m("/*", ""), 0);
	assert_int_equal(m("/*", "x"), 0);
	/* "*" is only special as the whole pattern */
	assert_int_equal(m("/v1/*", "/v1/anything"), 0);
	assert_int_equal(m("/v1/*", "/v1/*"), 1);
}

static void test_param_limit(void **state)
{
	(void)state;
	/* SC_LIMIT_ROUTE_PARAMS (8) parameters match */
	assert_int_equal(m("/:a/:b/:c/:d/:e/:f/:g/:h", "/1/2/3/4/5/6/7/8"), 1);
	assert_int_equal(p.count, SC_LIMIT_ROUTE_PARAMS);
	assert_string_equal(sc_route_param(&p, "h"), "8");
	/* one more never matches, and writes nothing past the arrays */
	assert_int_equal(m("/:a/:b/:c/:d/:e/:f/:g/:h/:i", "/1/2/3/4/5/6/7/8/9"), 0);
	assert_true(p.count <= SC_LIMIT_ROUTE_PARAMS);
}

static void test_long_path(void **state)
{
	static char path[SC_LIMIT_PATH + 16];
	(void)state;
	path[0] = '/';
	memset(path + 1, 'a', sizeof(path) - 2);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(m("/:name", path), 0);
	path[SC_LIMIT_PATH] = '\0';
	assert_int_equal(m("/:name", path), 1);
	assert_int_equal(strlen(sc_route_param(&p, "name")), SC_LIMIT_PATH - 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_literal),
		T(test_trailing_and_double_slash),
		T(test_params),
		T(test_uuid_params),
		T(test_decoded_params),
		T(test_catch_all),
		T(test_param_limit),
		T(test_long_path),
	};
	return cmocka_run_group_tests_name("sc_route", tests, NULL, NULL);
}
