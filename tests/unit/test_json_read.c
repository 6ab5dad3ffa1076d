/* core/json_read: documents from ferry's own writer read back, the conversion
 * record, RFC 8259 escapes and numbers, and refusals with their offsets.
 * Every input is copied to a malloc'd block of exactly its size, so ASan
 * catches a read past the end (the reader must not want a NUL). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/json_read.h"
#include "t.h"

static const struct jv *parse_n(struct arena *a, const char *s, size_t n, struct fy_error *err)
{
    char *copy = malloc(n ? n : 1);
    if (!copy) return NULL;
    memcpy(copy, s, n);
    const struct jv *v = NULL;
    fy_status st = json_read(a, copy, n, &v, err);
    free(copy);
    T_CHECK((st == FY_OK) == (v != NULL), "status %d but value %p", (int)st, (const void *)v);
    return v;
}

static const struct jv *parse(struct arena *a, const char *s, struct fy_error *err)
{
    return parse_n(a, s, strlen(s), err);
}

/* s[0..n) must be refused at offset with a message containing want. */
static void reject_n(const char *s, size_t n, int64_t offset, const char *want)
{
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *v = parse_n(&a, s, n, &err);
    T_CHECK(!v && err.status == FY_EFORMAT, "%.*s: accepted (status %d)", (int)n, s,
            (int)err.status);
    T_CHECK(err.offset == offset, "%.*s: offset %lld, want %lld (%s)", (int)n, s,
            (long long)err.offset, (long long)offset, err.message);
    T_CHECK(strstr(err.message, want) != NULL, "%.*s: message \"%s\" lacks \"%s\"", (int)n, s,
            err.message, want);
    arena_release(&a);
}

static void reject(const char *s, int64_t offset, const char *want)
{
    reject_n(s, strlen(s), offset, want);
}

static bool str_is(const struct jv *v, const char *want, size_t n)
{
    size_t len;
    const char *s = jv_string_n(v, &len);
    return s && len == n && !memcmp(s, want, n) && s[n] == 0;
}

/* ---- documents ferry writes ---- */

