/* hcli.c - the suites' HTTP client: one process per suite instead of one curl
 * per request (tests/integration/lib.sh req).
 *
 * A curl start costs ~26 ms of CPU on this VM and the suites make thousands
 * of requests; this client is started once (a bash coprocess) and keeps its
 * connections alive. It does what `curl -sS --max-time 10 -g -D H -o B
 * -w '%{http_code}'` does with the options req() passes (-X/--head, -H,
 * --data-binary), through the same libcurl, so the requests on the wire are
 * the same (User-Agent, Accept, default Content-Type of a body, Expect:
 * 100-continue for large bodies, "Name:" removing a header).
 *
 * usage: hcli HEADERS-FILE BODY-FILE ERROR-FILE
 * Requests on stdin, one after another:
 *     METHOD \n URL \n N \n N header lines \n BODY \n
 * BODY is "-" (none), "@PATH" (the bytes of a file) or "=LEN" followed by a
 * newline and LEN bytes. Each answer is one line on stdout: the HTTP status
 * ("000" when there was none); the response's header blocks, body and the
 * error message (as curl -sS prints it) are in the three files. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_ 65536
#define HEADERS_MAX 64
#define BODY_MAX (64L << 20)

static char *read_line(char *buf, size_t cap)
{
	size_t n;

	if (fgets(buf, (int)cap, stdin) == NULL)
		return NULL;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

static char *read_file(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *p;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (*len = ftell(f)) < 0 || *len > BODY_MAX ||
	    fseek(f, 0, SEEK_SET) != 0) {
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	p = malloc((size_t)*len + 1);
	if (p != NULL && fread(p, 1, (size_t)*len, f) != (size_t)*len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

static size_t to_file(char *p, size_t size, size_t n, void *f)
{
	return fwrite(p, size, n, f);
}

int main(int argc, char **argv)
{
	static char method[64], url[LINE_MAX_], line[LINE_MAX_];
	char errbuf[CURL_ERROR_SIZE];
	CURL *h;

	if (argc != 4) {
		fprintf(stderr, "usage: hcli HEADERS-FILE BODY-FILE ERROR-FILE\n");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (h = curl_easy_init()) == NULL)
		return 1;
	while (read_line(method, sizeof(method)) != NULL) {
		struct curl_slist *hl = NULL;
		FILE *fh, *fb, *fe;
		char *body = NULL;
		long blen = 0, status = 0, n, i;
		CURLcode cc;

		if (read_line(url, sizeof(url)) == NULL || read_line(line, sizeof(line)) == NULL)
			return 1;
		n = strtol(line, NULL, 10);
		if (n < 0 || n > HEADERS_MAX)
			return 1;
		for (i = 0; i < n; i++) {
			if (read_line(line, sizeof(line)) == NULL)
				return 1;
			hl = curl_slist_append(hl, line);
		}
		if (read_line(line, sizeof(line)) == NULL)
			return 1;
		if (line[0] == '@') {
			body = read_file(line + 1, &blen);
		} else if (line[0] == '=') {
			blen = strtol(line + 1, NULL, 10);
			if (blen < 0 || blen > BODY_MAX || (body = malloc((size_t)blen + 1)) == NULL ||
			    fread(body, 1, (size_t)blen, stdin) != (size_t)blen)
				return 1;
		}
		fh = fopen(argv[1], "wb");
		fb = fopen(argv[2], "wb");
		fe = fopen(argv[3], "wb");
		if (fh == NULL || fb == NULL || fe == NULL)
			return 1;

		curl_easy_reset(h);
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "curl/" LIBCURL_VERSION);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, to_file);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, fh);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_file);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, fb);
		if (strcmp(method, "HEAD") == 0)
			curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		else if (strcmp(method, "GET") != 0)   /* curl -d without -X: a POST */
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (line[0] == '@' && body == NULL) {
			fprintf(fe, "curl: (26) Failed to open %s\n", line + 1);
		} else {
			if (body != NULL) {
				curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
				curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
			}
			errbuf[0] = '\0';
			cc = curl_easy_perform(h);
			if (cc != CURLE_OK)
				fprintf(fe, "curl: (%d) %s\n", (int)cc,
				    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		}
		fclose(fh);
		fclose(fb);
		fclose(fe);
		curl_slist_free_all(hl);
		free(body);
		printf("%03ld\n", status);
		fflush(stdout);
	}
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return 0;
}
