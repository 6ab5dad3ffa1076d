/* ONNX reader tests.
 *
 * References: the onnx Python package 1.12 (onnx.load, numpy_helper.to_array)
 * for what real files hold; the protobuf encoding specification
 * (protobuf.dev/programming-guides/encoding) for the varint and key bytes;
 * onnx.proto for field numbers. Hand-built models below are written with a
 * tiny protobuf writer local to this file; the valid ones were also parsed
 * with onnx.load_from_string, which reported the values the tests expect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/onnx/onnx.h"
#include "formats/onnx/pb_decode.h"
#include "t.h"

/* ---- a minimal protobuf writer for hand-built models ---- */

struct wbuf {
    uint8_t *d;
    size_t n, cap;
};

static void w_put(struct wbuf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *d = realloc(b->d, cap);
        if (!d) abort();
        b->d = d;
        b->cap = cap;
    }
    if (n) memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void w_varint(struct wbuf *b, uint64_t v)
{
    uint8_t t[10];
    size_t k = 0;
    do {
        t[k] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) t[k] |= 0x80;
        k++;
    } while (v);
    w_put(b, t, k);
}

static void w_key(struct wbuf *b, uint32_t field, unsigned wire)
{
    w_varint(b, (uint64_t)field << 3 | wire);
}

static void w_uint(struct wbuf *b, uint32_t field, uint64_t v)
{
    w_key(b, field, 0);
    w_varint(b, v);
}

static void w_bytes(struct wbuf *b, uint32_t field, const void *p, size_t n)
{
    w_key(b, field, 2);
    w_varint(b, n);
    w_put(b, p, n);
}

static void w_str(struct wbuf *b, uint32_t field, const char *s)
{
    w_bytes(b, field, s, strlen(s));
}

