/* ONNX writer and IR equality.
 *
 * References, none of them ours: protobuf's wire-format rules (bytes of a
 * tiny model worked out by hand below), and Debian's python3-onnx
 * (onnx.load, onnx.checker, numpy_helper), run on what ferry wrote. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/file.h"
#include "formats/onnx/onnx.h"
#include "ir/ir.h"
#include "t.h"


/* ---- scratch folders and files ---- */

static bool tmpdir_new(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/ferry-write-XXXXXX");
    return mkdtemp(buf) != NULL;
}

/* Entries of dir other than . and .. (the tests' folders are flat). */
static int dir_count(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

/* The whole file, malloc'd (the caller frees); NULL when unreadable. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    *size = n;
    return buf;
}

static bool same_file_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    uint8_t *da = slurp(a, &na), *db = slurp(b, &nb);
    bool same = da && db && na == nb && memcmp(da, db, na) == 0;
    free(da);
    free(db);
    return same;
}

/* ---- python3-onnx as the reference reader ---- */

static int run(const char *cmd)
{
    int rc = system(cmd);
    return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

static bool have_python_onnx(void)
{
    static int have = -1;
    if (have < 0) {
        have = run("/usr/bin/python3 -c 'import onnx, numpy' >/dev/null 2>&1") == 0;
        if (!have) printf("    (skipped: /usr/bin/python3 with onnx is not installed)\n");
    }
    return have;
}

/* onnx.checker.check_model on path: 0 when it accepts the file. */
static int onnx_checker(const char *path)
{
    char cmd[8192];
    const char *tool = t_repo_path("tests/tools/onnx_check.py");
    /* The tool prints "OK path" on success: shown only when it fails. */
    if (access(tool, R_OK) == 0)
        snprintf(cmd, sizeof cmd,
                 "out=$(/usr/bin/python3 '%s' '%s' 2>&1); rc=$?; "
                 "[ $rc -eq 0 ] || echo \"$out\"; exit $rc",
                 tool, path);
    else
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c 'import onnx,sys; onnx.checker.check_model(sys.argv[1])' "
                 "'%s'",
                 path);
    return run(cmd);
}

/* Runs a python script (asserts about the model loaded by onnx.load) with
 * the model's path as argv[1]; 0 when every assert holds. */
static int onnx_facts(const char *dir, const char *script, const char *model)
{
    char py[4096], cmd[8192];
    snprintf(py, sizeof py, "%s/facts.py", dir);
    FILE *f = fopen(py, "w");
    if (!f) return -1;
    fputs("import sys\nimport onnx\nimport numpy as np\n"
          "from onnx import helper, numpy_helper\n"
          "m = onnx.load(sys.argv[1])\n"
          "g = m.graph\n",
          f);
    fputs(script, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s'", py, model);
    int rc = run(cmd);
    unlink(py);
    return rc;
}

/* ---- building models in the IR ---- */

static struct ir_dim *dims_of(struct ir_model *m, int rank, const int64_t *v, const char *const *p)
{
    struct ir_dim *d = ARENA_ARRAY(&m->arena, rank ? rank : 1, struct ir_dim);
    for (int i = 0; i < rank; i++) {
        d[i].value = v[i];
        d[i].param = p ? p[i] : NULL;
    }
    return d;
}

/* A graph tensor described by a type (input, output or value_info). */
static struct ir_tensor *typed(struct ir_graph *g, const char *name, enum ir_dtype dt, int rank,
                               const int64_t *v, const char *const *params)
{
    struct fy_error err = {0};
    struct ir_tensor *t = ir_graph_add_tensor(g, name, &err);
    if (!t) return NULL;
    t->dtype = dt;
    t->has_type = true;
    t->rank = rank;
    if (rank >= 0) t->dims = dims_of(g->model, rank, v, params);
    return t;
}

static void set_value(struct ir_model *m, struct ir_tensor *t, enum ir_dtype dt, int rank,
                      const int64_t *v, const void *data, uint64_t nbytes)
{
    t->kind = IR_TENSOR_CONST;
    t->dtype = dt;
    t->rank = rank;
    t->dims = dims_of(m, rank, v, NULL);
    t->data = data;
    t->nbytes = nbytes;
}

static struct ir_tensor *initializer(struct ir_graph *g, const char *name, enum ir_dtype dt,
                                     int rank, const int64_t *v, const void *data, uint64_t nbytes)
{
    struct fy_error err = {0};
    struct ir_tensor *t = ir_graph_add_tensor(g, name, &err);
    if (!t || ir_graph_add_initializer(g, t, &err)) return NULL;
    set_value(g->model, t, dt, rank, v, data, nbytes);
    return t;
}

/* A tensor that is an attribute's value, outside any graph's list. */
static struct ir_tensor *loose(struct ir_model *m, const char *name, enum ir_dtype dt, int rank,
                               const int64_t *v, const void *data, uint64_t nbytes)
{
    struct ir_tensor *t = ARENA_NEW(&m->arena, struct ir_tensor);
    t->name = t->origin = name;
    t->doc = "";
    set_value(m, t, dt, rank, v, data, nbytes);
    return t;
}

static struct ir_node *node(struct ir_graph *g, const char *op_type, const char *domain,
                            const char *name, int n_in, struct ir_tensor *const *in, int n_out,
                            struct ir_tensor *const *out)
{
    struct fy_error err = {0};
    struct ir_node *n =
        ir_graph_add_node(g, ir_op_from_name(op_type), op_type, domain, name, n_in, n_out, &err);
    if (!n) return NULL;
    for (int i = 0; i < n_in; i++)
        n->inputs[i] = in[i];
    for (int i = 0; i < n_out; i++)
        ir_node_set_output(n, i, out[i], &err);
    return n;
}

static struct ir_attr *attr(struct ir_node *n, const char *name, enum ir_attr_type type)
{
    struct fy_error err = {0};
    return ir_node_add_attr(n, name, type, &err);
}

static const float w_values[3] = {0.5f, -1.0f, 2.0f};
static const int32_t t_values[6] = {1, 2, 3, 4, 5, 6};
static const float one_value[1] = {1.0f};
static const float two_values[2] = {2.0f, 3.0f};
static const float attr_floats[2] = {1.5f, -2.0f};
static const int64_t attr_ints[3] = {1, -1, 300};
static const uint8_t tp_float[] = {0x0a, 0x02, 0x08, 0x01}; /* tensor_type { elem_type: FLOAT } */
static const uint8_t tp_int64[] = {0x0a, 0x02, 0x08, 0x07}; /* tensor_type { elem_type: INT64 } */
/* SparseTensorProto { values: TensorProto { dims: 1, data_type: FLOAT, name: "sv",
 * raw_data: 5.0f }, indices: { dims: 1, data_type: INT64, raw_data: 2 }, dims: 4 }:
 * a dense [4] tensor with 5.0 at index 2. */
static const uint8_t sparse_bytes[] = {
    0x0a, 0x0f, 0x0a, 0x01, 0x01, 0x10, 0x01, 0x42, 0x02, 's',  'v',  0x4a,
    0x04, 0x00, 0x00, 0xa0, 0x40, 0x12, 0x0f, 0x0a, 0x01, 0x01, 0x10, 0x07,
    0x4a, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x04,
};

/* An Identity graph: in -> out, both float [1]. */
static struct ir_graph *identity_graph(struct ir_graph *parent, const char *name, const char *in,
                                       const char *out)
{
    struct ir_graph *g = ir_graph_new(parent->model, parent);
    struct fy_error err = {0};
    g->name = name;
    int64_t one = 1;
    struct ir_tensor *a = typed(g, in, IR_F32, 1, &one, NULL);
    struct ir_tensor *b = typed(g, out, IR_F32, 1, &one, NULL);
    ir_graph_add_input(g, a, &err);
    node(g, "Identity", "", "", 1, &a, 1, &b);
    ir_graph_add_output(g, b, &err);
    return g;
}

/* The model the python checks read: an initializer feeding Add and Relu, a
 * symbolic and an unknown dim, a string initializer, an If whose branches
 * read an enclosing value, and a node of a custom domain carrying one
 * attribute of every type. */
static struct ir_model *rich_model(void)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!m) return NULL;
    m->ir_version = 8;
    m->producer_name = "ferry-test";
    m->producer_version = "1";
    m->doc = "a model built in the IR";
    ir_model_add_opset(m, "", 13, &err);
    ir_model_add_opset(m, "test.ferry", 1, &err);
    ir_add_string_pair(&m->arena, &m->metadata, &m->n_metadata, &m->cap_metadata, "k", "v", &err);
    struct ir_graph *g = m->graph;
    g->name = "main";
    g->doc = "main graph";

    static const char *const n_param[2] = {"N", NULL};
    int64_t n3[2] = {-1, 3}, three = 3, two = 2;
    struct ir_tensor *x = typed(g, "x", IR_F32, 2, n3, n_param);
    struct ir_tensor *cond = typed(g, "cond", IR_BOOL, 0, NULL, NULL);
    ir_graph_add_input(g, x, &err);
    ir_graph_add_input(g, cond, &err);
    struct ir_tensor *w = initializer(g, "w", IR_F32, 1, &three, w_values, sizeof w_values);
    w->doc = "weights";
    struct ir_tensor *labels = initializer(g, "labels", IR_STRING, 1, &two, NULL, 0);
    labels->strings = ARENA_ARRAY(&m->arena, 2, struct ir_bytes);
    labels->strings[0] = (struct ir_bytes){(const uint8_t *)"cat", 3};
    labels->strings[1] = (struct ir_bytes){(const uint8_t *)"dog", 3};
    labels->n_strings = 2;

    /* 1.0 and -2.0 as binary16 (3c00, c000) and as bfloat16 (3f80, c000). */
    static const uint8_t h16[4] = {0x00, 0x3c, 0x00, 0xc0}, b16[4] = {0x80, 0x3f, 0x00, 0xc0};
    initializer(g, "h16", IR_F16, 1, &two, h16, sizeof h16);
    initializer(g, "b16", IR_BF16, 1, &two, b16, sizeof b16);

    struct ir_tensor *s = typed(g, "s", IR_F32, 2, n3, n_param);
    s->in_value_info = true;
    struct ir_tensor *y = typed(g, "y", IR_F32, 2, (int64_t[]){-1, 3}, NULL); /* [?, 3] */
    struct ir_tensor *lab = typed(g, "lab", IR_STRING, 1, &two, NULL);
    struct ir_tensor *z = typed(g, "z", IR_F32, 2, (int64_t[]){-1, 3}, NULL);
    struct ir_tensor *aa = ir_graph_add_tensor(g, "aa", &err);

    struct ir_node *add = node(g, "Add", "", "add", 2, (struct ir_tensor *[]){x, w}, 1, &s);
    add->doc = "x plus w";
    node(g, "Relu", "", "relu", 1, &s, 1, &y);
    node(g, "Identity", "", "lab_id", 1, &labels, 1, &lab);

    /* If: both branches read y from the main graph. */
    struct ir_node *iff = node(g, "If", "", "if", 1, &cond, 1, &z);
    for (int b = 0; b < 2; b++) {
        struct ir_graph *br = ir_graph_new(m, g);
        br->name = b ? "else" : "then";
        struct ir_tensor *outer = ir_graph_add_tensor(br, "y", &err);
        outer->kind = IR_TENSOR_OUTER;
        struct ir_tensor *o = typed(br, b ? "e_out" : "t_out", IR_F32, -1, NULL, NULL);
        node(br, b ? "Neg" : "Identity", "", b ? "neg" : "id", 1, &outer, 1, &o);
        ir_graph_add_output(br, o, &err);
        attr(iff, b ? "else_branch" : "then_branch", IR_ATTR_GRAPH)->v.g = br;
    }

    struct ir_node *all = node(g, "AllAttrs", "test.ferry", "all", 1, &x, 1, &aa);
    attr(all, "f", IR_ATTR_FLOAT)->v.f = 0.25f;
    attr(all, "i", IR_ATTR_INT)->v.i = -7;
    attr(all, "s", IR_ATTR_STRING)->v.s = (struct ir_bytes){(const uint8_t *)"hello", 5};
    attr(all, "t", IR_ATTR_TENSOR)->v.t =
        loose(m, "tv", IR_I32, 2, (int64_t[]){2, 3}, t_values, sizeof t_values);
    attr(all, "g", IR_ATTR_GRAPH)->v.g = identity_graph(g, "body", "bi", "bo");
    struct ir_attr *a = attr(all, "floats", IR_ATTR_FLOATS);
    a->v.floats = (float *)attr_floats;
    a->count = 2;
    a = attr(all, "ints", IR_ATTR_INTS);
    a->v.ints = (int64_t *)attr_ints;
    a->count = 3;
    a = attr(all, "empty_ints", IR_ATTR_INTS);
    a->count = 0;
    a = attr(all, "strings", IR_ATTR_STRINGS);
    a->v.strings = ARENA_ARRAY(&m->arena, 2, struct ir_bytes);
    a->v.strings[0] = (struct ir_bytes){(const uint8_t *)"a", 1};
    a->v.strings[1] = (struct ir_bytes){(const uint8_t *)"", 0};
    a->count = 2;
    a = attr(all, "tensors", IR_ATTR_TENSORS);
    a->v.tensors = ARENA_ARRAY(&m->arena, 2, struct ir_tensor *);
    a->v.tensors[0] = loose(m, "t0", IR_F32, 1, (int64_t[]){1}, one_value, sizeof one_value);
    a->v.tensors[1] = loose(m, "t1", IR_F32, 1, &two, two_values, sizeof two_values);
    a->count = 2;
    a = attr(all, "graphs", IR_ATTR_GRAPHS);
    a->v.graphs = ARENA_ARRAY(&m->arena, 2, struct ir_graph *);
    a->v.graphs[0] = identity_graph(g, "g0", "i0", "o0");
    a->v.graphs[1] = identity_graph(g, "g1", "i1", "o1");
    a->count = 2;
    attr(all, "sparse", IR_ATTR_SPARSE_TENSOR)->v.raw =
        (struct ir_bytes){sparse_bytes, sizeof sparse_bytes};
    a = attr(all, "sparses", IR_ATTR_SPARSE_TENSORS);
    a->v.raws = ARENA_ARRAY(&m->arena, 1, struct ir_bytes);
    a->v.raws[0] = (struct ir_bytes){sparse_bytes, sizeof sparse_bytes};
    a->count = 1;
    attr(all, "tp", IR_ATTR_TYPE_PROTO)->v.raw = (struct ir_bytes){tp_float, sizeof tp_float};
    a = attr(all, "tps", IR_ATTR_TYPE_PROTOS);
    a->v.raws = ARENA_ARRAY(&m->arena, 2, struct ir_bytes);
    a->v.raws[0] = (struct ir_bytes){tp_float, sizeof tp_float};
    a->v.raws[1] = (struct ir_bytes){tp_int64, sizeof tp_int64};
    a->count = 2;

    ir_graph_add_output(g, y, &err);
    ir_graph_add_output(g, lab, &err);
    ir_graph_add_output(g, z, &err);
    if (err.status) {
        ir_model_free(m);
        return NULL;
    }
    return m;
}

