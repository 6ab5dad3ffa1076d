/* TFLite reader tests.
 *
 * References: ../shared/models/MANIFEST.md, whose tables (written by the
 * people who collected the corpus, from the TFLite interpreter's view of each
 * file) give every model's ops, inputs, outputs, shapes, shape signatures,
 * quantization and variable tensors — parsed here at run time and compared
 * with what the reader makes of the files; the published schema
 * (tensorflow/compiler/mlir/lite/schema/schema.fbs) for field ids and enum
 * values; and FlatBuffers' binary format documentation (flatbuffers.dev,
 * "Internals") for the hand-built buffers below: a root uoffset, tables
 * holding a soffset back to their vtable, vtables of u16 {size, table size,
 * field offsets}, vectors and strings as a u32 length then elements (and a
 * NUL for strings). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/tflite/flatbuf.h"
#include "formats/tflite/tflite.h"
#include "t.h"

/* ---- a front-to-back FlatBuffer writer for hand-built buffers ----
 * Objects are appended in order, so a parent comes before its children and
 * every uoffset points forward, as the format requires. Each table gets its
 * vtable right before it and one 8-byte slot per field, which keeps every
 * scalar aligned whatever its size. */

struct fbw {
    uint8_t *d;
    size_t n, cap;
};

static size_t fbw_reserve(struct fbw *w, size_t size, size_t align, size_t phase)
{
    size_t pos = w->n;
    while (pos % align != phase) pos++;
    size_t end = pos + size;
    if (end > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < end) cap *= 2;
        uint8_t *d = realloc(w->d, cap);
        if (!d) abort();
        w->d = d;
        w->cap = cap;
    }
    memset(w->d + w->n, 0, end - w->n);
    w->n = end;
    return pos;
}

static void put16(struct fbw *w, size_t at, uint16_t v)
{
    w->d[at] = (uint8_t)v;
    w->d[at + 1] = (uint8_t)(v >> 8);
}

