/* The ONNX reader against hostile bytes: every truncation, seeded random
 * corruption and a deep nesting bomb must end in FY_OK or a clean error with a
 * message — never a crash, an out-of-bounds read or a leak. The referee is
 * AddressSanitizer/UBSan (the asan tree runs this file); each input is copied
 * into a buffer of exactly its size so that reading one byte past it trips
 * ASan. Inputs: fixtures/mnist-8.onnx and small ONNX backend test models with
 * subgraphs (libonnx-testdata), which are files written by others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/onnx/onnx.h"
#include "t.h"

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *d = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nd = realloc(d, cap);
            if (!nd) break;
            d = nd;
        }
        size_t got = fread(d + n, 1, cap - n, f);
        if (!got) break;
        n += got;
    }
    fclose(f);
    *size = n;
    return d;
}

/* Reads size bytes from an exact-size copy; checks the outcome's shape.
 * Returns the status so callers can count. */
static fy_status read_exact(const uint8_t *src, size_t size, const char *what, size_t at)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return FY_ENOMEM;
    if (size) memcpy(copy, src, size);
    struct fy_error err;
    memset(&err, 0, sizeof err);
    err.offset = -1;
    struct ir_model *m = NULL;
    fy_status st = onnx_read_buffer(copy, size, NULL, &m, &err);
    if (st == FY_OK) {
        T_CHECK(m != NULL, "%s @%zu: OK without a model", what, at);
        ir_model_free(m);
    } else {
        T_CHECK(m == NULL, "%s @%zu: a model despite status %d", what, at, (int)st);
        T_CHECK(err.status == st && err.message[0], "%s @%zu: status %d without a message", what,
                at, (int)st);
        T_CHECK(st != FY_EINTERNAL, "%s @%zu: internal error: %s", what, at, err.message);
    }
    free(copy);
    return st;
}

struct corpus {
    const char *name;
    uint8_t *data;
    size_t size;
};

#define TESTDATA "/usr/share/libonnx-testdata/data/node/"

static int load_corpus(struct corpus *c, int cap)
{
    static const char *const testdata[] = {
        "test_if",
        "test_loop11",
        "test_range_float_type_positive_delta_expanded",
    };
    int n = 0;
    c[n].name = "mnist-8";
    c[n].data = slurp(t_repo_path("fixtures/mnist-8.onnx"), &c[n].size);
    if (T_CHECK(c[n].data != NULL, "fixtures/mnist-8.onnx readable")) n++;
    for (size_t i = 0; i < sizeof testdata / sizeof testdata[0] && n < cap; i++) {
        char path[256];
        snprintf(path, sizeof path, TESTDATA "%s/model.onnx", testdata[i]);
        c[n].name = testdata[i];
        c[n].data = slurp(path, &c[n].size);
        if (c[n].data)
            n++;
        else
            printf("    (skipped %s: absent; apt install libonnx-testdata)\n", path);
    }
    return n;
}

static void free_corpus(struct corpus *c, int n)
{
    for (int i = 0; i < n; i++)
        free(c[i].data);
}

/* Every prefix of each model. A plain cut mostly ends inside the top-level
 * graph field, so the next test also cuts inside nested messages. */
TEST(robust_truncation_at_every_offset_fails_cleanly)
{
    struct corpus c[4];
    int n = load_corpus(c, 4);
    for (int i = 0; i < n; i++) {
        int refused = 0;
        for (size_t k = 0; k < c[i].size; k++)
            if (read_exact(c[i].data, k, c[i].name, k) != FY_OK) refused++;
        T_CHECK(read_exact(c[i].data, c[i].size, c[i].name, c[i].size) == FY_OK, "%s reads whole",
                c[i].name);
        T_CHECK(refused > 0, "%s: %d cuts refused", c[i].name, refused);
    }
    free_corpus(c, n);
}

/* ---- cuts inside nested messages ----
 * cut_message rebuilds a message truncated at byte `cut` with every
 * enclosing length rewritten to match, so each message on the path to the
 * cut is well-formed outside and truncated inside: the reader of that
 * message (graph, node, attribute, tensor, type ...) meets the cut itself.
 * It walks the wire format on its own (independently of pb_decode). */

