#include "core/json_read.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values are parsed by recursive descent (depth bounded). The items of the
 * containers being parsed wait on one scratch stack (malloc'd, shared by all
 * levels); when a container closes its items are copied to the arena in one
 * exact-size block and popped, so the arena holds no grown-and-dropped arrays. */
struct parser {
    const unsigned char *s;
    size_t size;
    size_t pos;
    struct arena *a;
    struct fy_error *err;
    struct jv_member *stack;
    size_t top, cap;
};

static fy_status nomem(struct parser *p) { return err_fmt(p->err, FY_ENOMEM, "out of memory"); }

/* What is at s[at], for "found ..." in messages. */
static const char *found(const struct parser *p, size_t at, char buf[16])
{
    if (at >= p->size) return "end of input";
    unsigned c = p->s[at];
    if (c == '\'') return "\"'\"";
    if (c > 0x20 && c < 0x7f) snprintf(buf, 16, "'%c'", (char)c);
    else snprintf(buf, 16, "byte 0x%02X", c);
    return buf;
}

/* "expected <what>, found <what is at at>" at offset at. */
static fy_status expected(struct parser *p, size_t at, const char *what)
{
    char b[16];
    return err_at(p->err, FY_EFORMAT, (int64_t)at, "expected %s, found %s", what,
                  found(p, at, b));
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->size) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static bool at_char(const struct parser *p, char c) { return p->pos < p->size && p->s[p->pos] == c; }

static bool is_digit(const struct parser *p, size_t i)
{
    return i < p->size && p->s[i] >= '0' && p->s[i] <= '9';
}

