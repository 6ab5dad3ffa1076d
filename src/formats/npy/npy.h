/* NumPy .npy and .npz files: the tensors that `ferry run`, validate and
 * calibration read and write.
 *
 * .npy: format versions 1.0, 2.0 and 3.0 are read, 1.0 is written. Arrays are
 * little-endian and C order; every IR dtype NumPy can spell is accepted
 * (float16/32/64, int8..64, uint8..64, bool, complex64/128). Fortran order,
 * big-endian data, object arrays, strings and structured dtypes are refused
 * with a message saying what was found. The header is parsed as the small
 * Python literal NumPy writes, and nothing in it is trusted: the dict syntax,
 * every dim, the element count and the data length are all checked.
 *
 * .npz: a ZIP archive of .npy files (numpy.savez stores them, STORED;
 * numpy.savez_compressed deflates them, DEFLATE). The reader walks the
 * central directory, checks every offset and size against the file (ZIP64
 * fields included, since numpy forces ZIP64 local headers), inflates with a
 * small RFC 1951 decoder of its own and checks each entry's CRC-32. Entry
 * names lose the ".npy" suffix numpy adds to keys. */
#ifndef FERRY_FORMATS_NPY_H
#define FERRY_FORMATS_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "ops/op.h"

/* What a .npy header says. */
struct npy_header {
    int major, minor;
    enum ir_dtype dtype;
    int rank;
    int64_t dims[OP_MAX_RANK];
    uint64_t numel;
    size_t data_offset; /* where the array bytes start */
    uint64_t nbytes;    /* bytes of array data */
};

/* Parses and checks a .npy header; size must cover the whole file (the data
 * length is checked too). Errors are FORMAT (malformed) or UNSUPPORTED
 * (well-formed, but a layout or dtype ferry does not read). */
fy_status npy_parse_header(const uint8_t *data, size_t size, struct npy_header *h,
                           struct fy_error *err);

/* Reads a .npy image into a newly allocated tensor (op_tensor_alloc; the
 * caller releases it with op_tensor_release). */
fy_status npy_read_buffer(const uint8_t *data, size_t size, struct op_tensor *out,
                          struct fy_error *err);
/* Reads a .npy file; errors name the file. */
fy_status npy_read_file(const char *path, struct op_tensor *out, struct fy_error *err);

/* Encodes a tensor as a version 1.0 .npy image into a malloc'd buffer. */
fy_status npy_encode(const struct op_tensor *t, uint8_t **out, size_t *out_size,
                     struct fy_error *err);
/* Writes a tensor to path atomically, refusing to write over any of inputs. */
fy_status npy_write_file(const char *path, const struct op_tensor *t, const char *const *inputs,
                         int n_inputs, struct fy_error *err);

/* ---- .npz ---- */
struct npz_entry {
    char *name; /* the key: the entry's file name without ".npy" */
    struct op_tensor t;
};

struct npz {
    struct npz_entry *entries;
    int count;
};

fy_status npz_read_buffer(const uint8_t *data, size_t size, struct npz *out, struct fy_error *err);
fy_status npz_read_file(const char *path, struct npz *out, struct fy_error *err);
void npz_free(struct npz *z);

/* True when the buffer starts like a .npy file / a ZIP archive. */
int npy_is_npy(const uint8_t *data, size_t size);
int npy_is_zip(const uint8_t *data, size_t size);

/* ---- building blocks, exposed for tests ---- */
/* Raw DEFLATE (RFC 1951) from src into dst, which must be filled exactly:
 * a stream that ends early, runs past dst_size or has bytes left over is
 * FORMAT. *used gets the compressed bytes consumed. */
fy_status npy_inflate(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_size,
                      size_t *used, struct fy_error *err);
uint32_t npy_crc32(const uint8_t *data, size_t size);

#endif
