/* A FlatBuffers reader that trusts nothing.
 *
 * FlatBuffers are read in place: a table is a position in the buffer whose
 * first 4 bytes (a signed offset) lead to its vtable; the vtable lists, per
 * field id, where the field sits inside the table (0: absent, use the
 * default). Fields that hold tables, vectors or strings store an unsigned
 * offset from the field's own position to the object.
 *
 * Verification is done per access, on exactly what the reader touches: a
 * table is checked when it is opened (its soffset, its vtable's size and
 * alignment, its inline size, all inside the buffer), a field when it is read
 * (its offset inside the table's inline bytes, aligned to its size), a
 * vector or string when it is reached (the uoffset inside the buffer and
 * positive, the length prefix aligned, the elements — and a string's NUL —
 * inside the buffer). So no read ever leaves the buffer, and what is never
 * read is never judged. Nesting is bounded (FB_MAX_DEPTH), and so is the
 * total work (FB_WORK_PER_BYTE): a hostile file can point many offsets at
 * one large object, and a bound on depth alone would let it make the reader
 * touch that object again and again.
 *
 * Every fault is reported once, as FY_EFORMAT at the byte offset where it
 * was found, saying what was found and what was expected. */
#ifndef FERRY_FORMATS_TFLITE_FLATBUF_H
#define FERRY_FORMATS_TFLITE_FLATBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Tables nested deeper than this are refused. TFLite's schema nests at most
 * 6 deep (Model → SubGraph → Tensor → QuantizationParameters → ...). */
#define FB_MAX_DEPTH 64
/* Elements and tables a reader may visit, per byte of buffer (plus a floor).
 * An honest buffer stores each element once and at least 1 byte per element,
 * so it stays well under this even when read twice. */
#define FB_WORK_PER_BYTE 4
#define FB_WORK_FLOOR 65536

struct fb_buf {
    const uint8_t *data;
    size_t size;
    uint64_t work; /* left to spend; see FB_WORK_PER_BYTE */
    struct fy_error *err;
};

/* An opened (verified) table. */
struct fb_table {
    struct fb_buf *b;
    size_t pos;       /* of the table: its soffset */
    size_t vt;        /* of its vtable */
    uint16_t vt_size; /* bytes of the vtable, header included */
    uint16_t size;    /* inline bytes of the table, soffset included */
    int depth;        /* 1 for the root */
    const char *what; /* the table's type, for messages ("Tensor") */
};

/* A reached (verified) vector: elements at pos, len of elem bytes each. */
struct fb_vec {
    struct fb_buf *b;
    size_t pos; /* of the first element (after the length prefix) */
    uint32_t len;
    uint32_t elem;
    int depth;  /* of the table holding it */
};

void fb_init(struct fb_buf *b, const uint8_t *data, size_t size, struct fy_error *err);

/* The root table: a uoffset at byte 0 (then, optionally, a 4-byte file
 * identifier). *has_ident tells whether bytes 4..8 equal ident. */
fy_status fb_root(struct fb_buf *b, const char *what, const char *ident, bool *has_ident,
                  struct fb_table *root);

/* Where a field sits (0 when absent), checked to lie inside the table with
 * room for size bytes and aligned to align. what names the field for
 * messages ("Tensor.type"). */
fy_status fb_field(const struct fb_table *t, int id, size_t size, size_t align, const char *what,
                   size_t *pos);

/* Scalar fields: the value, or def when the field is absent; *present (may
 * be NULL) tells which. Integers are returned widened; bools as 0/1. */
fy_status fb_u8(const struct fb_table *t, int id, uint8_t def, const char *what, uint8_t *v,
                bool *present);
fy_status fb_i8(const struct fb_table *t, int id, int8_t def, const char *what, int8_t *v,
                bool *present);
fy_status fb_u16(const struct fb_table *t, int id, uint16_t def, const char *what, uint16_t *v,
                 bool *present);
fy_status fb_i16(const struct fb_table *t, int id, int16_t def, const char *what, int16_t *v,
                 bool *present);
fy_status fb_u32(const struct fb_table *t, int id, uint32_t def, const char *what, uint32_t *v,
                 bool *present);
fy_status fb_i32(const struct fb_table *t, int id, int32_t def, const char *what, int32_t *v,
                 bool *present);
fy_status fb_u64(const struct fb_table *t, int id, uint64_t def, const char *what, uint64_t *v,
                 bool *present);
fy_status fb_i64(const struct fb_table *t, int id, int64_t def, const char *what, int64_t *v,
                 bool *present);
fy_status fb_f32(const struct fb_table *t, int id, float def, const char *what, float *v,
                 bool *present);
fy_status fb_f64(const struct fb_table *t, int id, double def, const char *what, double *v,
                 bool *present);
fy_status fb_bool(const struct fb_table *t, int id, bool def, const char *what, bool *v,
                  bool *present);

/* A sub-table field; *present false (and out untouched) when absent.
 * type names the sub-table's type for later messages. */
fy_status fb_table(const struct fb_table *t, int id, const char *what, const char *type,
                   struct fb_table *out, bool *present);
/* A vector field of elem-byte elements (scalars or, with elem 4, offsets to
 * tables/strings); absent reads as an empty vector with *present false. */
fy_status fb_vector(const struct fb_table *t, int id, uint32_t elem, const char *what,
                    struct fb_vec *out, bool *present);
/* A string field: *s points into the buffer and is NUL-terminated there;
 * NULL (and *len 0) when absent. */
fy_status fb_string(const struct fb_table *t, int id, const char *what, const char **s,
                    uint32_t *len);

/* Element i of a vector of tables / strings (i < v->len). */
fy_status fb_vec_table(const struct fb_vec *v, uint32_t i, const char *what, const char *type,
                       struct fb_table *out);
fy_status fb_vec_string(const struct fb_vec *v, uint32_t i, const char *what, const char **s,
                        uint32_t *len);

/* Element i of a vector of scalars, little-endian (i < v->len, element size
 * as the vector was reached with: the accessor does not check). */
uint8_t fb_vec_u8(const struct fb_vec *v, uint32_t i);
uint16_t fb_vec_u16(const struct fb_vec *v, uint32_t i);
uint32_t fb_vec_u32(const struct fb_vec *v, uint32_t i);
uint64_t fb_vec_u64(const struct fb_vec *v, uint32_t i);
int32_t fb_vec_i32(const struct fb_vec *v, uint32_t i);
int64_t fb_vec_i64(const struct fb_vec *v, uint32_t i);
float fb_vec_f32(const struct fb_vec *v, uint32_t i);
/* The elements' bytes (for borrowing ubyte vectors). */
const uint8_t *fb_vec_data(const struct fb_vec *v);

/* Field ids present in a table's vtable, in id order: how many vtable slots
 * there are (fields beyond them are absent). */
int fb_field_count(const struct fb_table *t);
/* Offset of field id inside the table (0: absent), unchecked: for listing
 * fields; read them with the accessors above. */
uint16_t fb_field_offset(const struct fb_table *t, int id);

/* Little-endian loads from any alignment (the buffer may be unaligned in
 * memory; the verifier checks alignment relative to the buffer's start). */
uint16_t fb_load_u16(const uint8_t *p);
uint32_t fb_load_u32(const uint8_t *p);
uint64_t fb_load_u64(const uint8_t *p);

#endif