static void w_f32(struct wbuf *b, uint32_t field, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    uint8_t le[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    w_key(b, field, 5);
    w_put(b, le, 4);
}

/* Embeds msg as field `field` and frees it. */
static void w_msg(struct wbuf *b, uint32_t field, struct wbuf *msg)
{
    w_bytes(b, field, msg->d, msg->n);
    free(msg->d);
    memset(msg, 0, sizeof *msg);
}

/* ValueInfoProto of a float tensor with static dims. */
static void w_value(struct wbuf *graph, uint32_t field, const char *name, int elem, int rank,
                    const int64_t *dims)
{
    struct wbuf shape = {0}, tt = {0}, type = {0}, vi = {0};
    for (int i = 0; i < rank; i++) {
        struct wbuf dim = {0};
        w_uint(&dim, 1, (uint64_t)dims[i]);
        w_msg(&shape, 1, &dim);
    }
    w_uint(&tt, 1, (uint64_t)elem);
    w_msg(&tt, 2, &shape);
    w_msg(&type, 1, &tt);
    w_str(&vi, 1, name);
    w_msg(&vi, 2, &type);
    w_msg(graph, field, &vi);
}

/* ModelProto: ir_version 8, default opset 13, the graph, freed. */
static struct wbuf w_model(struct wbuf *graph)
{
    struct wbuf m = {0}, opset = {0};
    w_uint(&m, 1, 8);
    w_str(&opset, 1, "");
    w_uint(&opset, 2, 13);
    w_msg(&m, 8, &opset);
    w_msg(&m, 7, graph);
    return m;
}

/* A graph x → Relu → y around one initializer tensor message (freed), which
 * the Relu does not read: enough to carry a tensor to the reader. */
static struct wbuf w_model_with_initializer(struct wbuf *tensor)
{
    struct wbuf g = {0}, node = {0};
    int64_t d1[1] = {1};
    w_str(&node, 1, "x");
    w_str(&node, 2, "y");
    w_str(&node, 3, "relu");
    w_str(&node, 4, "Relu");
    w_msg(&g, 1, &node);
    w_str(&g, 2, "g");
    w_msg(&g, 5, tensor);
    w_value(&g, 11, "x", 1, 1, d1);
    w_value(&g, 12, "y", 1, 1, d1);
    return w_model(&g);
}

static fy_status read_buf(const struct wbuf *b, const char *base_dir, struct ir_model **m,
                          struct fy_error *err)
{
    memset(err, 0, sizeof *err);
    err->offset = -1;
    return onnx_read_buffer(b->d, b->n, base_dir, m, err);
}

static struct ir_tensor *find(struct ir_model *m, const char *name)
{
    return m ? ir_graph_find_tensor(m->graph, name) : NULL;
}

static bool has(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static float f32_at(const struct ir_tensor *t, size_t i)
{
    float f;
    memcpy(&f, (const uint8_t *)t->data + 4 * i, 4); /* data may be unaligned */
    return f;
}

static int64_t i64_at(const struct ir_tensor *t, size_t i)
{
    const uint8_t *p = (const uint8_t *)t->data + 8 * i;
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = v << 8 | p[k];
    return (int64_t)v;
}

/* ---- pb_decode against the protobuf encoding specification ---- */

/* The spec's examples: 150 is 96 01, 300 is ac 02; int64 -1 takes ten bytes
 * ending in 01. */
TEST(pb_varint_decodes_the_encoding_spec_examples)
{
    struct fy_error err = {0};
    struct pb_reader r;
    uint64_t v = 0;
    static const uint8_t a[] = {0x96, 0x01};
    pb_init(&r, a, sizeof a, 0);
    T_CHECK(pb_read_varint(&r, &v, &err) == FY_OK && v == 150, "150: got %llu",
            (unsigned long long)v);
    static const uint8_t b[] = {0xac, 0x02};
    pb_init(&r, b, sizeof b, 0);
    T_CHECK(pb_read_varint(&r, &v, &err) == FY_OK && v == 300, "300");
    static const uint8_t c[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    pb_init(&r, c, sizeof c, 0);
    T_CHECK(pb_read_varint(&r, &v, &err) == FY_OK && (int64_t)v == -1 && r.pos == 10, "-1");
}

TEST(pb_varint_with_overflowing_tenth_byte_is_format_error)
{
    struct fy_error err = {0};
    struct pb_reader r;
    uint64_t v;
    static const uint8_t c[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    pb_init(&r, c, sizeof c, 100);
    T_CHECK(pb_read_varint(&r, &v, &err) == FY_EFORMAT, "refused");
    T_CHECK(err.offset == 100, "offset is absolute: %lld", (long long)err.offset);
    T_CHECK(has(err.message, "overflows"), "message: %s", err.message);
}

/* Spec: a key is (field_number << 3) | wire_type; wire types 3 and 4 are the
 * deprecated groups. */
TEST(pb_key_refuses_groups_and_field_zero)
{
    struct fy_error err = {0};
    struct pb_reader r;
    uint32_t num;
    enum pb_wire w;
    static const uint8_t group[] = {0x0b}; /* field 1, wire 3 */
    pb_init(&r, group, 1, 7);
    T_CHECK(pb_read_key(&r, &num, &w, &err) == FY_EFORMAT && err.offset == 7, "group refused");
    T_CHECK(has(err.message, "group"), "message: %s", err.message);
    struct fy_error e2 = {0};
    static const uint8_t zero[] = {0x02}; /* field 0 */
    pb_init(&r, zero, 1, 0);
    T_CHECK(pb_read_key(&r, &num, &w, &e2) == FY_EFORMAT, "field 0 refused");
    struct fy_error e3 = {0};
    static const uint8_t ok[] = {0x3a}; /* field 7, wire 2 */
    pb_init(&r, ok, 1, 0);
    T_CHECK(pb_read_key(&r, &num, &w, &e3) == FY_OK && num == 7 && w == PB_LEN, "7/LEN");
}

TEST(pb_skip_returns_the_whole_unknown_field)
{
    struct fy_error err = {0};
    struct pb_reader r;
    /* field 99 varint 300, then field 1 varint 1 */
    static const uint8_t b[] = {0x98, 0x06, 0xac, 0x02, 0x08, 0x01};
    pb_init(&r, b, sizeof b, 0);
    uint32_t num;
    enum pb_wire w;
    T_CHECK(pb_read_key(&r, &num, &w, &err) == FY_OK && num == 99 && w == PB_VARINT, "key");
    struct ir_bytes span = {0};
    T_CHECK(pb_skip(&r, 0, w, &span, &err) == FY_OK, "skip");
    T_CHECK(span.data == b && span.size == 4, "span is key and payload: %zu bytes", span.size);
    T_CHECK(r.pos == 4, "positioned at the next field");
}

TEST(pb_packed_varint_run_ending_mid_value_is_refused)
{
    struct fy_error err = {0};
    static const uint8_t run[] = {0x01, 0x80};
    struct pb_field f = {0};
    f.number = 8;
    f.wire = PB_LEN;
    f.data = run;
    f.size = sizeof run;
    f.data_offset = 40;
    struct pb_values it;
    T_CHECK(pb_values_init(&it, &f, PB_VARINT, &err) == FY_EFORMAT, "refused");
    T_CHECK(err.offset == 41, "offset of the cut varint: %lld", (long long)err.offset);
}

/* ---- mnist-8 against the onnx Python package ---- */

/* Reference: onnx.load("fixtures/mnist-8.onnx") with onnx 1.12: ir_version 3,
 * producer CNTK 2.5.1, opset ("", 8), graph CNTKGraph, 12 nodes, 8
 * initializers, 11 value_info entries, 9 inputs (8 of them initializers),
 * 1 output Plus214_Output_0 float [1, 10]. */
TEST(mnist8_inputs_outputs_and_counts_match_onnx_package)
{
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    fy_status st = onnx_read_model(t_repo_path("fixtures/mnist-8.onnx"), &m, &err);
    if (!T_CHECK(st == FY_OK, "read: %s", err.message)) return;
    T_CHECK(m->format == IR_FORMAT_ONNX, "format");
    T_CHECK(m->ir_version == 3, "ir_version %lld", (long long)m->ir_version);
    T_CHECK(!strcmp(m->producer_name, "CNTK") && !strcmp(m->producer_version, "2.5.1"),
            "producer '%s' '%s'", m->producer_name, m->producer_version);
    T_CHECK(ir_model_opset(m, "") == 8, "opset 8");
    T_CHECK(!strcmp(m->graph->name, "CNTKGraph"), "graph name '%s'", m->graph->name);
    T_CHECK(m->graph->n_nodes == 12, "nodes %d", m->graph->n_nodes);
    T_CHECK(m->graph->n_initializers == 8, "initializers %d", m->graph->n_initializers);
    T_CHECK(m->graph->n_inputs == 9 && m->graph->n_outputs == 1, "inputs %d outputs %d",
            m->graph->n_inputs, m->graph->n_outputs);
    int vi = 0, consts = 0;
    for (int i = 0; i < m->graph->n_tensors; i++)
        vi += m->graph->tensors[i]->in_value_info;
    for (int i = 0; i < m->graph->n_inputs; i++)
        consts += m->graph->inputs[i]->kind == IR_TENSOR_CONST;
    T_CHECK(vi == 11, "value_info %d", vi);
    T_CHECK(consts == 8, "initializers listed as inputs %d", consts);
    struct ir_tensor *in = m->graph->inputs[0];
    T_CHECK(!strcmp(in->name, "Input3") && in->dtype == IR_F32 && in->rank == 4 &&
                in->dims[0].value == 1 && in->dims[1].value == 1 && in->dims[2].value == 28 &&
                in->dims[3].value == 28 && in->has_type && in->kind == IR_TENSOR_VALUE,
            "Input3 float [1,1,28,28]");
    struct ir_tensor *out = m->graph->outputs[0];
    T_CHECK(!strcmp(out->name, "Plus214_Output_0") && out->dtype == IR_F32 && out->rank == 2 &&
                out->dims[1].value == 10 && out->producer &&
                !strcmp(out->producer->name, "Plus214"),
            "output produced by Plus214");
    ir_model_free(m);
}

/* Reference: numpy_helper.to_array of the initializers (float_data, packed). */
TEST(mnist8_initializer_values_match_numpy_helper)
{
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (!T_CHECK(onnx_read_model(t_repo_path("fixtures/mnist-8.onnx"), &m, &err) == FY_OK, "%s",
                 err.message))
        return;
    struct ir_tensor *p193 = find(m, "Parameter193");
    if (T_CHECK(p193 && p193->kind == IR_TENSOR_CONST && p193->dtype == IR_F32 && p193->rank == 4 &&
                    p193->nbytes == 2560 * 4,
                "Parameter193 float [16,4,4,10]")) {
        T_CHECK(f32_at(p193, 0) == (float)0.09163288027048111 &&
                    f32_at(p193, 1) == (float)0.12143590301275253 &&
                    f32_at(p193, 2559) == (float)0.122023806,
                "Parameter193 values");
    }
    struct ir_tensor *p6 = find(m, "Parameter6");
    if (T_CHECK(p6 && p6->nbytes == 32, "Parameter6 8 floats"))
        T_CHECK(f32_at(p6, 0) == (float)-0.1615397185087204 &&
                    f32_at(p6, 7) == (float)-0.1211102306842804,
                "Parameter6 values");
    struct ir_tensor *shape = find(m, "Pooling160_Output_0_reshape0_shape");
    if (T_CHECK(shape && shape->dtype == IR_I64 && shape->nbytes == 16, "int64 [2]"))
        T_CHECK(i64_at(shape, 0) == 1 && i64_at(shape, 1) == 256, "reshape shape [1, 256]");
    ir_model_free(m);
}

/* Reference: onnx.helper.get_attribute_value on Convolution28 and Pooling66. */
TEST(mnist8_attributes_and_wiring_match_onnx_package)
{
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (!T_CHECK(onnx_read_model(t_repo_path("fixtures/mnist-8.onnx"), &m, &err) == FY_OK, "%s",
                 err.message))
        return;
    struct ir_node *conv = m->graph->nodes[1];
    T_CHECK(!strcmp(conv->name, "Convolution28") && conv->op == IR_OP_CONV &&
                !strcmp(conv->op_type, "Conv"),
            "node 1 is Convolution28 (Conv)");
    const struct ir_attr *ks = ir_node_attr(conv, "kernel_shape");
    T_CHECK(ks && ks->type == IR_ATTR_INTS && ks->count == 2 && ks->v.ints[0] == 5 &&
                ks->v.ints[1] == 5,
            "kernel_shape [5, 5]");
    const struct ir_attr *ap = ir_node_attr(conv, "auto_pad");
    T_CHECK(ap && ap->type == IR_ATTR_STRING && ap->v.s.size == 10 &&
                !memcmp(ap->v.s.data, "SAME_UPPER", 10),
            "auto_pad SAME_UPPER");
    const struct ir_attr *group = ir_node_attr(conv, "group");
    T_CHECK(group && group->type == IR_ATTR_INT && group->v.i == 1, "group 1");
    T_CHECK(conv->n_inputs == 2 && !strcmp(conv->inputs[0]->name, "Input3") &&
                conv->inputs[1]->kind == IR_TENSOR_CONST,
            "Conv reads Input3 and the initializer Parameter5");
    const struct ir_attr *pads = ir_node_attr(m->graph->nodes[4], "pads");
    T_CHECK(pads && pads->count == 4 && pads->v.ints[0] == 0 && pads->v.ints[3] == 0,
            "Pooling66 pads [0, 0, 0, 0]");
    struct ir_node *plus = m->graph->nodes[2];
    T_CHECK(plus->inputs[0]->producer == conv, "Plus30 reads Convolution28's output");
    ir_model_free(m);
}

/* ---- malformed wire data ---- */

TEST(truncated_varint_is_format_error_at_its_offset)
{
    /* ir_version (field 1, varint) whose varint stops after a continuation byte */
    struct wbuf b = {0};
    static const uint8_t bytes[] = {0x08, 0x80};
    w_put(&b, bytes, sizeof bytes);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT && !m, "refused");
    T_CHECK(err.offset == 1, "offset of the varint: %lld", (long long)err.offset);
    T_CHECK(has(err.message, "varint"), "message: %s", err.message);
    free(b.d);
}

TEST(length_past_the_end_is_format_error_at_its_offset)
{
    /* graph (field 7) claims 5 bytes, 1 follows */
    struct wbuf b = {0};
    static const uint8_t bytes[] = {0x08, 0x08, 0x3a, 0x05, 0x0a};
    w_put(&b, bytes, sizeof bytes);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT, "refused");
    T_CHECK(err.offset == 3, "offset of the length: %lld", (long long)err.offset);
    T_CHECK(has(err.message, "length 5") && has(err.message, "1 bytes left"), "message: %s",
            err.message);
    free(b.d);
}

TEST(file_without_graph_is_format_error)
{
    struct wbuf b = {0};
    w_uint(&b, 1, 8);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT && has(err.message, "no graph"),
            "message: %s", err.message);
    free(b.d);
}

/* ---- tensors ---- */

TEST(negative_dim_is_format_error_naming_the_tensor)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 2);
    w_uint(&t, 1, (uint64_t)-3); /* int64 -3 */
    w_uint(&t, 2, 1);
    w_str(&t, 8, "w");
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT, "refused");
    T_CHECK(has(err.message, "tensor 'w'") && has(err.message, "-3") && has(err.message, "axis 1"),
            "message: %s", err.message);
    T_CHECK(err.offset > 0, "offset given");
    free(b.d);
}