static bool get_varint(const uint8_t *d, size_t n, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 10 && *pos < n; i++) {
        uint8_t b = d[(*pos)++];
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* Field extents of one message; false when the bytes are not a message. */
static bool next_field(const uint8_t *d, size_t n, size_t *pos, size_t *payload, size_t *end,
                       bool *is_len)
{
    uint64_t key, v;
    if (!get_varint(d, n, pos, &key) || key >> 3 == 0) return false;
    *is_len = false;
    switch (key & 7) {
    case 0:
        if (!get_varint(d, n, pos, &v)) return false;
        break;
    case 1:
        if (n - *pos < 8) return false;
        *pos += 8;
        break;
    case 5:
        if (n - *pos < 4) return false;
        *pos += 4;
        break;
    case 2:
        if (!get_varint(d, n, pos, &v) || v > n - *pos) return false;
        *payload = *pos;
        *pos += (size_t)v;
        *is_len = true;
        break;
    default:
        return false;
    }
    *end = *pos;
    return true;
}

static bool is_message(const uint8_t *d, size_t n)
{
    size_t pos = 0, payload, end;
    bool is_len;
    while (pos < n)
        if (!next_field(d, n, &pos, &payload, &end, &is_len)) return false;
    return true;
}

/* Writes the cut message to out (room for n bytes plus 10 per level of
 * length prefix growth is never needed: lengths only shrink). */
static size_t cut_message(const uint8_t *d, size_t n, size_t cut, uint8_t *out)
{
    size_t pos = 0, w = 0;
    while (pos < n && pos < cut) {
        size_t start = pos, payload = 0, end = 0;
        bool is_len;
        if (!next_field(d, n, &pos, &payload, &end, &is_len)) break;
        if (end <= cut) {
            memcpy(out + w, d + start, end - start);
            w += end - start;
            continue;
        }
        if (!is_len || cut <= payload) {
            memcpy(out + w, d + start, cut - start); /* cut inside the field's head */
            w += cut - start;
            break;
        }
        /* the key, then a rewritten length, then the cut payload */
        size_t key_end = start;
        uint64_t key;
        get_varint(d, n, &key_end, &key);
        memcpy(out + w, d + start, key_end - start);
        w += key_end - start;
        uint8_t tmp[16];
        size_t inner;
        uint8_t *buf = malloc(end - payload + 1);
        if (!buf) break;
        if (is_message(d + payload, end - payload))
            inner = cut_message(d + payload, end - payload, cut - payload, buf);
        else {
            inner = cut - payload;
            memcpy(buf, d + payload, inner);
        }
        size_t k = 0;
        uint64_t len = inner;
        do {
            tmp[k++] = (uint8_t)((len & 0x7f) | (len > 0x7f ? 0x80 : 0));
            len >>= 7;
        } while (len);
        memcpy(out + w, tmp, k);
        w += k;
        memcpy(out + w, buf, inner);
        w += inner;
        free(buf);
        break;
    }
    return w;
}

TEST(robust_cuts_inside_nested_messages_fail_cleanly)
{
    struct corpus c[4];
    int n = load_corpus(c, 4);
    for (int i = 0; i < n; i++) {
        uint8_t *out = malloc(c[i].size + 1);
        if (!T_CHECK(out != NULL, "malloc")) break;
        int refused = 0, runs = 0;
        for (size_t k = 1; k < c[i].size; k++, runs++) {
            size_t len = cut_message(c[i].data, c[i].size, k, out);
            if (read_exact(out, len, c[i].name, k) != FY_OK) refused++;
        }
        T_CHECK(refused > 0, "%s: %d of %d nested cuts refused", c[i].name, refused, runs);
        free(out);
    }
    free_corpus(c, n);
}

/* xorshift64*: a fixed seed makes every run check the same inputs. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ull;
}

/* One seeded mutation of src into a new exact-size buffer. Positions favour
 * the first kilobytes, where ONNX writers put the graph's structure (nodes,
 * names, types) rather than weight bytes. */
static uint8_t *mutate(const uint8_t *src, size_t size, uint64_t *s, size_t *out_size, size_t *at)
{
    size_t span = size < 4096 || rng_next(s) % 2 ? size : 4096;
    size_t pos = span ? (size_t)(rng_next(s) % span) : 0;
    unsigned kind = (unsigned)(rng_next(s) % 6);
    size_t n = size + (kind == 2 ? 1 : 0) + (kind == 4 ? 9 : 0);
    uint8_t *d = malloc(n ? n : 1);
    if (!d) return NULL;
    *at = pos;
    switch (kind) {
    case 0: /* random byte */
        memcpy(d, src, size);
        if (size) d[pos] = (uint8_t)rng_next(s);
        break;
    case 1: /* one bit */
        memcpy(d, src, size);
        if (size) d[pos] ^= (uint8_t)(1u << (rng_next(s) % 8));
        break;
    case 2: /* insert a byte */
        memcpy(d, src, pos);
        d[pos] = (uint8_t)rng_next(s);
        memcpy(d + pos + 1, src + pos, size - pos);
        break;
    case 3: /* delete a byte */
        if (!size) break;
        memcpy(d, src, pos);
        memcpy(d + pos, src + pos + 1, size - pos - 1);
        n = size - 1;
        break;
    case 4: /* varint corruption: a run of continuation bytes (an over-long
               or unterminated varint) spliced in */
        memcpy(d, src, pos);
        memset(d + pos, 0xff, 9);
        memcpy(d + pos + 9, src + pos, size - pos);
        break;
    case 5: /* a length or count nudged: small delta on a byte below 0x80 */
        memcpy(d, src, size);
        if (size && d[pos] < 0x80)
            d[pos] = (uint8_t)((d[pos] + 1 + rng_next(s) % 3) & 0x7f);
        else if (size)
            d[pos] |= 0x80;
        break;
    }
    *out_size = n;
    return d;
}

TEST(robust_seeded_random_corruptions_fail_cleanly)
{
    struct corpus c[4];
    int n = load_corpus(c, 4);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    const int total = 3000;
    int ok = 0, refused = 0;
    for (int k = 0; k < total && n > 0; k++) {
        struct corpus *m = &c[k % n];
        size_t size = 0, at = 0;
        uint8_t *d = mutate(m->data, m->size, &seed, &size, &at);
        if (!T_CHECK(d != NULL, "malloc")) break;
        char what[96];
        snprintf(what, sizeof what, "%s mutation %d", m->name, k);
        if (read_exact(d, size, what, at) == FY_OK)
            ok++;
        else
            refused++;
        free(d);
    }
    T_CHECK(ok + refused == total || n == 0, "ran %d of %d", ok + refused, total);
    T_CHECK(refused > 0, "some corruptions refused (%d refused, %d read)", refused, ok);
    free_corpus(c, n);
}

/* ---- a nesting bomb: If → then_branch → If → ... 10,000 deep ---- */

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80)
        v >>= 7, n++;
    return n;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80)
        *p++ = (uint8_t)(v | 0x80), v >>= 7;
    *p++ = (uint8_t)v;
    return p;
}