/* ---- strings ---- */

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 when ill-formed;
 * then *bad is the index of the first byte that makes it so (Unicode Table
 * 3-7: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t *bad)
{
    static const struct {
        unsigned char lo_lead, hi_lead; /* lead byte range */
        unsigned char lo2, hi2;         /* allowed second byte */
        unsigned char len;
    } rows[] = {
        {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3}, {0xE1, 0xEC, 0x80, 0xBF, 3},
        {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4},
        {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    *bad = 0;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (s[0] < rows[r].lo_lead || s[0] > rows[r].hi_lead) continue;
        size_t i = 1;
        if (i < n && s[i] >= rows[r].lo2 && s[i] <= rows[r].hi2)
            for (i = 2; i < rows[r].len && i < n && (s[i] & 0xC0) == 0x80; i++) {}
        if (i == rows[r].len) return i;
        *bad = i;
        return 0;
    }
    return 0; /* 80..C1, F5..FF never start a sequence */
}

/* The 4 hex digits at s[i..i+4), or -1 after recording the error. */
static long hex4(struct parser *p, size_t i)
{
    long v = 0;
    for (size_t k = i; k < i + 4; k++) {
        unsigned c = k < p->size ? p->s[k] : 0;
        int d = c >= '0' && c <= '9'   ? (int)(c - '0')
                : c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10)
                : c >= 'A' && c <= 'F' ? (int)(c - 'A' + 10)
                                       : -1;
        if (k >= p->size || d < 0) {
            expected(p, k, "4 hex digits after '\\u'");
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *out, unsigned long cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | cp >> 18);
        b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (out) memcpy(out, b, n);
    return n;
}

/* The string whose opening quote is at p->pos: checked (out == NULL) or
 * decoded into out (after a check passed). Decoding never grows a string,
 * so the raw length bounds the decoded one. Sets *len and, when end is not
 * NULL, *end to the offset after the closing quote. */
static fy_status scan_string(struct parser *p, char *out, size_t *len, size_t *end)
{
    static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
    const unsigned char *s = p->s;
    size_t start = p->pos, i = start + 1, n = 0;
    for (;;) {
        if (i >= p->size)
            return err_at(p->err, FY_EFORMAT, (int64_t)start,
                          "unterminated string: end of input before its closing '\"'");
        unsigned c = s[i];
        if (c == '"') break;
        if (c < 0x20)
            return err_at(p->err, FY_EFORMAT, (int64_t)i,
                          "expected a string character, found control byte 0x%02X "
                          "(must be escaped)",
                          c);
        if (c >= 0x80) {
            size_t bad, k = utf8_sequence(s + i, p->size - i, &bad);
            if (!k) {
                char b[16];
                if (bad == 0)
                    return err_at(p->err, FY_EFORMAT, (int64_t)i,
                                  "invalid UTF-8 in string: byte 0x%02X cannot start a character",
                                  c);
                return err_at(p->err, FY_EFORMAT, (int64_t)(i + bad),
                              "invalid UTF-8 in string: expected a continuation byte of the "
                              "character starting with 0x%02X, found %s",
                              c, found(p, i + bad, b));
            }
            if (out) memcpy(out + n, s + i, k);
            n += k;
            i += k;
            continue;
        }
        if (c != '\\') {
            if (out) out[n] = (char)c;
            n++;
            i++;
            continue;
        }
        if (i + 1 >= p->size)
            return err_at(p->err, FY_EFORMAT, (int64_t)start,
                          "unterminated string: end of input before its closing '\"'");
        unsigned e = s[i + 1];
        const char *hit = e && e != 'u' ? strchr(esc_in, (int)e) : NULL;
        if (hit) {
            if (out) out[n] = esc_out[hit - esc_in];
            n++;
            i += 2;
            continue;
        }
        if (e != 'u')
            return expected(p, i + 1, "one of '\"' '\\' '/' 'b' 'f' 'n' 'r' 't' 'u' after '\\'");
        long cp = hex4(p, i + 2);
        if (cp < 0) return FY_EFORMAT;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return err_at(p->err, FY_EFORMAT, (int64_t)i,
                          "lone low surrogate \\u%04lX (not after a high surrogate)", cp);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            size_t j = i + 6;
            long lo = -1;
            if (j + 1 < p->size && s[j] == '\\' && s[j + 1] == 'u') {
                lo = hex4(p, j + 2);
                if (lo < 0) return FY_EFORMAT;
            }
            if (lo < 0xDC00 || lo > 0xDFFF) {
                char b[16];
                if (lo >= 0)
                    snprintf(b, sizeof b, "'\\u%04lX'", lo);
                return err_at(p->err, FY_EFORMAT, (int64_t)i,
                              "lone high surrogate \\u%04lX: expected a \\u escape of a low "
                              "surrogate (DC00-DFFF) after it, found %s",
                              cp, lo >= 0 ? b : found(p, j, b));
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
        }
        n += put_utf8(out ? out + n : NULL, (unsigned long)cp);
        i += 6;
    }
    *len = n;
    if (end) *end = i + 1;
    return FY_OK;
}

/* A string into the arena; p->pos moves past it. */
static fy_status parse_string(struct parser *p, const char **str, size_t *len)
{
    size_t n, end;
    fy_status st = scan_string(p, NULL, &n, &end);
    if (st) return st;
    char *buf = arena_alloc(p->a, n + 1, 1);
    if (!buf) return nomem(p);
    scan_string(p, buf, &n, NULL);
    buf[n] = 0;
    *str = buf;
    *len = n;
    p->pos = end;
    return FY_OK;
}

/* ---- numbers ---- */

static fy_status parse_number(struct parser *p, struct jv *out)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, i = start;
    bool neg = false, integer = true, fits = true;
    uint64_t mag = 0;
    if (s[i] == '-') {
        neg = true;
        i++;
    }
    if (!is_digit(p, i)) return expected(p, i, "a digit after '-'");
    if (s[i] == '0') {
        i++;
        if (is_digit(p, i))
            return expected(p, i, "'.', 'e' or the end of the number after a leading '0' "
                                  "(leading zeros are not allowed)");
    } else {
        for (; is_digit(p, i); i++) {
            unsigned d = s[i] - '0';
            if (mag > (UINT64_MAX - d) / 10) fits = false;
            else mag = mag * 10 + d;
        }
    }
    if (i < p->size && s[i] == '.') {
        integer = false;
        if (!is_digit(p, ++i)) return expected(p, i, "a digit after '.'");
        while (is_digit(p, i)) i++;
    }
    if (i < p->size && (s[i] == 'e' || s[i] == 'E')) {
        integer = false;
        i++;
        if (i < p->size && (s[i] == '+' || s[i] == '-')) i++;
        if (!is_digit(p, i)) return expected(p, i, "a digit in the exponent");
        while (is_digit(p, i)) i++;
    }

    /* The grammar is checked; strtod (C locale, as ferry never sets one)
     * rounds correctly. It wants a NUL-terminated copy. */
    size_t n = i - start;
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) return nomem(p);
    memcpy(buf, s + start, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    bool whole = end == buf + n;
    if (buf != small) free(buf);
    if (!whole)
        return err_at(p->err, FY_EINTERNAL, (int64_t)start,
                      "strtod did not read the whole number (is a locale set?)");
    if (isinf(d))
        return err_at(p->err, FY_EFORMAT, (int64_t)start,
                      "number out of range: %.*s%s is beyond the largest double", n > 40 ? 40 : (int)n,
                      (const char *)s + start, n > 40 ? "..." : "");
    out->type = JV_NUMBER;
    out->num = d;
    if (integer && fits && mag <= (uint64_t)INT64_MAX + neg) {
        out->is_int = true;
        out->i = !neg ? (int64_t)mag : mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    }
    p->pos = i;
    return FY_OK;
}