TEST(element_count_overflow_is_format_error_naming_the_tensor)
{
    struct wbuf t = {0};
    w_uint(&t, 1, (uint64_t)1 << 62);
    w_uint(&t, 1, 16);
    w_uint(&t, 2, 1);
    w_str(&t, 8, "big");
    w_bytes(&t, 9, "abcd", 4);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT, "refused");
    T_CHECK(has(err.message, "tensor 'big'") && has(err.message, "overflow"), "message: %s",
            err.message);
    free(b.d);
}

TEST(rank_above_limit_is_format_error)
{
    struct wbuf t = {0};
    for (int i = 0; i < 1025; i++)
        w_uint(&t, 1, 1);
    w_uint(&t, 2, 1);
    w_str(&t, 8, "deep");
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT && has(err.message, "rank 1025") &&
                has(err.message, "'deep'"),
            "message: %s", err.message);
    free(b.d);
}

TEST(raw_data_size_mismatch_is_format_error)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 2);
    w_uint(&t, 1, 3);
    w_uint(&t, 2, 1); /* FLOAT: 6 elements need 24 bytes */
    w_str(&t, 8, "w");
    uint8_t raw[20] = {0};
    w_bytes(&t, 9, raw, sizeof raw);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT, "refused");
    T_CHECK(has(err.message, "tensor 'w'") && has(err.message, "20 bytes") &&
                has(err.message, "24"),
            "message: %s", err.message);
    free(b.d);
}

TEST(raw_data_is_borrowed_from_the_buffer)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 2);
    w_uint(&t, 2, 7); /* INT64 */
    w_str(&t, 8, "w");
    static const uint8_t raw[16] = {5,    0,    0,    0,    0,    0,    0,    0,
                                    0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    w_bytes(&t, 9, raw, sizeof raw);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    struct ir_tensor *w = find(m, "w");
    T_CHECK(w && (const uint8_t *)w->data >= b.d && (const uint8_t *)w->data < b.d + b.n,
            "points into the buffer");
    T_CHECK(w && i64_at(w, 0) == 5 && i64_at(w, 1) == -2, "values 5, -2");
    T_CHECK(w && m->graph->n_initializers == 1 && m->graph->initializers[0] == w, "listed");
    ir_model_free(m);
    free(b.d);
}

/* float_data is `repeated float ... [packed = true]`, but protobuf parsers
 * accept both encodings; onnx.load_from_string of both models gives
 * [1.5, -2.0, 3.25]. */
