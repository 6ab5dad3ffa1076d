#include "formats/onnx/pb_encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    PB_WIRE_VARINT = 0,
    PB_WIRE_I64 = 1,
    PB_WIRE_LEN = 2,
    PB_WIRE_I32 = 5,
};

/* Large enough that small fields cost one fwrite per 64 KiB; payloads that
 * do not fit go to the file directly from their source. */
#define PB_BUF_CAP (64u * 1024u)

void pb_enc_init(struct pb_enc *e, struct fy_error *err)
{
    memset(e, 0, sizeof *e);
    e->mode = PB_SIZE;
    e->err = err;
}

void pb_enc_restart_size(struct pb_enc *e)
{
    e->mode = PB_SIZE;
    e->st = FY_OK;
    e->pos = 0;
    e->n_sizes = e->next_size = 0;
    e->depth = 0;
}

void pb_enc_free(struct pb_enc *e)
{
    free(e->sizes);
    free(e->stack);
    free(e->buf);
    e->sizes = NULL;
    e->stack = NULL;
    e->buf = NULL;
    e->cap_sizes = e->n_sizes = 0;
    e->cap_depth = e->depth = 0;
    e->buf_cap = e->buf_len = 0;
}

fy_status pb_enc_fail(struct pb_enc *e, fy_status st)
{
    if (!e->st) e->st = st;
    return e->st;
}

static void nomem(struct pb_enc *e)
{
    err_fmt(e->err, FY_ENOMEM, "out of memory while encoding");
    pb_enc_fail(e, FY_ENOMEM);
}

fy_status pb_enc_start_write(struct pb_enc *e, FILE *f)
{
    if (e->st) return e->st;
    if (e->depth != 0) {
        err_fmt(e->err, FY_EINTERNAL, "size pass left %d messages open", e->depth);
        return pb_enc_fail(e, FY_EINTERNAL);
    }
    if (!e->buf) {
        e->buf = malloc(PB_BUF_CAP);
        if (!e->buf) {
            nomem(e);
            return e->st;
        }
        e->buf_cap = PB_BUF_CAP;
    }
    e->mode = PB_WRITE;
    e->f = f;
    e->pos = 0;
    e->buf_len = 0;
    e->next_size = 0;
    return FY_OK;
}

static void flush(struct pb_enc *e)
{
    if (e->st || !e->buf_len) return;
    if (fwrite(e->buf, 1, e->buf_len, e->f) != e->buf_len) {
        err_fmt(e->err, FY_EIO, "cannot write: %s", strerror(errno));
        pb_enc_fail(e, FY_EIO);
    }
    e->buf_len = 0;
}

fy_status pb_enc_finish(struct pb_enc *e)
{
    if (e->st) return e->st;
    if (e->depth != 0 || e->next_size != e->n_sizes) {
        err_fmt(e->err, FY_EINTERNAL,
                "write pass ended with %d messages open and %zu of %zu sizes used", e->depth,
                e->next_size, e->n_sizes);
        return pb_enc_fail(e, FY_EINTERNAL);
    }
    flush(e);
    return e->st;
}

