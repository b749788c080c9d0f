/* nd_main.c - sc-notifyd: the push worker (issue 9; docs/sc-notifyd.8).
 *
 * One process, one loop: read jobs from the Redis stream push:jobs as a
 * member of the consumer group "notifyd" (several workers may run; each is
 * the consumer host:pid), write each job's notification row and read its
 * devices in one PostgreSQL statement, push through one libcurl multi handle,
 * acknowledge a job once every device has a definite outcome. Beside that,
 * on timers: reclaim jobs a dead worker held (XAUTOCLAIM), keep our own held
 * jobs from looking dead, move due retries back onto the stream, mark calls
 * that rang out as missed (call.missed), deliver the mail outbox, log the
 * counters.
 *
 *   sc-notifyd [-t] [-1|--once] [-p PIDFILE] [-l LOGFILE] [-u USER]
 *
 * Signals only set flags (style.md rule 17): SIGTERM/SIGINT stop reading,
 * give the transfers in flight a moment, abandon the rest unacknowledged
 * (another worker or the next start reclaims them) and exit 0; SIGHUP
 * reopens LOGFILE. */
#include "notifyd.h"
#include "sc_daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sc_alloc.h"
#include "sc_arena.h"
#include "sc_config.h"
#include "sc_log.h"
#include "sc_mail.h"
#include "sc_time.h"

nd_state nd;

static volatile sig_atomic_t got_term, got_hup;
static void on_term(int s) { (void)s; got_term = 1; }
static void on_hup(int s) { (void)s; got_hup = 1; }

static long long mono_ms(void)
{
	return (long long)(sc_time_mono_us() / 1000);
}

/* ---- jobs in memory ---- */

static nd_job *find_job(const char *id)
{
	nd_job *j;
	for (j = nd.jobs; j != NULL; j = j->next)
		if (strcmp(j->id, id) == 0)
			return j;
	return NULL;
}

static void link_job(nd_job *j)
{
	j->prev = NULL;
	j->next = nd.jobs;
	if (nd.jobs != NULL)
		nd.jobs->prev = j;
	nd.jobs = j;
	nd.njobs++;
}

static void forget_job(nd_job *j)
{
	if (j->prev != NULL)
		j->prev->next = j->next;
	else if (nd.jobs == j)
		nd.jobs = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	nd.njobs--;
	nd_job_cleanup(j);
	free(j);
}

void nd_job_done_one(nd_job *j)
{
	if (--j->pending > 0)
		return;
	if (!j->abandoned)
		nd_stream_ack(j->id);
	forget_job(j);
}

/* A job we cannot process: to the dead letters, acknowledged. */
static void bury(nd_job *j, const char *why)
{
	nd.n.dead++;
	sc_log(SC_LOG_WARN, "job dead-lettered", "\"entry\":\"%s\",\"why\":\"%s\"", j->id, why);
	if (nd_stream_dead(j, "", j->attempt, why) == 0)
		nd_stream_ack(j->id);
}

void nd_take(const char *entry_id, redisReply *f)
{
	char served[ND_UUID_LEN * 64 + 64] = "";
	const char *why = "malformed field";
	nd_job *j;
	size_t i;
	int bad = 0, n;

	if (find_job(entry_id) != NULL || !nd_is_stream_id(entry_id, strlen(entry_id)))
		return;     /* ours already (a reclaim of a job in progress) */
	j = sc_xcalloc(1, sizeof(*j));
	nd_job_init(j, entry_id);
	for (i = 0; i + 1 < f->elements; i += 2) {
		redisReply *k = f->element[i], *v = f->element[i + 1];
		if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING ||
		    nd_job_field(j, k->str, v->str, v->len) < 0)
			bad = 1;
	}
	nd.n.jobs++;
	if (bad || nd_job_prepare(j, &why) < 0) {
		bury(j, why);
		nd_job_cleanup(j);
		free(j);
		return;
	}
	link_job(j);
	j->pending = 1;   /* held while the statement runs */
	/* a job seen before (reclaimed, or a retry entry) skips what it served already */
	if (j->attempt > 0 || strcmp(j->id, j->job_id) != 0 || nd.claiming) {
		if (nd_stream_served(j->job_id, served, sizeof(served)) < 0) {
			j->abandoned = 1;
			nd_job_done_one(j);
			return;
		}
	}
	n = nd_db_job(j, served);
	if (n == -1) {
		j->abandoned = 1;   /* the database is away: the job is reclaimed later */
	} else if (n == -2) {
		bury(j, "job statement failed");
		j->abandoned = 1;   /* bury acknowledged it (or leaves it for a reclaim) */
	}
	nd_job_done_one(j);
}

