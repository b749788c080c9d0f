/* relay_worker.h - the worker's entry point (relay_worker.c). */
#ifndef RELAY_WORKER_H
#define RELAY_WORKER_H

/* Run the loop on listening socket lfd until SIGTERM has drained it.
 * relay_m must point at this worker's metrics slot. Returns the exit status. */
int relay_worker_run(int lfd, int index);

/* SIGTERM/SIGINT -> term, SIGHUP -> hup, SIGCHLD -> chld (NULL: default), SIGPIPE ignored. */
void relay_signals(void (*term)(int), void (*hup)(int), void (*chld)(int));

#endif