TEST(float_data_packed_and_unpacked_read_the_same)
{
    static const float vals[3] = {1.5f, -2.0f, 3.25f};
    for (int packed = 0; packed < 3; packed++) {
        struct wbuf t = {0};
        w_uint(&t, 1, 3);
        w_uint(&t, 2, 1);
        w_str(&t, 8, "w");
        if (packed == 1) {
            uint8_t le[12];
            for (int i = 0; i < 3; i++) {
                uint32_t u;
                memcpy(&u, &vals[i], 4);
                for (int k = 0; k < 4; k++)
                    le[4 * i + k] = (uint8_t)(u >> (8 * k));
            }
            w_bytes(&t, 4, le, sizeof le);
        } else if (packed == 0) {
            for (int i = 0; i < 3; i++)
                w_f32(&t, 4, vals[i]);
        } else {
            /* mixed: one unpacked value, then a packed run of two */
            w_f32(&t, 4, vals[0]);
            uint8_t le[8];
            for (int i = 1; i < 3; i++) {
                uint32_t u;
                memcpy(&u, &vals[i], 4);
                for (int k = 0; k < 4; k++)
                    le[4 * (i - 1) + k] = (uint8_t)(u >> (8 * k));
            }
            w_bytes(&t, 4, le, sizeof le);
        }
        struct wbuf b = w_model_with_initializer(&t);
        struct fy_error err;
        struct ir_model *m = NULL;
        if (T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read (%d): %s", packed, err.message)) {
            struct ir_tensor *w = find(m, "w");
            T_CHECK(w && w->nbytes == 12 && f32_at(w, 0) == 1.5f && f32_at(w, 1) == -2.0f &&
                        f32_at(w, 2) == 3.25f,
                    "values (encoding %d)", packed);
            ir_model_free(m);
        }
        free(b.d);
    }
}

TEST(typed_value_count_mismatch_is_format_error)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 4);
    w_uint(&t, 2, 1);
    w_str(&t, 8, "w");
    w_f32(&t, 4, 1.0f);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT && has(err.message, "1 values") &&
                has(err.message, "need 4"),
            "message: %s", err.message);
    free(b.d);
}

/* onnx.proto: FLOAT16 and BFLOAT16 values go bit-wise in int32_data; BOOL
 * one per int32. numpy_helper.to_array reads [1.0, -2.0] for bits 0x3c00,
 * 0xc000. */
TEST(float16_and_bool_in_int32_data_become_little_endian_bytes)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 2);
    w_uint(&t, 2, 10);
    w_str(&t, 8, "h");
    w_uint(&t, 5, 0x3c00);
    w_uint(&t, 5, 0xc000);
    struct wbuf t2 = {0};
    w_uint(&t2, 1, 3);
    w_uint(&t2, 2, 9);
    w_str(&t2, 8, "flags");
    struct wbuf run = {0};
    w_varint(&run, 1);
    w_varint(&run, 0);
    w_varint(&run, 1);
    w_msg(&t2, 5, &run);
    struct wbuf g = {0};
    w_str(&g, 2, "g");
    w_msg(&g, 5, &t);
    w_msg(&g, 5, &t2);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    struct ir_tensor *h = find(m, "h"), *fl = find(m, "flags");
    static const uint8_t hb[4] = {0x00, 0x3c, 0x00, 0xc0};
    T_CHECK(h && h->dtype == IR_F16 && h->nbytes == 4 && !memcmp(h->data, hb, 4), "half bits");
    static const uint8_t bb[3] = {1, 0, 1};
    T_CHECK(fl && fl->dtype == IR_BOOL && fl->nbytes == 3 && !memcmp(fl->data, bb, 3), "bools");
    ir_model_free(m);
    free(b.d);
}

/* onnx.proto (1.16+): "For 4-bit data types, each int32_data stores two
 * elements", low nibble first; 3 INT4 elements take 2 values. */
TEST(int4_in_int32_data_packs_two_elements_per_value)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 3);
    w_uint(&t, 2, 22);
    w_str(&t, 8, "q");
    w_uint(&t, 5, 0x21);
    w_uint(&t, 5, 0x0f);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    struct ir_tensor *q = find(m, "q");
    static const uint8_t qb[2] = {0x21, 0x0f};
    T_CHECK(q && q->dtype == IR_I4 && q->nbytes == 2 && !memcmp(q->data, qb, 2), "packed");
    ir_model_free(m);
    free(b.d);
}

TEST(float8_tensor_is_unsupported_naming_tensor_and_type)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 1);
    w_uint(&t, 2, 17);
    w_str(&t, 8, "f8");
    w_bytes(&t, 9, "\x3c", 1);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EUNSUPPORTED && has(err.message, "tensor 'f8'") &&
                has(err.message, "FLOAT8E4M3FN"),
            "message: %s", err.message);
    free(b.d);
}

TEST(segmented_tensor_is_unsupported)
{
    struct wbuf t = {0}, seg = {0};
    w_uint(&t, 2, 1);
    w_str(&t, 8, "s");
    w_uint(&seg, 1, 0);
    w_msg(&t, 3, &seg);
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EUNSUPPORTED && has(err.message, "segment") &&
                has(err.message, "tensor 's'"),
            "message: %s", err.message);
    free(b.d);
}

/* ---- unknown fields ---- */

TEST(unknown_fields_are_kept_verbatim_in_extras)
{
    struct wbuf g = {0}, node = {0};
    w_str(&node, 1, "x");
    w_str(&node, 2, "y");
    w_str(&node, 4, "Relu");
    w_uint(&node, 40, 7); /* unknown NodeProto field */
    w_msg(&g, 1, &node);
    w_str(&g, 50, "kept"); /* unknown GraphProto field */
    int64_t d1[1] = {1};
    w_value(&g, 11, "x", 1, 1, d1);
    w_value(&g, 12, "y", 1, 1, d1);
    struct wbuf b = w_model(&g);
    w_uint(&b, 99, 300); /* unknown ModelProto field: 98 06 ac 02 */
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    static const uint8_t model_x[] = {0x98, 0x06, 0xac, 0x02};
    T_CHECK(m->extras.count == 1 && m->extras.items[0].size == 4 &&
                !memcmp(m->extras.items[0].data, model_x, 4),
            "model extra kept");
    static const uint8_t graph_x[] = {0x92, 0x03, 0x04, 'k', 'e', 'p', 't'};
    T_CHECK(m->graph->extras.count == 1 && m->graph->extras.items[0].size == 7 &&
                !memcmp(m->graph->extras.items[0].data, graph_x, 7),
            "graph extra kept");
    struct ir_node *n = m->graph->nodes[0];
    static const uint8_t node_x[] = {0xc0, 0x02, 0x07};
    T_CHECK(n->extras.count == 1 && n->extras.items[0].size == 3 &&
                !memcmp(n->extras.items[0].data, node_x, 3),
            "node extra kept");
    ir_model_free(m);
    free(b.d);
}

