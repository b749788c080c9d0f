/* sc_mail_tpl.c - account mail templates: reading, {{var}} rendering, HTML
 * escaping, links (see sc_mail.h). */
#include "sc_mail.h"

#include "sc_config.h"
#include "sc_log.h"

#include <errno.h>

#include <fcntl.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- templates ------------------------------------------------------------ */

/* Read dir/name.ext (at most SC_MAIL_TEMPLATE_MAX bytes of UTF-8) onto the arena. */
static char *read_file(sc_arena *a, const char *dir, const char *name, const char *ext,
    size_t *len, const char **why)
{
	char path[1200];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	if (n < 0 || (size_t)n >= sizeof(path))
		return *why = "template path too long", NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return *why = "template file missing or unreadable", NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SC_MAIL_TEMPLATE_MAX) {
		close(fd);
		return *why = "template file not a regular file or too large", NULL;
	}
	buf = sc_arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	if (!sc_utf8_valid(buf, got) || memchr(buf, '\0', got) != NULL)
		return *why = "template file is not UTF-8 text", NULL;
	*len = got;
	return buf;
}

int sc_mail_html_escape(sc_buf *b, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const char *r = NULL;
		switch (s[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\'': r = "&#39;"; break;
		}
		if ((r != NULL ? sc_buf_puts(b, r) : sc_buf_putc(b, s[i])) < 0)
			return -1;
	}
	return 0;
}

/* Expand {{var}} in t[0..n) into b; html: escape the values. */
static int expand(sc_buf *b, const char *t, size_t n, const sc_mail_var *vars, size_t nvars,
    int html)
{
	size_t i = 0;
	while (i < n) {
		const char *open = memmem(t + i, n - i, "{{", 2), *close;
		size_t k, nl;
		if (open == NULL)
			return sc_buf_append(b, t + i, n - i);
		if (sc_buf_append(b, t + i, (size_t)(open - (t + i))) < 0)
			return -1;
		close = memmem(open + 2, n - (size_t)(open + 2 - t), "}}", 2);
		if (close == NULL)
			return sc_buf_append(b, open, n - (size_t)(open - t));
		/* {{ name }}: spaces inside the braces are allowed */
		{
			const char *p = open + 2, *q = close;
			while (p < q && *p == ' ')
				p++;
			while (q > p && q[-1] == ' ')
				q--;
			nl = (size_t)(q - p);
			for (k = 0; k < nvars; k++) {
				if (strlen(vars[k].name) == nl && memcmp(vars[k].name, p, nl) == 0) {
					const char *v = vars[k].value ? vars[k].value : "";
					size_t vl = strnlen(v, SC_MAIL_VALUE_MAX);
					if ((html ? sc_mail_html_escape(b, v, vl) : sc_buf_append(b, v, vl)) < 0)
						return -1;
					break;
				}
			}
		}
		i = (size_t)(close + 2 - t);
	}
	return 0;
}

static const char *render_part(sc_arena *a, const char *t, size_t n, const sc_mail_var *vars,
    size_t nvars, int html, size_t cap)
{
	sc_buf b;
	char *s = NULL;
	sc_buf_init(&b, cap);
	if (expand(&b, t, n, vars, nvars, html) == 0 && sc_buf_putc(&b, '\0') == 0)
		s = sc_arena_strndup(a, b.ptr, b.len - 1);
	sc_buf_cleanup(&b);
	return s;
}

int sc_mail_render_dir(sc_arena *a, const char *dir, const char *name,
    const sc_mail_var *vars, size_t nvars, sc_mail_msg *out, const char **why)
{
	const char *ts, *tt, *th;
	size_t ls, lt, lh, i, j;
	char *subj;

	if ((ts = read_file(a, dir, name, "subject", &ls, why)) == NULL ||
	    (tt = read_file(a, dir, name, "txt", &lt, why)) == NULL ||
	    (th = read_file(a, dir, name, "html", &lh, why)) == NULL)
		return -1;
	for (i = 0; i < nvars; i++)
		if (vars[i].value != NULL && strlen(vars[i].value) > SC_MAIL_VALUE_MAX)
			return *why = "value too long", -1;
	subj = (char *)render_part(a, ts, ls, vars, nvars, 0, SC_MAIL_SUBJECT_MAX * 4);
	out->text = render_part(a, tt, lt, vars, nvars, 0, SC_MAIL_PART_MAX);
	out->html = render_part(a, th, lh, vars, nvars, 1, SC_MAIL_PART_MAX);
	if (subj == NULL || out->text == NULL || out->html == NULL)
		return *why = "rendered mail too large", -1;
	/* the subject is one header line: controls become spaces, outer spaces go */
	for (i = 0; subj[i] != '\0'; i++)
		if ((unsigned char)subj[i] < 0x20 || subj[i] == 0x7f)
			subj[i] = ' ';
	while (i > 0 && subj[i - 1] == ' ')
		subj[--i] = '\0';
	for (j = 0; subj[j] == ' '; j++)
		;
	if (i - j > SC_MAIL_SUBJECT_MAX)
		return *why = "subject too long", -1;
	out->subject = subj + j;
	if (out->subject[0] == '\0')
		return *why = "empty subject", -1;
	return 0;
}

int sc_mail_render(sc_arena *a, const char *name, const sc_mail_var *vars, size_t nvars,
    sc_mail_msg *out)
{
	const char *why = NULL, *dir = sc_config_str(SC_CFG_MAIL_TEMPLATE_DIR);
	sc_buf l;

	if (sc_mail_render_dir(a, dir, name, vars, nvars, out, &why) == 0)
		return 0;
	sc_buf_init(&l, 2048);
	sc_buf_puts(&l, "\"template\":");
	sc_buf_json_str(&l, name, strlen(name));
	sc_buf_puts(&l, ",\"dir\":");
	sc_buf_json_str(&l, dir, strlen(dir));
	sc_buf_puts(&l, ",\"reason\":");
	sc_buf_json_str(&l, why, strlen(why));
	sc_log(SC_LOG_ERROR, "cannot render a mail template", "%s", l.ptr ? l.ptr : "\"x\":0");
	sc_buf_cleanup(&l);
	return -1;
}

const char *sc_mail_link(sc_arena *a, const char *page, const char *token)
{
	const char *base = sc_config_str(SC_CFG_APP_URL);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return sc_arena_printf(a, "%.*s/%s?token=%s", (int)n, base, page, token);
}
