/* nd_send.c - the pushes of sc-notifyd (notifyd.h): a queue, one libcurl
 * multi handle with at most NOTIFYD_CONCURRENCY transfers in flight, and what
 * each outcome does. lib/sc_push_send.h speaks to FCM, APNs and Web Push;
 * HTTP/2 streams to one host share a connection (CURLPIPE_MULTIPLEX), which
 * is what APNs asks of providers. Easy handles are kept and reset for reuse;
 * connections live in the multi handle's cache. */
#include "notifyd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sc_alloc.h"
#include "sc_log.h"
#include "sc_push_send.h"

static CURLM *multi;
static sc_push_creds *creds;
static nd_push *qhead, *qtail, *flying;
static int nqueued, ninflight;
static CURL **pool;
static int npool;

int nd_send_init(char *err, size_t errlen)
{
	creds = sc_push_creds_load(err, errlen);
	if (creds == NULL)
		return -1;
	multi = curl_multi_init();
	if (multi == NULL) {
		snprintf(err, errlen, "curl_multi_init failed");
		return -1;
	}
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	/* keep the connections of a burst (the default cache shrinks with the handles in it) */
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)(nd.cfg.concurrency < 64 ? 64 : nd.cfg.concurrency));
	/* few connections per host: HTTP/2 multiplexes the transfers on them (APNs wants few
	 * connections per provider); without this limit bursts opened dozens */
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)ND_HOST_CONNECTIONS);
	pool = sc_xcalloc((size_t)nd.cfg.concurrency, sizeof(*pool));
	return 0;
}

int nd_send_service_on(const char *type)
{
	return creds != NULL && sc_push_service_on(creds, type);
}

void nd_push_free(nd_push *p)
{
	if (p == NULL)
		return;
	free(p->token);
	OPENSSL_cleanse(p->auth, sizeof(p->auth));
	free(p);
}

void nd_send_queue(nd_push *p)
{
	p->next = NULL;
	p->prev = qtail;
	if (qtail != NULL)
		qtail->next = p;
	else
		qhead = p;
	qtail = p;
	nqueued++;
}

static nd_push *pop(void)
{
	nd_push *p = qhead;
	if (p == NULL)
		return NULL;
	qhead = p->next;
	if (qhead != NULL)
		qhead->prev = NULL;
	else
		qtail = NULL;
	nqueued--;
	p->next = p->prev = NULL;
	return p;
}

static CURL *pool_get(void)
{
	return npool > 0 ? pool[--npool] : curl_easy_init();
}

static void pool_put(CURL *h)
{
	if (npool < nd.cfg.concurrency) {
		curl_easy_reset(h);
		pool[npool++] = h;
	} else {
		curl_easy_cleanup(h);
	}
}

/* What an outcome does; the push is freed and its job told. */
static void outcome(nd_push *p, sc_push_outcome oc, long retry_after, const char *why)
{
	nd_job *j = p->job;
	int tries = p->attempt + 1;
	long long delay;

	switch (oc) {
	case SC_PUSH_SENT:
		nd.n.sent++;
		nd_stream_sent(j->job_id, p->device_id);
		nd_db_touch(p->device_id);
		break;
	case SC_PUSH_GONE:
		nd.n.gone++;
		sc_log(SC_LOG_INFO, "device gone; deleted", "\"job\":\"%s\",\"device_id\":\"%s\",\"service\":\"%s\",\"why\":\"%s\"",
		    j->job_id, p->device_id, p->dtype, why);
		nd_db_device_gone(p->device_id, p->token);
		break;
	case SC_PUSH_FAILED:
		nd.n.failed++;
		sc_log(SC_LOG_WARN, "push refused; not retried", "\"job\":\"%s\",\"device_id\":\"%s\",\"service\":\"%s\",\"why\":\"%s\"",
		    j->job_id, p->device_id, p->dtype, why);
		break;
	case SC_PUSH_RETRY:
	default:
		if (tries >= nd.cfg.max_attempts) {
			if (nd_stream_dead(j, p->device_id, tries, why) < 0) {
				j->abandoned = 1;   /* reclaimed later; the dead letter is tried again */
				break;
			}
			nd.n.dead++;
			sc_log(SC_LOG_WARN, "push given up: dead-lettered", "\"job\":\"%s\",\"device_id\":\"%s\",\"service\":\"%s\",\"tries\":%d,\"why\":\"%s\"",
			    j->job_id, p->device_id, p->dtype, tries, why);
			break;
		}
		delay = nd_backoff_ms(tries, nd.cfg.retry_base_ms, nd.cfg.retry_max_ms, retry_after);
		if (nd_stream_retry(j, p->device_id, tries, delay) < 0) {
			j->abandoned = 1;
			break;
		}
		nd.n.retried++;
		sc_log(SC_LOG_DEBUG, "push retried later", "\"job\":\"%s\",\"device_id\":\"%s\",\"tries\":%d,\"delay_ms\":%lld,\"why\":\"%s\"",
		    j->job_id, p->device_id, tries, delay, why);
		break;
	}
	nd_push_free(p);
	nd_job_done_one(j);
}

