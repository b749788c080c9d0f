/* sc_daemon.h - what the daemons (sc-ws-relay, sc-notifyd) share when they
 * start as root. */
#ifndef SC_DAEMON_H
#define SC_DAEMON_H

/* Become user for good: setgroups, setresgid, setresuid, then check that
 * nothing can be regained (the saved ids changed, setuid(0) fails). 0, or -1
 * when the user does not exist or a step failed. */
int sc_daemon_drop_privileges(const char *user);

#endif