/* Writes m to dir/name; returns the path (static buffer). */
static const char *write_to(const struct ir_model *m, const char *dir, const char *name,
                            enum onnx_external_policy policy, struct fy_error *err)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fy_status st = onnx_write_model(m, path, policy, NULL, 0, err);
    return st ? NULL : path;
}

/* ---- the hand-encoded model ---- */

/* ir_version 8, opset 13; graph "g": Add(x, b) -> s named "a", then
 * LeakyRelu(s) -> y named "l" with alpha = 0.5; b an initializer float [2] =
 * {1, 2}; input x and output y float ["N", 2]. */
static struct ir_model *tiny_model(void)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!m) return NULL;
    m->ir_version = 8;
    ir_model_add_opset(m, "", 13, &err);
    struct ir_graph *g = m->graph;
    g->name = "g";
    static const char *const params[2] = {"N", NULL};
    static const float b_values[2] = {1.0f, 2.0f};
    int64_t n2[2] = {-1, 2}, two = 2;
    struct ir_tensor *x = typed(g, "x", IR_F32, 2, n2, params);
    struct ir_tensor *b = initializer(g, "b", IR_F32, 1, &two, b_values, sizeof b_values);
    struct ir_tensor *s = ir_graph_add_tensor(g, "s", &err);
    struct ir_tensor *y = typed(g, "y", IR_F32, 2, n2, params);
    ir_graph_add_input(g, x, &err);
    node(g, "Add", "", "a", 2, (struct ir_tensor *[]){x, b}, 1, &s);
    struct ir_node *l = node(g, "LeakyRelu", "", "l", 1, &s, 1, &y);
    attr(l, "alpha", IR_ATTR_FLOAT)->v.f = 0.5f;
    ir_graph_add_output(g, y, &err);
    if (err.status) {
        ir_model_free(m);
        return NULL;
    }
    return m;
}

