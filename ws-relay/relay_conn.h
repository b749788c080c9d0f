/* relay_conn.h - between the input side (relay_conn.c) and the output side
 * (relay_out.c) of a client socket. Loop thread only. */
#ifndef RELAY_CONN_H
#define RELAY_CONN_H

#include "relay.h"

void relay_out_clear(relay_conn *c, int keep_partial);  /* drop the queue (but a half-sent frame) */
void relay_out_flush(relay_conn *c);                    /* EPOLLOUT: write what is queued */
void relay_out_finish(relay_conn *c);                   /* both closes exchanged: half-close */
void relay_out_slow(relay_conn *c);                     /* 1013, queue dropped */
void relay_conn_resume(relay_conn *c);                  /* read what came with the upgrade */

#endif