static char *write_doc(bool pretty, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f) return NULL;
    struct json j;
    json_init(&j, f, pretty);
    json_object(&j);
    json_key_string(&j, "name", "conv \"1\"\\\n\t\x01/é€𝄞");
    json_key(&j, "bad utf8");
    json_string_n(&j, "a\xff" "b\xc3", 4); /* becomes a U+FFFD b U+FFFD */
    json_key(&j, "nul");
    json_string_n(&j, "x\0y", 3);
    json_key_int(&j, "min", INT64_MIN);
    json_key_int(&j, "max", INT64_MAX);
    json_key_uint(&j, "umax", UINT64_MAX);
    json_key_double(&j, "tenth", 0.1);
    json_key_double(&j, "tiny", 5e-324);
    json_key_double(&j, "nan", NAN); /* written as null */
    json_key(&j, "f");
    json_float(&j, 0.1f);
    json_key_bool(&j, "yes", true);
    json_key_bool(&j, "no", false);
    json_key_null(&j, "nothing");
    json_key(&j, "shape");
    json_array_inline(&j);
    for (int i = 0; i < 4; i++) json_int(&j, i * 7 - 1);
    json_end(&j);
    json_key(&j, "nested");
    json_array(&j);
    json_object(&j);
    json_end(&j);
    json_array(&j);
    json_end(&j);
    json_object(&j);
    json_key_string(&j, "k", "");
    json_end(&j);
    json_end(&j);
    json_end(&j);
    int bad = json_finish(&j);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void check_doc(const struct jv *d, const char *mode)
{
    T_CHECK(jv_type(d) == JV_OBJECT && jv_len(d) == 15, "%s: %s of %d", mode,
            jv_type_name(jv_type(d)), jv_len(d));
    static const char name[] = "conv \"1\"\\\n\t\x01/é€𝄞";
    T_CHECK(str_is(jv_get(d, "name"), name, sizeof name - 1), "%s: name", mode);
    T_CHECK(str_is(jv_get(d, "bad utf8"), "a\xef\xbf\xbd" "b\xef\xbf\xbd", 8), "%s: U+FFFD", mode);
    T_CHECK(str_is(jv_get(d, "nul"), "x\0y", 3), "%s: embedded NUL", mode);
    T_CHECK(jv_is_int(jv_get(d, "min")) && jv_int(jv_get(d, "min")) == INT64_MIN, "%s: min", mode);
    T_CHECK(jv_is_int(jv_get(d, "max")) && jv_int(jv_get(d, "max")) == INT64_MAX, "%s: max", mode);
    const struct jv *u = jv_get(d, "umax");
    T_CHECK(!jv_is_int(u) && jv_number(u) == 18446744073709551616.0, "%s: umax %g", mode,
            jv_number(u));
    T_CHECK(jv_number(jv_get(d, "tenth")) == 0.1, "%s: 0.1", mode);
    T_CHECK(jv_number(jv_get(d, "tiny")) == 5e-324, "%s: 5e-324", mode);
    T_CHECK(jv_is_null(jv_get(d, "nan")), "%s: NaN as null", mode);
    T_CHECK((float)jv_number(jv_get(d, "f")) == 0.1f, "%s: 0.1f", mode);
    T_CHECK(jv_type(jv_get(d, "yes")) == JV_BOOL && jv_bool(jv_get(d, "yes")), "%s: true", mode);
    T_CHECK(jv_type(jv_get(d, "no")) == JV_BOOL && !jv_bool(jv_get(d, "no")), "%s: false", mode);
    T_CHECK(jv_is_null(jv_get(d, "nothing")), "%s: null", mode);
    const struct jv *shape = jv_get(d, "shape");
    T_CHECK(jv_len(shape) == 4, "%s: shape len %d", mode, jv_len(shape));
    for (int i = 0; i < 4; i++)
        T_CHECK(jv_int(jv_at(shape, i)) == i * 7 - 1, "%s: shape[%d]", mode, i);
    const struct jv *nested = jv_get(d, "nested");
    T_CHECK(jv_len(nested) == 3 && jv_type(jv_at(nested, 0)) == JV_OBJECT &&
                jv_len(jv_at(nested, 0)) == 0 && jv_type(jv_at(nested, 1)) == JV_ARRAY &&
                jv_len(jv_at(nested, 1)) == 0 && str_is(jv_get(jv_at(nested, 2), "k"), "", 0),
            "%s: nested", mode);
    /* members in file order */
    const struct jv_member *m0 = jv_member_at(d, 0), *m14 = jv_member_at(d, 14);
    T_CHECK(m0 && !strcmp(m0->key, "name") && m14 && !strcmp(m14->key, "nested"),
            "%s: member order", mode);
}

TEST(json_read_writer_roundtrip)
{
    for (int pretty = 0; pretty < 2; pretty++) {
        size_t len = 0;
        char *doc = write_doc(pretty, &len);
        if (!T_CHECK(doc, "writer failed")) return;
        struct arena a;
        arena_init(&a);
        struct fy_error err = {0};
        const struct jv *d = parse_n(&a, doc, len, &err);
        if (T_CHECK(d, "%s: %s at %lld", pretty ? "pretty" : "compact", err.message,
                    (long long)err.offset))
            check_doc(d, pretty ? "pretty" : "compact");
        arena_release(&a);
        free(doc);
    }
}

/* Containers nested as deep as the writer allows read back. */
TEST(json_read_writer_max_depth)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!T_CHECK(f, "open_memstream")) return;
    struct json j;
    json_init(&j, f, true);
    for (int i = 0; i < JSON_MAX_DEPTH; i++) json_array(&j);
    json_int(&j, 7);
    for (int i = 0; i < JSON_MAX_DEPTH; i++) json_end(&j);
    int bad = json_finish(&j);
    fclose(f);
    T_CHECK(!bad, "writer");
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *v = parse_n(&a, buf, len, &err);
    T_CHECK(v, "%s", err.message);
    for (int i = 0; i < JSON_MAX_DEPTH; i++) v = jv_at(v, 0);
    T_CHECK(jv_int(v) == 7, "innermost value");
    arena_release(&a);
    free(buf);
}

