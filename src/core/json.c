#include "core/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Escaped output goes either to a FILE or to a bounded buffer; one escaper
 * serves both, so json_escape (tested) is exactly what the writer prints. */
struct sink {
    FILE *f;
    char *buf;
    size_t cap;
    size_t len; /* bytes wanted so far, even past cap */
};

static void put(struct sink *o, const char *s, size_t n)
{
    if (o->f) {
        fwrite(s, 1, n, o->f);
    } else if (o->cap) {
        size_t room = o->len < o->cap - 1 ? o->cap - 1 - o->len : 0;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 when ill-formed;
 * then *bad is the length of the maximal ill-formed subpart to replace with
 * one U+FFFD (Unicode Table 3-7 gives the allowed second-byte ranges). */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t *bad)
{
    static const struct {
        unsigned char lo_lead, hi_lead; /* lead byte range */
        unsigned char lo2, hi2;         /* allowed second byte */
        unsigned char len;
    } rows[] = {
        {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3}, {0xE1, 0xEC, 0x80, 0xBF, 3},
        {0xED, 0xED, 0x80, 0x9F, 3}, /* no UTF-16 surrogates */
        {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4},
        {0xF4, 0xF4, 0x80, 0x8F, 4}, /* nothing above U+10FFFF */
    };
    *bad = 1;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (s[0] < rows[r].lo_lead || s[0] > rows[r].hi_lead) continue;
        size_t i = 1;
        if (i < n && s[i] >= rows[r].lo2 && s[i] <= rows[r].hi2) {
            for (i = 2; i < rows[r].len && i < n && (s[i] & 0xC0) == 0x80; i++) {}
            if (i == rows[r].len) return i;
        }
        *bad = i;
        return 0;
    }
    return 0; /* 80..C1, F5..FF never start a sequence */
}

static void escape(struct sink *o, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    put(o, "\"", 1);
    size_t run = 0; /* start of bytes copied as they are */
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t bad, len = utf8_sequence(s + i, n - i, &bad);
            if (len) {
                i += len;
                continue;
            }
            put(o, str + run, i - run);
            put(o, "\xEF\xBF\xBD", 3);
            i += bad;
            run = i;
            continue;
        }
        put(o, str + run, i - run);
        char e[7] = {'\\', 0};
        size_t elen = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            memcpy(e + 1, "u00", 3);
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            elen = 6;
        }
        put(o, e, elen);
        i++;
        run = i;
    }
    put(o, str + run, n - run);
    put(o, "\"", 1);
}

size_t json_escape(const char *s, size_t n, char *buf, size_t cap)
{
    struct sink o = {NULL, buf, cap, 0};
    escape(&o, s, n);
    if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
    return o.len;
}

void json_init(struct json *j, FILE *f, bool pretty)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->pretty = pretty;
}

static bool in_inline(const struct json *j)
{
    return j->inline_depth && j->depth >= j->inline_depth;
}

static void newline(struct json *j, int depth)
{
    if (!j->pretty || in_inline(j)) return;
    fputc('\n', j->f);
    for (int i = 0; i < depth; i++) fputs("  ", j->f);
}

/* Separators before a member of the current container. */
static void member(struct json *j)
{
    if (j->any[j->depth]) fputs(j->pretty && in_inline(j) ? ", " : ",", j->f);
    j->any[j->depth] = true;
    newline(j, j->depth);
}

static bool before_value(struct json *j)
{
    if (j->depth == 0) {
        if (j->done) j->misuse = true; /* one document per writer */
        return !j->misuse;
    }
    if (j->is_object[j->depth]) {
        if (j->want_key) j->misuse = true;
    } else {
        member(j);
    }
    return !j->misuse;
}

static void after_value(struct json *j)
{
    if (j->depth == 0) j->done = true;
    else if (j->is_object[j->depth]) j->want_key = true;
}

