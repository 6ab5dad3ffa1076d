/* FlatBuffers builder: the binary format written back to front.
 *
 * A FlatBuffer is built from its leaves to its root: an object's offset to
 * another can only point forward (to a higher address), so whatever is
 * referred to is written first, nearer the end. The builder therefore fills
 * its memory from the end towards the front, and every object is known by its
 * `fbb_ref`: its distance from the end of the finished buffer, which does not
 * change as more is written in front of it.
 *
 * Layout rules (FlatBuffers' format, which readers rely on):
 *   - every scalar is little-endian and aligned to its size, counted from the
 *     start of the buffer; the builder aligns from the end and fbb_finish pads
 *     the front so the total is a multiple of the largest alignment used;
 *   - a uoffset (u32) at address A pointing to B stores B - A (> 0);
 *   - a table starts with an soffset (i32): its vtable is at table - soffset;
 *     the vtable is u16s: its own size, the table's size, then per field id
 *     the field's offset from the table's start, 0 when absent;
 *   - a vector is a u32 element count followed by the elements, the count
 *     4-aligned and the elements aligned to their size (or more, for
 *     force_align); a string is a byte vector with a NUL after its bytes;
 *   - the buffer starts with the root table's uoffset, then the optional
 *     4-byte file identifier.
 *
 * Our choices within those rules, fixed so that output is deterministic
 * (the same calls give the same bytes) and easy to compute by hand:
 *   - a scalar equal to its schema default is not written (readers return
 *     the default for an absent field); floats compare by bit pattern, so
 *     -0.0 against a default of 0.0 is written;
 *   - a table's fields are placed largest first at the table's end, then
 *     smaller ones towards its start: the front to back order is
 *     soffset, 1-byte, 2-byte, 4-byte, 8-byte fields, each size group in
 *     ascending field id (offsets count as 4-byte fields); padding can then
 *     only fall after the soffset and after the last field;
 *   - the vtable lists ids up to the highest present one, and is written
 *     immediately before its table unless a byte-identical vtable was
 *     written earlier, which the table then shares (vtable deduplication);
 *   - nothing is shared but vtables: equal strings or vectors are written
 *     once per call.
 *
 * Large byte vectors (tensor data) are not copied: fbb_blob_vector records a
 * pointer that fbb_write streams to the file from where the bytes lie, so the
 * caller's data must outlive the builder's output.
 *
 * Calls keep a sticky status, as stdio keeps ferror: after the first failure
 * (out of memory, misuse, too big) they do nothing, and the caller checks
 * fbb_status (or the status fbb_finish returns) once. */
#ifndef FERRY_FORMATS_TFLITE_FLATBUF_BUILD_H
#define FERRY_FORMATS_TFLITE_FLATBUF_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/status.h"

/* The largest FlatBuffer: offsets are 32-bit and soffsets signed. */
#define FBB_MAX_SIZE 2147483647ull

/* Distance from the end of the buffer to an object's first byte; 0 is "no
 * object" (nothing can start at the very end). */
typedef uint64_t fbb_ref;

struct fbb_field;
struct fbb_vtable;
struct fbb_blob;

struct fbb_builder {
    fy_status st;
    struct fy_error *err;
    uint64_t limit; /* the finished buffer may not be larger */

    /* Bytes written so far fill buf[cap - small, cap). */
    uint8_t *buf;
    size_t cap, small;
    /* Everything written so far: small bytes and blobs. */
    uint64_t size;
    size_t minalign;

    struct fbb_blob *blobs;
    size_t n_blobs, cap_blobs;
    uint64_t blob_bytes;

    /* The table being built (only one at a time, as the format requires
     * everything it refers to be finished first). */
    bool in_table;
    uint64_t table_start;
    struct fbb_field *fields;
    int n_fields, cap_fields;

    /* Distinct vtables written so far, for deduplication. */
    struct fbb_vtable *vtables;
    size_t n_vtables, cap_vtables;

    bool finished;
};