/* The record tflite_finish stores as metadata "ferry.conversion". */
TEST(json_read_conversion_record)
{
    static const char rec[] =
        "{\"format\": \"ferry.conversion\", \"version\": 1, \"source\": \"mnist-8.onnx\",\n"
        " \"source_format\": \"onnx\", \"io_layout\": \"nchw\",\n"
        " \"tensors\": [{\"name\": \"Input3\", \"source\": \"Input3\", \"perm\": [0, 2, 3, 1]},\n"
        "             {\"name\": \"Plus214_Output_0\", \"source\": \"Plus214_Output_0\"}]}";
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *r = parse(&a, rec, &err);
    if (!T_CHECK(r, "%s at %lld", err.message, (long long)err.offset)) goto out;
    T_CHECK(!strcmp(jv_string(jv_get(r, "format")), "ferry.conversion"), "format");
    T_CHECK(jv_is_int(jv_get(r, "version")) && jv_int(jv_get(r, "version")) == 1, "version");
    T_CHECK(!strcmp(jv_string(jv_get(r, "source")), "mnist-8.onnx"), "source");
    T_CHECK(!strcmp(jv_string(jv_get(r, "source_format")), "onnx"), "source_format");
    T_CHECK(!strcmp(jv_string(jv_get(r, "io_layout")), "nchw"), "io_layout");
    const struct jv *ts = jv_get(r, "tensors");
    if (!T_CHECK(jv_type(ts) == JV_ARRAY && jv_len(ts) == 2, "tensors")) goto out;
    const struct jv *t0 = jv_at(ts, 0), *t1 = jv_at(ts, 1);
    T_CHECK(!strcmp(jv_string(jv_get(t0, "name")), "Input3") &&
                !strcmp(jv_string(jv_get(t0, "source")), "Input3"),
            "tensors[0] names");
    const struct jv *perm = jv_get(t0, "perm");
    static const int64_t want[] = {0, 2, 3, 1};
    T_CHECK(jv_len(perm) == 4, "perm length %d", jv_len(perm));
    for (int i = 0; i < 4; i++)
        T_CHECK(jv_is_int(jv_at(perm, i)) && jv_int(jv_at(perm, i)) == want[i], "perm[%d]", i);
    T_CHECK(!strcmp(jv_string(jv_get(t1, "name")), "Plus214_Output_0"), "tensors[1] name");
    T_CHECK(jv_get(t1, "perm") == NULL && jv_len(jv_get(t1, "perm")) == 0, "no perm");
    T_CHECK(t0->offset == (int64_t)(strstr(rec, "{\"name\": \"Input3\"") - rec), "offset %lld",
            (long long)t0->offset);
out:
    arena_release(&a);
}

/* ---- RFC 8259 accepted forms ---- */