/* Worked out from the protobuf encoding rules: key = field << 3 | wire type
 * (0 varint, 2 length-delimited, 5 fixed32), lengths as varints, fields in
 * field-number order, repeated int64 packed. */
/* One line per field, as worked out. */
/* clang-format off */
static const uint8_t tiny_expected[] = {
    0x08, 0x08,                          /* ModelProto.ir_version (1) = 8 */
    0x3a, 0x7d,                          /* graph (7), 125 bytes: */
    0x0a, 0x11,                          /*   GraphProto.node (1), 17 bytes: */
    0x0a, 0x01, 'x',                     /*     input (1) "x" */
    0x0a, 0x01, 'b',                     /*     input "b" */
    0x12, 0x01, 's',                     /*     output (2) "s" */
    0x1a, 0x01, 'a',                     /*     name (3) "a" */
    0x22, 0x03, 'A', 'd', 'd',           /*     op_type (4) "Add" */
    0x0a, 0x25,                          /*   node, 37 bytes: */
    0x0a, 0x01, 's',                     /*     input "s" */
    0x12, 0x01, 'y',                     /*     output "y" */
    0x1a, 0x01, 'l',                     /*     name "l" */
    0x22, 0x09, 'L', 'e', 'a', 'k', 'y', 'R', 'e', 'l', 'u', /* op_type */
    0x2a, 0x0f,                          /*     attribute (5), 15 bytes: */
    0x0a, 0x05, 'a', 'l', 'p', 'h', 'a', /*       name (1) "alpha" */
    0x15, 0x00, 0x00, 0x00, 0x3f,        /*       f (2, fixed32) = 0.5f = 0x3f000000 LE */
    0xa0, 0x01, 0x01,                    /*       type (20: key 160 = a0 01) = FLOAT (1) */
    0x12, 0x01, 'g',                     /*   name (2) "g" */
    0x2a, 0x12,                          /*   initializer (5), 18 bytes: */
    0x0a, 0x01, 0x02,                    /*     dims (1) packed: [2] */
    0x10, 0x01,                          /*     data_type (2) = FLOAT */
    0x42, 0x01, 'b',                     /*     name (8) "b" */
    0x4a, 0x08,                          /*     raw_data (9), 8 bytes: 1.0f, 2.0f */
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40,
    0x5a, 0x14,                          /*   input (11), 20 bytes: ValueInfoProto */
    0x0a, 0x01, 'x',                     /*     name (1) "x" */
    0x12, 0x0f,                          /*     type (2): TypeProto, 15 bytes */
    0x0a, 0x0d,                          /*       tensor_type (1), 13 bytes */
    0x08, 0x01,                          /*         elem_type (1) = FLOAT */
    0x12, 0x09,                          /*         shape (2), 9 bytes */
    0x0a, 0x03, 0x12, 0x01, 'N',         /*           dim (1) { dim_param (2) "N" } */
    0x0a, 0x02, 0x08, 0x02,              /*           dim { dim_value (1) 2 } */
    0x62, 0x14,                          /*   output (12), 20 bytes: the same for "y" */
    0x0a, 0x01, 'y',
    0x12, 0x0f, 0x0a, 0x0d, 0x08, 0x01, 0x12, 0x09,
    0x0a, 0x03, 0x12, 0x01, 'N',
    0x0a, 0x02, 0x08, 0x02,
    0x42, 0x02, 0x10, 0x0d,              /* opset_import (8) { version (2) = 13 } */
};
/* clang-format on */