static void begin(struct json *j, bool object, bool one_line)
{
    if (!before_value(j)) return;
    if (j->depth == JSON_MAX_DEPTH) {
        j->misuse = true;
        return;
    }
    fputc(object ? '{' : '[', j->f);
    j->depth++;
    j->is_object[j->depth] = object;
    j->any[j->depth] = false;
    j->want_key = object;
    if (one_line && !j->inline_depth) j->inline_depth = j->depth;
}

void json_object(struct json *j) { begin(j, true, false); }
void json_array(struct json *j) { begin(j, false, false); }
void json_object_inline(struct json *j) { begin(j, true, true); }
void json_array_inline(struct json *j) { begin(j, false, true); }

void json_end(struct json *j)
{
    if (j->misuse) return;
    if (j->depth == 0 || (j->is_object[j->depth] && !j->want_key)) {
        j->misuse = true; /* nothing open, or a key without its value */
        return;
    }
    bool object = j->is_object[j->depth];
    if (j->any[j->depth]) newline(j, j->depth - 1);
    fputc(object ? '}' : ']', j->f);
    if (j->inline_depth == j->depth) j->inline_depth = 0;
    j->depth--;
    after_value(j);
}

void json_key(struct json *j, const char *key)
{
    if (j->misuse) return;
    if (j->depth == 0 || !j->is_object[j->depth] || !j->want_key || !key) {
        j->misuse = true;
        return;
    }
    member(j);
    struct sink o = {j->f, NULL, 0, 0};
    escape(&o, key, strlen(key));
    fputs(j->pretty ? ": " : ":", j->f);
    j->want_key = false;
}

void json_string_n(struct json *j, const char *s, size_t n)
{
    if (!before_value(j)) return;
    struct sink o = {j->f, NULL, 0, 0};
    escape(&o, s, n);
    after_value(j);
}

void json_string(struct json *j, const char *s)
{
    if (!s) json_null(j);
    else json_string_n(j, s, strlen(s));
}

static void raw(struct json *j, const char *text)
{
    if (!before_value(j)) return;
    fputs(text, j->f);
    after_value(j);
}

void json_int(struct json *j, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    raw(j, b);
}

void json_uint(struct json *j, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    raw(j, b);
}

/* %g never writes a form JSON refuses for finite values (no leading '+', no
 * bare '.', exponent digits always present), so only the precision varies:
 * the first that reads back exactly is the shortest. */
void json_double(struct json *j, double v)
{
    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    char b[40];
    /* whole numbers as integers: 20, not the shortest %g form 2e+01 */
    if (fabs((double)v) < 1e15 && (double)v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        snprintf(b, sizeof b, "%lld", (long long)v);
        raw(j, b);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(b, sizeof b, "%.*g", p, v);
        if (strtod(b, NULL) == v) break;
    }
    raw(j, b);
}

void json_float(struct json *j, float v)
{
    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    char b[40];
    /* whole numbers as integers: 20, not the shortest %g form 2e+01 */
    if (fabs((double)v) < 1e15 && (double)v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        snprintf(b, sizeof b, "%lld", (long long)v);
        raw(j, b);
        return;
    }
    for (int p = 1; p <= 9; p++) {
        snprintf(b, sizeof b, "%.*g", p, (double)v);
        if (strtof(b, NULL) == v) break;
    }
    raw(j, b);
}

void json_bool(struct json *j, bool v) { raw(j, v ? "true" : "false"); }
void json_null(struct json *j) { raw(j, "null"); }

void json_key_string(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_key_int(struct json *j, const char *key, int64_t v)
{
    json_key(j, key);
    json_int(j, v);
}

void json_key_uint(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    json_uint(j, v);
}

void json_key_double(struct json *j, const char *key, double v)
{
    json_key(j, key);
    json_double(j, v);
}

void json_key_bool(struct json *j, const char *key, bool v)
{
    json_key(j, key);
    json_bool(j, v);
}

void json_key_null(struct json *j, const char *key)
{
    json_key(j, key);
    json_null(j);
}

int json_finish(struct json *j)
{
    if (j->depth != 0 || !j->done) j->misuse = true;
    fputc('\n', j->f);
    int bad = fflush(j->f) != 0 || ferror(j->f);
    return j->misuse || bad ? -1 : 0;
}
