/* sc_mail.h - account mails: templates, the outbox, and SMTP delivery.
 *
 * A mail is rendered by the program from the templates in MAIL_TEMPLATE_DIR
 * (<name>.subject, <name>.txt, <name>.html; "{{var}}" placeholders, values
 * HTML-escaped in the .html part) and INSERTed into mail_outbox by the same
 * statement that writes what it announces (the token it carries), so a mail
 * is never lost and never sent for something that was rolled back
 * (SC_MAIL_SQL_OUTBOX). After the response has gone out the program tries to
 * send it at once (sc_mail_send_later); what could not be sent is retried by
 * `sc-admin outbox flush` (sc_mail_deliver) with exponential backoff until it
 * is sent or expires_at passes.
 *
 * Delivery claims a mail before it talks to the mail server: one statement
 * moves next_attempt_at forward by a lease (FOR UPDATE SKIP LOCKED), so two
 * senders never send one mail at once. Success: sent_at set, bodies emptied
 * (they may carry a token). Failure: attempts + 1, last_error, next retry after
 * 0 s, then 1, 2, 4 ... minutes (capped at SC_MAIL_BACKOFF_CAP_S), gave_up_at
 * once expires_at passed. A mail the server accepted but whose sent_at could
 * not be written is sent again later: delivery is at least once.
 *
 * Caps: each template file SC_MAIL_TEMPLATE_MAX bytes, a value
 * SC_MAIL_VALUE_MAX, a rendered part SC_MAIL_PART_MAX. A template that is
 * missing, unreadable, too large or not UTF-8 is a deployment error: the
 * render fails (logged with the file name) and the program answers 500 without
 * writing anything (docs/decisions.md "Mail and account e-mails"). */
#ifndef SC_MAIL_H
#define SC_MAIL_H

#include <stddef.h>
#include <time.h>

#include "sc_arena.h"
#include "sc_buf.h"
#include "sc_db.h"

#define SC_MAIL_TEMPLATE_MAX  (64 * 1024)
#define SC_MAIL_VALUE_MAX     2048
#define SC_MAIL_PART_MAX      (256 * 1024)
#define SC_MAIL_SUBJECT_MAX   998
#define SC_MAIL_BACKOFF_CAP_S 3600

typedef struct sc_mail_var {
	const char *name;   /* "link" for {{link}} */
	const char *value;  /* UTF-8, up to SC_MAIL_VALUE_MAX bytes */
} sc_mail_var;

typedef struct sc_mail_msg {
	const char *subject;  /* one line, CR/LF and other controls removed */
	const char *text;
	const char *html;     /* the .html template is required too */
} sc_mail_msg;

/* The link of a mail: APP_URL (without a trailing slash) + "/" + page +
 * "?token=" + token, on the arena. A page of the front end, which posts the
 * token to the API (mail-templates/README.md). */
const char *sc_mail_link(sc_arena *a, const char *page, const char *token);

/* Render template `name` from folder `dir` with vars into out (strings on the
 * arena). Unknown placeholders render as nothing; "{{" without "}}" is kept
 * as written. Returns 0, or -1 with *why (a static text) set. */
int sc_mail_render_dir(sc_arena *a, const char *dir, const char *name,
    const sc_mail_var *vars, size_t nvars, sc_mail_msg *out, const char **why);

/* The same from MAIL_TEMPLATE_DIR; a failure is logged with the path. */
int sc_mail_render(sc_arena *a, const char *name, const sc_mail_var *vars, size_t nvars,
    sc_mail_msg *out);

/* Append s HTML-escaped (& < > " ') to b. 0 / -1 (cap). */
int sc_mail_html_escape(sc_buf *b, const char *s, size_t n);

/* Append a Subject/display-name value to b: as it is when printable ASCII,
 * else RFC 2047 encoded words (=?UTF-8?B?...?=, at most 75 characters each,
 * split between UTF-8 sequences, folded with CRLF SP). 0 / -1. */
int sc_mail_header_word(sc_buf *b, const char *s, size_t n);

/* The address inside a From value ("Name <a@b>" -> "a@b", "a@b" -> "a@b")
 * into out (cap bytes). 0, or -1 when there is none. */
int sc_mail_addr(const char *from, char *out, size_t cap);

/* Build the RFC 5322 message (CRLF line ends): Date, Message-ID
 * <mail_id@domain of from>, From, To, Subject, MIME-Version, a
 * multipart/alternative body with text/plain and text/html parts in UTF-8,
 * each base64-encoded in 76-character lines. Dot-stuffing is left to libcurl.
 * Returns 0, or -1 (bad From, or the cap of b). */
int sc_mail_build(sc_buf *b, const char *from, const char *to, const char *subject,
    const char *text, const char *html, const char *mail_id, time_t now);

/* Send one built message to `to` over SMTP_URL with the SMTP_* settings
 * (STARTTLS per SMTP_STARTTLS, AUTH when SMTP_USERNAME is set, the whole send
 * bounded by SMTP_TIMEOUT_MS). 0, or -1 with err (cap errlen) saying why. */
int sc_mail_smtp_send(const char *to, const char *msg, size_t len, char *err, size_t errlen);

typedef struct sc_mail_counts {
	long long claimed, sent, failed, gave_up;
} sc_mail_counts;

/* Give up the unsent mails whose expires_at passed, then claim up to `limit`
 * due mails (or only mail_id, when not NULL, and only if it is due and not
 * held) and send them one by one, recording each outcome. Returns 0 (send
 * failures are counted, not errors), or -1 when the database failed. */
int sc_mail_deliver(sc_db *db, sc_arena *a, const char *mail_id, int limit,
    sc_mail_counts *c, sc_db_err *err);

/* Register the at-once attempt for mail_id (an arena string, or NULL: nothing
 * to send) to run after the response went out (sc_app_after). Never fails the
 * request: a mail that cannot be sent now stays in the outbox. */
void sc_mail_send_later(sc_arena *a, const char *mail_id);

/* The outbox row, as an INSERT ... SELECT ... FROM `src` (a CTE name whose
 * rows carry user_id): `to` an SQL expression, the subject, text and html
 * parameters, and the lifetime in seconds (a parameter, MAIL_OUTBOX_EXPIRY_SECONDS).
 * Returns mail_id. For a CTE body. */
#define SC_MAIL_SQL_OUTBOX(src, tmpl, to, subj, text, html, life) \
	"INSERT INTO mail_outbox (user_id, template, to_addr, subject, body_text, body_html, " \
	"expires_at) SELECT " src ".user_id, '" tmpl "', " to ", " subj ", " text ", " html ", " \
	"now() + make_interval(secs => " life "::int) FROM " src " RETURNING mail_id"

#endif
