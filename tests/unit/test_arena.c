/* test_arena.c - the per-request arena. */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_limits.h"

static void test_alloc_aligned_distinct(void **state)
{
	sc_arena a;
	char *p[64];
	size_t i, j;
	(void)state;
	sc_arena_init(&a);
	for (i = 0; i < 64; i++) {
		p[i] = sc_arena_alloc(&a, i + 1);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)i, i + 1);
	}
	/* nothing overlaps: every block still holds its own fill */
	for (i = 0; i < 64; i++)
		for (j = 0; j <= i; j++)
			assert_int_equal((unsigned char)p[i][j], i);
	assert_true(a.used >= 64 * 16);
	sc_arena_cleanup(&a);
}

static void test_zero_and_large(void **state)
{
	sc_arena a;
	unsigned char *big, *z;
	(void)state;
	sc_arena_init(&a);
	z = sc_arena_alloc(&a, 0);
	assert_non_null(z);
	big = sc_arena_alloc(&a, 3 * SC_ARENA_BLOCK + 5);
	assert_non_null(big);
	memset(big, 0xab, 3 * SC_ARENA_BLOCK + 5);
	assert_int_equal(big[3 * SC_ARENA_BLOCK + 4], 0xab);
	/* a huge block (larger than SC_ARENA_KEEP) is given back on reset */
	big = sc_arena_alloc(&a, SC_ARENA_KEEP * 2);
	memset(big, 1, SC_ARENA_KEEP * 2);
	sc_arena_reset(&a);
	assert_int_equal(a.used, 0);
	assert_non_null(a.head);
	sc_arena_cleanup(&a);
}

static void test_calloc_zeroes(void **state)
{
	sc_arena a;
	unsigned char *p;
	size_t i;
	(void)state;
	sc_arena_init(&a);
	/* dirty the memory first, then reset and calloc over it */
	memset(sc_arena_alloc(&a, 1000), 0x5a, 1000);
	sc_arena_reset(&a);
	p = sc_arena_calloc(&a, 100, 10);
	for (i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	sc_arena_cleanup(&a);
}

static void test_strings(void **state)
{
	sc_arena a;
	char *s;
	(void)state;
	sc_arena_init(&a);
	s = sc_arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	s = sc_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = sc_arena_strndup(&a, "", 0);
	assert_string_equal(s, "");
	s = sc_arena_printf(&a, "%s-%d-%05.1f", "x", 42, 3.14159);
	assert_string_equal(s, "x-42-003.1");
	/* a printf longer than one block */
	s = sc_arena_printf(&a, "%*s", (int)(SC_ARENA_BLOCK * 2), "end");
	assert_int_equal(strlen(s), SC_ARENA_BLOCK * 2);
	assert_string_equal(s + SC_ARENA_BLOCK * 2 - 3, "end");
	sc_arena_cleanup(&a);
}

static char order[16];
static size_t norder;

static void record(void *p)
{
	order[norder++] = *(const char *)p;
}

static void test_defer_newest_first_once(void **state)
{
	sc_arena a;
	static const char x = 'a', y = 'b', z = 'c';
	(void)state;
	norder = 0;
	sc_arena_init(&a);
	sc_arena_defer(&a, record, (void *)&x);
	sc_arena_defer(&a, record, (void *)&y);
	sc_arena_defer(&a, record, (void *)&z);
	assert_int_equal(norder, 0);
	sc_arena_reset(&a);
	assert_int_equal(norder, 3);
	assert_memory_equal(order, "cba", 3);
	/* a second reset runs nothing again */
	sc_arena_reset(&a);
	assert_int_equal(norder, 3);
	/* cleanup runs the pending ones */
	sc_arena_defer(&a, record, (void *)&x);
	sc_arena_cleanup(&a);
	assert_int_equal(norder, 4);
	assert_int_equal(order[3], 'a');
}

static void free_tracked(void *p)
{
	test_free(p);
}

/* Defers registered with test_malloc'd pointers: cmocka's leak check fails
 * the test when a cleanup does not run. */
static void test_defer_frees(void **state)
{
	sc_arena a;
	int i;
	(void)state;
	sc_arena_init(&a);
	for (i = 0; i < 3; i++) {
		int k;
		for (k = 0; k < 10; k++)
			sc_arena_defer(&a, free_tracked, test_malloc(32));
		/* make the arena grow across blocks between defers */
		sc_arena_alloc(&a, SC_ARENA_BLOCK);
		sc_arena_reset(&a);
	}
	sc_arena_cleanup(&a);
}

static void test_reset_reuses(void **state)
{
	sc_arena a;
	void *p1, *p2;
	(void)state;
	sc_arena_init(&a);
	p1 = sc_arena_alloc(&a, 64);
	sc_arena_reset(&a);
	p2 = sc_arena_alloc(&a, 64);
	assert_ptr_equal(p1, p2);
	sc_arena_cleanup(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_aligned_distinct),
		cmocka_unit_test(test_zero_and_large),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_defer_newest_first_once),
		cmocka_unit_test(test_defer_frees),
		cmocka_unit_test(test_reset_reuses),
	};
	return cmocka_run_group_tests_name("sc_arena", tests, NULL, NULL);
}
