/* test_alloc.c - allocation that never returns NULL; overflow aborts. */
#include "t_common.h"

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "sc_alloc.h"

/* Run fn in a child and return its wait status. */
static int in_child(void (*fn)(void))
{
	int st = 0;
	pid_t pid;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* keep the child's "out of memory" line out of the test output */
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 2);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void calloc_overflow(void)
{
	volatile void *p = sc_xcalloc(SIZE_MAX / 2, 4);
	(void)p;
}

static void reallocarray_overflow(void)
{
	volatile void *p = sc_xreallocarray(NULL, (SIZE_MAX / 8) + 1, 16);
	(void)p;
}

static void test_xcalloc_overflow_aborts(void **state)
{
	int st;
	(void)state;
	st = in_child(calloc_overflow);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

static void test_xreallocarray_overflow_aborts(void **state)
{
	int st;
	(void)state;
	st = in_child(reallocarray_overflow);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

static void test_normal_allocations(void **state)
{
	unsigned char *p;
	char *s;
	size_t i;
	(void)state;
	p = sc_xcalloc(10, 10);
	for (i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	p = sc_xreallocarray(p, 20, 10);
	p[199] = 1;
	free(p);
	/* zero sizes give a usable pointer, not NULL */
	p = sc_xmalloc(0);
	assert_non_null(p);
	free(p);
	p = sc_xcalloc(0, 8);
	assert_non_null(p);
	free(p);
	p = sc_xrealloc(NULL, 0);
	assert_non_null(p);
	free(p);
	s = sc_xstrdup("secure");
	assert_string_equal(s, "secure");
	free(s);
	s = sc_xstrndup("connect!", 7);
	assert_string_equal(s, "connect");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xcalloc_overflow_aborts),
		cmocka_unit_test(test_xreallocarray_overflow_aborts),
		cmocka_unit_test(test_normal_allocations),
	};
	return cmocka_run_group_tests_name("sc_alloc", tests, NULL, NULL);
}
