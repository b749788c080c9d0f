/* bench/cursor.c: print the opaque list cursor for KIND and FIELDs, made by libsc's own
 * sc_page_cursor_encode (lib/sc_page.c), so a cursor the bench builds by hand (the page 500,000
 * messages deep) is exactly the one the API would have handed out.
 * Usage: sc-cursor KIND FIELD...      e.g. sc-cursor messages 01a221b4-a05b-79a0-b98b-3ef3915cb437
 * Build (bench/lib/chat.sh): cc bench/cursor.c build/lib/libsc.a $(pkg-config --libs ...) */
#include "sc_arena.h"
#include "sc_page.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    sc_arena a;
    char *c;
    int rc = 0;

    if (argc < 3 || argc - 2 > SC_PAGE_FIELDS_MAX) {
        fprintf(stderr, "usage: %s KIND FIELD... (1..%d fields)\n", argv[0], SC_PAGE_FIELDS_MAX);
        return 2;
    }
    sc_arena_init(&a);
    c = sc_page_cursor_encode(&a, argv[1], argc - 2, (const char *const *)(argv + 2));
    if (c == NULL) {
        fprintf(stderr, "sc-cursor: the fields cannot be encoded (control characters, "
            "invalid UTF-8 or too long)\n");
        rc = 1;
    } else {
        printf("%s\n", c);
    }
    sc_arena_cleanup(&a);
    return rc;
}