TEST(sequence_type_is_kept_opaque)
{
    /* input s: TypeProto{sequence_type(4){elem_type{tensor_type{elem_type 1}}}} */
    struct wbuf tt = {0}, inner = {0}, seq = {0}, type = {0}, vi = {0}, g = {0}, node = {0};
    w_uint(&tt, 1, 1);
    w_msg(&inner, 1, &tt);
    w_msg(&seq, 1, &inner);
    w_msg(&type, 4, &seq);
    struct wbuf type_copy = {0};
    w_put(&type_copy, type.d, type.n);
    w_str(&vi, 1, "s");
    w_msg(&vi, 2, &type);
    w_msg(&g, 11, &vi);
    w_str(&node, 1, "s");
    w_str(&node, 2, "n");
    w_str(&node, 4, "SequenceLength");
    w_msg(&g, 1, &node);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) {
        struct ir_tensor *s = find(m, "s");
        T_CHECK(s && s->has_type && s->dtype == IR_UNDEFINED &&
                    s->opaque_type.size == type_copy.n &&
                    !memcmp(s->opaque_type.data, type_copy.d, type_copy.n),
                "TypeProto kept whole");
        ir_model_free(m);
    }
    free(type_copy.d);
    free(b.d);
}

TEST(symbolic_and_unknown_dims_and_missing_shape)
{
    /* x: float [N, ?]; y: float, no shape */
    struct wbuf shape = {0}, d0 = {0}, d1 = {0}, tt = {0}, type = {0}, vi = {0}, g = {0};
    w_str(&d0, 2, "N");
    w_msg(&shape, 1, &d0);
    w_msg(&shape, 1, &d1);
    w_uint(&tt, 1, 1);
    w_msg(&tt, 2, &shape);
    w_msg(&type, 1, &tt);
    w_str(&vi, 1, "x");
    w_msg(&vi, 2, &type);
    w_msg(&g, 11, &vi);
    struct wbuf tt2 = {0}, type2 = {0}, vi2 = {0}, node = {0};
    w_uint(&tt2, 1, 1);
    w_msg(&type2, 1, &tt2);
    w_str(&vi2, 1, "y");
    w_msg(&vi2, 2, &type2);
    w_msg(&g, 12, &vi2);
    w_str(&node, 1, "x");
    w_str(&node, 2, "y");
    w_str(&node, 4, "Relu");
    w_msg(&g, 1, &node);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    struct ir_tensor *x = find(m, "x"), *y = find(m, "y");
    T_CHECK(x && x->rank == 2 && x->dims[0].value < 0 && x->dims[0].param &&
                !strcmp(x->dims[0].param, "N") && x->dims[1].value < 0 && !x->dims[1].param,
            "x [N, ?]");
    T_CHECK(y && y->has_type && y->dtype == IR_F32 && y->rank == -1, "y rank unknown");
    ir_model_free(m);
    free(b.d);
}

/* ---- graph structure ---- */

TEST(node_reading_undefined_name_is_invalid_naming_node_and_op)
{
    struct wbuf g = {0}, node = {0};
    w_str(&node, 1, "nowhere");
    w_str(&node, 2, "y");
    w_str(&node, 3, "r1");
    w_str(&node, 4, "Relu");
    w_msg(&g, 1, &node);
    int64_t d1[1] = {1};
    w_value(&g, 12, "y", 1, 1, d1);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EINVALID && !m, "refused");
    T_CHECK(!strcmp(err.node, "r1") && !strcmp(err.op, "Relu"), "names node '%s' op '%s'", err.node,
            err.op);
    T_CHECK(has(err.message, "nowhere"), "message: %s", err.message);
    free(b.d);
}

TEST(second_producer_is_invalid_naming_both_nodes)
{
    struct wbuf g = {0}, a = {0}, c = {0};
    w_str(&a, 1, "x");
    w_str(&a, 2, "y");
    w_str(&a, 3, "first");
    w_str(&a, 4, "Relu");
    w_msg(&g, 1, &a);
    w_str(&c, 1, "x");
    w_str(&c, 2, "y");
    w_str(&c, 3, "second");
    w_str(&c, 4, "Abs");
    w_msg(&g, 1, &c);
    int64_t d1[1] = {1};
    w_value(&g, 11, "x", 1, 1, d1);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EINVALID, "refused");
    T_CHECK(!strcmp(err.node, "second") && !strcmp(err.op, "Abs") && has(err.message, "'first'"),
            "node '%s' (%s): %s", err.node, err.op, err.message);
    free(b.d);
}

TEST(omitted_optional_inputs_are_null_and_names_are_shared)
{
    /* Clip(x, "", max) with max an initializer listed after the node */
    struct wbuf g = {0}, node = {0}, t = {0};
    w_str(&node, 1, "x");
    w_str(&node, 1, "");
    w_str(&node, 1, "max");
    w_str(&node, 2, "y");
    w_str(&node, 4, "Clip");
    w_str(&node, 7, "ai.onnx");
    w_msg(&g, 1, &node);
    w_uint(&t, 2, 1);
    w_str(&t, 8, "max");
    w_f32(&t, 4, 6.0f);
    w_msg(&g, 5, &t);
    int64_t d1[1] = {1};
    w_value(&g, 11, "x", 1, 1, d1);
    w_value(&g, 12, "y", 1, 1, d1);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    struct ir_node *n = m->graph->nodes[0];
    T_CHECK(n->op == IR_OP_CLIP && !strcmp(n->domain, "ai.onnx"), "Clip in ai.onnx");
    T_CHECK(n->n_inputs == 3 && n->inputs[1] == NULL && n->inputs[2] == find(m, "max") &&
                n->inputs[2]->kind == IR_TENSOR_CONST && n->inputs[2]->rank == 0,
            "x, (none), max");
    ir_model_free(m);
    free(b.d);
}

TEST(custom_domain_op_is_opaque_and_keeps_its_names)
{
    struct wbuf g = {0}, node = {0};
    w_str(&node, 1, "x");
    w_str(&node, 2, "y");
    w_str(&node, 4, "Relu");
    w_str(&node, 7, "com.example");
    w_msg(&g, 1, &node);
    int64_t d1[1] = {1};
    w_value(&g, 11, "x", 1, 1, d1);
    w_value(&g, 12, "y", 1, 1, d1);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    struct ir_node *n = m->graph->nodes[0];
    T_CHECK(n->op == IR_OP_OPAQUE && !strcmp(n->op_type, "Relu") &&
                !strcmp(n->domain, "com.example"),
            "opaque com.example.Relu");
    ir_model_free(m);
    free(b.d);
}