int pb_varint_size(uint64_t v)
{
    int n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Appends to the write buffer; callers pass at most a few bytes. */
static void put(struct pb_enc *e, const uint8_t *p, size_t n)
{
    if (e->buf_len + n > e->buf_cap) flush(e);
    if (e->st) return;
    memcpy(e->buf + e->buf_len, p, n);
    e->buf_len += n;
}

static void put_varint(struct pb_enc *e, uint64_t v)
{
    uint8_t tmp[10];
    int n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    if (e->mode == PB_WRITE) put(e, tmp, (size_t)n);
    e->pos += (uint64_t)n;
}

static void put_key(struct pb_enc *e, int field, int wire)
{
    put_varint(e, ((uint64_t)(uint32_t)field << 3) | (uint64_t)wire);
}

static void put_fixed32(struct pb_enc *e, uint32_t v)
{
    /* Little-endian whatever the host's order is. */
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    if (e->mode == PB_WRITE) put(e, b, 4);
    e->pos += 4;
}

/* Payload bytes: big ones go to the file from where they lie. */
static void put_payload(struct pb_enc *e, const void *data, uint64_t size)
{
    if (e->mode == PB_WRITE && size && !e->st) {
        if (size <= e->buf_cap - e->buf_len) {
            memcpy(e->buf + e->buf_len, data, (size_t)size);
            e->buf_len += (size_t)size;
        } else {
            flush(e);
            if (!e->st && fwrite(data, 1, (size_t)size, e->f) != size) {
                err_fmt(e->err, FY_EIO, "cannot write: %s", strerror(errno));
                pb_enc_fail(e, FY_EIO);
            }
        }
    }
    e->pos += size;
}

void pb_varint(struct pb_enc *e, int field, uint64_t v)
{
    if (e->st) return;
    put_key(e, field, PB_WIRE_VARINT);
    put_varint(e, v);
}

void pb_int64(struct pb_enc *e, int field, int64_t v)
{
    pb_varint(e, field, (uint64_t)v);
}

void pb_fixed32(struct pb_enc *e, int field, uint32_t v)
{
    if (e->st) return;
    put_key(e, field, PB_WIRE_I32);
    put_fixed32(e, v);
}

void pb_float(struct pb_enc *e, int field, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    pb_fixed32(e, field, bits);
}

void pb_bytes(struct pb_enc *e, int field, const void *data, uint64_t size)
{
    if (e->st) return;
    put_key(e, field, PB_WIRE_LEN);
    put_varint(e, size);
    put_payload(e, data, size);
}

void pb_string(struct pb_enc *e, int field, const char *s)
{
    if (!s) s = "";
    pb_bytes(e, field, s, strlen(s));
}

void pb_string_opt(struct pb_enc *e, int field, const char *s)
{
    if (s && s[0]) pb_string(e, field, s);
}

void pb_packed_int64(struct pb_enc *e, int field, const int64_t *v, uint64_t n)
{
    if (e->st || n == 0) return;
    uint64_t len = 0;
    for (uint64_t i = 0; i < n; i++)
        len += (uint64_t)pb_varint_size((uint64_t)v[i]);
    put_key(e, field, PB_WIRE_LEN);
    put_varint(e, len);
    for (uint64_t i = 0; i < n; i++)
        put_varint(e, (uint64_t)v[i]);
}

void pb_packed_begin(struct pb_enc *e, int field, uint64_t len)
{
    if (e->st) return;
    put_key(e, field, PB_WIRE_LEN);
    put_varint(e, len);
}

void pb_packed_varint(struct pb_enc *e, uint64_t v)
{
    if (e->st) return;
    put_varint(e, v);
}

void pb_packed_float(struct pb_enc *e, int field, const float *v, uint64_t n)
{
    if (e->st || n == 0) return;
    put_key(e, field, PB_WIRE_LEN);
    put_varint(e, 4 * n);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        put_fixed32(e, bits);
    }
}

void pb_raw(struct pb_enc *e, const void *data, uint64_t size)
{
    if (e->st) return;
    put_payload(e, data, size);
}

void pb_msg_begin(struct pb_enc *e, int field)
{
    if (e->st) return;
    if (e->depth == e->cap_depth) {
        int cap = e->cap_depth ? 2 * e->cap_depth : 16;
        struct pb_open_msg *s = realloc(e->stack, (size_t)cap * sizeof *s);
        if (!s) {
            nomem(e);
            return;
        }
        e->stack = s;
        e->cap_depth = cap;
    }
    struct pb_open_msg *o = &e->stack[e->depth++];
    o->field = field;
    if (e->mode == PB_SIZE) {
        if (e->n_sizes == e->cap_sizes) {
            size_t cap = e->cap_sizes ? 2 * e->cap_sizes : 256;
            uint64_t *s = realloc(e->sizes, cap * sizeof *s);
            if (!s) {
                nomem(e);
                return;
            }
            e->sizes = s;
            e->cap_sizes = cap;
        }
        /* The key and length are counted at the end, once the body is known. */
        o->slot = e->n_sizes++;
        o->start = e->pos;
        return;
    }
    if (e->next_size >= e->n_sizes) {
        err_fmt(e->err, FY_EINTERNAL, "write pass began more messages than the size pass");
        pb_enc_fail(e, FY_EINTERNAL);
        return;
    }
    uint64_t size = e->sizes[e->next_size++];
    put_key(e, field, PB_WIRE_LEN);
    put_varint(e, size);
    o->start = e->pos;
    o->end = e->pos + size;
}

void pb_msg_end(struct pb_enc *e)
{
    if (e->st) return;
    if (e->depth == 0) {
        err_fmt(e->err, FY_EINTERNAL, "message ended twice");
        pb_enc_fail(e, FY_EINTERNAL);
        return;
    }
    struct pb_open_msg *o = &e->stack[--e->depth];
    if (e->mode == PB_SIZE) {
        uint64_t body = e->pos - o->start;
        e->sizes[o->slot] = body;
        uint64_t key = (uint64_t)(uint32_t)o->field << 3 | PB_WIRE_LEN;
        e->pos += (uint64_t)pb_varint_size(key) + (uint64_t)pb_varint_size(body);
        return;
    }
    if (e->pos != o->end) {
        err_fmt(e->err, FY_EINTERNAL,
                "field %d: message body is %llu bytes in the write pass, %llu in the size pass",
                o->field, (unsigned long long)(e->pos - o->start),
                (unsigned long long)(o->end - o->start));
        pb_enc_fail(e, FY_EINTERNAL);
    }
}