TEST(robust_graph_attribute_nested_10000_deep_fails_cleanly)
{
    /* Level i is GraphProto{node(1): NodeProto{op_type(4) "If", attribute(5):
     * AttributeProto{name(1) "then_branch", type(20) GRAPH=5, g(6): level
     * i-1}}}; level 0 is an empty graph. The inner graph is the last field at
     * every level, so with all sizes known first the bytes are written in one
     * forward pass. */
    enum { DEPTH = 10000 };
    size_t *graph = calloc(DEPTH + 1, sizeof *graph), *node = calloc(DEPTH + 1, sizeof *node),
           *attr = calloc(DEPTH + 1, sizeof *attr);
    if (!T_CHECK(graph && node && attr, "calloc")) goto out;
    for (int i = 1; i <= DEPTH; i++) {
        attr[i] = 13 + 3 + 1 + varint_len(graph[i - 1]) + graph[i - 1];
        node[i] = 4 + 1 + varint_len(attr[i]) + attr[i];
        graph[i] = 1 + varint_len(node[i]) + node[i];
    }
    size_t total = 2 + 1 + varint_len(graph[DEPTH]) + graph[DEPTH];
    uint8_t *model = malloc(total);
    if (!T_CHECK(model != NULL, "malloc")) goto out;
    uint8_t *p = model;
    *p++ = 0x08, *p++ = 0x08; /* ir_version 8 */
    *p++ = 0x3a;              /* graph */
    p = put_varint(p, graph[DEPTH]);
    for (int i = DEPTH; i >= 1; i--) {
        *p++ = 0x0a; /* GraphProto.node */
        p = put_varint(p, node[i]);
        memcpy(p, "\x22\x02If", 4), p += 4; /* NodeProto.op_type */
        *p++ = 0x2a;                        /* NodeProto.attribute */
        p = put_varint(p, attr[i]);
        memcpy(p, "\x0a\x0bthen_branch", 13), p += 13;
        memcpy(p, "\xa0\x01\x05", 3), p += 3; /* type GRAPH */
        *p++ = 0x32;                          /* AttributeProto.g */
        p = put_varint(p, graph[i - 1]);
    }
    T_CHECK((size_t)(p - model) == total, "wrote %zu of %zu bytes", (size_t)(p - model), total);
    struct fy_error err;
    memset(&err, 0, sizeof err);
    struct ir_model *m = NULL;
    fy_status st = onnx_read_buffer(model, total, NULL, &m, &err);
    T_CHECK(st == FY_EFORMAT && !m, "refused with FORMAT: status %d", (int)st);
    T_CHECK(strstr(err.message, "deep") != NULL && !strcmp(err.op, "If"), "message: %s",
            err.message);
    free(model);
out:
    free(graph);
    free(node);
    free(attr);
}