/* limit: the largest finished size accepted (FBB_MAX_SIZE normally; tests use
 * less). Allocates nothing yet. */
void fbb_init(struct fbb_builder *b, uint64_t limit, struct fy_error *err);
void fbb_free(struct fbb_builder *b);
/* Forgets everything built, keeping the memory, for another build. */
void fbb_reset(struct fbb_builder *b);

static inline fy_status fbb_status(const struct fbb_builder *b)
{
    return b->st;
}

/* ---- vectors and strings (never while a table is open) ---- */
fbb_ref fbb_string(struct fbb_builder *b, const char *s, size_t n);
/* NUL-terminated; NULL is written as "". */
fbb_ref fbb_cstring(struct fbb_builder *b, const char *s);
/* Vectors of scalars, from host values. */
fbb_ref fbb_vector_u8(struct fbb_builder *b, const uint8_t *v, size_t n);
fbb_ref fbb_vector_i32(struct fbb_builder *b, const int32_t *v, size_t n);
fbb_ref fbb_vector_i64(struct fbb_builder *b, const int64_t *v, size_t n);
fbb_ref fbb_vector_f32(struct fbb_builder *b, const float *v, size_t n);
/* A byte vector whose elements start at a multiple of align (a power of two,
 * FlatBuffers' force_align). The bytes are not copied (see above). */
fbb_ref fbb_blob_vector(struct fbb_builder *b, const void *data, uint64_t n, size_t align);
/* A vector of offsets to objects built before (tables, strings, vectors). */
fbb_ref fbb_vector_refs(struct fbb_builder *b, const fbb_ref *refs, size_t n);

/* ---- tables ---- */
void fbb_table_start(struct fbb_builder *b);
/* Scalars: left out when equal to the schema default def. */
void fbb_add_u8(struct fbb_builder *b, int id, uint8_t v, uint8_t def);
void fbb_add_i8(struct fbb_builder *b, int id, int8_t v, int8_t def);
void fbb_add_bool(struct fbb_builder *b, int id, bool v, bool def);
void fbb_add_i16(struct fbb_builder *b, int id, int16_t v, int16_t def);
void fbb_add_u16(struct fbb_builder *b, int id, uint16_t v, uint16_t def);
void fbb_add_i32(struct fbb_builder *b, int id, int32_t v, int32_t def);
void fbb_add_u32(struct fbb_builder *b, int id, uint32_t v, uint32_t def);
void fbb_add_i64(struct fbb_builder *b, int id, int64_t v, int64_t def);
void fbb_add_u64(struct fbb_builder *b, int id, uint64_t v, uint64_t def);
void fbb_add_f32(struct fbb_builder *b, int id, float v, float def);
/* A field given as the bytes that lie in a file (n = 1, 2, 4 or 8,
 * little-endian): fields kept verbatim because their meaning is unknown.
 * Always written. */
void fbb_add_raw(struct fbb_builder *b, int id, const uint8_t *bytes, size_t n);
/* An offset to an object built before; left out when ref is 0. A union is
 * two fields: its type (u8) at id and this offset at id + 1. */
void fbb_add_ref(struct fbb_builder *b, int id, fbb_ref ref);
fbb_ref fbb_table_end(struct fbb_builder *b);

/* ---- the whole buffer ---- */
/* Writes the root offset and the file identifier (4 bytes, or NULL for
 * none) and checks the size against the limit (UNSUPPORTED, naming both). */
fy_status fbb_finish(struct fbb_builder *b, fbb_ref root, const char *ident);
/* Size of the finished buffer. */
static inline uint64_t fbb_size(const struct fbb_builder *b)
{
    return b->size;
}
/* The finished buffer to f, blobs streamed from their source. */
fy_status fbb_write(struct fbb_builder *b, FILE *f);
/* The finished buffer into dst (cap bytes at least fbb_size), for tests and
 * small buffers. */
fy_status fbb_copy(struct fbb_builder *b, uint8_t *dst, size_t cap);

#endif