TEST(onnx_write_tiny_model_matches_hand_encoded_protobuf)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = tiny_model();
    struct fy_error err = {0};
    const char *path = m ? write_to(m, dir, "tiny.onnx", ONNX_EXTERNAL_AUTO, &err) : NULL;
    T_CHECK(path != NULL, "write: %s", err.message);
    size_t n = 0;
    uint8_t *got = path ? slurp(path, &n) : NULL;
    if (T_CHECK(got != NULL, "read back")) {
        T_CHECK(n == sizeof tiny_expected, "%zu bytes, expected %zu", n, sizeof tiny_expected);
        for (size_t i = 0; i < n && i < sizeof tiny_expected; i++)
            if (!T_CHECK(got[i] == tiny_expected[i], "byte %zu is %02x, expected %02x", i, got[i],
                         tiny_expected[i]))
                break;
    }
    if (path && have_python_onnx()) T_CHECK(onnx_checker(path) == 0, "onnx.checker refuses it");
    free(got);
    ir_model_free(m);
    tmpdir_remove(dir);
}

/* ---- python3-onnx reads what we wrote ---- */

/* Writes the rich model and runs a python script on it. */
static void check_rich_with_python(const char *script)
{
    if (!have_python_onnx()) return;
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = rich_model();
    struct fy_error err = {0};
    const char *path = m ? write_to(m, dir, "rich.onnx", ONNX_EXTERNAL_AUTO, &err) : NULL;
    if (T_CHECK(path != NULL, "write: %s", err.message)) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", path);
        T_CHECK(onnx_facts(dir, script, copy) == 0, "python assertions failed on %s", copy);
    }
    ir_model_free(m);
    tmpdir_remove(dir);
}

TEST(onnx_write_rich_model_passes_onnx_checker)
{
    check_rich_with_python("onnx.checker.check_model(m)\n"
                           "assert m.ir_version == 8 and m.producer_name == 'ferry-test'\n"
                           "assert {(o.domain, o.version) for o in m.opset_import} == "
                           "{('', 13), ('test.ferry', 1)}\n"
                           "assert [(p.key, p.value) for p in m.metadata_props] == [('k', 'v')]\n"
                           "assert m.doc_string == 'a model built in the IR'\n"
                           "assert g.name == 'main' and g.doc_string == 'main graph'\n"
                           "assert [n.name for n in g.node] == "
                           "['add', 'relu', 'lab_id', 'if', 'all']\n"
                           "assert g.node[0].doc_string == 'x plus w'\n"
                           "assert [i.name for i in g.input] == ['x', 'cond']\n"
                           "assert [o.name for o in g.output] == ['y', 'lab', 'z']\n"
                           "assert [v.name for v in g.value_info] == ['s']\n");
}

TEST(onnx_write_every_attribute_type_reads_back_in_onnx_python)
{
    check_rich_with_python(
        "n = g.node[4]\n"
        "assert n.domain == 'test.ferry' and n.op_type == 'AllAttrs'\n"
        "a = {x.name: x for x in n.attribute}\n"
        "T = onnx.AttributeProto\n"
        "assert a['f'].type == T.FLOAT and a['f'].f == 0.25\n"
        "assert a['i'].type == T.INT and a['i'].i == -7\n"
        "assert a['s'].type == T.STRING and a['s'].s == b'hello'\n"
        "assert a['t'].type == T.TENSOR\n"
        "assert numpy_helper.to_array(a['t'].t).tolist() == [[1, 2, 3], [4, 5, 6]]\n"
        "assert a['t'].t.data_type == onnx.TensorProto.INT32 and a['t'].t.name == 'tv'\n"
        "assert a['g'].type == T.GRAPH and a['g'].g.name == 'body'\n"
        "assert [x.op_type for x in a['g'].g.node] == ['Identity']\n"
        "assert a['floats'].type == T.FLOATS and list(a['floats'].floats) == [1.5, -2.0]\n"
        "assert a['ints'].type == T.INTS and list(a['ints'].ints) == [1, -1, 300]\n"
        "assert a['empty_ints'].type == T.INTS and len(a['empty_ints'].ints) == 0\n"
        "assert a['strings'].type == T.STRINGS and list(a['strings'].strings) == [b'a', b'']\n"
        "assert a['tensors'].type == T.TENSORS\n"
        "assert [numpy_helper.to_array(t).tolist() for t in a['tensors'].tensors] == "
        "[[1.0], [2.0, 3.0]]\n"
        "assert a['graphs'].type == T.GRAPHS and [x.name for x in a['graphs'].graphs] == "
        "['g0', 'g1']\n"
        "sp = a['sparse'].sparse_tensor\n"
        "assert a['sparse'].type == T.SPARSE_TENSOR and list(sp.dims) == [4]\n"
        "assert numpy_helper.to_array(sp.values).tolist() == [5.0]\n"
        "assert numpy_helper.to_array(sp.indices).tolist() == [2]\n"
        "assert a['sparses'].type == T.SPARSE_TENSORS and len(a['sparses'].sparse_tensors) == 1\n"
        "assert a['tp'].type == T.TYPE_PROTO and a['tp'].tp.tensor_type.elem_type == 1\n"
        "assert a['tps'].type == T.TYPE_PROTOS\n"
        "assert [t.tensor_type.elem_type for t in a['tps'].type_protos] == [1, 7]\n");
}