TEST(attribute_with_wrong_wire_type_names_node_and_attribute)
{
    struct wbuf g = {0}, node = {0}, at = {0};
    w_str(&at, 1, "pads");
    w_uint(&at, 20, 7);  /* INTS */
    w_f32(&at, 8, 1.0f); /* ints sent as fixed32 */
    w_str(&node, 1, "x");
    w_str(&node, 2, "y");
    w_str(&node, 3, "/conv1");
    w_str(&node, 4, "Conv");
    w_msg(&node, 5, &at);
    w_msg(&g, 1, &node);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EFORMAT, "refused");
    T_CHECK(!strcmp(err.node, "/conv1") && !strcmp(err.op, "Conv") &&
                has(err.message, "attribute 'pads' has wire type 5"),
            "node '%s' (%s): %s", err.node, err.op, err.message);
    free(b.d);
}

/* onnx.proto on AttributeProto.type: "For 0.0.1 versions of the IR, this
 * field was not defined, and implementations needed to use has_field
 * heuristics to determine which value field was in use." */
TEST(attribute_without_type_is_inferred_from_its_value)
{
    struct wbuf g = {0}, node = {0}, at = {0}, at2 = {0};
    w_str(&at, 1, "alpha");
    w_f32(&at, 2, 0.5f);
    w_str(&at2, 1, "axes");
    w_uint(&at2, 8, 1);
    w_uint(&at2, 8, 2);
    w_str(&node, 1, "x");
    w_str(&node, 2, "y");
    w_str(&node, 4, "LeakyRelu");
    w_msg(&node, 5, &at);
    w_msg(&node, 5, &at2);
    w_msg(&g, 1, &node);
    int64_t d1[1] = {1};
    w_value(&g, 11, "x", 1, 1, d1);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (!T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) return;
    const struct ir_attr *a = ir_node_attr(m->graph->nodes[0], "alpha");
    T_CHECK(a && a->type == IR_ATTR_FLOAT && a->v.f == 0.5f, "alpha float 0.5");
    const struct ir_attr *ax = ir_node_attr(m->graph->nodes[0], "axes");
    T_CHECK(ax && ax->type == IR_ATTR_INTS && ax->count == 2 && ax->v.ints[1] == 2,
            "axes ints [1, 2] (unpacked)");
    ir_model_free(m);
    free(b.d);
}

/* ---- external data ---- */

struct ext_dir {
    char dir[64];
    char outside[64];
};

static bool write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Tensor w: FLOAT [2], data_location EXTERNAL at location/offset/length. */
static struct wbuf w_model_external(const char *location, const char *offset, const char *length)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 2);
    w_uint(&t, 2, 1);
    w_str(&t, 8, "w");
    const char *kv[3][2] = {{"location", location}, {"offset", offset}, {"length", length}};
    for (int i = 0; i < 3; i++) {
        if (!kv[i][1]) continue;
        struct wbuf e = {0};
        w_str(&e, 1, kv[i][0]);
        w_str(&e, 2, kv[i][1]);
        w_msg(&t, 13, &e);
    }
    w_uint(&t, 14, 1);
    return w_model_with_initializer(&t);
}

TEST(external_data_is_read_relative_to_the_model_folder)
{
    char dir[] = "/tmp/ferry-ext-XXXXXX";
    if (!T_CHECK(mkdtemp(dir) != NULL, "mkdtemp")) return;
    char bin[128], model[128];
    snprintf(bin, sizeof bin, "%s/w.bin", dir);
    snprintf(model, sizeof model, "%s/m.onnx", dir);
    float vals[3] = {9.0f, 1.25f, -4.0f};
    T_CHECK(write_file(bin, vals, sizeof vals), "write w.bin");
    struct wbuf b = w_model_external("w.bin", "4", "8");
    T_CHECK(write_file(model, b.d, b.n), "write model");
    struct fy_error err = {0};
    err.offset = -1;
    struct ir_model *m = NULL;
    if (T_CHECK(onnx_read_model(model, &m, &err) == FY_OK, "read: %s", err.message)) {
        struct ir_tensor *w = find(m, "w");
        T_CHECK(w && w->nbytes == 8 && f32_at(w, 0) == 1.25f && f32_at(w, 1) == -4.0f,
                "values at offset 4");
        T_CHECK(m->n_maps == 2, "model and data file mapped: %d", m->n_maps);
        ir_model_free(m);
    }
    /* From memory with no folder: refused, naming the tensor. */
    struct ir_model *m2 = NULL;
    T_CHECK(read_buf(&b, NULL, &m2, &err) == FY_EUNSUPPORTED && has(err.message, "tensor 'w'") &&
                has(err.message, "w.bin"),
            "no base dir: %s", err.message);
    /* length that does not match the tensor */
    struct wbuf b3 = w_model_external("w.bin", "0", "12");
    T_CHECK(read_buf(&b3, dir, &m2, &err) == FY_EFORMAT && has(err.message, "12 bytes"),
            "length mismatch: %s", err.message);
    free(b3.d);
    struct wbuf b4 = w_model_external("w.bin", "8", "8");
    T_CHECK(read_buf(&b4, dir, &m2, &err) == FY_EFORMAT && has(err.message, "past the end"),
            "past the end: %s", err.message);
    free(b4.d);
    unlink(model);
    unlink(bin);
    rmdir(dir);
    free(b.d);
}

TEST(external_data_leaving_the_model_folder_is_refused)
{
    char root[] = "/tmp/ferry-ext-XXXXXX";
    if (!T_CHECK(mkdtemp(root) != NULL, "mkdtemp")) return;
    char dir[128], secret[128], link[128];
    snprintf(dir, sizeof dir, "%s/model", root);
    snprintf(secret, sizeof secret, "%s/secret.bin", root);
    snprintf(link, sizeof link, "%s/link.bin", dir);
    T_CHECK(mkdir(dir, 0700) == 0, "mkdir");
    float vals[2] = {1, 2};
    T_CHECK(write_file(secret, vals, sizeof vals), "write secret");
    T_CHECK(symlink(secret, link) == 0, "symlink");
    struct fy_error err;
    struct ir_model *m = NULL;

    struct wbuf up = w_model_external("../secret.bin", NULL, NULL);
    T_CHECK(read_buf(&up, dir, &m, &err) == FY_EINVALID && has(err.message, "tensor 'w'") &&
                has(err.message, "leaves the model's folder"),
            "'..': %s", err.message);
    free(up.d);
    struct wbuf abs = w_model_external(secret, NULL, NULL);
    T_CHECK(read_buf(&abs, dir, &m, &err) == FY_EINVALID && has(err.message, "absolute"),
            "absolute: %s", err.message);
    free(abs.d);
    struct wbuf sym = w_model_external("link.bin", NULL, NULL);
    T_CHECK(read_buf(&sym, dir, &m, &err) == FY_EINVALID && has(err.message, "outside"),
            "symlink: %s", err.message);
    free(sym.d);
    T_CHECK(m == NULL, "no model");
    unlink(link);
    unlink(secret);
    rmdir(dir);
    rmdir(root);
}

