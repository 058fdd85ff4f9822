/* tests/unit/hash_test.c - kl_hash (engine/hash.c), SipHash-1-3 under the key
 * KLUSTER_HASH_KEY gives: messages of 1 to 64 bytes (every tail length, one
 * to eight words) and a word.  The golden file comes from an independent
 * SipHash-1-3, CPython's hash() of bytes, whose key under PYTHONHASHSEED=1 is
 * the 16 bytes below (its LCG: x = x * 214013 + 2531011, byte (x >> 16)):
 *
 *   PYTHONHASHSEED=1 python3 -c 'for n in range(1, 65):
 *       print(n, "%016x" % (hash(bytes(range(n))) % 2**64))
 *   print("kluster", "%016x" % (hash(b"kluster") % 2**64))'
 */
#include "engine/graph.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    setenv(KL_HASH_KEY_ENV, "2923be84e16cd6ae529049f1f1bbe9eb", 1);
    kl_error_t err = {0};
    if (kl_hash_init(&err) != KL_OK) {
        printf("kl_hash_init: %s\n", err.text);
        return 1;
    }
    unsigned char msg[64];
    for (int n = 1; n <= 64; n++) {
        msg[n - 1] = (unsigned char)(n - 1);
        printf("%d %016llx\n", n, (unsigned long long)kl_hash(msg, (size_t)n));
    }
    printf("kluster %016llx\n", (unsigned long long)kl_hash("kluster", 7));
    return 0;
}
