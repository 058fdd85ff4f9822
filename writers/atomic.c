/* writers/atomic.c - output files that appear only when complete: a
 * temporary file next to the target, renamed onto it on commit. */
#include "writers_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Without hooks a temporary file is made with plain mkstemp and nothing
 * tracks it; a program that removes temporary files on an interrupt sets
 * the hooks once (kl_writers_set_temp_hooks). */
static int plain_create(char *template, int is_dir)
{
    if (is_dir)
        return mkdtemp(template) ? 0 : -1;
    return mkstemp(template);
}

static void plain_release(const char *path)
{
    (void)path;
}

static int (*temp_create)(char *template, int is_dir) = plain_create;
static void (*temp_release)(const char *path) = plain_release;

void kl_writers_set_temp_hooks(int (*create)(char *template, int is_dir), void (*release)(const char *path))
{
    temp_create = create ? create : plain_create;
    temp_release = release ? release : plain_release;
}

int kl_output_open(kl_output_t *o, const char *path)
{
    return kl_output_open_flags(o, path, 0);
}

int kl_output_open_flags(kl_output_t *o, const char *path, unsigned flags)
{
    struct stat st;
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    /* Not a regular file (/dev/null, a FIFO, a terminal; with
     * KL_OUTPUT_THROUGH_LINKS also a symbolic link): write to it as is; a
     * rename would replace the device node or the link itself. */
    int found = (flags & KL_OUTPUT_THROUGH_LINKS) ? lstat(path, &st) : stat(path, &st);
    if (found == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return -1;
        }
        int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
            return -1;
        if (!(o->f = fdopen(fd, "w"))) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        o->direct = 1;
        return 0;
    }
    /* A symlink to a file: replace the file, keep the link. */
    char *real = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        real = realpath(path, NULL);
    const char *target = real ? real : path;
    /* the temporary file goes next to the target, so rename is atomic */
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    o->path = strdup(target);
    o->tmp = malloc(strlen(target) + 16);
    free(real);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = ENOMEM;
        return -1;
    }
    sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, o->path, o->path + dirlen);
    int fd = temp_create(o->tmp, 0); /* with hooks, an interrupt removes it */
    if (fd < 0) {
        int e = errno;
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = e;
        return -1;
    }
    /* mkstemp creates mode 0600; a result file gets the usual 0666 & ~umask */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        temp_release(o->tmp);
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = e;
        return -1;
    }
    return 0;
}

int kl_output_commit(kl_output_t *o)
{
    if (!o->f)
        return 0;
    if (!o->path) {
        int e = 0;
        if (fflush(o->f) != 0 || ferror(o->f))
            e = errno ? errno : EIO;
        if (o->direct && fclose(o->f) != 0 && !e)
            e = errno ? errno : EIO;
        o->f = NULL;
        o->direct = 0;
        errno = e;
        return e ? -1 : 0;
    }
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e)
        unlink(o->tmp);
    temp_release(o->tmp);
    errno = e;
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return e ? -1 : 0;
}

void kl_output_abort(kl_output_t *o)
{
    if (!o)
        return;
    if (o->f && o->path) {
        fclose(o->f);
        unlink(o->tmp);
        temp_release(o->tmp);
    } else if (o->f && o->direct) {
        fclose(o->f); /* a device or FIFO: nothing to take back */
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int kl_output_write_data(const char *path, const void *data, size_t len, unsigned flags)
{
    kl_output_t o;
    if (kl_output_open_flags(&o, path, flags) != 0)
        return -1;
    if (fwrite(data, 1, len, o.f) != len) {
        int e = errno ? errno : EIO;
        kl_output_abort(&o);
        errno = e;
        return -1;
    }
    return kl_output_commit(&o);
}