static void put32(struct fbw *w, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++) w->d[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void put64(struct fbw *w, size_t at, uint64_t v)
{
    put32(w, at, (uint32_t)v);
    put32(w, at + 4, (uint32_t)(v >> 32));
}

#define SLOT(t, i) ((t) + 8 + 8 * (size_t)(i))

/* A table with fields 0..nf-1, present where mask has the bit. */
static size_t fbw_table(struct fbw *w, int nf, uint32_t mask)
{
    size_t vt = fbw_reserve(w, 4 + 2 * (size_t)nf, 2, 0);
    size_t t = fbw_reserve(w, 8 + 8 * (size_t)nf, 8, 0);
    put32(w, t, (uint32_t)(t - vt)); /* soffset: the vtable is before */
    put16(w, vt, (uint16_t)(4 + 2 * nf));
    put16(w, vt + 2, (uint16_t)(8 + 8 * nf));
    for (int i = 0; i < nf; i++)
        if (mask >> i & 1) put16(w, vt + 4 + 2 * (size_t)i, (uint16_t)(8 + 8 * i));
    return t;
}

static void fbw_ref(struct fbw *w, size_t at, size_t target)
{
    put32(w, at, (uint32_t)(target - at));
}

/* A vector of count elem-byte elements; its elements aligned to elem. */
static size_t fbw_vec(struct fbw *w, size_t elem, size_t count, const void *data)
{
    size_t a = elem > 4 ? elem : 4;
    size_t p = fbw_reserve(w, 4 + elem * count, a, (a - 4) % a);
    put32(w, p, (uint32_t)count);
    if (data && count) memcpy(w->d + p + 4, data, elem * count);
    return p;
}

static size_t fbw_str(struct fbw *w, const char *s)
{
    size_t len = strlen(s);
    size_t p = fbw_reserve(w, 4 + len + 1, 4, 0);
    put32(w, p, (uint32_t)len);
    memcpy(w->d + p + 4, s, len);
    return p;
}

static size_t fbw_vec_i32(struct fbw *w, const int32_t *v, size_t n)
{
    size_t p = fbw_vec(w, 4, n, NULL);
    for (size_t i = 0; i < n; i++) put32(w, p + 4 + 4 * i, (uint32_t)v[i]);
    return p;
}

/* ---- a small valid model, with knobs for the tests ----
 * Model(version 3) { operator_codes: [one], subgraphs: [SubGraph "main" {
 *   tensors a, b: float32 [1, 4] inputs; c: the output; w: constant,
 *   operators: [one op (a, b) -> c] }], buffers: [empty, w's 16 bytes],
 *   description "hand-built" } */

struct knobs {
    int builtin_code;    /* OperatorCode.builtin_code */
    int deprecated_code; /* OperatorCode.deprecated_builtin_code */
    const char *custom_code;
    int options_type;    /* BuiltinOptions type; 0: none */
    int activation;      /* AddOptions.fused_activation_function */
    const char *names[4];
    bool b_variable;
    int qdim;            /* quantized_dimension of w (per-axis, 4 scales) */
    bool w_quant;
    bool w_offset_form;  /* w's buffer past 2 GB style: Buffer.offset/size */
    bool w_string;       /* w: STRING [2] holding "hi", "" */
    bool two_ints;       /* options: int32 fields 0 and 1 = ints[0], ints[1] */
    int32_t ints[2];
    bool second_subgraph; /* a second, empty SubGraph "body" */
};

struct built {
    struct fbw w;
    size_t model, shape_vec_a, name_a, op, w_buffer_vec, w_table;
};

enum { T_A, T_B, T_C, T_W };

static void build(struct built *b, const struct knobs *k)
{
    memset(b, 0, sizeof *b);
    struct fbw *w = &b->w;
    size_t root = fbw_reserve(w, 8, 4, 0);
    memcpy(w->d + 4, "TFL3", 4);
    /* Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4 */
    size_t model = fbw_table(w, 5, 0x1f);
    b->model = model;
    fbw_ref(w, root, model);
    put32(w, SLOT(model, 0), 3);

    size_t codes = fbw_vec(w, 4, 1, NULL);
    fbw_ref(w, SLOT(model, 1), codes);
    /* OperatorCode: deprecated_builtin_code 0, custom_code 1, version 2, builtin_code 3 */
    size_t oc = fbw_table(w, 4, k->custom_code ? 0xf : 0xd);
    fbw_ref(w, codes + 4, oc);
    w->d[SLOT(oc, 0)] = (uint8_t)k->deprecated_code;
    put32(w, SLOT(oc, 2), 2);
    put32(w, SLOT(oc, 3), (uint32_t)k->builtin_code);
    if (k->custom_code) fbw_ref(w, SLOT(oc, 1), fbw_str(w, k->custom_code));

    size_t subgraphs = fbw_vec(w, 4, k->second_subgraph ? 2 : 1, NULL);
    fbw_ref(w, SLOT(model, 2), subgraphs);
    if (k->second_subgraph) {
        size_t body = fbw_table(w, 5, 0x10);
        fbw_ref(w, subgraphs + 8, body);
        fbw_ref(w, SLOT(body, 4), fbw_str(w, "body"));
    }
    /* SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4 */
    size_t sg = fbw_table(w, 5, 0x1f);
    fbw_ref(w, subgraphs + 4, sg);
    size_t tensors = fbw_vec(w, 4, 4, NULL);
    fbw_ref(w, SLOT(sg, 0), tensors);
    for (int i = 0; i < 4; i++) {
        /* Tensor: shape 0, type 1, buffer 2, name 3, quantization 4, is_variable 5 */
        bool quant = i == T_W && k->w_quant;
        size_t t = fbw_table(w, 6, 0x2f | (quant ? 0x10 : 0));
        fbw_ref(w, tensors + 4 + 4 * (size_t)i, t);
        int32_t shape[2] = {1, 4};
        if (i == T_W) shape[0] = 4, shape[1] = 1;
        if (i == T_W && k->w_string) shape[0] = 2;
        size_t sv = fbw_vec_i32(w, shape, 2);
        fbw_ref(w, SLOT(t, 0), sv);
        if (i == T_A) b->shape_vec_a = sv;
        if (i == T_W) {
            put32(w, SLOT(t, 2), 1);
            b->w_table = t;
            if (k->w_string) w->d[SLOT(t, 1)] = 5; /* STRING */
        }
        if (i == T_B && k->b_variable) w->d[SLOT(t, 5)] = 1;
        static const char *const def[] = {"a", "b", "c", "w"};
        size_t name = fbw_str(w, k->names[i] ? k->names[i] : def[i]);
        fbw_ref(w, SLOT(t, 3), name);
        if (i == T_A) b->name_a = name;
        if (quant) {
            /* QuantizationParameters: scale 2, zero_point 3, quantized_dimension 6 */
            size_t q = fbw_table(w, 7, 0x4c);
            fbw_ref(w, SLOT(t, 4), q);
            put32(w, SLOT(q, 6), (uint32_t)k->qdim);
            float scales[4] = {0.5f, 0.25f, 0.125f, 1.0f};
            int64_t zps[4] = {0, 0, 0, 0};
            fbw_ref(w, SLOT(q, 2), fbw_vec(w, 4, 4, scales));
            fbw_ref(w, SLOT(q, 3), fbw_vec(w, 8, 4, zps));
        }
    }
    int32_t ins[2] = {T_A, T_B}, outs[1] = {T_C};
    /* a variable is state, not something the caller feeds */
    fbw_ref(w, SLOT(sg, 1), fbw_vec_i32(w, ins, k->b_variable ? 1 : 2));
    fbw_ref(w, SLOT(sg, 2), fbw_vec_i32(w, outs, 1));
    size_t ops = fbw_vec(w, 4, 1, NULL);
    fbw_ref(w, SLOT(sg, 3), ops);
    /* Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3,
     * builtin_options 4 */
    size_t op = fbw_table(w, 5, k->options_type ? 0x1f : 0x07);
    b->op = op;
    fbw_ref(w, ops + 4, op);
    int32_t op_ins[3] = {T_A, T_B, T_W};
    fbw_ref(w, SLOT(op, 1), fbw_vec_i32(w, op_ins, 3));
    fbw_ref(w, SLOT(op, 2), fbw_vec_i32(w, outs, 1));
    if (k->options_type) {
        w->d[SLOT(op, 3)] = (uint8_t)k->options_type;
        size_t opts = fbw_table(w, 2, k->two_ints ? 0x3 : 0x1);
        fbw_ref(w, SLOT(op, 4), opts);
        if (k->two_ints) {
            put32(w, SLOT(opts, 0), (uint32_t)k->ints[0]);
            put32(w, SLOT(opts, 1), (uint32_t)k->ints[1]);
        } else {
            /* AddOptions: fused_activation_function 0 */
            w->d[SLOT(opts, 0)] = (uint8_t)k->activation;
        }
    }
    fbw_ref(w, SLOT(sg, 4), fbw_str(w, "main"));
    fbw_ref(w, SLOT(model, 3), fbw_str(w, "hand-built"));

    size_t buffers = fbw_vec(w, 4, 2, NULL);
    fbw_ref(w, SLOT(model, 4), buffers);
    fbw_ref(w, buffers + 4, fbw_table(w, 1, 0));
    /* Buffer: data 0, offset 1, size 2 */
    size_t wb = fbw_table(w, 3, k->w_offset_form ? 0x6 : 0x1);
    fbw_ref(w, buffers + 8, wb);
    float data[4] = {1, 2, 3, 4};
    /* TFLite strings: count, count + 1 offsets from the buffer's start, bytes */
    static const uint8_t strings[] = {2, 0, 0, 0, 16, 0, 0, 0, 18, 0, 0, 0,
                                      18, 0, 0, 0, 'h', 'i'};
    const void *bytes = k->w_string ? (const void *)strings : (const void *)data;
    size_t nbytes = k->w_string ? sizeof strings : sizeof data;
    if (k->w_offset_form) {
        /* the bytes after the FlatBuffer, at a file offset */
        size_t at = fbw_reserve(w, nbytes, 16, 0);
        memcpy(w->d + at, bytes, nbytes);
        put64(w, SLOT(wb, 1), at);
        put64(w, SLOT(wb, 2), nbytes);
        b->w_buffer_vec = at - 4;
    } else {
        b->w_buffer_vec = fbw_vec(w, 1, nbytes, bytes);
        fbw_ref(w, SLOT(wb, 0), b->w_buffer_vec);
    }
}

static struct knobs add_knobs(void)
{
    struct knobs k;
    memset(&k, 0, sizeof k);
    k.builtin_code = 0; /* ADD */
    k.options_type = 11; /* AddOptions */
    k.activation = 1;    /* RELU */
    return k;
}

/* Reads a buffer; the error is cleared first and returned for inspection. */
static fy_status read_buf(const struct built *b, struct ir_model **m, struct fy_error *err)
{
    memset(err, 0, sizeof *err);
    err->offset = -1;
    *m = NULL;
    return tflite_read_buffer(b->w.d, b->w.n, m, err);
}

/* ---- hand-built models: what the reader makes of them ---- */

TEST(tflite_hand_built_model_reads_with_the_ir_conventions)
{
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    fy_status st = read_buf(&b, &m, &err);
    if (!T_CHECK(st == FY_OK, "read: %s", err.message)) goto out;
    T_CHECK(m->format == IR_FORMAT_TFLITE, "format");
    T_CHECK(!strcmp(m->producer_name, "hand-built"), "producer from description");
    T_CHECK(m->tflite && m->tflite->version == 3 && m->tflite->n_subgraphs == 1, "info");
    struct ir_graph *g = m->graph;
    T_CHECK(!strcmp(g->name, "main") && g->n_tensors == 4 && g->n_nodes == 1, "graph");
    T_CHECK(g->n_inputs == 2 && g->inputs[0] == g->tensors[T_A] && g->n_outputs == 1 &&
                g->outputs[0] == g->tensors[T_C],
            "graph inputs/outputs as listed");
    struct ir_tensor *wt = g->tensors[T_W];
    T_CHECK(wt->kind == IR_TENSOR_CONST && wt->nbytes == 16 && wt->data == b.w.d + b.w_buffer_vec + 4,
            "constant borrowed from the buffer");
    T_CHECK(g->tensors[T_A]->kind == IR_TENSOR_VALUE && g->tensors[T_A]->dtype == IR_F32 &&
                g->tensors[T_A]->rank == 2 && g->tensors[T_A]->dims[1].value == 4,
            "tensor type and shape");
    struct ir_node *n = g->nodes[0];
    T_CHECK(n->op == IR_OP_TFL_ADD && !strcmp(n->op_type, "ADD") && !strcmp(n->domain, ""),
            "op");
    T_CHECK(n->version == 2 && n->rounding == IR_ROUND_TFLITE && n->layout == IR_LAYOUT_NONE,
            "version/rounding/layout");
    T_CHECK(n->activation == IR_ACT_RELU, "activation %d", n->activation);
    T_CHECK(!ir_node_attr(n, "fused_activation_function"), "activation is not an attribute");
    const struct ir_attr *pot = ir_node_attr(n, "pot_scale_int16");
    T_CHECK(pot && pot->type == IR_ATTR_INT && pot->v.i == 1, "absent field has schema default");
    T_CHECK(!ir_node_attr(n, TFL_ATTR_OPTIONS_TYPE), "expected options type: no marker");
    T_CHECK(!strcmp(n->name, "c"), "node named after its output: '%s'", n->name);
    T_CHECK(n->n_inputs == 3 && n->inputs[2] == wt, "constant stays an input");
out:
    ir_model_free(m);
    free(b.w.d);
}

TEST(tflite_old_byte_code_and_new_int_code_take_the_larger)
{
    struct built b;
    struct knobs k = add_knobs();
    k.builtin_code = 0;
    k.deprecated_code = 18; /* MUL, as old converters wrote it */
    k.options_type = 21;    /* MulOptions */
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message))
        T_CHECK(m->graph->nodes[0]->op == IR_OP_TFL_MUL, "MUL from deprecated_builtin_code");
    ir_model_free(m);
    free(b.w.d);

    k.deprecated_code = 127; /* PLACEHOLDER_FOR_GREATER_OP_CODES */
    k.builtin_code = 150;    /* GELU */
    k.options_type = 0;
    build(&b, &k);
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        struct ir_node *n = m->graph->nodes[0];
        T_CHECK(n->op == IR_OP_TFL_GELU, "GELU from builtin_code");
        const struct ir_attr *t = ir_node_attr(n, TFL_ATTR_OPTIONS_TYPE);
        const struct ir_attr *ap = ir_node_attr(n, "approximate");
        T_CHECK(t && t->v.s.size == 4 && !memcmp(t->v.s.data, "NONE", 4),
                "options left out: marker NONE");
        T_CHECK(ap && ap->type == IR_ATTR_INT && ap->v.i == 0, "defaults still given");
    }
    ir_model_free(m);
    free(b.w.d);
}

