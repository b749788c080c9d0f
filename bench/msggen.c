/* bench/msggen.c: COPY text for `make bench`'s chat part: COUNT messages of one conversation,
 * oldest first, fed to `COPY messages (message_id, conversation_id, sender_id, content,
 * is_encrypted, message_type, sent_at) FROM STDIN` (bench/lib/chat.sh).
 *
 * Row i (0-based) is sent at START-MS + i milliseconds, by SENDER-A when i is even and SENDER-B
 * when odd. Its message_id is a UUIDv7 (RFC 9562 section 5.7) whose 48-bit unix_ts_ms is that
 * time, with version 7 and variant 10: the ids strictly increase in row order (one ms apart),
 * as the ids the API makes do, and sent_at equals the time inside the id. rand_a and rand_b
 * come from xorshift64* seeded with getrandom (bench data: unpredictability is not needed).
 *
 * MODE "encrypted" (the default of a direct conversation, is_e2ee_enabled): content is 64
 * characters of base64 standing for ciphertext, is_encrypted true, so the search column is NULL;
 * "plain": "bench message N of a long conversation", is_encrypted false (PostgreSQL computes the
 * tsvector of every row and the search index holds them all: a slower load).
 *
 * Usage: msggen CONVERSATION-ID SENDER-A SENDER-B COUNT START-MS [encrypted|plain]
 * Build (bench/lib/chat.sh): cc -O2 bench/msggen.c -o build/bench/msggen */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

static int uuid_arg(const char *s)
{
    static const int dash[] = { 8, 13, 18, 23 };
    size_t i, d = 0;

    if (strlen(s) != 36)
        return 0;
    for (i = 0; i < 36; i++) {
        if (d < 4 && (int)i == dash[d]) {
            if (s[i] != '-')
                return 0;
            d++;
        } else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* 16 bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
static void uuid_text(const unsigned char *b, char *out)
{
    static const char hex[] = "0123456789abcdef";
    int i, o = 0;

    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* 64 base64 characters from 48 random bytes: stands for a ciphertext */
static void fake_ciphertext(char *out)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int i, k;

    for (i = 0; i < 64; i += 8) {
        uint64_t r = next();
        for (k = 0; k < 8; k++, r >>= 6)
            out[i + k] = b64[r & 63];
    }
    out[64] = '\0';
}

int main(int argc, char **argv)
{
    char id[37], stamp[40] = "", text[80];
    unsigned char b[16];
    long long count, start, i, ms, sec = -1;
    uint64_t r1, r2;
    char *end;
    int plain = 0;

    if (argc < 6 || argc > 7 || !uuid_arg(argv[1]) || !uuid_arg(argv[2]) ||
        !uuid_arg(argv[3])) {
        fprintf(stderr, "usage: %s CONVERSATION-ID SENDER-A SENDER-B COUNT START-MS "
            "[encrypted|plain] (lower-case UUIDs)\n", argv[0]);
        return 2;
    }
    if (argc == 7) {
        plain = strcmp(argv[6], "plain") == 0;
        if (!plain && strcmp(argv[6], "encrypted") != 0) {
            fprintf(stderr, "msggen: MODE must be encrypted or plain\n");
            return 2;
        }
    }
    count = strtoll(argv[4], &end, 10);
    if (*end || count < 1 || count > 100000000LL) {
        fprintf(stderr, "msggen: COUNT must be 1..100000000\n");
        return 2;
    }
    start = strtoll(argv[5], &end, 10);
    /* 48 bits of milliseconds, and a time gmtime can print */
    if (*end || start < 0 || start + count >= (1LL << 47)) {
        fprintf(stderr, "msggen: START-MS out of range\n");
        return 2;
    }
    if (getrandom(&rng, sizeof(rng), 0) != (ssize_t)sizeof(rng)) {
        perror("msggen: getrandom");
        return 1;
    }
    rng |= 1;
    for (i = 0; i < count; i++) {
        ms = start + i;
        r1 = next();
        r2 = next();
        b[0] = (unsigned char)(ms >> 40);
        b[1] = (unsigned char)(ms >> 32);
        b[2] = (unsigned char)(ms >> 24);
        b[3] = (unsigned char)(ms >> 16);
        b[4] = (unsigned char)(ms >> 8);
        b[5] = (unsigned char)ms;
        b[6] = (unsigned char)(0x70 | ((r1 >> 8) & 0x0f));   /* version 7, rand_a */
        b[7] = (unsigned char)r1;
        b[8] = (unsigned char)(0x80 | ((r2 >> 56) & 0x3f));  /* variant 10, rand_b */
        memcpy(b + 9, &r2, 7);
        uuid_text(b, id);
        if (ms / 1000 != sec) {
            time_t t = (time_t)(ms / 1000);
            struct tm tm;
            sec = ms / 1000;
            gmtime_r(&t, &tm);
            strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
        }
        if (plain)
            snprintf(text, sizeof(text), "bench message %lld of a long conversation", i + 1);
        else
            fake_ciphertext(text);
        /* message_id, conversation_id, sender_id, content, is_encrypted, message_type, sent_at */
        if (printf("%s\t%s\t%s\t%s\t%c\ttext\t%s.%03lld+00\n", id, argv[1],
            argv[2 + (i & 1)], text, plain ? 'f' : 't', stamp, ms % 1000) < 0) {
            perror("msggen: write");
            return 1;
        }
    }
    if (fflush(stdout) != 0) {
        perror("msggen: write");
        return 1;
    }
    return 0;
}