/* ---- values and containers ---- */

static fy_status parse_value(struct parser *p, struct jv *out, int depth);

static fy_status push(struct parser *p, const struct jv_member *m)
{
    if (p->top == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *p->stack) return nomem(p);
        struct jv_member *st = realloc(p->stack, cap * sizeof *st);
        if (!st) return nomem(p);
        p->stack = st;
        p->cap = cap;
    }
    p->stack[p->top++] = *m;
    return FY_OK;
}

/* Moves the items from base up off the stack into the container out. */
static fy_status close_container(struct parser *p, struct jv *out, size_t base)
{
    size_t n = p->top - base;
    out->n = (int)n;
    if (!n) return FY_OK;
    if (out->type == JV_ARRAY) {
        struct jv *items = ARENA_ARRAY(p->a, n, struct jv);
        if (!items) return nomem(p);
        for (size_t k = 0; k < n; k++) items[k] = p->stack[base + k].value;
        out->items = items;
    } else {
        struct jv_member *members = ARENA_ARRAY(p->a, n, struct jv_member);
        if (!members) return nomem(p);
        memcpy(members, p->stack + base, n * sizeof *members);
        out->members = members;
    }
    p->top = base;
    return FY_OK;
}

/* An array or object; p->pos is at its '[' or '{'. */
static fy_status parse_container(struct parser *p, struct jv *out, int depth)
{
    bool object = p->s[p->pos] == '{';
    const char close = object ? '}' : ']';
    if (depth >= JSON_READ_MAX_DEPTH)
        return err_at(p->err, FY_EFORMAT, (int64_t)p->pos,
                      "%s nested too deep: more than %d levels of arrays and objects",
                      object ? "object" : "array", JSON_READ_MAX_DEPTH);
    out->type = object ? JV_OBJECT : JV_ARRAY;
    size_t base = p->top;
    p->pos++;
    skip_ws(p);
    if (at_char(p, close)) {
        p->pos++;
        return FY_OK;
    }
    for (;;) {
        struct jv_member m = {0};
        fy_status st;
        if (object) {
            if (!at_char(p, '"'))
                return expected(p, p->pos,
                                p->top == base     ? "'\"' to start an object key or '}'"
                                : at_char(p, '}') ? "'\"' to start an object key after ',' "
                                                    "(trailing commas are not allowed)"
                                                  : "'\"' to start an object key after ','");
            if ((st = parse_string(p, &m.key, &m.key_len))) return st;
            skip_ws(p);
            if (!at_char(p, ':')) return expected(p, p->pos, "':' after object key");
            p->pos++;
            skip_ws(p);
        } else if (p->top > base && at_char(p, ']')) {
            return expected(p, p->pos, "a value after ',' in array (trailing commas are not "
                                       "allowed)");
        }
        if ((st = parse_value(p, &m.value, depth + 1))) return st;
        if (p->top - base >= (size_t)INT32_MAX)
            return err_at(p->err, FY_EFORMAT, m.value.offset, "%s has too many %s",
                          object ? "object" : "array", object ? "members" : "items");
        if ((st = push(p, &m))) return st;
        skip_ws(p);
        if (at_char(p, ',')) {
            p->pos++;
            skip_ws(p);
            continue;
        }
        if (at_char(p, close)) {
            p->pos++;
            return close_container(p, out, base);
        }
        return expected(p, p->pos,
                        object ? "',' or '}' after object member" : "',' or ']' after array item");
    }
}