TEST(tflite_buffer_offset_form_borrows_from_the_file)
{
    struct built b;
    struct knobs k = add_knobs();
    k.w_offset_form = true;
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        const struct ir_tensor *t = m->graph->tensors[T_W];
        float v[4];
        memcpy(v, t->data, sizeof v);
        T_CHECK(t->kind == IR_TENSOR_CONST && t->data == b.w.d + b.w_buffer_vec + 4 &&
                    t->nbytes == 16 && v[3] == 4,
                "data at the file offset");
    }
    ir_model_free(m);
    /* the data running past the end of the file */
    b.w.n -= 8;
    T_CHECK(read_buf(&b, &m, &err) == FY_EFORMAT && strstr(err.message, "file offset"),
            "offset form past the end: %s", err.message);
    free(b.w.d);
}

TEST(tflite_string_tensor_buffer_is_decoded_into_borrowed_strings)
{
    struct built b;
    struct knobs k = add_knobs();
    k.w_string = true;
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        const struct ir_tensor *t = m->graph->tensors[T_W];
        T_CHECK(t->dtype == IR_STRING && t->n_strings == 2 && t->strings[0].size == 2 &&
                    !memcmp(t->strings[0].data, "hi", 2) && t->strings[1].size == 0,
                "strings");
    }
    ir_model_free(m);
    /* the second offset pointing back before the first */
    b.w.d[b.w_buffer_vec + 4 + 8] = 4;
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && strstr(err.message, "offset 1"),
            "descending offsets: %s", err.message);
    free(b.w.d);
}

TEST(tflite_subgraphs_beyond_the_main_one_are_kept_and_indices_checked)
{
    struct built b;
    struct knobs k = add_knobs();
    k.builtin_code = 119; /* WHILE */
    k.options_type = 93;  /* WhileOptions: cond 0, body 1 */
    k.two_ints = true;
    k.ints[0] = 1;
    k.ints[1] = 1;
    k.second_subgraph = true;
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        const struct ir_tflite_info *info = m->tflite;
        T_CHECK(info->n_subgraphs == 2 && info->subgraphs[0] == m->graph &&
                    info->subgraphs[1]->parent == NULL && !strcmp(info->subgraphs[1]->name, "body"),
                "second subgraph kept beside the main one");
        const struct ir_node *n = m->graph->nodes[0];
        const struct ir_attr *body = ir_node_attr(n, "body_subgraph_index");
        T_CHECK(n->op == IR_OP_TFL_WHILE && !strcmp(n->op_type, "WHILE") && body &&
                    body->type == IR_ATTR_INT && body->v.i == 1,
                "WHILE names its body by index");
    }
    ir_model_free(m);
    free(b.w.d);

    k.ints[1] = 2; /* no subgraph 2 */
    build(&b, &k);
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && !strcmp(err.op, "WHILE") &&
                strstr(err.message, "body_subgraph_index"),
            "subgraph index out of range: %s", err.message);
    free(b.w.d);
}