TEST(onnx_write_symbolic_unknown_scalar_and_rankless_shapes_read_back_in_onnx_python)
{
    check_rich_with_python(
        "def dims(vi):\n"
        "    t = vi.type.tensor_type\n"
        "    if not t.HasField('shape'): return None\n"
        "    return [d.dim_param if d.HasField('dim_param') else\n"
        "            d.dim_value if d.HasField('dim_value') else '?' for d in t.shape.dim]\n"
        "assert dims(g.input[0]) == ['N', 3]\n"
        "assert dims(g.input[1]) == [] and g.input[1].type.tensor_type.elem_type == 9\n"
        "assert dims(g.value_info[0]) == ['N', 3]\n"
        "assert dims(g.output[0]) == ['?', 3]\n"
        "els = [a.g for a in g.node[3].attribute if a.name == 'else_branch'][0]\n"
        "assert dims(els.output[0]) is None and els.output[0].type.tensor_type.elem_type == 1\n");
}

TEST(onnx_write_string_float_and_half_initializers_read_back_in_onnx_python)
{
    check_rich_with_python(
        "init = {t.name: t for t in g.initializer}\n"
        "assert [t.name for t in g.initializer] == ['w', 'labels', 'h16', 'b16']\n"
        "assert numpy_helper.to_array(init['h16']).tolist() == [1.0, -2.0]\n"
        "assert init['h16'].data_type == onnx.TensorProto.FLOAT16\n"
        "assert init['b16'].data_type == onnx.TensorProto.BFLOAT16\n"
        "assert init['b16'].raw_data == bytes([0x80, 0x3f, 0x00, 0xc0])\n"
        "assert numpy_helper.to_array(init['w']).tolist() == [0.5, -1.0, 2.0]\n"
        "assert init['w'].doc_string == 'weights'\n"
        "assert init['labels'].data_type == onnx.TensorProto.STRING\n"
        "assert list(init['labels'].string_data) == [b'cat', b'dog']\n"
        "assert list(init['labels'].dims) == [2]\n");
}

TEST(onnx_write_if_branches_read_enclosing_values_in_onnx_python)
{
    check_rich_with_python(
        "n = g.node[3]\n"
        "assert n.op_type == 'If' and list(n.input) == ['cond'] and list(n.output) == ['z']\n"
        "a = {x.name: x.g for x in n.attribute}\n"
        "assert a['then_branch'].name == 'then' and a['else_branch'].name == 'else'\n"
        "assert [(x.op_type, list(x.input)) for x in a['then_branch'].node] == "
        "[('Identity', ['y'])]\n"
        "assert [(x.op_type, list(x.input)) for x in a['else_branch'].node] == "
        "[('Neg', ['y'])]\n"
        "assert [o.name for o in a['else_branch'].output] == ['e_out']\n"
        "assert len(a['then_branch'].input) == 0 and len(a['then_branch'].initializer) == 0\n");
}

/* ---- determinism, external data, refusals, failures ---- */

TEST(onnx_write_twice_gives_identical_bytes)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = rich_model();
    struct fy_error err = {0};
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/a.onnx", dir);
    snprintf(b, sizeof b, "%s/b.onnx", dir);
    T_CHECK(m && onnx_write_model(m, a, ONNX_EXTERNAL_AUTO, NULL, 0, &err) == FY_OK, "write a: %s",
            err.message);
    T_CHECK(m && onnx_write_model(m, b, ONNX_EXTERNAL_AUTO, NULL, 0, &err) == FY_OK, "write b: %s",
            err.message);
    T_CHECK(same_file_bytes(a, b), "two writes of one model differ");
    ir_model_free(m);
    tmpdir_remove(dir);
}

/* A model whose weight is 16 KiB, and a 1 KiB bias, so ALWAYS/AUTO have
 * something to move. */
static float big_w[4096];
static float small_b[256];

static struct ir_model *weights_model(void)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!m) return NULL;
    for (int i = 0; i < 4096; i++)
        big_w[i] = (float)i * 0.25f - 7.0f;
    for (int i = 0; i < 256; i++)
        small_b[i] = (float)(i % 17);
    m->ir_version = 8;
    ir_model_add_opset(m, "", 13, &err);
    struct ir_graph *g = m->graph;
    g->name = "weights";
    int64_t xw[2] = {1, 16}, ww[2] = {16, 256}, yw[2] = {1, 256}, bw = 256;
    struct ir_tensor *x = typed(g, "x", IR_F32, 2, xw, NULL);
    struct ir_tensor *w = initializer(g, "w", IR_F32, 2, ww, big_w, sizeof big_w);
    struct ir_tensor *bias = initializer(g, "bias", IR_F32, 1, &bw, small_b, sizeof small_b);
    struct ir_tensor *h = ir_graph_add_tensor(g, "h", &err);
    struct ir_tensor *y = typed(g, "y", IR_F32, 2, yw, NULL);
    ir_graph_add_input(g, x, &err);
    node(g, "MatMul", "", "mm", 2, (struct ir_tensor *[]){x, w}, 1, &h);
    node(g, "Add", "", "add", 2, (struct ir_tensor *[]){h, bias}, 1, &y);
    ir_graph_add_output(g, y, &err);
    if (err.status) {
        ir_model_free(m);
        return NULL;
    }
    return m;
}

static const char weights_facts[] =
    "import os\n"
    "raw = onnx.load(sys.argv[1], load_external_data=False)\n"
    "w = {t.name: t for t in raw.graph.initializer}\n"
    "assert w['w'].data_location == onnx.TensorProto.EXTERNAL\n"
    "loc = {e.key: e.value for e in w['w'].external_data}\n"
    "assert loc['location'] == os.path.basename(sys.argv[1]) + '.data', loc\n"
    "assert int(loc['length']) == 16384 and int(loc['offset']) % 4096 == 0, loc\n"
    "assert w['bias'].data_location == onnx.TensorProto.EXTERNAL\n"
    "w = {t.name: t for t in g.initializer}\n"
    "a = numpy_helper.to_array(w['w']).reshape(-1)\n"
    "assert a.tolist() == [i * 0.25 - 7.0 for i in range(4096)]\n"
    "assert numpy_helper.to_array(w['bias']).tolist() == [float(i % 17) for i in range(256)]\n"
    "onnx.checker.check_model(sys.argv[1])\n";

