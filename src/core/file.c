#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

fy_status file_map_read(const char *path, struct file_map *m, struct fy_error *err)
{
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_fmt(err, FY_EIO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return err_fmt(err, FY_EIO, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_fmt(err, FY_EIO, "not a regular file");
    }
    if (st.st_size == 0) {
        close(fd);
        m->data = (const uint8_t *)"";
        return FY_OK;
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return err_fmt(err, FY_EIO, "file too large to map");
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED) return err_fmt(err, FY_EIO, "cannot map: %s", strerror(e));
    m->base = p;
    m->data = p;
    m->size = (size_t)st.st_size;
    return FY_OK;
}

void file_map_release(struct file_map *m)
{
    if (m->base) munmap(m->base, m->size);
    memset(m, 0, sizeof *m);
}

bool file_same(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

fy_status atomic_file_open(struct atomic_file *af, const char *path, const char *const *inputs,
                           int n_inputs, struct fy_error *err)
{
    memset(af, 0, sizeof *af);
    for (int i = 0; i < n_inputs; i++)
        if (inputs[i] && file_same(path, inputs[i]))
            return err_fmt(err, FY_EUSAGE, "refusing to write the output over the input '%s'",
                           inputs[i]);
    size_t n = strlen(path);
    if (n == 0 || n + 16 >= sizeof af->tmp) return err_fmt(err, FY_EUSAGE, "bad output path");
    memcpy(af->path, path, n + 1);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        af->tmp[0] = 0;
        return err_fmt(err, FY_EIO, "cannot create a temporary file beside '%s': %s", path,
                       strerror(errno));
    }
    /* mkstemp gives 0600; outputs are ordinary files. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        close(fd);
        unlink(af->tmp);
        af->tmp[0] = 0;
        return err_fmt(err, FY_EIO, "cannot open temporary file: %s", strerror(errno));
    }
    return FY_OK;
}

fy_status atomic_file_commit(struct atomic_file *af, struct fy_error *err)
{
    if (!af->f) return err_fmt(err, FY_EINTERNAL, "output file is not open");
    int bad = ferror(af->f);
    bad |= fflush(af->f) != 0;
    bad |= fsync(fileno(af->f)) != 0;
    int e = errno;
    bad |= fclose(af->f) != 0;
    af->f = NULL;
    if (bad) {
        unlink(af->tmp);
        af->tmp[0] = 0;
        return err_fmt(err, FY_EIO, "cannot write '%s': %s", af->path, strerror(e));
    }
    if (rename(af->tmp, af->path) != 0) {
        e = errno;
        unlink(af->tmp);
        af->tmp[0] = 0;
        return err_fmt(err, FY_EIO, "cannot rename output into place '%s': %s", af->path,
                       strerror(e));
    }
    af->tmp[0] = 0;
    return FY_OK;
}

void atomic_file_abort(struct atomic_file *af)
{
    if (af->f) fclose(af->f);
    af->f = NULL;
    if (af->tmp[0]) unlink(af->tmp);
    af->tmp[0] = 0;
}

fy_status file_write_atomic(const char *path, const void *data, size_t size,
                            const char *const *inputs, int n_inputs, struct fy_error *err)
{
    struct atomic_file af;
    fy_status st = atomic_file_open(&af, path, inputs, n_inputs, err);
    if (st) return st;
    if (size && fwrite(data, 1, size, af.f) != size) {
        atomic_file_abort(&af);
        return err_fmt(err, FY_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    return atomic_file_commit(&af, err);
}
