/* A small streaming JSON writer (RFC 8259) for every command's --json.
 *
 * Values are written as they come, with no document held in memory. The
 * writer puts the commas, colons and indentation in; a caller only says what
 * comes next. Strings are escaped so that any byte string becomes valid JSON:
 * quote, backslash and control characters are escaped, and bytes that are not
 * well-formed UTF-8 become U+FFFD (one per maximal ill-formed subpart, as
 * Unicode §3.9 and the WHATWG decoder do), because names in model files are
 * whatever bytes their producer wrote. Numbers are printed in the shortest
 * form that reads back to the same value; NaN and infinities, which JSON
 * cannot spell, are written as null.
 *
 * Misuse (a value where a key is due, unbalanced ends, too deep) is recorded
 * and reported by json_finish, never printed, so a bug shows up in tests. */
#ifndef FERRY_CORE_JSON_H
#define FERRY_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64

struct json {
    FILE *f;
    bool pretty;
    bool misuse;
    int depth;
    int inline_depth; /* depth from which containers stay on one line; 0: none */
    bool want_key;    /* inside an object, before a key */
    bool done;        /* the document's top-level value is complete */
    bool any[JSON_MAX_DEPTH + 1];       /* the container at this depth has members */
    bool is_object[JSON_MAX_DEPTH + 1];
};

/* pretty: two-space indentation, one member per line (but see _inline). */
void json_init(struct json *j, FILE *f, bool pretty);

void json_object(struct json *j);
void json_array(struct json *j);
/* Containers kept on one line even in pretty mode (shapes, short records),
 * together with everything nested in them. */
void json_object_inline(struct json *j);
void json_array_inline(struct json *j);
void json_end(struct json *j); /* closes the innermost object or array */

void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s); /* NULL writes null */
void json_string_n(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_double(struct json *j, double v);
/* Shortest decimal that reads back as the same float (not the same double):
 * 0.1f prints as 0.1, not 0.10000000149011612. */
void json_float(struct json *j, float v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key + value in one call, for flat records. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_int(struct json *j, const char *key, int64_t v);
void json_key_uint(struct json *j, const char *key, uint64_t v);
void json_key_double(struct json *j, const char *key, double v);
void json_key_bool(struct json *j, const char *key, bool v);
void json_key_null(struct json *j, const char *key);

/* Ends the document with a newline and flushes. Returns 0, or -1 when the
 * writer was misused (unclosed containers included) or a write failed. */
int json_finish(struct json *j);

/* Escapes s[0..n) as a JSON string, quotes included, into buf (always
 * NUL-terminated when cap > 0). Returns the length the whole escaped string
 * needs, like snprintf. */
size_t json_escape(const char *s, size_t n, char *buf, size_t cap);

#endif
