/* Protobuf wire decoding over a byte span, for the ONNX reader.
 *
 * Nothing here trusts the input: every varint is at most 10 bytes with the
 * 10th byte checked for overflow, every length is checked against the bytes
 * that remain (never by forming a pointer past the end), and every error is
 * reported with the absolute byte offset in the file where it was found.
 * A reader over a sub-message carries the sub-message's own base offset, so
 * offsets stay absolute however deep the message. */
#ifndef FERRY_FORMATS_ONNX_PB_DECODE_H
#define FERRY_FORMATS_ONNX_PB_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "ir/ir.h"

enum pb_wire {
    PB_VARINT = 0,
    PB_I64 = 1,
    PB_LEN = 2,
    PB_I32 = 5,
};

/* Largest field number protobuf allows (2^29 - 1). */
#define PB_MAX_FIELD 536870911u

struct pb_reader {
    const uint8_t *data;
    size_t size;
    size_t pos;
    uint64_t base; /* file offset of data[0] */
};

/* One field as read by pb_next: key and payload. */
struct pb_field {
    uint32_t number;
    enum pb_wire wire;
    uint64_t offset;     /* file offset of the key */
    uint64_t value;      /* VARINT, I64, I32: the value (I32 zero-extended) */
    const uint8_t *data; /* LEN: the payload */
    size_t size;
    uint64_t data_offset; /* LEN: file offset of the payload */
    struct ir_bytes span; /* the whole field, key and payload, for ir_extras */
};

void pb_init(struct pb_reader *r, const uint8_t *data, size_t size, uint64_t base);
/* A reader over the payload of a length-delimited field. */
void pb_init_field(struct pb_reader *r, const struct pb_field *f);

static inline bool pb_done(const struct pb_reader *r)
{
    return r->pos >= r->size;
}

static inline uint64_t pb_offset(const struct pb_reader *r)
{
    return r->base + r->pos;
}

fy_status pb_read_varint(struct pb_reader *r, uint64_t *v, struct fy_error *err);
fy_status pb_read_fixed32(struct pb_reader *r, uint32_t *v, struct fy_error *err);
fy_status pb_read_fixed64(struct pb_reader *r, uint64_t *v, struct fy_error *err);
/* A length prefix and the bytes it covers; *data points into the buffer. */
fy_status pb_read_len(struct pb_reader *r, const uint8_t **data, size_t *size,
                      struct fy_error *err);
/* A field key. Field numbers 1..2^29-1 and wire types 0, 1, 2, 5 are
 * accepted; groups (3, 4) and the undefined types 6, 7 are FORMAT errors. */
fy_status pb_read_key(struct pb_reader *r, uint32_t *number, enum pb_wire *wire,
                      struct fy_error *err);
/* Skips the payload of a field whose key (read at key_pos, a position in r)
 * announced wire type `wire`, and returns the whole field, key and payload,
 * so that a caller can keep an unknown field verbatim. */
fy_status pb_skip(struct pb_reader *r, size_t key_pos, enum pb_wire wire, struct ir_bytes *span,
                  struct fy_error *err);
/* Reads the next field: key, then payload by its wire type. */
fy_status pb_next(struct pb_reader *r, struct pb_field *f, struct fy_error *err);

/* ---- repeated scalar fields ----
 * A repeated numeric field may arrive packed (one LEN field holding a run of
 * values) or unpacked (one field per value), even mixed in one message; a
 * decoder must accept both. pb_values iterates the values of one field
 * occurrence either way. */
struct pb_values {
    struct pb_reader r; /* over a packed run */
    enum pb_wire elem;  /* PB_VARINT, PB_I32 or PB_I64 */
    bool single;        /* an unpacked value: single_value, once */
    uint64_t single_value;
    uint64_t count; /* values in this occurrence */
    uint64_t taken;
};

/* True when a field of this wire type can carry values of wire type elem. */
bool pb_wire_fits_repeated(enum pb_wire wire, enum pb_wire elem);
/* Checks the field's wire type (the caller words its own error first when it
 * can name the field better) and counts its values; a packed varint run that
 * ends inside a varint or a fixed-width run of the wrong length is FORMAT. */
fy_status pb_values_init(struct pb_values *it, const struct pb_field *f, enum pb_wire elem,
                         struct fy_error *err);
/* The next value (call exactly it->count times). */
fy_status pb_values_next(struct pb_values *it, uint64_t *v, struct fy_error *err);

const char *pb_wire_name(enum pb_wire wire);

#endif