TEST(tflite_custom_and_unknown_builtins_are_opaque_and_named)
{
    struct built b;
    struct knobs k = add_knobs();
    k.builtin_code = 32;
    k.custom_code = "MyOp";
    k.options_type = 0;
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        struct ir_node *n = m->graph->nodes[0];
        T_CHECK(n->op == IR_OP_OPAQUE && !strcmp(n->op_type, "CUSTOM:MyOp"), "custom: %s",
                n->op_type);
        T_CHECK(n->n_attrs == 0, "no options, no attributes (%d)", n->n_attrs);
    }
    ir_model_free(m);
    free(b.w.d);

    k = add_knobs();
    k.builtin_code = 4000; /* newer than the table */
    k.deprecated_code = 127;
    k.options_type = 0;
    build(&b, &k);
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message))
        T_CHECK(m->graph->nodes[0]->op == IR_OP_OPAQUE &&
                    !strcmp(m->graph->nodes[0]->op_type, "BUILTIN_4000"),
                "unknown code: %s", m->graph->nodes[0]->op_type);
    ir_model_free(m);
    free(b.w.d);

    k.builtin_code = 200; /* STABLEHLO_WHILE: a builtin with no IR op */
    build(&b, &k);
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message))
        T_CHECK(m->graph->nodes[0]->op == IR_OP_OPAQUE &&
                    !strcmp(m->graph->nodes[0]->op_type, "STABLEHLO_WHILE"),
                "named builtin: %s", m->graph->nodes[0]->op_type);
    ir_model_free(m);
    free(b.w.d);

    k = add_knobs();
    k.builtin_code = 32; /* CUSTOM without its name */
    k.options_type = 0;
    build(&b, &k);
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && strstr(err.message, "custom_code"),
            "custom without custom_code: %s", err.message);
    free(b.w.d);
}

TEST(tflite_duplicate_and_empty_names_get_suffixes_and_keep_their_origin)
{
    struct built b;
    struct knobs k = add_knobs();
    k.names[T_A] = "x";
    k.names[T_B] = "x";
    k.names[T_C] = "";
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        struct ir_tensor **t = m->graph->tensors;
        T_CHECK(!strcmp(t[T_A]->name, "x") && !strcmp(t[T_B]->name, "x#1") &&
                    !strcmp(t[T_B]->origin, "x"),
                "duplicate: '%s' '%s' (origin '%s')", t[T_A]->name, t[T_B]->name, t[T_B]->origin);
        T_CHECK(!strcmp(t[T_C]->name, "tensor#2") && !strcmp(t[T_C]->origin, ""),
                "empty: '%s'", t[T_C]->name);
        T_CHECK((const uint8_t *)t[T_A]->name == b.w.d + b.name_a + 4,
                "names borrowed from the buffer");
    }
    ir_model_free(m);
    free(b.w.d);
}

TEST(tflite_variable_tensor_is_defined_without_a_producer)
{
    struct built b;
    struct knobs k = add_knobs();
    k.b_variable = true;
    build(&b, &k);
    /* b: read by the op, neither an input nor produced nor constant */
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message))
        T_CHECK(m->graph->tensors[T_B]->is_variable && m->graph->n_inputs == 1,
                "is_variable read, graph verified");
    ir_model_free(m);
    free(b.w.d);
}

TEST(tflite_quantized_dimension_is_checked_against_the_tensor_dims)
{
    struct built b;
    struct knobs k = add_knobs();
    k.w_quant = true;
    k.qdim = 0; /* w is [4, 1]: 4 scales along dim 0 */
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        const struct ir_quant *q = m->graph->tensors[T_W]->quant;
        T_CHECK(q && q->axis == 0 && q->count == 4 && q->scale[1] == 0.25f && !q->has_file_axis,
                "per-axis along 0");
        T_CHECK(m->n_warnings == 0, "no warning");
    }
    ir_model_free(m);
    free(b.w.d);

    k.qdim = 1; /* dim 1 has 1 element, not 4 */
    build(&b, &k);
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && strstr(err.message, "'w'"),
            "scales not matching their dim: %s", err.message);
    free(b.w.d);

    k.qdim = 3; /* outside rank 2, and not a rank-1 tensor: refused */
    build(&b, &k);
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && strstr(err.message, "quantized_dimension"),
            "outside the rank: %s", err.message);
    free(b.w.d);
}

TEST(tflite_op_outside_options_enum_is_invalid_naming_the_node)
{
    struct built b;
    struct knobs k = add_knobs();
    k.activation = 9;
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && !strcmp(err.op, "ADD") &&
                !strcmp(err.node, "c") && strstr(err.message, "fused_activation_function"),
            "bad activation: node '%s' op '%s': %s", err.node, err.op, err.message);
    free(b.w.d);
}

TEST(tflite_options_of_another_type_are_read_by_their_type_and_marked)
{
    struct built b;
    struct knobs k = add_knobs();
    k.options_type = 21; /* MulOptions on an ADD: same layout, other type */
    build(&b, &k);
    struct ir_model *m;
    struct fy_error err;
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        struct ir_node *n = m->graph->nodes[0];
        const struct ir_attr *t = ir_node_attr(n, TFL_ATTR_OPTIONS_TYPE);
        T_CHECK(t && t->v.s.size == 10 && !memcmp(t->v.s.data, "MulOptions", 10), "marker");
        T_CHECK(n->activation == IR_ACT_RELU, "read by its own type");
        T_CHECK(ir_node_attr(n, "pot_scale_int16") != NULL, "ADD's own fields defaulted");
    }
    ir_model_free(m);
    free(b.w.d);

    k.options_type = 200; /* newer than the table: kept raw */
    build(&b, &k);
    if (T_CHECK(read_buf(&b, &m, &err) == FY_OK, "%s", err.message)) {
        struct ir_node *n = m->graph->nodes[0];
        const struct ir_attr *t = ir_node_attr(n, TFL_ATTR_OPTIONS_TYPE);
        const struct ir_attr *raw = ir_node_attr(n, TFL_ATTR_OPTIONS_RAW);
        T_CHECK(t && t->v.s.size == 4 && !memcmp(t->v.s.data, "#200", 4), "type kept");
        /* field 0 at table offset 8, up to the table's end (16): 8 bytes */
        T_CHECK(raw && raw->v.s.size == 12 && raw->v.s.data[0] == 0 && raw->v.s.data[2] == 8 &&
                    raw->v.s.data[4] == 1,
                "raw record");
        T_CHECK(m->n_warnings == 1, "warned");
    }
    ir_model_free(m);
    free(b.w.d);
}