/* ---- subgraphs: ONNX backend test data (libonnx-testdata) ---- */

#define TESTDATA "/usr/share/libonnx-testdata/data/node/"

static struct ir_model *read_testdata(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, TESTDATA "%s/model.onnx", name);
    if (access(path, R_OK) != 0) {
        printf("    (skipped: %s absent; apt install libonnx-testdata)\n", path);
        return NULL;
    }
    struct fy_error err = {0};
    err.offset = -1;
    struct ir_model *m = NULL;
    T_CHECK(onnx_read_model(path, &m, &err) == FY_OK, "%s: %s", name, err.message);
    return m;
}

/* Reference: onnx.load(test_if): one If node, else_branch 'else_body' and
 * then_branch 'then_body', each a Constant of float [5] ([5,4,3,2,1] and
 * [1,2,3,4,5]) producing the branch's one output. */
TEST(testdata_if_branches_are_subgraphs_with_constant_tensors)
{
    struct ir_model *m = read_testdata("test_if");
    if (!m) return;
    struct ir_graph *g = m->graph;
    T_CHECK(g->n_nodes == 1 && g->nodes[0]->op == IR_OP_IF, "one If");
    const struct ir_attr *th = ir_node_attr(g->nodes[0], "then_branch");
    const struct ir_attr *el = ir_node_attr(g->nodes[0], "else_branch");
    if (!T_CHECK(th && el && th->type == IR_ATTR_GRAPH && el->type == IR_ATTR_GRAPH, "branches"))
        goto done;
    T_CHECK(!strcmp(th->v.g->name, "then_body") && th->v.g->parent == g, "then_body, parent");
    T_CHECK(th->v.g->n_outputs == 1 && !strcmp(th->v.g->outputs[0]->name, "then_out") &&
                th->v.g->outputs[0]->producer == th->v.g->nodes[0],
            "then_out produced by the Constant");
    const struct ir_attr *val = ir_node_attr(el->v.g->nodes[0], "value");
    if (T_CHECK(val && val->type == IR_ATTR_TENSOR && val->v.t->id == -1 &&
                    val->v.t->graph == el->v.g && val->v.t->nbytes == 20,
                "standalone tensor"))
        T_CHECK(f32_at(val->v.t, 0) == 5.0f && f32_at(val->v.t, 4) == 1.0f, "[5,4,3,2,1]");
    T_CHECK(ir_graph_subgraph_node_count(g) == 2, "2 subgraph nodes");
done:
    ir_model_free(m);
}

/* Reference: onnx.load(test_loop11): the body has inputs iter_count,
 * cond_in, y_in, outputs cond_out, y_out, scan_out, and 9 nodes. */
TEST(testdata_loop_body_lists_its_inputs_outputs_and_nodes)
{
    struct ir_model *m = read_testdata("test_loop11");
    if (!m) return;
    const struct ir_attr *body = ir_node_attr(m->graph->nodes[0], "body");
    if (T_CHECK(body && body->type == IR_ATTR_GRAPH, "body")) {
        struct ir_graph *b = body->v.g;
        T_CHECK(b->n_nodes == 9 && b->n_inputs == 3 && b->n_outputs == 3, "9 nodes, 3 in, 3 out");
        T_CHECK(!strcmp(b->inputs[0]->name, "iter_count") &&
                    !strcmp(b->outputs[2]->name, "scan_out"),
                "names");
        for (int i = 0; i < b->n_tensors; i++)
            T_CHECK(b->tensors[i]->kind != IR_TENSOR_OUTER, "'%s' is not outer",
                    b->tensors[i]->name);
    }
    ir_model_free(m);
}

/* Reference: onnx.load(test_range_float_type_positive_delta_expanded): the
 * Loop body's Add reads 'delta', which only the main graph defines (input). */
TEST(testdata_subgraph_reading_an_outer_value_marks_it_outer)
{
    struct ir_model *m = read_testdata("test_range_float_type_positive_delta_expanded");
    if (!m) return;
    struct ir_graph *g = m->graph;
    const struct ir_attr *body = ir_node_attr(g->nodes[g->n_nodes - 1], "body");
    if (T_CHECK(body && body->type == IR_ATTR_GRAPH, "body")) {
        struct ir_tensor *d = ir_graph_find_tensor(body->v.g, "delta");
        T_CHECK(d && d->kind == IR_TENSOR_OUTER, "delta is OUTER in the body");
        T_CHECK(d && ir_graph_resolve(body->v.g->parent, "delta") ==
                         ir_graph_find_tensor(g, "delta"),
                "resolves to the main graph's input");
    }
    ir_model_free(m);
}

/* Reference: onnx.TensorProto.ParseFromString of test_abs's input_0.pb and
 * numpy_helper.to_array: name 'x', FLOAT [3, 4, 5] in raw_data, first values
 * 1.764052391052246, 0.40015721321105957, last -0.36274117. */
TEST(lone_tensorproto_file_reads_as_a_standalone_tensor)
{
    const char *path = TESTDATA "test_abs/test_data_set_0/input_0.pb";
    if (access(path, R_OK) != 0) {
        printf("    (skipped: %s absent)\n", path);
        return;
    }
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!T_CHECK(m != NULL, "model")) return;
    struct file_map map;
    if (T_CHECK(file_map_read(path, &map, &err) == FY_OK, "map")) {
        const uint8_t *data = map.data;
        size_t size = map.size;
        struct ir_tensor *t = NULL;
        if (T_CHECK(ir_model_adopt_map(m, &map, &err) == FY_OK, "adopt") &&
            T_CHECK(onnx_read_tensor(m, data, size, &t, &err) == FY_OK, "read: %s", err.message)) {
            T_CHECK(!strcmp(t->name, "x") && t->dtype == IR_F32 && t->rank == 3 &&
                        t->dims[0].value == 3 && t->dims[2].value == 5 && t->nbytes == 240 &&
                        t->id == -1 && t->graph == NULL,
                    "x float [3, 4, 5], standalone");
            T_CHECK(f32_at(t, 0) == (float)1.764052391052246 &&
                        f32_at(t, 1) == (float)0.40015721321105957 &&
                        f32_at(t, 59) == (float)-0.36274117,
                    "values");
        }
    }
    ir_model_free(m);
}

TEST(graph_attribute_without_a_graph_is_invalid)
{
    struct wbuf g = {0}, node = {0}, at = {0};
    w_str(&at, 1, "then_branch");
    w_uint(&at, 20, 5); /* GRAPH, but no g */
    w_str(&at, 21, "outer_ref");
    w_str(&node, 1, "c");
    w_str(&node, 3, "if1");
    w_str(&node, 4, "If");
    w_msg(&node, 5, &at);
    w_msg(&g, 1, &node);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EINVALID && !strcmp(err.node, "if1") &&
                has(err.message, "'then_branch'"),
            "node '%s': %s", err.node, err.message);
    free(b.d);
}

