/* A small, strict JSON reader (RFC 8259): a byte buffer in, a tree of values
 * in a caller's arena out. The counterpart of the writer in core/json.h.
 *
 * Strict means: exactly the RFC grammar. No comments, no trailing commas, no
 * leading zeros, no NaN/Infinity, no single quotes, no byte order mark, no
 * unescaped control characters in strings, only space/tab/LF/CR as white
 * space, and nothing but white space after the top-level value (which may be
 * any value, not only an object or array). The input need not be
 * NUL-terminated and may hold NUL bytes (which, outside \u0000 in a string,
 * are an error like any other unexpected byte).
 *
 * Trust nothing: every read is bounded by size; containers nest at most
 * JSON_READ_MAX_DEPTH deep (the writer's limit, so anything json.h writes
 * reads back), so hostile nesting is an error, not a stack overflow; strings
 * must be well-formed UTF-8 (Unicode Table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF) and a \u escape of a surrogate must be a
 * high-low pair; a number whose magnitude overflows a double is an error.
 * Errors are FY_EFORMAT with the byte offset of the fault and what was found
 * where what was expected, e.g. at offset 12 "expected ',' or '}' after
 * object member, found 'x'".
 *
 * Values:
 *   string  UTF-8 with escapes decoded, NUL-terminated in the arena, with its
 *           length (it may contain NUL bytes written as \u0000).
 *   number  always a double (correctly rounded, -0 kept); in addition, when
 *           the literal is integer syntax (no fraction, no exponent) and fits
 *           int64, is_int is set and i holds it exactly. 1.0 and 1e2 are not
 *           integers here; 9223372036854775808 is a double only.
 *   object  members in file order. Duplicate keys are kept as they are (RFC
 *           8259 leaves their meaning open); jv_get returns the first.
 *           Lookup is a linear scan: meant for small records.
 *
 * The tree is read-only for callers and lives as long as the arena. The
 * accessors take NULL (and values of the wrong type) and answer "absent", so
 * lookups chain: jv_int(jv_at(jv_get(root, "perm"), 2)). */
#ifndef FERRY_CORE_JSON_READ_H
#define FERRY_CORE_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"

#define JSON_READ_MAX_DEPTH 64

enum jv_type {
    JV_NONE, /* no value: what jv_type says of NULL (a missing member) */
    JV_NULL,
    JV_BOOL,
    JV_NUMBER,
    JV_STRING,
    JV_ARRAY,
    JV_OBJECT,
};

struct jv_member;

struct jv {
    enum jv_type type;
    int n;          /* array: items; object: members */
    int64_t offset; /* byte offset of the value's first byte in the input */
    union {
        bool b; /* JV_BOOL */
        struct {
            double num;  /* JV_NUMBER */
            int64_t i;   /* exact value when is_int */
            bool is_int; /* integer literal within int64 */
        };
        struct {
            const char *str; /* JV_STRING: NUL-terminated, may hold NULs */
            size_t len;
        };
        struct jv *items;          /* JV_ARRAY: n values */
        struct jv_member *members; /* JV_OBJECT: n members in file order */
    };
};

struct jv_member {
    const char *key; /* NUL-terminated, may hold NULs */
    size_t key_len;
    struct jv value;
};

/* Parses data[0..size) into *out (allocated in a). On error returns
 * FY_EFORMAT (FY_ENOMEM when the arena is exhausted) with the offset in err,
 * and sets *out to NULL; the arena may hold partial allocations then. */
fy_status json_read(struct arena *a, const void *data, size_t size, const struct jv **out,
                    struct fy_error *err);

/* The value's type; JV_NONE for NULL. */
enum jv_type jv_type(const struct jv *v);
/* Lowercase name of a type ("object", "string", ...; "none"), for messages. */
const char *jv_type_name(enum jv_type t);

/* Objects. jv_get returns the first member named key, or NULL (also when v
 * is not an object); jv_get_n takes a key that may contain NUL bytes. */
const struct jv *jv_get(const struct jv *v, const char *key);
const struct jv *jv_get_n(const struct jv *v, const char *key, size_t key_len);
/* The i-th member in file order, or NULL when out of range / not an object. */
const struct jv_member *jv_member_at(const struct jv *v, int i);

/* Arrays and objects: number of items or members; 0 for anything else. */
int jv_len(const struct jv *v);
/* The i-th item of an array, or NULL when out of range / not an array. */
const struct jv *jv_at(const struct jv *v, int i);

/* Scalars. Each answers "absent" for NULL or a value of another type. */
bool jv_is_null(const struct jv *v);
/* true for JSON true only; test jv_type(v) == JV_BOOL for presence. */
bool jv_bool(const struct jv *v);
/* The string, or NULL when v is not a string; jv_string_n also gives the
 * length (0 when not a string). */
const char *jv_string(const struct jv *v);
const char *jv_string_n(const struct jv *v, size_t *len);
/* The number as a double, or NaN when v is not a number (JSON numbers are
 * never NaN, so NaN always means "not a number"). */
double jv_number(const struct jv *v);
/* Whether v is a number written as an integer that fits int64, and that
 * integer (0 when not). */
bool jv_is_int(const struct jv *v);
int64_t jv_int(const struct jv *v);

#endif