/* ---- hostile buffers: FORMAT, with a byte offset ---- */

static void expect_format(const struct built *b, const char *what, const char *needle)
{
    struct ir_model *m;
    struct fy_error err;
    fy_status st = read_buf(b, &m, &err);
    T_CHECK(st == FY_EFORMAT && err.offset >= 0 && (!needle || strstr(err.message, needle)),
            "%s: status %d at %lld: %s", what, (int)st, (long long)err.offset, err.message);
    ir_model_free(m);
}

TEST(tflite_bad_root_offset_is_format_error_at_byte_0)
{
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    put32(&b.w, 0, (uint32_t)b.w.n + 4);
    expect_format(&b, "root past the end", "past the end");
    put32(&b.w, 0, 0);
    expect_format(&b, "root offset 0", "offset 0");
    put32(&b.w, 0, 6); /* inside, but not 4-aligned */
    expect_format(&b, "misaligned root table", "aligned");
    free(b.w.d);

    uint8_t tiny[3] = {1, 2, 3};
    struct ir_model *m;
    struct fy_error err = {0};
    T_CHECK(tflite_read_buffer(tiny, sizeof tiny, &m, &err) == FY_EFORMAT && err.offset == 0,
            "3 bytes: %s", err.message);
}

TEST(tflite_vtable_out_of_range_or_overlapping_is_format_error)
{
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    put32(&b.w, b.model, (uint32_t)(b.model + 1000)); /* vtable before the buffer */
    expect_format(&b, "vtable before byte 0", "outside");
    put32(&b.w, b.model, (uint32_t)-(int32_t)(b.w.n)); /* after the end */
    expect_format(&b, "vtable past the end", "outside");
    put32(&b.w, b.model, 0); /* the table is its own vtable: a cycle */
    expect_format(&b, "vtable on the table", "vtable");
    free(b.w.d);

    build(&b, &k);
    /* the Model's vtable says field 0 sits at table offset 200: past the
     * table's 48 inline bytes */
    size_t vt = b.model - fb_load_u32(b.w.d + b.model);
    put16(&b.w, vt + 4, 200);
    expect_format(&b, "field outside its table", "inside the table");
    free(b.w.d);
}

TEST(tflite_vector_past_the_end_is_format_error_at_the_vector)
{
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    put32(&b.w, b.shape_vec_a, 0x40000000);
    struct ir_model *m;
    struct fy_error err;
    T_CHECK(read_buf(&b, &m, &err) == FY_EFORMAT && err.offset == (int64_t)b.shape_vec_a &&
                strstr(err.message, "Tensor.shape"),
            "%lld: %s", (long long)err.offset, err.message);
    free(b.w.d);
}

TEST(tflite_string_without_nul_is_format_error_at_the_string)
{
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    b.w.d[b.name_a + 4 + 1] = 'z'; /* "a\0" becomes "az" */
    struct ir_model *m;
    struct fy_error err;
    T_CHECK(read_buf(&b, &m, &err) == FY_EFORMAT && err.offset == (int64_t)b.name_a &&
                strstr(err.message, "NUL"),
            "%lld: %s", (long long)err.offset, err.message);
    free(b.w.d);
}

TEST(tflite_buffer_size_not_matching_the_shape_is_invalid)
{
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    put32(&b.w, b.w_buffer_vec, 12); /* 12 bytes for 4 float32 */
    struct ir_model *m;
    struct fy_error err;
    T_CHECK(read_buf(&b, &m, &err) == FY_EINVALID && strstr(err.message, "'w'") &&
                strstr(err.message, "16 bytes"),
            "%s", err.message);
    free(b.w.d);
}

TEST(tflite_flatbuf_nesting_is_bounded)
{
    /* A chain of tables, each field 0 leading to the next: deeper than
     * FB_MAX_DEPTH, walked with the generic reader. */
    struct fbw w = {0};
    size_t root = fbw_reserve(&w, 4, 4, 0);
    size_t prev = root;
    bool first = true;
    for (int i = 0; i < FB_MAX_DEPTH + 10; i++) {
        size_t t = fbw_table(&w, 1, 1);
        if (first) fbw_ref(&w, root, t);
        else fbw_ref(&w, SLOT(prev, 0), t);
        first = false;
        prev = t;
    }
    struct fy_error err = {0};
    err.offset = -1;
    struct fb_buf fb;
    fb_init(&fb, w.d, w.n, &err);
    struct fb_table t;
    bool ident, present = true;
    fy_status st = fb_root(&fb, "Chain", NULL, &ident, &t);
    int depth = 1;
    while (!st && present) {
        struct fb_table next;
        st = fb_table(&t, 0, "Chain.next", "Chain", &next, &present);
        if (!st && present) t = next, depth++;
    }
    T_CHECK(st == FY_EFORMAT && depth == FB_MAX_DEPTH && err.offset > 0 &&
                strstr(err.message, "nested"),
            "depth %d: %s", depth, err.message);
    free(w.d);
}

TEST(tflite_flatbuf_shared_objects_cannot_multiply_the_work)
{
    /* 20000 tensors that all point at one Tensor table whose shape has 1000
     * dims: a 100 KB file asking for 20 million elements. */
    struct built b;
    struct knobs k = add_knobs();
    build(&b, &k);
    struct fbw *w = &b.w;
    size_t tensors = fbw_vec(w, 4, 20000, NULL);
    size_t shared = fbw_table(w, 4, 0x9); /* shape 0, name 3 */
    int32_t dims[1000];
    for (int i = 0; i < 1000; i++) dims[i] = 1;
    fbw_ref(w, SLOT(shared, 0), fbw_vec_i32(w, dims, 1000));
    fbw_ref(w, SLOT(shared, 3), fbw_str(w, "t"));
    for (size_t i = 0; i < 20000; i++) fbw_ref(w, tensors + 4 + 4 * i, shared);
    /* the subgraph's tensors field now names the new vector */
    struct fy_error err = {0};
    struct fb_buf fb;
    fb_init(&fb, w->d, w->n, &err);
    struct fb_table model, sg;
    struct fb_vec subs;
    bool ident;
    if (T_CHECK(!fb_root(&fb, "Model", "TFL3", &ident, &model) &&
                    !fb_vector(&model, 2, 4, "subgraphs", &subs, NULL) &&
                    !fb_vec_table(&subs, 0, "subgraphs", "SubGraph", &sg),
                "navigate: %s", err.message)) {
        size_t at;
        fb_field(&sg, 0, 4, 4, "tensors", &at);
        fbw_ref(w, at, tensors);
        /* only a + b are graph inputs; with 20000 tensors that is still fine */
        expect_format(&b, "shared tensor table", "same objects");
    }
    free(b.w.d);
}