/* onnx.proto: GraphProto.sparse_initializer (15) holds SparseTensorProto,
 * whose values (1) TensorProto names the value. */
TEST(node_reading_a_sparse_initializer_is_unsupported_and_the_field_kept)
{
    struct wbuf g = {0}, node = {0}, sp = {0}, vals = {0};
    w_uint(&vals, 1, 1);
    w_uint(&vals, 2, 1);
    w_str(&vals, 8, "s");
    w_f32(&vals, 4, 2.0f);
    w_msg(&sp, 1, &vals);
    w_msg(&g, 15, &sp);
    w_str(&node, 1, "s");
    w_str(&node, 2, "y");
    w_str(&node, 3, "relu");
    w_str(&node, 4, "Relu");
    w_msg(&g, 1, &node);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    T_CHECK(read_buf(&b, NULL, &m, &err) == FY_EUNSUPPORTED && !strcmp(err.node, "relu") &&
                has(err.message, "sparse initializer"),
            "node '%s': %s", err.node, err.message);
    free(b.d);
}

TEST(external_data_file_is_mapped_once_for_many_tensors)
{
    char dir[] = "/tmp/ferry-ext-XXXXXX";
    if (!T_CHECK(mkdtemp(dir) != NULL, "mkdtemp")) return;
    char bin[128];
    snprintf(bin, sizeof bin, "%s/w.bin", dir);
    float vals[2] = {3.0f, 4.0f};
    T_CHECK(write_file(bin, vals, sizeof vals), "write w.bin");
    struct wbuf g = {0};
    for (int i = 0; i < 2; i++) {
        struct wbuf t = {0}, loc = {0}, off = {0};
        w_uint(&t, 2, 1);
        w_str(&t, 8, i ? "b" : "a");
        w_str(&loc, 1, "location");
        w_str(&loc, 2, "w.bin");
        w_msg(&t, 13, &loc);
        w_str(&off, 1, "offset");
        w_str(&off, 2, i ? "4" : "0");
        w_msg(&t, 13, &off);
        w_str(&off, 1, "length");
        w_str(&off, 2, "4");
        w_msg(&t, 13, &off);
        w_uint(&t, 14, 1);
        w_msg(&g, 5, &t);
    }
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (T_CHECK(read_buf(&b, dir, &m, &err) == FY_OK, "read: %s", err.message)) {
        T_CHECK(m->n_maps == 1, "one mapping: %d", m->n_maps);
        struct ir_tensor *a = find(m, "a"), *bb = find(m, "b");
        T_CHECK(a && bb && f32_at(a, 0) == 3.0f && f32_at(bb, 0) == 4.0f, "values");
        ir_model_free(m);
    }
    unlink(bin);
    rmdir(dir);
    free(b.d);
}

/* onnx.proto: STRING tensors hold one string_data entry per element and may
 * not use raw_data; numpy_helper.to_array gives ['ab', ''] here (and fails to
 * reshape 1 string into dims [3]). */
TEST(string_tensor_holds_one_borrowed_string_per_element)
{
    struct wbuf t = {0};
    w_uint(&t, 1, 2);
    w_uint(&t, 2, 8);
    w_str(&t, 8, "s");
    w_str(&t, 6, "ab");
    w_str(&t, 6, "");
    struct wbuf b = w_model_with_initializer(&t);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) {
        struct ir_tensor *s = find(m, "s");
        T_CHECK(s && s->dtype == IR_STRING && s->n_strings == 2 && s->strings[0].size == 2 &&
                    !memcmp(s->strings[0].data, "ab", 2) && s->strings[1].size == 0,
                "['ab', '']");
        ir_model_free(m);
    }
    free(b.d);
    struct wbuf t2 = {0};
    w_uint(&t2, 1, 3);
    w_uint(&t2, 2, 8);
    w_str(&t2, 8, "s");
    w_str(&t2, 6, "ab");
    struct wbuf b2 = w_model_with_initializer(&t2);
    T_CHECK(read_buf(&b2, NULL, &m, &err) == FY_EFORMAT && has(err.message, "1 strings") &&
                has(err.message, "need 3"),
            "count mismatch: %s", err.message);
    free(b2.d);
}

/* onnx.proto on float_data: complex64 "[1.0 + 2.0i, 3.0 + 4.0i] is encoded as
 * [1.0, 2.0, 3.0, 4.0]"; UINT32 goes in uint64_data (numpy_helper.to_array
 * gives [4294967295]). For 4294967296, which does not fit UINT32,
 * numpy_helper silently wraps to [0]; ferry refuses it. */
TEST(complex64_and_uint32_typed_fields_decode_and_range_check)
{
    struct wbuf t = {0}, u = {0};
    w_uint(&t, 1, 1);
    w_uint(&t, 2, 14);
    w_str(&t, 8, "c");
    w_f32(&t, 4, 1.0f);
    w_f32(&t, 4, 2.0f);
    w_uint(&u, 1, 1);
    w_uint(&u, 2, 12);
    w_str(&u, 8, "u");
    w_uint(&u, 11, 4294967295u);
    struct wbuf g = {0};
    w_str(&g, 2, "g");
    w_msg(&g, 5, &t);
    w_msg(&g, 5, &u);
    struct wbuf b = w_model(&g);
    struct fy_error err;
    struct ir_model *m = NULL;
    if (T_CHECK(read_buf(&b, NULL, &m, &err) == FY_OK, "read: %s", err.message)) {
        struct ir_tensor *c = find(m, "c"), *uu = find(m, "u");
        T_CHECK(c && c->dtype == IR_C64 && c->nbytes == 8 && f32_at(c, 0) == 1.0f &&
                    f32_at(c, 1) == 2.0f,
                "1+2j");
        static const uint8_t ub[4] = {0xff, 0xff, 0xff, 0xff};
        T_CHECK(uu && uu->dtype == IR_U32 && uu->nbytes == 4 && !memcmp(uu->data, ub, 4),
                "4294967295");
        ir_model_free(m);
    }
    free(b.d);
    struct wbuf u2 = {0};
    w_uint(&u2, 1, 1);
    w_uint(&u2, 2, 12);
    w_str(&u2, 8, "u");
    w_uint(&u2, 11, 4294967296u);
    struct wbuf b2 = w_model_with_initializer(&u2);
    T_CHECK(read_buf(&b2, NULL, &m, &err) == FY_EFORMAT && has(err.message, "UINT32"),
            "out of range: %s", err.message);
    free(b2.d);
}