static void start_some(void)
{
	while (qhead != NULL && ninflight < nd.cfg.concurrency && !nd.stop) {
		nd_push *p = pop();
		nd_job *j = p->job;
		int web = strcmp(p->dtype, "web") == 0;
		sc_push_target t = { p->dtype, p->token, web ? p->p256dh : NULL, web ? p->auth : NULL };
		sc_push_note n = { j->job_id, j->type, j->title, j->body, j->push_data, j->urgent };
		sc_push_outcome oc = SC_PUSH_FAILED;
		char err[256] = "";
		sc_push_req *r;
		CURL *h;

		if (!nd_send_service_on(p->dtype)) {
			/* a service whose keys are not configured is off: nothing to try */
			nd.n.skipped++;
			nd_push_free(p);
			nd_job_done_one(j);
			continue;
		}
		h = pool_get();
		if (h == NULL) {
			outcome(p, SC_PUSH_RETRY, -1, "curl_easy_init failed");
			continue;
		}
		r = sc_push_prepare(creds, h, &t, &n, &oc, err, sizeof(err));
		if (r == NULL) {
			pool_put(h);
			outcome(p, oc, -1, err[0] ? err : "prepare failed");
			continue;
		}
		curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)p);
		/* a transfer started while the first connection to its host is still being set up
		 * waits for it and becomes one more HTTP/2 stream on it, instead of opening another
		 * connection (APNs asks providers to keep few connections) */
		curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
		p->easy = h;
		p->req = r;
		if (curl_multi_add_handle(multi, h) != CURLM_OK) {
			sc_push_req_free(r);
			p->req = p->easy = NULL;
			pool_put(h);
			outcome(p, SC_PUSH_RETRY, -1, "curl_multi_add_handle failed");
			continue;
		}
		p->prev = NULL;
		p->next = flying;
		if (flying != NULL)
			flying->prev = p;
		flying = p;
		ninflight++;
	}
}

static void unfly(nd_push *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		flying = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
	ninflight--;
}

static void finished(void)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(multi, &left)) != NULL) {
		CURL *h = m->easy_handle;
		CURLcode cc = m->data.result;
		nd_push *p = NULL;
		long status = 0, ra = -1;
		char why[256] = "";
		sc_push_outcome oc;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&p);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(multi, h);   /* m is gone from here on */
		if (p == NULL) {
			pool_put(h);
			continue;
		}
		unfly(p);
		oc = sc_push_result(p->req, cc, status, &ra, why, sizeof(why));
		sc_push_req_free(p->req);
		p->req = p->easy = NULL;
		pool_put(h);
		outcome(p, oc, ra, why[0] ? why : curl_easy_strerror(cc));
	}
}

void nd_send_run(int wait_ms)
{
	int running = 0;

	start_some();
	if (ninflight == 0)
		return;
	curl_multi_perform(multi, &running);
	finished();
	if (ninflight > 0 && wait_ms > 0) {
		curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
		curl_multi_perform(multi, &running);
		finished();
	}
	start_some();
}

int nd_send_busy(void)
{
	return nqueued + ninflight;
}

int nd_send_inflight(void)
{
	return ninflight;
}

void nd_send_abandon(void)
{
	nd_push *p;

	while ((p = flying) != NULL) {
		CURL *h = p->easy;
		unfly(p);
		curl_multi_remove_handle(multi, h);
		sc_push_req_free(p->req);
		p->req = p->easy = NULL;
		pool_put(h);
		nd_job *j = p->job;
		j->abandoned = 1;
		nd_push_free(p);
		nd_job_done_one(j);
	}
	while ((p = pop()) != NULL) {
		nd_job *j = p->job;
		j->abandoned = 1;
		nd_push_free(p);
		nd_job_done_one(j);
	}
}

void nd_send_cleanup(void)
{
	nd_send_abandon();
	while (npool > 0)
		curl_easy_cleanup(pool[--npool]);
	free(pool);
	pool = NULL;
	if (multi != NULL)
		curl_multi_cleanup(multi);
	multi = NULL;
	sc_push_creds_free(creds);
	creds = NULL;
}