/* ---- the translation table ---- */

TEST(tflite_op_table_rows_are_codes_and_the_name_index_is_sorted)
{
    for (int i = 0; i < tfl_n_ops; i++) {
        T_CHECK(tfl_ops[i].code == i, "row %d has code %d", i, tfl_ops[i].code);
        if (i) {
            const char *a = tfl_ops[tfl_ops_by_name[i - 1]].name;
            const char *b = tfl_ops[tfl_ops_by_name[i]].name;
            T_CHECK(strcmp(a, b) < 0, "name index: '%s' before '%s'", a, b);
        }
        const struct tfl_op *row = tfl_op_by_name(tfl_ops[i].name);
        T_CHECK(row == &tfl_ops[i], "by name: %s", tfl_ops[i].name);
        if (tfl_ops[i].op != IR_OP_OPAQUE) {
            T_CHECK(tfl_op_by_ir(tfl_ops[i].op) == &tfl_ops[i], "by IR op: %s", tfl_ops[i].name);
            char ir[96];
            snprintf(ir, sizeof ir, "tfl.%s", tfl_ops[i].name);
            T_CHECK(!strcmp(ir_op_name(tfl_ops[i].op), ir), "IR op of %s", tfl_ops[i].name);
        }
    }
    T_CHECK(tfl_op_by_name("NO_SUCH_OP") == NULL && tfl_op_by_code(-1) == NULL &&
                tfl_op_by_code(tfl_n_ops) == NULL,
            "misses");
    /* every tfl.* IR op that is a builtin has a row */
    for (int op = 1; op < IR_OP_COUNT; op++) {
        const char *name = ir_op_name((enum ir_op)op);
        if (strncmp(name, "tfl.", 4) != 0) continue;
        const struct tfl_op *row = tfl_op_by_name(name + 4);
        T_CHECK(!row || row->op == (enum ir_op)op, "%s maps to its row", name);
    }
    T_CHECK(tfl_op_by_name("CONV_2D")->nhwc && !tfl_op_by_name("ADD")->nhwc, "layouts");
    T_CHECK(tfl_op_by_name("CUSTOM")->code == TFL_CODE_CUSTOM, "custom code");
}

TEST(tflite_options_rows_are_type_codes_with_fields_in_id_order)
{
    for (int u = 0; u < 2; u++) {
        const struct tfl_options *rows = u ? tfl_builtin_options2 : tfl_builtin_options;
        int n = u ? tfl_n_builtin_options2 : tfl_n_builtin_options;
        for (int i = 0; i < n; i++) {
            const struct tfl_options *o = &rows[i];
            T_CHECK(o->type == i && o->second == (u == 1), "%s: type %d at row %d", o->name,
                    o->type, i);
            if (i) T_CHECK(tfl_options_by_type(u == 1, i) == o, "by type %d", i);
            if (i) T_CHECK(tfl_options_by_name(o->name) == o, "by name %s", o->name);
            for (int f = 0; f < o->n_fields; f++) {
                const struct tfl_field *fd = &o->fields[f];
                if (f) T_CHECK(fd->id > o->fields[f - 1].id, "%s.%s id order", o->name, fd->name);
                bool needs_enum = fd->kind == TFL_ENUM8 || fd->kind == TFL_ENUM32 ||
                                  fd->kind == TFL_ENUMS32 || fd->kind == TFL_ACT;
                T_CHECK(needs_enum == (fd->e != NULL), "%s.%s enum table", o->name, fd->name);
            }
        }
    }
    T_CHECK(tfl_builtin_options[1].fields[0].e == &tfl_enum_padding, "Conv2DOptions.padding");
    /* the unions' sizes as in the schema: 126 and 23 members */
    T_CHECK(tfl_n_builtin_options == 127 && tfl_n_builtin_options2 == 24, "union sizes");
    for (int i = 0; i < tfl_n_ops; i++) {
        const struct tfl_options *o = tfl_ops[i].options;
        if (o) T_CHECK(tfl_options_by_type(o->second, o->type) == o, "%s options", tfl_ops[i].name);
    }
    T_CHECK(tfl_dtype(9)->ir == IR_I8 && tfl_dtype(13)->ir == IR_UNDEFINED &&
                tfl_dtype_from_ir(IR_I16) == 7 && tfl_dtype(-1) == NULL,
            "TensorType table");
}

/* ---- the shared corpus, checked against MANIFEST.md ---- */

struct mf_value {
    char dtype[16];
    int rank;
    int64_t dims[8];
    int sig_rank; /* -1: none given */
    int64_t sig[8];
    bool has_q;
    double scale;
    int64_t zp;
};

struct mf_op {
    char name[96];
    int count;
};

struct mf_row {
    char path[256];
    struct mf_op ops[48];
    int n_ops;
    int variables; /* -1: not stated */
    struct mf_value in[4], out[4];
    int n_in, n_out;
};

static const char *skip_spaces(const char *p)
{
    while (*p == ' ') p++;
    return p;
}

/* "[1, 96, 96, 1]" */
static const char *parse_dims(const char *p, int64_t *dims, int *rank)
{
    *rank = 0;
    if (*p != '[') return NULL;
    p++;
    while (*p && *p != ']') {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || *rank >= 8) return NULL;
        dims[(*rank)++] = v;
        p = skip_spaces(end);
        if (*p == ',') p = skip_spaces(p + 1);
    }
    return *p == ']' ? p + 1 : NULL;
}

/* "int8[1, 96, 96, 1] (sig [-1, 1]) q(0.007843,-1)" and more after ", " */
static bool parse_values(const char *p, struct mf_value *v, int *n)
{
    *n = 0;
    p = skip_spaces(p);
    while (*p) {
        if (*n >= 4) return false;
        struct mf_value *x = &v[(*n)++];
        memset(x, 0, sizeof *x);
        x->sig_rank = -1;
        size_t k = 0;
        while (*p && *p != '[' && k + 1 < sizeof x->dtype) x->dtype[k++] = *p++;
        if (!(p = parse_dims(p, x->dims, &x->rank))) return false;
        p = skip_spaces(p);
        if (!strncmp(p, "(sig ", 5)) {
            if (!(p = parse_dims(p + 5, x->sig, &x->sig_rank)) || *p != ')') return false;
            p = skip_spaces(p + 1);
        }
        if (!strncmp(p, "q(", 2)) {
            char *end;
            x->scale = strtod(p + 2, &end);
            if (*end != ',') return false;
            x->zp = strtoll(end + 1, &end, 10);
            if (*end != ')') return false;
            x->has_q = true;
            p = skip_spaces(end + 1);
        }
        if (*p == ',') p = skip_spaces(p + 1);
        else if (*p) return false;
    }
    return true;
}

