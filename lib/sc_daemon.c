/* sc_daemon.c - dropping root for good (sc_daemon.h). */
#include "sc_daemon.h"

#include <grp.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

int sc_daemon_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);
	uid_t r, e, s;

	if (pw == NULL)
		return -1;
	if (setgroups(1, &pw->pw_gid) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return -1;
	if (getresuid(&r, &e, &s) < 0 || r != pw->pw_uid || e != pw->pw_uid || s != pw->pw_uid ||
	    (pw->pw_uid != 0 && setuid(0) == 0))
		return -1;
	return 0;
}