TEST(json_read_escapes)
{
    static const struct {
        const char *json;
        const char *want;
        size_t len;
    } cases[] = {
        {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8},
        {"\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6}, /* A é € */
        {"\"\\ud834\\udd1e\"", "\xf0\x9d\x84\x9e", 4},              /* U+1D11E */
        {"\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80", 4},              /* U+1F600 */
        {"\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4},              /* U+10FFFF */
        {"\"\\uFFFF\\u07FF\\u0080\"", "\xef\xbf\xbf\xdf\xbf\xc2\x80", 7},
        {"\"a\\u0000b\"", "a\0b", 3},
        {"\"\xf0\x9d\x84\x9e \xc3\xa9\x7f\"", "\xf0\x9d\x84\x9e \xc3\xa9\x7f", 8}, /* raw UTF-8, DEL */
        {"\"\"", "", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct arena a;
        arena_init(&a);
        struct fy_error err = {0};
        const struct jv *v = parse(&a, cases[k].json, &err);
        T_CHECK(v && str_is(v, cases[k].want, cases[k].len), "%s: %s", cases[k].json,
                v ? "wrong bytes" : err.message);
        arena_release(&a);
    }
}

TEST(json_read_numbers)
{
    static const struct {
        const char *json;
        double num;
        bool is_int;
        int64_t i;
    } cases[] = {
        {"0", 0, true, 0},
        {"-0", -0.0, true, 0},
        {"-0.0", -0.0, false, 0},
        {"1e308", 1e308, false, 0},
        {"1.5e-3", 1.5e-3, false, 0},
        {"1E+2", 100, false, 0},
        {"2.5E-0", 2.5, false, 0},
        {"1.0", 1, false, 0},
        {"-17", -17, true, -17},
        {"4.9e-324", 4.9e-324, false, 0},
        {"1e-400", 0, false, 0}, /* underflows to 0: allowed */
        {"9223372036854775807", 9223372036854775807.0, true, INT64_MAX},
        {"-9223372036854775808", -9223372036854775808.0, true, INT64_MIN},
        {"9223372036854775808", 9223372036854775808.0, false, 0},
        {"-9223372036854775809", -9223372036854775809.0, false, 0},
        {"18446744073709551616", 18446744073709551616.0, false, 0},
        {"123456789012345678901234567890", 1.2345678901234568e29, false, 0},
        {"0.1", 0.1, false, 0},
        {"1.7976931348623157e308", 1.7976931348623157e308, false, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct arena a;
        arena_init(&a);
        struct fy_error err = {0};
        const struct jv *v = parse(&a, cases[k].json, &err);
        if (T_CHECK(jv_type(v) == JV_NUMBER, "%s: %s", cases[k].json, err.message)) {
            double d = jv_number(v);
            T_CHECK(d == cases[k].num && !signbit(d) == !signbit(cases[k].num), "%s: %.17g",
                    cases[k].json, d);
            T_CHECK(jv_is_int(v) == cases[k].is_int && jv_int(v) == cases[k].i, "%s: int %d %lld",
                    cases[k].json, jv_is_int(v), (long long)jv_int(v));
        }
        arena_release(&a);
    }
}

/* Any value may be the document; white space is space, tab, LF, CR only. */
TEST(json_read_top_level_scalars_and_whitespace)
{
    static const struct {
        const char *json;
        enum jv_type type;
    } cases[] = {
        {"null", JV_NULL},  {" true ", JV_BOOL},       {"\t\r\n false\n", JV_BOOL},
        {"42", JV_NUMBER},  {"\"s\"", JV_STRING},      {" [ 1 , 2 ] ", JV_ARRAY},
        {"{ }", JV_OBJECT}, {"{\"a\" : [ ] }", JV_OBJECT},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct arena a;
        arena_init(&a);
        struct fy_error err = {0};
        const struct jv *v = parse(&a, cases[k].json, &err);
        T_CHECK(jv_type(v) == cases[k].type, "%s: %s %s", cases[k].json,
                jv_type_name(jv_type(v)), err.message);
        arena_release(&a);
    }
}

/* The size bounds the input: no NUL needed, bytes after it ignored. */
TEST(json_read_size_bounds_input)
{
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *v = parse_n(&a, "12345", 3, &err);
    T_CHECK(jv_int(v) == 123, "prefix 123: %lld", (long long)jv_int(v));
    v = parse_n(&a, "[1,2]garbage", 5, &err);
    T_CHECK(jv_len(v) == 2, "prefix [1,2]");
    arena_release(&a);
}

TEST(json_read_duplicate_keys_first_wins)
{
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *v = parse(&a, "{\"k\": 1, \"x\": 0, \"k\": 2}", &err);
    T_CHECK(jv_len(v) == 3, "both kept: %d members", jv_len(v));
    T_CHECK(jv_int(jv_get(v, "k")) == 1, "first returned");
    const struct jv_member *m = jv_member_at(v, 2);
    T_CHECK(m && !strcmp(m->key, "k") && jv_int(&m->value) == 2, "second reachable in order");
    arena_release(&a);
}

TEST(json_read_key_with_nul)
{
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *v = parse(&a, "{\"a\\u0000b\": 1, \"a\": 2}", &err);
    T_CHECK(jv_int(jv_get_n(v, "a\0b", 3)) == 1, "key with NUL");
    T_CHECK(jv_int(jv_get(v, "a")) == 2, "\"a\" is not \"a\\0b\"");
    arena_release(&a);
}

/* Accessors answer "absent" for NULL and wrong types, so lookups chain. */
TEST(json_read_accessors_absent)
{
    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    const struct jv *v = parse(&a, "{\"s\": \"x\", \"a\": [1.5], \"t\": true}", &err);
    T_CHECK(jv_get(v, "missing") == NULL && jv_type(jv_get(v, "missing")) == JV_NONE, "missing");
    T_CHECK(jv_get(jv_get(v, "s"), "s") == NULL, "get on a string");
    T_CHECK(jv_string(jv_get(v, "a")) == NULL, "string of an array");
    T_CHECK(isnan(jv_number(jv_get(v, "s"))), "number of a string is NaN");
    T_CHECK(jv_at(jv_get(v, "a"), 1) == NULL && jv_at(jv_get(v, "a"), -1) == NULL, "out of range");
    T_CHECK(jv_number(jv_at(jv_get(v, "a"), 0)) == 1.5, "a[0]");
    T_CHECK(!jv_is_int(jv_at(jv_get(v, "a"), 0)) && jv_int(jv_at(jv_get(v, "a"), 0)) == 0,
            "1.5 is no int");
    T_CHECK(jv_at(v, 0) == NULL && jv_member_at(jv_get(v, "a"), 0) == NULL, "wrong container");
    T_CHECK(jv_bool(jv_get(v, "t")) && !jv_bool(jv_get(v, "s")) && !jv_bool(NULL), "bool");
    T_CHECK(jv_len(NULL) == 0 && jv_len(jv_get(v, "s")) == 0, "len of scalars");
    T_CHECK(jv_int(jv_at(jv_get(jv_get(v, "x"), "y"), 3)) == 0, "chain through NULL");
    arena_release(&a);
}

/* ---- refusals: offset of the fault, and what was found ---- */

TEST(json_read_rejects_empty_input)
{
    reject("", 0, "expected a JSON value, found end of input");
    reject("  \n", 3, "expected a JSON value, found end of input");
}

TEST(json_read_rejects_trailing_garbage)
{
    reject("{} x", 3, "expected end of input after the JSON value, found 'x'");
    reject("[1]]", 3, "found ']'");
    reject("1 2", 2, "found '2'");
    reject("nulls", 4, "found 's'");
    reject_n("0\0", 2, 1, "found byte 0x00");
}

TEST(json_read_rejects_leading_zero)
{
    reject("01", 1, "leading zeros are not allowed");
    reject("[-007]", 3, "found '0'");
}

TEST(json_read_rejects_bad_numbers)
{
    reject("-", 1, "expected a digit after '-', found end of input");
    reject("1.", 2, "expected a digit after '.'");
    reject(".5", 0, "expected a JSON value, found '.'");
    reject("+1", 0, "found '+'");
    reject("1e", 2, "expected a digit in the exponent");
    reject("1e+", 3, "expected a digit in the exponent");
    reject("[1.5e+x]", 6, "found 'x'");
    reject("0x10", 1, "found 'x'");
    reject("NaN", 0, "found 'N'");
    reject("-Infinity", 1, "found 'I'");
    reject("[1e309]", 1, "number out of range");
    reject("-1e400", 0, "number out of range");
}

TEST(json_read_rejects_trailing_comma)
{
    reject("[1,2,]", 5, "expected a value after ',' in array (trailing commas");
    reject("{\"a\":1,}", 7, "after ',' (trailing commas");
    reject("[,]", 1, "expected a JSON value, found ','");
    reject("{,}", 1, "expected '\"' to start an object key or '}', found ','");
}

TEST(json_read_rejects_bad_containers)
{
    reject("[1 2]", 3, "expected ',' or ']' after array item, found '2'");
    reject("{\"a\":1 x}", 7, "expected ',' or '}' after object member, found 'x'");
    reject("{\"a\" 1}", 5, "expected ':' after object key, found '1'");
    reject("{'a':1}", 1, "found \"'\"");
    reject("{a:1}", 1, "expected '\"' to start an object key or '}', found 'a'");
    reject("{\"a\":1, 2}", 8, "key after ',', found '2'");
    reject("[1", 2, "expected ',' or ']' after array item, found end of input");
    reject("{\"a\":", 5, "expected a JSON value, found end of input");
    reject("[1] // c", 4, "found '/'");
    reject("/* c */ 1", 0, "found '/'");
}

TEST(json_read_rejects_bad_literals)
{
    reject("tru", 3, "expected 'true', found end of input");
    reject("[fals]", 5, "expected 'false', found ']'");
    reject("nul1", 3, "expected 'null', found '1'");
    reject("True", 0, "expected a JSON value, found 'T'");
}

TEST(json_read_rejects_bad_whitespace)
{
    reject("[1,\f2]", 3, "found byte 0x0C");
    reject("\xef\xbb\xbf{}", 0, "found byte 0xEF"); /* no byte order mark */
}

TEST(json_read_rejects_unterminated_string)
{
    reject("\"abc", 0, "unterminated string");
    reject("[\"a\", \"b\\\"]", 6, "unterminated string");
    reject("{\"k\": \"v\\", 6, "unterminated string");
}

TEST(json_read_rejects_bad_escapes)
{
    reject("\"\\x\"", 2, "after '\\', found 'x'");
    reject("\"\\'\"", 2, "after '\\'");
    reject("\"\\u12G4\"", 5, "expected 4 hex digits after '\\u', found 'G'");
    reject("\"\\u12", 5, "4 hex digits after '\\u', found end of input");
}

TEST(json_read_rejects_lone_surrogate)
{
    reject("\"\\ud834\"", 1, "lone high surrogate \\uD834");
    reject("\"ab\\ud834x\"", 3, "found 'x'");
    reject("\"\\ud834\\u0041\"", 1, "found '\\u0041'");
    reject("\"\\ud834\\ud834\"", 1, "lone high surrogate");
    reject("\"\\udd1e\"", 1, "lone low surrogate \\uDD1E");
    reject("\"\\udd1e\\ud834\"", 1, "lone low surrogate");
}

TEST(json_read_rejects_control_char_in_string)
{
    reject("\"a\nb\"", 2, "control byte 0x0A");
    reject("\"\t\"", 1, "control byte 0x09");
    reject_n("\"a\0\"", 4, 2, "control byte 0x00");
    reject("[\"ok\", \"\x1f\"]", 8, "control byte 0x1F");
}

TEST(json_read_rejects_invalid_utf8)
{
    reject("\"\xff\"", 1, "byte 0xFF cannot start a character");
    reject("\"ab\x80\"", 3, "byte 0x80 cannot start a character");
    reject("\"\xc0\xaf\"", 1, "0xC0 cannot start");                  /* overlong '/' */
    reject("\"\xe0\x80\xaf\"", 2, "starting with 0xE0, found byte 0x80"); /* overlong */
    reject("\"\xed\xa0\x80\"", 2, "starting with 0xED, found byte 0xA0"); /* surrogate */
    reject("\"\xf4\x90\x80\x80\"", 2, "found byte 0x90");                 /* > U+10FFFF */
    reject("\"\xe2\x82\"", 3, "starting with 0xE2, found '\"'");          /* truncated */
    reject("\"\xc3", 2, "found end of input");
    reject("\xc3\xa9", 0, "expected a JSON value, found byte 0xC3"); /* outside a string */
}

static void nest(char *buf, int depth, const char *open, const char *leaf, const char *close)
{
    size_t o = strlen(open), c = strlen(close), n = 0;
    for (int i = 0; i < depth; i++, n += o) memcpy(buf + n, open, o);
    memcpy(buf + n, leaf, strlen(leaf));
    n += strlen(leaf);
    for (int i = 0; i < depth; i++, n += c) memcpy(buf + n, close, c);
    buf[n] = 0;
}

TEST(json_read_rejects_deep_nesting)
{
    static char buf[8192];
    nest(buf, 1000, "[", "0", "]");
    reject(buf, JSON_READ_MAX_DEPTH, "nested too deep");
    nest(buf, 1000, "{\"a\":", "0", "}");
    reject(buf, JSON_READ_MAX_DEPTH * 5, "nested too deep");
    nest(buf, 1000, "[", "", ""); /* unclosed, too */
    reject(buf, JSON_READ_MAX_DEPTH, "nested too deep");
    nest(buf, JSON_READ_MAX_DEPTH + 1, "[", "", "]");
    reject(buf, JSON_READ_MAX_DEPTH, "more than 64 levels");

    struct arena a;
    arena_init(&a);
    struct fy_error err = {0};
    nest(buf, JSON_READ_MAX_DEPTH, "[", "", "]");
    T_CHECK(parse(&a, buf, &err) != NULL, "depth %d accepted: %s", JSON_READ_MAX_DEPTH,
            err.message);
    arena_release(&a);
}