/* ---- privileges, log, pidfile ---- */

/* stderr becomes logfile (appended); SIGHUP does it again after a rotation */
static int open_log(const char *logfile)
{
	int fd;
	if (logfile == NULL)
		return 0;
	fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (dup2(fd, 2) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void settings_load(void)
{
	nd_settings *c = &nd.cfg;
	c->concurrency = sc_config_int(SC_CFG_NOTIFYD_CONCURRENCY);
	c->batch = sc_config_int(SC_CFG_NOTIFYD_BATCH);
	c->claim_idle_ms = sc_config_int(SC_CFG_NOTIFYD_CLAIM_IDLE_MS);
	c->retry_base_ms = sc_config_int(SC_CFG_NOTIFYD_RETRY_BASE_MS);
	c->retry_max_ms = sc_config_int(SC_CFG_NOTIFYD_RETRY_MAX_MS);
	c->timeout_ms = sc_config_int(SC_CFG_NOTIFYD_TIMEOUT_MS);
	c->max_attempts = sc_config_int(SC_CFG_PUSH_MAX_ATTEMPTS);
	c->stream_maxlen = sc_config_int(SC_CFG_PUSH_STREAM_MAXLEN);
	c->ring_s = sc_config_int(SC_CFG_CALL_RING_SECONDS);
	c->redis_timeout_ms = sc_config_int(SC_CFG_REDIS_TIMEOUT_MS);
	if (c->retry_max_ms < c->retry_base_ms)
		c->retry_max_ms = c->retry_base_ms;
	/* the served-device records outlive every retry of the job by far */
	c->sent_ttl_s = c->max_attempts * (c->retry_max_ms / 1000) + 3600;
	if (c->sent_ttl_s < 86400)
		c->sent_ttl_s = 86400;
}

static void log_counters(const char *msg)
{
	sc_log(SC_LOG_INFO, msg, "\"jobs\":%llu,\"sent\":%llu,\"retried\":%llu,\"gone\":%llu,"
	    "\"dead\":%llu,\"failed\":%llu,\"skipped\":%llu,\"missed_calls\":%llu,\"mails\":%llu,"
	    "\"held\":%d", nd.n.jobs, nd.n.sent, nd.n.retried, nd.n.gone, nd.n.dead, nd.n.failed,
	    nd.n.skipped, nd.n.missed_calls, nd.n.mails, nd.njobs);
}

/* Deliver the outbox: batches of 20 until none is due (or one failed: the
 * mail server is likely down, and each try may cost SMTP_TIMEOUT_MS). */
static void outbox(int drain)
{
	sc_mail_counts c;
	sc_arena a;
	sc_db_err err;

	sc_arena_init(&a);
	do {
		if (sc_mail_deliver(nd.db, &a, NULL, 20, &c, &err) < 0) {
			sc_log(SC_LOG_WARN, "outbox delivery failed", "\"unavailable\":%s",
			    err.unavailable ? "true" : "false");
			break;
		}
		nd.n.mails += (unsigned long long)c.sent;
		if (c.sent > 0 || c.failed > 0 || c.gave_up > 0)
			sc_log(SC_LOG_INFO, "outbox", "\"sent\":%lld,\"failed\":%lld,\"given_up\":%lld",
			    c.sent, c.failed, c.gave_up);
		sc_arena_reset(&a);
	} while (drain && c.claimed > 0 && c.failed == 0);
	sc_arena_cleanup(&a);
}

/* The loop; --once leaves it when nothing is left to do. */
static void run(const char *logfile)
{
	long long now, next_retry = 0, next_claim = 0, next_keep = 0, next_sec = 0, next_mail = 0,
	    next_stats, stop_at = 0;
	int block = (int)(nd.cfg.redis_timeout_ms / 2 < 200 ? nd.cfg.redis_timeout_ms / 2 : 200);
	int redis_down = 0;

	next_stats = mono_ms() + 60000;
	for (;;) {
		int got = 0, claimed = 0, moved = 0, busy;

		now = mono_ms();
		if (got_term && !nd.stop) {
			nd.stop = 1;
			stop_at = now + 2000;
			sc_log_info("stopping: no new jobs; transfers in flight get 2 s");
		}
		if (got_hup) {
			got_hup = 0;
			if (open_log(logfile) < 0)
				sc_log(SC_LOG_ERROR, "cannot reopen the log", "\"file\":\"%s\"", logfile);
			else
				sc_log_info("log reopened");
		}
		if (nd.stop) {
			nd_send_run(50);
			nd_stream_flush();
			if (nd_send_inflight() == 0 || now >= stop_at)
				break;
			continue;
		}
		/* first the timers: a call.missed queues its jobs before this turn reads */
		if (now >= next_sec) {
			nd_db_missed_calls();
			nd_db_touch_flush();
			next_sec = now + 1000;
		}
		if (now >= next_mail) {
			outbox(nd.once);
			next_mail = now + 5000;
		}
		if (now >= next_stats) {
			log_counters("counters");
			next_stats = now + 60000;
		}
		if (now >= next_retry) {
			moved = nd_stream_due_retries((int)nd.cfg.batch);
			next_retry = now + 250;
		}
		if (now >= next_claim) {
			nd.claiming = 1;
			claimed = nd_stream_reclaim((int)nd.cfg.batch);
			nd.claiming = 0;
			next_claim = now + (nd.once ? 0 : 1000);
		}
		if (now >= next_keep && nd.njobs > 0) {
			nd_stream_keepalive();
			next_keep = now + nd.cfg.claim_idle_ms / 3;
		}
		busy = nd_send_busy();
		/* read while the queue has room: up to twice the transfers in flight */
		if (busy < 2 * nd.cfg.concurrency) {
			long long room = 2 * nd.cfg.concurrency - busy;
			got = nd_stream_read((int)(room < nd.cfg.batch ? room : nd.cfg.batch),
			    busy > 0 || nd.once ? 0 : block);
			if (got < 0 && !redis_down) {
				sc_log_warn("redis unavailable; retrying");
				redis_down = 1;
			} else if (got >= 0 && redis_down) {
				sc_log_info("redis back");
				redis_down = 0;
				nd_stream_init();
			}
		}
		nd_send_run(nd_send_busy() > 0 ? 20 : 0);
		nd_stream_flush();
		if (nd.once && got <= 0 && claimed <= 0 && moved <= 0 && nd_send_busy() == 0 &&
		    nd.njobs == 0)
			break;
		if (redis_down && nd_send_busy() == 0)
			usleep(500000);
	}
	nd_send_abandon();
	nd_db_touch_flush();
	nd_stream_flush();
}

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: sc-notifyd [-t] [-1|--once] [-p PIDFILE] [-l LOGFILE] [-u USER]\n"
	    "  -t        check the configuration and the push keys it names, then exit\n"
	    "  -1 --once deliver what is due (jobs, retries, missed calls, mails) and exit (cron)\n"
	    "  -p FILE   write the pid to FILE\n"
	    "  -l FILE   log to FILE (appended; SIGHUP reopens it) instead of stderr\n"
	    "  -u USER   the account to switch to when started as root (default www-data)\n"
	    "settings: the file named by SC_CONFIG (docs/sc-notifyd.8)\n");
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, '1' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *err, *pidfile = NULL, *logfile = NULL, *user = "www-data";
	char perr[512] = "", host[64];
	struct sigaction sa;
	sc_log_level lvl;
	int opt, check = 0;

	sc_log_init("sc-notifyd", 2);
	while ((opt = getopt_long(argc, argv, "t1p:l:u:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': check = 1; break;
		case '1': nd.once = 1; break;
		case 'p': pidfile = optarg; break;
		case 'l': logfile = optarg; break;
		case 'u': user = optarg; break;
		case 'h': return usage(0);
		default: return usage(2);
		}
	}
	if (optind != argc)
		return usage(2);
	if (sc_config_load(&err) < 0) {
		fprintf(stderr, "sc-notifyd: %s\n", err);
		return 1;
	}
	if (sc_log_level_parse(sc_config_str(SC_CFG_LOG_LEVEL), &lvl) == 0)
		sc_log_set_level(lvl);
	settings_load();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "sc-notifyd: curl_global_init failed\n");
		return 1;
	}
	/* the keys are read before the privileges go: they may be root:www-data 0640 or tighter */
	if (nd_send_init(perr, sizeof(perr)) < 0) {
		fprintf(stderr, "sc-notifyd: %s\n", perr);
		return 1;
	}
	if (check) {
		printf("sc-notifyd: configuration ok (fcm %s, apns %s, web %s)\n",
		    nd_send_service_on("fcm") ? "on" : "off", nd_send_service_on("apns") ? "on" : "off",
		    nd_send_service_on("web") ? "on" : "off");
		nd_send_cleanup();
		curl_global_cleanup();
		return 0;
	}
	/* the log and the pidfile are opened with the privileges we start with (a root-owned
	 * /run or /var/log); a SIGHUP reopen happens as USER and keeps the old file on failure */
	if (open_log(logfile) < 0) {
		fprintf(stderr, "sc-notifyd: cannot open %s: %s\n", logfile, strerror(errno));
		return 1;
	}
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");
		if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
			fprintf(stderr, "sc-notifyd: cannot write %s\n", pidfile);
			return 1;
		}
	}
	if (geteuid() == 0 && sc_daemon_drop_privileges(user) < 0) {
		fprintf(stderr, "sc-notifyd: cannot switch to the account %s\n", user);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(nd.consumer, sizeof(nd.consumer), "%s:%d", host, (int)getpid());
	nd.db = sc_db_new();
	nd.redis = sc_redis_new();
	if (nd_stream_init() < 0 && !nd.once)
		sc_log_warn("redis unavailable at start; retrying");
	sc_log(SC_LOG_INFO, nd.once ? "started (once)" : "started",
	    "\"consumer\":\"%s\",\"concurrency\":%lld,\"batch\":%lld,\"fcm\":%s,\"apns\":%s,\"web\":%s",
	    nd.consumer, nd.cfg.concurrency, nd.cfg.batch, nd_send_service_on("fcm") ? "true" : "false",
	    nd_send_service_on("apns") ? "true" : "false", nd_send_service_on("web") ? "true" : "false");
	run(logfile);
	log_counters("stopped");
	if (nd.once)
		printf("sc-notifyd: %llu jobs, %llu sent, %llu retried, %llu gone, %llu dead, %llu failed, "
		    "%llu missed calls, %llu mails\n", nd.n.jobs, nd.n.sent, nd.n.retried, nd.n.gone,
		    nd.n.dead, nd.n.failed, nd.n.missed_calls, nd.n.mails);
	nd_send_cleanup();
	sc_redis_free(nd.redis);
	sc_db_free(nd.db);
	curl_global_cleanup();
	if (pidfile != NULL)
		unlink(pidfile);
	return 0;
}
