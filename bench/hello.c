/* bench/hello.c: the bench peer, a plain libfcgi responder with no SecureConnect code.
 * `make bench` compares build/cgi-bin/ops-health.fcgi against it (same server, same max-procs).
 * Build: cc -O2 bench/hello.c -lfcgi -o build/bench/hello.fcgi */
#include <fcgiapp.h>

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
        FCGX_Finish_r(&r);
    }
    return 0;
}