static fy_status parse_literal(struct parser *p, struct jv *out)
{
    static const struct {
        const char *word;
        enum jv_type type;
        bool b;
    } lits[] = {{"true", JV_BOOL, true}, {"false", JV_BOOL, false}, {"null", JV_NULL, false}};
    for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
        if (p->s[p->pos] != lits[k].word[0]) continue;
        size_t n = strlen(lits[k].word);
        for (size_t j = 1; j < n; j++)
            if (p->pos + j >= p->size || p->s[p->pos + j] != lits[k].word[j]) {
                char what[32];
                snprintf(what, sizeof what, "'%s'", lits[k].word);
                return expected(p, p->pos + j, what);
            }
        out->type = lits[k].type;
        out->b = lits[k].b;
        p->pos += n;
        return FY_OK;
    }
    return expected(p, p->pos, "a JSON value");
}

/* A value at p->pos (white space before it already skipped). */
static fy_status parse_value(struct parser *p, struct jv *out, int depth)
{
    memset(out, 0, sizeof *out);
    out->offset = (int64_t)p->pos;
    if (p->pos >= p->size) return expected(p, p->pos, "a JSON value");
    unsigned char c = p->s[p->pos];
    if (c == '{' || c == '[') return parse_container(p, out, depth);
    if (c == '"') {
        out->type = JV_STRING;
        return parse_string(p, &out->str, &out->len);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, out);
    return parse_literal(p, out);
}

fy_status json_read(struct arena *a, const void *data, size_t size, const struct jv **out,
                    struct fy_error *err)
{
    *out = NULL;
    struct parser p = {.s = data, .size = data ? size : 0, .a = a, .err = err};
    struct jv *root = ARENA_NEW(a, struct jv);
    if (!root) return nomem(&p);
    skip_ws(&p);
    fy_status st = parse_value(&p, root, 0);
    if (!st) {
        skip_ws(&p);
        if (p.pos < p.size) st = expected(&p, p.pos, "end of input after the JSON value");
    }
    free(p.stack);
    if (!st) *out = root;
    return st;
}

/* ---- accessors ---- */

enum jv_type jv_type(const struct jv *v) { return v ? v->type : JV_NONE; }

const char *jv_type_name(enum jv_type t)
{
    static const char *const names[] = {
        [JV_NONE] = "none",     [JV_NULL] = "null",   [JV_BOOL] = "bool",     [JV_NUMBER] = "number",
        [JV_STRING] = "string", [JV_ARRAY] = "array", [JV_OBJECT] = "object",
    };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

const struct jv *jv_get_n(const struct jv *v, const char *key, size_t key_len)
{
    if (!v || v->type != JV_OBJECT || !key) return NULL;
    for (int i = 0; i < v->n; i++) {
        const struct jv_member *m = &v->members[i];
        if (m->key_len == key_len && !memcmp(m->key, key, key_len)) return &m->value;
    }
    return NULL;
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
    return key ? jv_get_n(v, key, strlen(key)) : NULL;
}

const struct jv_member *jv_member_at(const struct jv *v, int i)
{
    return v && v->type == JV_OBJECT && i >= 0 && i < v->n ? &v->members[i] : NULL;
}

int jv_len(const struct jv *v)
{
    return v && (v->type == JV_ARRAY || v->type == JV_OBJECT) ? v->n : 0;
}

const struct jv *jv_at(const struct jv *v, int i)
{
    return v && v->type == JV_ARRAY && i >= 0 && i < v->n ? &v->items[i] : NULL;
}

bool jv_is_null(const struct jv *v) { return v && v->type == JV_NULL; }
bool jv_bool(const struct jv *v) { return v && v->type == JV_BOOL && v->b; }

const char *jv_string_n(const struct jv *v, size_t *len)
{
    bool ok = v && v->type == JV_STRING;
    if (len) *len = ok ? v->len : 0;
    return ok ? v->str : NULL;
}

const char *jv_string(const struct jv *v) { return jv_string_n(v, NULL); }
double jv_number(const struct jv *v) { return v && v->type == JV_NUMBER ? v->num : NAN; }
bool jv_is_int(const struct jv *v) { return v && v->type == JV_NUMBER && v->is_int; }
int64_t jv_int(const struct jv *v) { return jv_is_int(v) ? v->i : 0; }