TEST(onnx_write_always_external_puts_tensors_in_a_data_file_onnx_can_load)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    struct fy_error err = {0};
    const char *path = m ? write_to(m, dir, "w.onnx", ONNX_EXTERNAL_ALWAYS, &err) : NULL;
    if (T_CHECK(path != NULL, "write: %s", err.message)) {
        char model[4096], data[4200];
        snprintf(model, sizeof model, "%s", path);
        snprintf(data, sizeof data, "%s.data", model);
        struct stat st;
        T_CHECK(stat(data, &st) == 0 && st.st_size >= 16384 + 1024, "data file '%s'", data);
        T_CHECK(dir_count(dir) == 2, "model and data file only, found %d", dir_count(dir));
        if (have_python_onnx())
            T_CHECK(onnx_facts(dir, weights_facts, model) == 0, "python assertions failed");
    }
    ir_model_free(m);
    tmpdir_remove(dir);
}

TEST(onnx_write_auto_moves_tensors_out_only_over_the_size_limit)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    struct fy_error err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/auto.onnx", dir);
    /* Under the limit: one file. */
    T_CHECK(m && onnx_write_model_limit(m, path, ONNX_EXTERNAL_AUTO, 1 << 20, NULL, 0, &err) ==
                     FY_OK,
            "write: %s", err.message);
    T_CHECK(dir_count(dir) == 1, "inline model: %d files", dir_count(dir));
    /* A 4 KiB limit that the 17 KiB of weights pass: they move out. */
    T_CHECK(m && onnx_write_model_limit(m, path, ONNX_EXTERNAL_AUTO, 4096, NULL, 0, &err) == FY_OK,
            "write: %s", err.message);
    T_CHECK(dir_count(dir) == 2, "external model: %d files", dir_count(dir));
    struct stat st;
    T_CHECK(stat(path, &st) == 0 && st.st_size < 4096, "model is %lld bytes",
            (long long)st.st_size);
    if (have_python_onnx())
        T_CHECK(onnx_facts(dir, weights_facts, path) == 0, "python assertions failed");
    ir_model_free(m);
    tmpdir_remove(dir);
}

TEST(onnx_write_never_external_refuses_a_model_over_the_limit)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    struct fy_error err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/never.onnx", dir);
    fy_status st =
        m ? onnx_write_model_limit(m, path, ONNX_EXTERNAL_NEVER, 4096, NULL, 0, &err) : FY_ENOMEM;
    T_CHECK(st == FY_EUNSUPPORTED, "status %d", st);
    T_CHECK(strstr(err.message, "limit") && strstr(err.message, "external"),
            "message says why and what to do: %s", err.message);
    T_CHECK(dir_count(dir) == 0, "nothing written, found %d files", dir_count(dir));
    ir_model_free(m);
    tmpdir_remove(dir);
}

TEST(onnx_write_refuses_to_write_over_its_input)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = tiny_model();
    struct ir_model *other = rich_model();
    struct fy_error err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/in.onnx", dir);
    T_CHECK(m && onnx_write_model(m, path, ONNX_EXTERNAL_AUTO, NULL, 0, &err) == FY_OK, "write: %s",
            err.message);
    size_t n0 = 0, n1 = 0;
    uint8_t *before = slurp(path, &n0);
    const char *inputs[1] = {path};
    struct fy_error e2 = {0};
    fy_status st =
        other ? onnx_write_model(other, path, ONNX_EXTERNAL_AUTO, inputs, 1, &e2) : FY_ENOMEM;
    T_CHECK(st == FY_EUSAGE, "status %d: %s", st, e2.message);
    T_CHECK(strstr(e2.message, "input") != NULL, "message names the input: %s", e2.message);
    uint8_t *after = slurp(path, &n1);
    T_CHECK(before && after && n0 == n1 && !memcmp(before, after, n0), "input changed");
    T_CHECK(dir_count(dir) == 1, "no temporary file left, found %d files", dir_count(dir));
    free(before);
    free(after);
    ir_model_free(m);
    ir_model_free(other);
    tmpdir_remove(dir);
}

TEST(onnx_write_into_a_missing_folder_fails_and_leaves_nothing)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    struct fy_error err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/no/such/folder/out.onnx", dir);
    fy_status st = m ? onnx_write_model(m, path, ONNX_EXTERNAL_ALWAYS, NULL, 0, &err) : FY_ENOMEM;
    T_CHECK(st == FY_EIO, "status %d: %s", st, err.message);
    T_CHECK(dir_count(dir) == 0, "nothing left behind, found %d files", dir_count(dir));
    ir_model_free(m);
    tmpdir_remove(dir);
}

/* A write that fails halfway (the file size limit, RLIMIT_FSIZE, stops
 * it with EFBIG) removes both temporary files and leaves no target. */
TEST(onnx_write_failing_midway_removes_model_and_data_temporaries)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    struct fy_error err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/half.onnx", dir);
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = {8192, old.rlim_max};
    bool limited = setrlimit(RLIMIT_FSIZE, &small) == 0;
    fy_status st = m ? onnx_write_model(m, path, ONNX_EXTERNAL_ALWAYS, NULL, 0, &err) : FY_ENOMEM;
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    if (T_CHECK(limited, "setrlimit")) {
        T_CHECK(st == FY_EIO, "status %d: %s", st, err.message);
        T_CHECK(dir_count(dir) == 0, "nothing left behind, found %d files", dir_count(dir));
    }
    ir_model_free(m);
    tmpdir_remove(dir);
}

TEST(onnx_write_names_the_tensor_whose_data_does_not_fit_its_shape)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    if (!T_CHECK(m != NULL, "model")) return;
    struct ir_tensor *bias = ir_graph_find_tensor(m->graph, "bias");
    bias->nbytes = 1000;
    struct fy_error err = {0};
    const char *path = write_to(m, dir, "bad.onnx", ONNX_EXTERNAL_AUTO, &err);
    T_CHECK(path == NULL && err.status == FY_EINVALID, "refused, status %d", err.status);
    T_CHECK(strstr(err.message, "'bias'") && strstr(err.message, "1000") &&
                strstr(err.message, "1024"),
            "message names tensor, found and expected sizes: %s", err.message);
    T_CHECK(dir_count(dir) == 0, "nothing written");
    ir_model_free(m);
    tmpdir_remove(dir);
}