/* "ADD×2, CAST×4, CONCATENATION; 2 variable tensors" */
static bool parse_ops(char *cell, struct mf_row *r)
{
    r->variables = -1;
    char *semi = strchr(cell, ';');
    if (semi) {
        *semi = 0;
        r->variables = atoi(skip_spaces(semi + 1));
    }
    for (char *tok = strtok(cell, ","); tok; tok = strtok(NULL, ",")) {
        tok = (char *)skip_spaces(tok);
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ') tok[--len] = 0;
        if (!len || r->n_ops >= 48) return false;
        struct mf_op *o = &r->ops[r->n_ops++];
        o->count = 1;
        char *times = strstr(tok, "\xc3\x97"); /* × */
        if (times) {
            *times = 0;
            o->count = atoi(times + 2);
        }
        snprintf(o->name, sizeof o->name, "%s", tok);
    }
    return true;
}

/* Rows of MANIFEST.md tables whose first cell is a .tflite path. */
static int parse_manifest(const char *path, struct mf_row *rows, int cap)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[8192];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < cap) {
        if (strncmp(line, "| `", 3) != 0) continue;
        char *cells[8];
        int nc = 0;
        for (char *p = line; *p && nc < 8; p++)
            if (*p == '|') {
                *p = 0;
                cells[nc++] = p + 1;
            }
        if (nc < 5) continue;
        char *tick = strchr(cells[0], '`'), *end = tick ? strchr(tick + 1, '`') : NULL;
        if (!end || end - tick < 8 || strncmp(end - 7, ".tflite", 7) != 0) continue;
        struct mf_row *r = &rows[n];
        memset(r, 0, sizeof *r);
        snprintf(r->path, sizeof r->path, "%.*s", (int)(end - tick - 1), tick + 1);
        char *arrow = strstr(cells[3], "\xe2\x86\x92"); /* → */
        if (!arrow || !parse_ops(cells[2], r)) continue;
        *arrow = 0;
        if (!parse_values(cells[3], r->in, &r->n_in) ||
            !parse_values(arrow + 3, r->out, &r->n_out)) {
            printf("    (MANIFEST row for %s not understood)\n", r->path);
            continue;
        }
        n++;
    }
    fclose(f);
    return n;
}

static void check_value(const char *file, const char *role, int i, const struct ir_tensor *t,
                        const struct mf_value *v)
{
    T_CHECK(!strcmp(ir_dtype_name(t->dtype), v->dtype), "%s %s %d dtype %s; MANIFEST %s", file,
            role, i, ir_dtype_name(t->dtype), v->dtype);
    bool same = t->rank == v->rank;
    for (int d = 0; same && d < v->rank; d++) same = t->dims[d].value == v->dims[d];
    T_CHECK(same, "%s %s %d: shape differs from MANIFEST", file, role, i);
    if (v->sig_rank >= 0) {
        same = t->has_shape_signature && t->signature_rank == v->sig_rank;
        for (int d = 0; same && d < v->sig_rank; d++) same = t->shape_signature[d] == v->sig[d];
        T_CHECK(same, "%s %s %d: shape_signature differs from MANIFEST", file, role, i);
    }
    if (v->has_q) {
        const struct ir_quant *q = t->quant;
        /* the MANIFEST rounds scales to 6 decimals */
        T_CHECK(q && q->count == 1 && fabs((double)q->scale[0] - v->scale) <= 5.01e-7 &&
                    q->zero_point[0] == v->zp,
                "%s %s %d: q(%.9g,%lld); MANIFEST q(%g,%lld)", file, role, i,
                q && q->count ? (double)q->scale[0] : -1.0,
                (long long)(q && q->count ? q->zero_point[0] : 0), v->scale, (long long)v->zp);
    }
}

static void check_row(const struct mf_row *r, const char *path)
{
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    fy_status st = tflite_read_model(path, &m, &err);
    if (!T_CHECK(st == FY_OK, "%s: %s", r->path, err.message)) return;
    const struct ir_graph *g = m->graph;
    T_CHECK(g->n_inputs == r->n_in && g->n_outputs == r->n_out, "%s: %d→%d; MANIFEST %d→%d",
            r->path, g->n_inputs, g->n_outputs, r->n_in, r->n_out);
    for (int i = 0; i < r->n_in && i < g->n_inputs; i++)
        check_value(r->path, "input", i, g->inputs[i], &r->in[i]);
    for (int i = 0; i < r->n_out && i < g->n_outputs; i++)
        check_value(r->path, "output", i, g->outputs[i], &r->out[i]);
    int total = 0;
    for (int k = 0; k < r->n_ops; k++) {
        int n = 0;
        for (int i = 0; i < g->n_nodes; i++) n += !strcmp(g->nodes[i]->op_type, r->ops[k].name);
        T_CHECK(n == r->ops[k].count, "%s: %d %s; MANIFEST %d", r->path, n, r->ops[k].name,
                r->ops[k].count);
        total += r->ops[k].count;
    }
    T_CHECK(total == g->n_nodes, "%s: %d nodes; MANIFEST's ops add up to %d", r->path,
            g->n_nodes, total);
    if (r->variables >= 0) {
        int nv = 0;
        for (int i = 0; i < g->n_tensors; i++) nv += g->tensors[i]->is_variable;
        T_CHECK(nv == r->variables, "%s: %d variable tensors; MANIFEST %d", r->path, nv,
                r->variables);
    }
    ir_model_free(m);
}

TEST(tflite_corpus_matches_manifest_ops_io_shapes_quantization)
{
    const char *manifest = t_shared_path("models/MANIFEST.md");
    if (!manifest) {
        printf("    (skipped: ../shared/models absent)\n");
        return;
    }
    static struct mf_row rows[256];
    int n = parse_manifest(manifest, rows, 256);
    T_CHECK(n >= 140, "%d .tflite rows understood in MANIFEST.md", n);
    for (int i = 0; i < n; i++) {
        char rel[300];
        snprintf(rel, sizeof rel, "models/%s", rows[i].path);
        const char *path = t_shared_path(rel);
        if (T_CHECK(path != NULL, "%s exists", rows[i].path)) check_row(&rows[i], path);
    }
}

/* Every .tflite under dir loads (custom ops are named, not refused). */
static int load_all(const char *dir, int *failed)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb)) continue;
        if (S_ISDIR(sb.st_mode)) {
            n += load_all(path, failed);
            continue;
        }
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 7, ".tflite")) continue;
        struct fy_error err = {0};
        struct ir_model *m;
        fy_status st = tflite_read_model(path, &m, &err);
        if (!T_CHECK(st == FY_OK, "%s: %s", path, err.message)) (*failed)++;
        ir_model_free(m);
        n++;
    }
    closedir(d);
    return n;
}

