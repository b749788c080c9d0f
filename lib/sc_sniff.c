/* sc_sniff.c - libmagic in a forked child (see sc_sniff.h). */
#include "sc_sniff.h"
#include "sc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: never returns. Writes the type (no NUL) and exits 0, or exits 1. */
static void child(int fd, const void *buf, size_t n)
{
	struct rlimit cpu = { 10, 10 };   /* a backstop beside the parent's timeout */
	magic_t m;
	const char *t;
	size_t len, off = 0;

	setrlimit(RLIMIT_CPU, &cpu);
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (m == NULL || magic_load(m, NULL) != 0 || (t = magic_buffer(m, buf, n)) == NULL)
		_exit(1);
	len = strlen(t);
	if (len == 0 || len > SC_SNIFF_TYPE_MAX)
		_exit(1);
	while (off < len) {
		ssize_t w = write(fd, t + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		off += (size_t)w;
	}
	_exit(0);
}

int sc_sniff(const void *buf, size_t n, char *out, const char **errstr)
{
	int p[2], status = 0, rc = -1;
	size_t got = 0;
	uint64_t deadline;
	pid_t pid;

	*errstr = "cannot start the type check";
	out[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child(p[1], buf, n);
	}
	close(p[1]);
	deadline = sc_time_mono_us() + (uint64_t)SC_SNIFF_TIMEOUT_MS * 1000u;
	*errstr = "the type check failed";
	for (;;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		uint64_t now = sc_time_mono_us();
		ssize_t r;
		int left = now >= deadline ? 0 : (int)((deadline - now) / 1000u) + 1;

		if (left == 0 || poll(&pf, 1, left) == 0) {
			*errstr = "the type check timed out";
			kill(pid, SIGKILL);
			break;
		}
		r = read(p[0], out + got, SC_SNIFF_TYPE_MAX - got);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == SC_SNIFF_TYPE_MAX) {
			kill(pid, SIGKILL);
			got = 0;        /* longer than any MIME type: not an answer */
			break;
		}
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	out[got] = '\0';
	if (got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		size_t i;
		for (i = 0; i < got; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				out[i] = (char)(out[i] + 32);
		rc = 0;
	} else {
		out[0] = '\0';
	}
	return rc;
}
