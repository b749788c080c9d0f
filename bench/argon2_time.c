/* bench/argon2_time.c: time one Argon2id hash at a given cost, as `make bench` reports it beside
 * the logins per second (the login's unavoidable work). Single thread, like one login.
 * Usage: argon2-time MEMORY-KIB PASSES LANES [RUNS]   prints "median_ms min_ms runs"
 * Build (bench/run.sh): cc -O2 bench/argon2_time.c -largon2 -o build/bench/argon2-time */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    static const char pw[] = "bench-password-0123456789";
    unsigned char salt[16], hash[32];
    char enc[256];
    double ms[1000];
    int runs, i;
    unsigned long m, t, p;

    if (argc < 4) {
        fprintf(stderr, "usage: %s MEMORY-KIB PASSES LANES [RUNS]\n", argv[0]);
        return 2;
    }
    m = strtoul(argv[1], NULL, 10);
    t = strtoul(argv[2], NULL, 10);
    p = strtoul(argv[3], NULL, 10);
    runs = argc > 4 ? atoi(argv[4]) : 20;
    if (runs < 1 || runs > 1000 || m == 0 || t == 0 || p == 0)
        return 2;
    memset(salt, 0x5a, sizeof(salt));
    /* one untimed run: page in the memory */
    if (argon2id_hash_encoded((uint32_t)t, (uint32_t)m, (uint32_t)p, pw, sizeof(pw) - 1, salt,
        sizeof(salt), sizeof(hash), enc, sizeof(enc)) != ARGON2_OK)
        return 1;
    for (i = 0; i < runs; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        /* the encoded form, as sc_password_hash makes it (argon2id_verify costs the same) */
        if (argon2id_hash_encoded((uint32_t)t, (uint32_t)m, (uint32_t)p, pw, sizeof(pw) - 1,
            salt, sizeof(salt), sizeof(hash), enc, sizeof(enc)) != ARGON2_OK)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    }
    qsort(ms, (size_t)runs, sizeof(ms[0]), cmp);
    printf("%.3f %.3f %d\n", runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2,
        ms[0], runs);
    return 0;
}
