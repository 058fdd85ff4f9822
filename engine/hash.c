/* engine/hash.c - the keyed hash of every table that input fills: SipHash-1-3
 * under a per-process random key, so that ids crafted to collide in a known
 * hash cannot turn those tables quadratic. */
#include "engine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                                       \
    do {                                                                                                               \
        v0 += v1, v1 = ROTL(v1, 13), v1 ^= v0, v0 = ROTL(v0, 32);                                                      \
        v2 += v3, v3 = ROTL(v3, 16), v3 ^= v2;                                                                         \
        v0 += v3, v3 = ROTL(v3, 21), v3 ^= v0;                                                                         \
        v2 += v1, v1 = ROTL(v1, 17), v1 ^= v2, v2 = ROTL(v2, 32);                                                      \
    } while (0)

/* SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012; public domain reference at github.com/veorq/SipHash): one round per
 * 8-byte word, three to finish, the variant CPython and Rust use for their
 * hash tables.  key[0] and key[1] are the key's bytes 0-7 and 8-15 read
 * little-endian. */
uint64_t kl_i_siphash(const uint64_t key[2], const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t v0 = 0x736f6d6570736575ull ^ key[0], v1 = 0x646f72616e646f6dull ^ key[1];
    uint64_t v2 = 0x6c7967656e657261ull ^ key[0], v3 = 0x7465646279746573ull ^ key[1];
    uint64_t last = (uint64_t)len << 56;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t m;
        memcpy(&m, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        m = __builtin_bswap64(m);
#endif
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t i = 0; i < len; i++)
        last |= (uint64_t)p[i] << (8 * i);
    v3 ^= last;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t key[2];
static kl_err key_status = KL_OK;
static char key_env[40]; /* a malformed KLUSTER_HASH_KEY (its start), for the message */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 16 random bytes: getrandom(2), else /dev/urandom, else the time, the pid
 * and an address (better than a fixed key, if not by much). */
static void random_key(unsigned char b[16])
{
    size_t got = 0;
    while (got < 16) {
        ssize_t r = getrandom(b + got, 16 - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got < 16) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        while (fd >= 0 && got < 16) {
            ssize_t r = read(fd, b + got, 16 - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (fd >= 0)
            close(fd);
    }
    if (got < 16) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t s[2] = {(uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec,
                         (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&ts};
        memcpy(b, s, 16);
    }
}

static void key_setup(void)
{
    unsigned char b[16];
    const char *env = getenv(KL_HASH_KEY_ENV);
    int ok = env && *env && strlen(env) == 32;
    for (size_t i = 0; ok && i < 16; i++) {
        int hi = hex_digit(env[2 * i]), lo = hex_digit(env[2 * i + 1]);
        ok = hi >= 0 && lo >= 0;
        b[i] = (unsigned char)(hi << 4 | lo);
    }
    if (!ok) {
        if (env && *env) {
            key_status = KL_EINVAL;
            snprintf(key_env, sizeof key_env, "%s", env);
        }
        random_key(b);
    }
    for (int i = 0; i < 8; i++) {
        key[0] |= (uint64_t)b[i] << (8 * i);
        key[1] |= (uint64_t)b[8 + i] << (8 * i);
    }
}

const uint64_t *kl_i_hash_key(void)
{
    pthread_once(&key_once, key_setup);
    return key;
}

kl_err kl_hash_init(kl_error_t *err)
{
    pthread_once(&key_once, key_setup);
    if (key_status != KL_OK)
        return kl_error_set(err, key_status, NULL, 0, 0, "invalid %s '%s' (32 hex digits)", KL_HASH_KEY_ENV, key_env);
    return KL_OK;
}

uint64_t kl_hash(const void *data, size_t len)
{
    return kl_i_siphash(kl_i_hash_key(), data, len);
}