TEST(tflite_every_shared_model_loads)
{
    const char *tfl = t_shared_path("models/tflite"), *hg = t_shared_path("models/onnx/hand_gesture");
    if (!tfl) {
        printf("    (skipped: ../shared/models absent)\n");
        return;
    }
    int failed = 0;
    int n = load_all(tfl, &failed) + (hg ? load_all(hg, &failed) : 0);
    T_CHECK(n >= 144 && !failed, "%d models, %d failed", n, failed);
}

static struct ir_model *load_shared(const char *rel)
{
    const char *path = t_shared_path(rel);
    if (!path) return NULL;
    struct fy_error err = {0};
    struct ir_model *m;
    if (!T_CHECK(tflite_read_model(path, &m, &err) == FY_OK, "%s: %s", rel, err.message))
        return NULL;
    return m;
}

TEST(tflite_person_detect_loads_with_a_warning_about_quantized_dimension)
{
    struct ir_model *m = load_shared("models/tflite/tflm/person_detection/person_detect.tflite");
    if (!m) return;
    T_CHECK(m->n_warnings == 1 && strstr(m->warnings[0], "quantized_dimension") &&
                strstr(m->warnings[0], "14 tensors"),
            "warning: %s", m->n_warnings ? m->warnings[0] : "(none)");
    int biases = 0;
    for (int i = 0; i < m->graph->n_tensors; i++) {
        const struct ir_tensor *t = m->graph->tensors[i];
        if (!t->quant || t->rank != 1 || !t->quant->has_file_axis) continue;
        biases++;
        T_CHECK(t->quant->file_axis == 3 && t->quant->axis == 0 &&
                    t->quant->count == t->dims[0].value,
                "%s: read along axis 0", t->name);
    }
    T_CHECK(biases == 14, "%d per-axis biases with quantized_dimension 3", biases);
    /* TOCO's conv nodes: NHWC, TFLite rounding, RELU6 fused, padding named */
    const struct ir_node *n = m->graph->nodes[0];
    const struct ir_attr *pad = ir_node_attr(n, "padding");
    T_CHECK(n->op == IR_OP_TFL_DEPTHWISE_CONV_2D && n->layout == IR_LAYOUT_NHWC &&
                n->activation == IR_ACT_RELU6 && pad && pad->type == IR_ATTR_STRING &&
                pad->v.s.size == 4 && !memcmp(pad->v.s.data, "SAME", 4),
            "first node");
    ir_model_free(m);
}

TEST(tflite_custom_ops_of_the_corpus_are_named)
{
    struct ir_model *m =
        load_shared("models/tflite/tflm/person_detection/person_detect_vela.tflite");
    if (m) {
        const struct ir_node *n = m->graph->nodes[0];
        const struct ir_attr *co = ir_node_attr(n, TFL_ATTR_CUSTOM_OPTIONS);
        T_CHECK(m->graph->n_nodes == 1 && n->op == IR_OP_OPAQUE &&
                    !strcmp(n->op_type, "CUSTOM:ethos-u") && co && co->type == IR_ATTR_STRING,
                "vela: %s", n->op_type);
        T_CHECK(!ir_node_attr(n, TFL_ATTR_CUSTOM_CODE), "custom code is in op_type only");
        ir_model_free(m);
    }
    m = load_shared("models/tflite/tflm/micro_speech/audio_preprocessor_int8.tflite");
    if (m) {
        int signal = 0;
        for (int i = 0; i < m->graph->n_nodes; i++)
            signal += !strncmp(m->graph->nodes[i]->op_type, "CUSTOM:Signal", 13) &&
                      m->graph->nodes[i]->op == IR_OP_OPAQUE;
        T_CHECK(signal == 9, "%d CUSTOM:Signal* ops", signal);
        ir_model_free(m);
    }
}

TEST(tflite_lstm_intermediates_signatures_and_metadata_are_kept)
{
    struct ir_model *m = load_shared("models/tflite/tflm/mnist_lstm/trained_lstm_int8.tflite");
    if (!m) return;
    const struct ir_node *lstm = NULL;
    for (int i = 0; i < m->graph->n_nodes; i++)
        if (m->graph->nodes[i]->op == IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM)
            lstm = m->graph->nodes[i];
    const struct ir_attr *im = lstm ? ir_node_attr(lstm, TFL_ATTR_INTERMEDIATES) : NULL;
    /* the converter gives the last (effective hidden scale) its scale */
    T_CHECK(im && im->type == IR_ATTR_TENSORS && im->count == 5 &&
                im->v.tensors[0]->graph == m->graph && im->v.tensors[4]->quant &&
                !strcmp(im->v.tensors[4]->name, "effective_hidden_scale_intermediate"),
            "int8 LSTM intermediates: graph tensors with their scales");
    T_CHECK(lstm && lstm->activation == IR_ACT_TANH, "LSTM activation");
    const struct ir_tflite_info *info = m->tflite;
    T_CHECK(info->n_signatures == 1 && !strcmp(info->signatures[0].key, "serving_default") &&
                info->signatures[0].n_inputs == 1 &&
                info->signatures[0].inputs[0].tensor == m->graph->inputs[0],
            "signature");
    bool runtime = false;
    for (int i = 0; i < info->n_metadata; i++)
        runtime = runtime || !strcmp(info->metadata[i].name, "min_runtime_version");
    T_CHECK(runtime, "metadata min_runtime_version");
    ir_model_free(m);
}

TEST(tflite_per_channel_weights_read_along_their_axis)
{
    struct ir_model *m = load_shared(
        "models/tflite/tflm/mobilenet_v2_quantized/mobilenet_v2_quantized_1x3x224x224.tflite");
    if (!m) return;
    int per_channel = 0;
    for (int i = 0; i < m->graph->n_nodes; i++) {
        const struct ir_node *n = m->graph->nodes[i];
        if (n->op != IR_OP_TFL_CONV_2D) continue;
        const struct ir_tensor *w = n->inputs[1];
        if (w->quant && w->quant->count > 1) {
            per_channel++;
            T_CHECK(w->kind == IR_TENSOR_CONST && w->quant->axis == 0 &&
                        w->quant->count == w->dims[0].value && w->dtype == IR_I8,
                    "%s", w->name);
        }
    }
    T_CHECK(per_channel == 35, "%d per-channel CONV_2D weights", per_channel);
    ir_model_free(m);
}
