/* bench/hello.c: the bench peer, a plain libfcgi responder with no SecureConnect code.
 * `make bench` compares build/cgi-bin/ops-health.fcgi against it (same server, same max-procs).
 * It ends each connection as libsc does (lib/sc_app.c, finish()): once the request's input is
 * read to its end, FCGX_Detach makes libfcgi close at once instead of its lingering close
 * (shutdown, then wait for the web server to close first), so the ceiling does not count a
 * wait libsc does not have.
 * Build: cc -O2 bench/hello.c -lfcgi -o build/bench/hello.fcgi */
#include <fcgiapp.h>
#include <stdio.h>

int main(void)
{
    static const char resp[] =
        "Status: 200 OK\r\n"
        "Content-Type: application/json\r\n"
        "\r\n"
        "{\"status\":\"ok\"}";
    FCGX_Request r;

    if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
        return 1;
    while (FCGX_Accept_r(&r) >= 0) {
        FCGX_PutStr(resp, (int)sizeof resp - 1, r.out);
        if (FCGX_GetChar(r.in) == EOF && FCGX_HasSeenEOF(r.in))
            FCGX_Detach(&r);
        FCGX_Finish_r(&r);
    }
    return 0;
}