TEST(onnx_write_refuses_quantization_parameters_it_cannot_express)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = weights_model();
    if (!T_CHECK(m != NULL, "model")) return;
    struct ir_tensor *w = ir_graph_find_tensor(m->graph, "w");
    static float scale = 0.5f;
    static int64_t zp = 0;
    struct ir_quant q = {.axis = -1, .count = 1, .scale = &scale, .zero_point = &zp};
    w->quant = &q;
    struct fy_error err = {0};
    const char *path = write_to(m, dir, "q.onnx", ONNX_EXTERNAL_AUTO, &err);
    T_CHECK(path == NULL && err.status == FY_EUNSUPPORTED, "refused, status %d", err.status);
    T_CHECK(strstr(err.message, "'w'") && strstr(err.message, "quantization"),
            "message names the tensor: %s", err.message);
    w->quant = NULL;
    ir_model_free(m);
    tmpdir_remove(dir);
}

/* ---- ir_model_equal ---- */

TEST(ir_model_equal_accepts_a_model_and_itself)
{
    struct ir_model *a = rich_model(), *b = rich_model();
    char why[512];
    T_CHECK(a && b && ir_model_equal(a, b, why, sizeof why), "%s", why);
    ir_model_free(a);
    ir_model_free(b);
}

TEST(ir_model_equal_names_graph_initializer_and_byte_that_differ)
{
    struct ir_model *a = weights_model();
    static float copy[4096];
    struct ir_model *b = weights_model();
    if (!T_CHECK(a && b, "models")) return;
    memcpy(copy, big_w, sizeof copy);
    copy[256] = 99.0f; /* bytes 1024..1027 */
    ir_graph_find_tensor(b->graph, "w")->data = copy;
    char why[512];
    T_CHECK(!ir_model_equal(a, b, why, sizeof why), "differ");
    T_CHECK(!strcmp(why, "graph 'weights': initializer 'w': data differs at byte 1024") ||
                !strcmp(why, "graph 'weights': initializer 'w': data differs at byte 1025") ||
                !strcmp(why, "graph 'weights': initializer 'w': data differs at byte 1026"),
            "why: %s", why);
    ir_model_free(a);
    ir_model_free(b);
}

TEST(ir_model_equal_compares_float_attributes_by_bits_so_nan_equals_nan)
{
    struct ir_model *a = tiny_model(), *b = tiny_model();
    if (!T_CHECK(a && b, "models")) return;
    a->graph->nodes[1]->attrs[0].v.f = nanf("");
    b->graph->nodes[1]->attrs[0].v.f = nanf("");
    char why[512];
    T_CHECK(ir_model_equal(a, b, why, sizeof why), "NaN vs NaN: %s", why);
    b->graph->nodes[1]->attrs[0].v.f = -0.0f;
    a->graph->nodes[1]->attrs[0].v.f = 0.0f;
    T_CHECK(!ir_model_equal(a, b, why, sizeof why), "0 vs -0 differ");
    T_CHECK(strstr(why, "graph 'g': node 'l' (LeakyRelu): attribute 'alpha'") == why, "why: %s",
            why);
    ir_model_free(a);
    ir_model_free(b);
}

TEST(ir_model_equal_follows_subgraphs_and_names_the_path)
{
    struct ir_model *a = rich_model(), *b = rich_model();
    if (!T_CHECK(a && b, "models")) return;
    struct ir_node *iff = b->graph->nodes[3];
    struct ir_graph *els = iff->attrs[1].v.g;
    els->nodes[0]->op_type = "Abs";
    char why[512];
    T_CHECK(!ir_model_equal(a, b, why, sizeof why), "differ");
    T_CHECK(!strcmp(why, "graph 'main': node 'if' (If): attribute 'else_branch': graph 'else': "
                         "node 'neg' (Neg): op_type 'Neg' vs 'Abs'"),
            "why: %s", why);
    ir_model_free(a);
    ir_model_free(b);
}

TEST(ir_model_equal_treats_opsets_as_a_set_and_initializers_by_name)
{
    struct ir_model *a = rich_model(), *b = rich_model();
    if (!T_CHECK(a && b, "models")) return;
    /* Swap opset order and initializer order in b: still equal. */
    struct ir_opset o = b->opsets[0];
    b->opsets[0] = b->opsets[1];
    b->opsets[1] = o;
    struct ir_tensor *t = b->graph->initializers[0];
    b->graph->initializers[0] = b->graph->initializers[1];
    b->graph->initializers[1] = t;
    char why[512];
    T_CHECK(ir_model_equal(a, b, why, sizeof why), "%s", why);
    b->opsets[0].version = 2; /* test.ferry 1 -> 2 */
    T_CHECK(!ir_model_equal(a, b, why, sizeof why), "differ");
    T_CHECK(strstr(why, "opset of domain 'test.ferry': version 1 vs 2") != NULL, "why: %s", why);
    ir_model_free(a);
    ir_model_free(b);
}

TEST(ir_model_equal_sees_a_changed_symbolic_dim)
{
    struct ir_model *a = rich_model(), *b = rich_model();
    if (!T_CHECK(a && b, "models")) return;
    ir_graph_find_tensor(b->graph, "s")->dims[0].param = "M";
    char why[512];
    T_CHECK(!ir_model_equal(a, b, why, sizeof why), "differ");
    T_CHECK(!strcmp(why, "graph 'main': tensor 's': shape [N,3] vs [M,3]"), "why: %s", why);
    ir_model_free(a);
    ir_model_free(b);
}

/* ---- read, write, read: the reader is the second reference ---- */

/* Reads src, writes it to dir/name by policy, reads that back and compares.
 * On failure why says where; returns the written path (static) or NULL. */
static const char *roundtrip(const char *src, const char *dir, const char *name,
                             enum onnx_external_policy policy, char *why, size_t cap)
{
    static char out[4096];
    struct fy_error err = {0};
    struct ir_model *a = NULL, *b = NULL;
    const char *ret = NULL;
    char msg[1024];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    const char *inputs[1] = {src};
    if (onnx_read_model(src, &a, &err)) {
        fy_error_format(&err, msg, sizeof msg);
        snprintf(why, cap, "read: %s", msg);
    } else if (onnx_write_model(a, out, policy, inputs, 1, &err)) {
        fy_error_format(&err, msg, sizeof msg);
        snprintf(why, cap, "write: %s", msg);
    } else if (onnx_read_model(out, &b, &err)) {
        fy_error_format(&err, msg, sizeof msg);
        snprintf(why, cap, "read back: %s", msg);
    } else if (ir_model_equal(a, b, why, cap)) {
        ret = out;
    }
    ir_model_free(a);
    ir_model_free(b);
    return ret;
}

