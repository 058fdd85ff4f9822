/* tests/tools/failmalloc.c - LD_PRELOAD shim for the out-of-memory sweep
 * (tests/oracle/test_oom.sh): counts the allocations a program makes once
 * its main() has started and fails the N-th one (returns NULL, errno
 * ENOMEM).  Everything allocating through malloc/calloc/realloc/memalign
 * is counted: kluster, jansson, igraph, Graphviz and glibc's own (strdup,
 * fopen, stdio buffers).  Allocations before main (dynamic loader, library
 * constructors) are neither counted nor failed.
 *
 *   KL_FAIL_AT=N          fail the N-th allocation after main starts (0: never)
 *   KL_FAIL_REPORT=FILE   at exit, write "COUNT FAILED" (allocations counted,
 *                         1 when the N-th was reached and failed)
 *   KL_FAIL_TRACE=1       print a backtrace of the failed allocation (debugging)
 *
 * Build: gcc -shared -fPIC -o failmalloc.so failmalloc.c -ldl
 * Not for ASan binaries: their malloc is ASan's and comes first. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static int active;                 /* main() has started */
static unsigned long fail_at;      /* 0: never fail */
static unsigned long count;        /* allocations since main started */
static int failed;

/* 1 when this allocation must fail.  Atomic: analysis runs threads. */
static int should_fail(void)
{
    if (!__atomic_load_n(&active, __ATOMIC_RELAXED))
        return 0;
    unsigned long n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
    if (fail_at && n == fail_at) {
        __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        const char *trace = getenv("KL_FAIL_TRACE");
        if (trace && *trace == '1') {
            void *frames[32];
            __atomic_store_n(&active, 0, __ATOMIC_RELAXED); /* backtrace() may allocate */
            int k = backtrace(frames, 32);
            backtrace_symbols_fd(frames, k, 2);
            __atomic_store_n(&active, 1, __ATOMIC_RELAXED);
        }
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n) { return should_fail() ? NULL : __libc_malloc(n); }
void *calloc(size_t a, size_t b) { return should_fail() ? NULL : __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { return should_fail() ? NULL : __libc_realloc(p, n); }
void *memalign(size_t al, size_t n) { return should_fail() ? NULL : __libc_memalign(al, n); }
void *aligned_alloc(size_t al, size_t n) { return should_fail() ? NULL : __libc_memalign(al, n); }
int posix_memalign(void **out, size_t al, size_t n)
{
    if (should_fail())
        return ENOMEM;
    void *p = __libc_memalign(al, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

static void report(void)
{
    const char *path = getenv("KL_FAIL_REPORT");
    __atomic_store_n(&active, 0, __ATOMIC_RELAXED);
    if (!path || !*path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char buf[64];
    int len = snprintf(buf, sizeof buf, "%lu %d\n", count, failed);
    if (write(fd, buf, (size_t)len) < 0) { /* nothing to do */ }
    close(fd);
}

/* main() is wrapped through __libc_start_main: counting starts exactly when
 * the program's own code does. */
static int (*real_main)(int, char **, char **);

static int wrapped_main(int argc, char **argv, char **envp)
{
    const char *at = getenv("KL_FAIL_AT");
    fail_at = at ? strtoul(at, NULL, 10) : 0;
    atexit(report); /* before counting: its own allocation is not the program's */
    __atomic_store_n(&active, 1, __ATOMIC_RELAXED);
    return real_main(argc, argv, envp);
}

typedef int (*start_fn)(int (*)(int, char **, char **), int, char **, void (*)(void), void (*)(void),
                        void (*)(void), void *);

int __libc_start_main(int (*main_fn)(int, char **, char **), int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
    start_fn real = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");
    real_main = main_fn;
    return real(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}
