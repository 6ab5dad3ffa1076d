/* Protobuf wire-format encoder, in two passes over the same emitting code.
 *
 * A nested message is written as key, length, body, so its length must be
 * known before its body. Building bodies in scratch buffers would copy every
 * weight once more; instead the caller runs its emitting code twice:
 *
 *   1. size pass (pb_enc_init): nothing is written; each message's body size
 *      is recorded, in the order messages begin;
 *   2. write pass (pb_enc_start_write): the same calls, in the same order,
 *      read those sizes back and write bytes. Bytes payloads (raw_data) go
 *      from their source pointer straight to the file, never copied.
 *
 * The write pass checks that every message ends where the size pass said it
 * would, so emitting code that is not deterministic is caught, not written.
 *
 * The output is canonical when the caller emits fields in ascending field
 * number: varints are minimal and repeated scalars are packed.
 *
 * Emitters keep a sticky status, as stdio keeps ferror: after the first
 * failure (I/O, out of memory) they do nothing, so a message's fields read as
 * a plain list and the caller checks pb_enc_status() once per message. */
#ifndef FERRY_FORMATS_ONNX_PB_ENCODE_H
#define FERRY_FORMATS_ONNX_PB_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/status.h"

/* protobuf refuses to parse a message of 2 GiB or more. */
#define PB_MAX_MESSAGE 2147483647ull

enum pb_mode {
    PB_SIZE = 0,
    PB_WRITE,
};

struct pb_open_msg {
    uint64_t start; /* where the body started */
    uint64_t end;   /* write pass: where the body must end */
    size_t slot;    /* size pass: index of the recorded size */
    int field;
};

struct pb_enc {
    enum pb_mode mode;
    fy_status st;
    struct fy_error *err;
    uint64_t pos; /* bytes emitted so far, in either pass */

    /* Body size of every nested message, in the order they begin. */
    uint64_t *sizes;
    size_t n_sizes, cap_sizes, next_size;

    struct pb_open_msg *stack;
    int depth, cap_depth;

    /* Write pass: small fields gather in buf; big payloads bypass it. */
    FILE *f;
    uint8_t *buf;
    size_t buf_len, buf_cap;
};

/* Starts a size pass. Frees nothing: pb_enc_free releases the scratch. */
void pb_enc_init(struct pb_enc *e, struct fy_error *err);
/* Forgets recorded sizes, for another size pass (e.g. with external data). */
void pb_enc_restart_size(struct pb_enc *e);
/* Switches to the write pass, writing to f (the caller opened and owns it). */
fy_status pb_enc_start_write(struct pb_enc *e, FILE *f);
/* Ends the write pass: flushes, checks every message was closed. */
fy_status pb_enc_finish(struct pb_enc *e);
void pb_enc_free(struct pb_enc *e);

static inline fy_status pb_enc_status(const struct pb_enc *e)
{
    return e->st;
}
/* Records st (the caller has written the error text) so later emitters stop. */
fy_status pb_enc_fail(struct pb_enc *e, fy_status st);

/* Bytes of v as a varint (1..10). */
int pb_varint_size(uint64_t v);

/* Fields. int64 values go as two's complement varints (protobuf's int64). */
void pb_varint(struct pb_enc *e, int field, uint64_t v);
void pb_int64(struct pb_enc *e, int field, int64_t v);
void pb_fixed32(struct pb_enc *e, int field, uint32_t v);
void pb_float(struct pb_enc *e, int field, float v);
/* Length-delimited payload, written from data itself in the write pass. */
void pb_bytes(struct pb_enc *e, int field, const void *data, uint64_t size);
/* NUL-terminated string; NULL is written as "". */
void pb_string(struct pb_enc *e, int field, const char *s);
/* pb_string unless s is NULL or "" (proto2 default: absent). */
void pb_string_opt(struct pb_enc *e, int field, const char *s);
/* Packed repeated fields; nothing is written for n == 0. */
void pb_packed_int64(struct pb_enc *e, int field, const int64_t *v, uint64_t n);
void pb_packed_float(struct pb_enc *e, int field, const float *v, uint64_t n);
/* A packed field built element by element (when the values are not in one
 * array): len is the total of pb_varint_size over the elements. */
void pb_packed_begin(struct pb_enc *e, int field, uint64_t len);
void pb_packed_varint(struct pb_enc *e, uint64_t v);
/* Bytes already encoded (a kept field: key and payload), verbatim. */
void pb_raw(struct pb_enc *e, const void *data, uint64_t size);

/* A nested message: begin writes key and length, end closes it. */
void pb_msg_begin(struct pb_enc *e, int field);
void pb_msg_end(struct pb_enc *e);

#endif