TEST(onnx_roundtrip_of_mnist_fixture_reads_back_equal)
{
    char dir[64], why[1024] = "";
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    T_CHECK(roundtrip(t_repo_path("fixtures/mnist-8.onnx"), dir, "m.onnx", ONNX_EXTERNAL_AUTO, why,
                      sizeof why),
            "%s", why);
    tmpdir_remove(dir);
}

/* ONNX's backend test models: control flow (If, Loop, Scan), sequence and
 * optional types (kept opaque), strings, float16 and bfloat16, LSTM. */
static const char *const backend_models[] = {
    "node/test_if",
    "node/test_if_seq",
    "node/test_loop11",
    "node/test_loop13_seq",
    "node/test_scan9_sum",
    "node/test_scan_sum",
    "node/test_optional_get_element_sequence",
    "node/test_cast_FLOAT_to_STRING",
    "node/test_castlike_STRING_to_FLOAT_expanded",
    "node/test_cast_FLOAT_to_BFLOAT16",
    "node/test_cast_FLOAT_to_FLOAT16",
    "node/test_lstm_with_peepholes",
    "node/test_constant",
    "node/test_resize_tf_crop_and_resize",
    "pytorch-operator/test_operator_non_float_params",
    "real/test_squeezenet",
};

TEST(onnx_roundtrip_of_backend_test_models_reads_back_equal)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    int done = 0;
    for (size_t i = 0; i < sizeof backend_models / sizeof backend_models[0]; i++) {
        char src[512], why[1024] = "";
        snprintf(src, sizeof src, "/usr/share/libonnx-testdata/data/%s/model.onnx",
                 backend_models[i]);
        if (access(src, R_OK) != 0) continue;
        T_CHECK(roundtrip(src, dir, "m.onnx", ONNX_EXTERNAL_AUTO, why, sizeof why), "%s: %s",
                backend_models[i], why);
        done++;
    }
    if (!done) printf("    (skipped: libonnx-testdata is not installed)\n");
    tmpdir_remove(dir);
}

TEST(onnx_roundtrip_of_rich_model_reads_back_equal_to_what_was_built)
{
    char dir[64], why[1024] = "";
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    struct ir_model *m = rich_model(), *b = NULL;
    struct fy_error err = {0};
    const char *path = m ? write_to(m, dir, "rich.onnx", ONNX_EXTERNAL_AUTO, &err) : NULL;
    if (T_CHECK(path != NULL, "write: %s", err.message) &&
        T_CHECK(onnx_read_model(path, &b, &err) == FY_OK, "read: %s", err.message))
        T_CHECK(ir_model_equal(m, b, why, sizeof why), "%s", why);
    ir_model_free(m);
    ir_model_free(b);
    tmpdir_remove(dir);
}

TEST(onnx_write_of_a_read_model_is_a_fixpoint_byte_for_byte)
{
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    const char *srcs[2] = {t_repo_path("fixtures/mnist-8.onnx"),
                           "/usr/share/libonnx-testdata/data/node/test_loop11/model.onnx"};
    for (int i = 0; i < 2; i++) {
        if (access(srcs[i], R_OK) != 0) continue;
        char why[1024] = "", a[4096], b[4096];
        const char *p = roundtrip(srcs[i], dir, "a.onnx", ONNX_EXTERNAL_AUTO, why, sizeof why);
        if (!T_CHECK(p != NULL, "%s: %s", srcs[i], why)) continue;
        snprintf(a, sizeof a, "%s", p);
        p = roundtrip(a, dir, "b.onnx", ONNX_EXTERNAL_AUTO, why, sizeof why);
        if (!T_CHECK(p != NULL, "%s again: %s", srcs[i], why)) continue;
        snprintf(b, sizeof b, "%s", p);
        T_CHECK(same_file_bytes(a, b), "%s: write(read(write(m))) differs from write(m)", srcs[i]);
    }
    tmpdir_remove(dir);
}

TEST(onnx_roundtrip_through_always_external_data_reads_back_equal)
{
    char dir[64], why[1024] = "";
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    const char *p = roundtrip(t_repo_path("fixtures/mnist-8.onnx"), dir, "ext.onnx",
                              ONNX_EXTERNAL_ALWAYS, why, sizeof why);
    if (T_CHECK(p != NULL, "%s", why)) {
        char data[4200];
        snprintf(data, sizeof data, "%s.data", p);
        T_CHECK(access(data, R_OK) == 0, "no data file '%s'", data);
        T_CHECK(dir_count(dir) == 2, "model and data only, found %d files", dir_count(dir));
        if (have_python_onnx()) T_CHECK(onnx_checker(p) == 0, "onnx.checker refuses it");
    }
    tmpdir_remove(dir);
}

TEST(onnx_roundtrip_of_resnet18_reads_back_equal)
{
    const char *src = t_shared_path("models/torch/resnet18_op13/model.onnx");
    if (!src) {
        printf("    (skipped: ../shared/models is absent)\n");
        return;
    }
    char dir[64], why[1024] = "";
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    T_CHECK(roundtrip(src, dir, "r.onnx", ONNX_EXTERNAL_AUTO, why, sizeof why), "%s", why);
    tmpdir_remove(dir);
}

TEST(onnx_write_refuses_to_overwrite_the_file_the_model_was_read_from)
{
    char dir[64], path[4096];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp")) return;
    snprintf(path, sizeof path, "%s/m.onnx", dir);
    size_t n0 = 0, n1 = 0;
    uint8_t *orig = slurp(t_repo_path("fixtures/mnist-8.onnx"), &n0);
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (T_CHECK(orig && file_write_atomic(path, orig, n0, NULL, 0, &err) == FY_OK, "copy") &&
        T_CHECK(onnx_read_model(path, &m, &err) == FY_OK, "read: %s", err.message)) {
        /* No inputs named: the model's own file is protected anyway. */
        fy_status st = onnx_write_model(m, path, ONNX_EXTERNAL_AUTO, NULL, 0, &err);
        T_CHECK(st == FY_EUSAGE, "status %d: %s", st, err.message);
        uint8_t *after = slurp(path, &n1);
        T_CHECK(after && n1 == n0 && !memcmp(after, orig, n0), "the input changed");
        free(after);
        T_CHECK(dir_count(dir) == 1, "no temporary file left, found %d", dir_count(dir));
    }
    ir_model_free(m);
    free(orig);
    tmpdir_remove(dir);
}
