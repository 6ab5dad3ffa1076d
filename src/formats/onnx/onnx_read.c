/* ONNX reader: ModelProto bytes → IR.
 *
 * Messages are decoded in passes over their bytes rather than into an
 * intermediate tree: a first pass learns the names and counts a message's
 * repeated fields (so arrays are sized exactly and errors can name the node
 * or tensor whatever order the fields come in), a second fills the IR.
 * Protobuf semantics are kept where ONNX files rely on them: the last value of
 * a singular scalar wins, repeated numbers may be packed or not, and fields
 * ferry does not interpret are kept verbatim in ir_extras. A singular message
 * field given twice would have to be merged; ONNX writers never do that, so
 * it is refused instead of guessed at. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/onnx/onnx.h"
#include "formats/onnx/pb_decode.h"

/* Bounds for hostile files. Subgraph depth bounds the reader's recursion
 * (graph → node → attribute → graph); nothing else recurses. */
#define MAX_GRAPH_DEPTH 64
#define MAX_RANK 1024
/* Counts held in an int (node inputs, attributes): well inside arena_grow's
 * limit so that a refusal says what was too many rather than "out of memory". */
#define MAX_COUNT (1 << 28)

#include "formats/onnx/onnx_fields.h"


/* An external data file, mapped once however many tensors use it. */
struct ext_file {
    const char *real; /* realpath, the cache key */
    const uint8_t *data;
    size_t size;
};

struct rd {
    struct ir_model *m;
    struct arena *a;
    struct fy_error *err;
    const char *base_dir; /* NULL: external data refused */
    char base_real[PATH_MAX];
    bool have_base_real;
    struct ext_file *ext;
    int n_ext, cap_ext;
};

/* ---- errors ---- */

/* Every error of this file goes through here: the node (when there is one)
 * and the byte offset (when there is one) travel with the message. */
static fy_status fail(struct rd *rd, fy_status st, int64_t offset, const struct ir_node *n,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static fy_status fail(struct rd *rd, fy_status st, int64_t offset, const struct ir_node *n,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(rd->err, st, offset, n ? n->name : NULL, n ? n->op_type : NULL, fmt, ap);
    va_end(ap);
    return st;
}

static fy_status nomem(struct rd *rd)
{
    return fail(rd, FY_ENOMEM, -1, NULL, "out of memory");
}

/* "<msg>.<field> has wire type X; expected Y", at the field's key. */
static fy_status want_wire(struct rd *rd, const struct pb_field *f, enum pb_wire wire,
                           const struct ir_node *n, const char *what)
{
    if (f->wire == wire) return FY_OK;
    return fail(rd, FY_EFORMAT, (int64_t)f->offset, n,
                "%s (field %u) has wire type %d (%s); expected %s", what, f->number, (int)f->wire,
                pb_wire_name(f->wire), pb_wire_name(wire));
}

/* ---- strings ---- */

/* Protobuf strings are not NUL-terminated: every string the IR keeps is an
 * arena copy. */
static fy_status copy_string(struct rd *rd, const struct pb_field *f, const struct ir_node *n,
                             const char *what, const char **out)
{
    fy_status st = want_wire(rd, f, PB_LEN, n, what);
    if (st) return st;
    char *s = arena_strndup(rd->a, (const char *)f->data, f->size);
    if (!s) return nomem(rd);
    *out = s;
    return FY_OK;
}

/* Names key the tensor table and are compared as C strings: a NUL inside
 * one would make two different names equal. */
static fy_status check_name(struct rd *rd, const struct pb_field *f, const struct ir_node *n,
                            const char *what)
{
    fy_status st = want_wire(rd, f, PB_LEN, n, what);
    if (st) return st;
    if (memchr(f->data, 0, f->size))
        return fail(rd, FY_EFORMAT, (int64_t)f->data_offset, n,
                    "%s contains a NUL byte; expected a text name", what);
    return FY_OK;
}

static fy_status copy_name(struct rd *rd, const struct pb_field *f, const struct ir_node *n,
                           const char *what, const char **out)
{
    fy_status st = check_name(rd, f, n, what);
    if (st) return st;
    return copy_string(rd, f, n, what, out);
}

/* The tensor of g named by a string field, created on first mention: ONNX
 * files do not always list a value before it is used. */
static fy_status get_tensor(struct rd *rd, struct ir_graph *g, const struct pb_field *f,
                            const struct ir_node *n, const char *what, struct ir_tensor **out)
{
    fy_status st = check_name(rd, f, n, what);
    if (st) return st;
    struct ir_tensor *t = strmap_get(&g->by_name, (const char *)f->data, f->size);
    if (!t) {
        char *name = arena_strndup(rd->a, (const char *)f->data, f->size);
        if (!name) return nomem(rd);
        t = ir_graph_add_tensor(g, name, rd->err);
        if (!t) return FY_ENOMEM; /* the name was looked up: only memory can fail */
    }
    *out = t;
    return FY_OK;
}

/* ---- StringStringEntryProto, OperatorSetIdProto ---- */

static fy_status read_string_pair(struct rd *rd, const struct pb_field *ef, const char *what,
                                  const char **key, const char **value)
{
    fy_status st = want_wire(rd, ef, PB_LEN, NULL, what);
    if (st) return st;
    *key = *value = "";
    struct pb_reader r;
    pb_init_field(&r, ef);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == ENTRY_KEY)
            st = copy_string(rd, &f, NULL, "StringStringEntryProto.key", key);
        else if (f.number == ENTRY_VALUE)
            st = copy_string(rd, &f, NULL, "StringStringEntryProto.value", value);
        else
            /* The IR has nowhere to keep it, and dropping it would be silent. */
            st = fail(rd, FY_EUNSUPPORTED, (int64_t)f.offset, NULL,
                      "%s entry has field %u; ferry keeps only key (1) and value (2)", what,
                      f.number);
        if (st) return st;
    }
    return FY_OK;
}

static fy_status read_opset(struct rd *rd, const struct pb_field *of)
{
    fy_status st = want_wire(rd, of, PB_LEN, NULL, "ModelProto.opset_import");
    if (st) return st;
    const char *domain = "";
    int64_t version = 0;
    struct pb_reader r;
    pb_init_field(&r, of);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == OPSET_DOMAIN)
            st = copy_string(rd, &f, NULL, "OperatorSetIdProto.domain", &domain);
        else if (f.number == OPSET_VERSION) {
            st = want_wire(rd, &f, PB_VARINT, NULL, "OperatorSetIdProto.version");
            version = (int64_t)f.value;
        } else
            st = fail(rd, FY_EUNSUPPORTED, (int64_t)f.offset, NULL,
                      "opset_import entry has field %u; ferry keeps only domain (1) and "
                      "version (2)",
                      f.number);
        if (st) return st;
    }
    return ir_model_add_opset(rd->m, domain, version, rd->err);
}

/* ---- TensorProto ---- */

/* What a first pass over a TensorProto learns. */
struct tinfo {
    const struct pb_field *msg;
    const char *name;
    int64_t data_type;
    bool has_data_type;
    uint64_t n_dims;
    uint64_t values[TENSOR_FIELD_LIMIT]; /* values seen per typed field number */
    int64_t first[TENSOR_FIELD_LIMIT];   /* offset of its first occurrence */
    bool has_raw;
    const uint8_t *raw;
    size_t raw_size;
    int64_t raw_offset;
    int64_t data_location;
    int64_t location_offset;
    bool has_external;
    int64_t external_offset;
    const uint8_t *ext_location, *ext_offset, *ext_length;
    size_t ext_location_size, ext_offset_size, ext_length_size;
    bool has_ext_location, has_ext_offset, has_ext_length;
    const char *doc;
};

/* Element wire type of the repeated numeric fields of TensorProto. */
static enum pb_wire typed_wire(uint32_t field)
{
    switch (field) {
    case TENSOR_FLOAT_DATA:
        return PB_I32;
    case TENSOR_DOUBLE_DATA:
        return PB_I64;
    default:
        return PB_VARINT; /* dims, int32, int64, uint64 */
    }
}

static const char *typed_name(uint32_t field)
{
    switch (field) {
    case TENSOR_FLOAT_DATA:
        return "float_data";
    case TENSOR_INT32_DATA:
        return "int32_data";
    case TENSOR_STRING_DATA:
        return "string_data";
    case TENSOR_INT64_DATA:
        return "int64_data";
    case TENSOR_DOUBLE_DATA:
        return "double_data";
    case TENSOR_UINT64_DATA:
        return "uint64_data";
    default:
        return "?";
    }
}

static fy_status read_external_entry(struct rd *rd, struct tinfo *ti, const struct pb_field *ef,
                                     const struct ir_node *n)
{
    fy_status st = want_wire(rd, ef, PB_LEN, n, "TensorProto.external_data");
    if (st) return st;
    const uint8_t *key = NULL, *val = (const uint8_t *)"";
    size_t key_size = 0, val_size = 0;
    struct pb_reader r;
    pb_init_field(&r, ef);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number != ENTRY_KEY && f.number != ENTRY_VALUE)
            return fail(rd, FY_EUNSUPPORTED, (int64_t)f.offset, n,
                        "external_data entry has field %u; expected key (1) and value (2)",
                        f.number);
        st = want_wire(rd, &f, PB_LEN, n, "external_data entry");
        if (st) return st;
        if (f.number == ENTRY_KEY)
            key = f.data, key_size = f.size;
        else
            val = f.data, val_size = f.size;
    }
#define KEY_IS(s) (key && key_size == sizeof(s) - 1 && !memcmp(key, s, key_size))
    if (KEY_IS("location")) {
        ti->ext_location = val, ti->ext_location_size = val_size, ti->has_ext_location = true;
    } else if (KEY_IS("offset")) {
        ti->ext_offset = val, ti->ext_offset_size = val_size, ti->has_ext_offset = true;
    } else if (KEY_IS("length")) {
        ti->ext_length = val, ti->ext_length_size = val_size, ti->has_ext_length = true;
    } else if (KEY_IS("checksum")) {
        /* A SHA-1 of the bytes, for tools that want to check; the bytes are
         * used as they are and rewriting recomputes it. */
    } else {
        return fail(rd, FY_EUNSUPPORTED, (int64_t)ef->offset, n,
                    "external_data has key '%.*s'; ferry knows location, offset, length "
                    "and checksum",
                    (int)(key_size > 64 ? 64 : key_size), key ? (const char *)key : "");
    }
#undef KEY_IS
    return FY_OK;
}

/* First pass: learns everything but the values, checking wire types and
 * packed-run shapes as it goes. */
static fy_status tensor_scan(struct rd *rd, const struct pb_field *tf, const struct ir_node *n,
                             struct tinfo *ti)
{
    memset(ti, 0, sizeof *ti);
    ti->msg = tf;
    ti->name = "";
    ti->doc = "";
    for (int i = 0; i < TENSOR_FIELD_LIMIT; i++)
        ti->first[i] = -1;
    fy_status st = want_wire(rd, tf, PB_LEN, n, "tensor");
    if (st) return st;
    struct pb_reader r;
    pb_init_field(&r, tf);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        switch (f.number) {
        case TENSOR_DIMS:
        case TENSOR_FLOAT_DATA:
        case TENSOR_INT32_DATA:
        case TENSOR_INT64_DATA:
        case TENSOR_DOUBLE_DATA:
        case TENSOR_UINT64_DATA: {
            enum pb_wire elem = typed_wire(f.number);
            if (!pb_wire_fits_repeated(f.wire, elem))
                return fail(rd, FY_EFORMAT, (int64_t)f.offset, n,
                            "TensorProto.%s has wire type %d (%s); expected %s values or a "
                            "packed list",
                            f.number == TENSOR_DIMS ? "dims" : typed_name(f.number), (int)f.wire,
                            pb_wire_name(f.wire), pb_wire_name(elem));
            struct pb_values it;
            st = pb_values_init(&it, &f, elem, rd->err);
            if (st) return st;
            if (f.number == TENSOR_DIMS)
                ti->n_dims += it.count;
            else
                ti->values[f.number] += it.count;
            if (ti->first[f.number] < 0) ti->first[f.number] = (int64_t)f.offset;
            break;
        }
        case TENSOR_STRING_DATA:
            st = want_wire(rd, &f, PB_LEN, n, "TensorProto.string_data");
            ti->values[f.number]++;
            if (ti->first[f.number] < 0) ti->first[f.number] = (int64_t)f.offset;
            break;
        case TENSOR_DATA_TYPE:
            st = want_wire(rd, &f, PB_VARINT, n, "TensorProto.data_type");
            /* an int32 field: protobuf keeps the low 32 bits */
            ti->data_type = (int32_t)(uint32_t)f.value;
            ti->has_data_type = true;
            break;
        case TENSOR_SEGMENT:
            /* refused by tensor_fill, which knows the tensor's name */
            if (ti->first[f.number] < 0) ti->first[f.number] = (int64_t)f.offset;
            break;
        case TENSOR_NAME:
            st = copy_name(rd, &f, n, "TensorProto.name", &ti->name);
            break;
        case TENSOR_RAW_DATA:
            st = want_wire(rd, &f, PB_LEN, n, "TensorProto.raw_data");
            ti->has_raw = true;
            ti->raw = f.data;
            ti->raw_size = f.size;
            ti->raw_offset = (int64_t)f.offset;
            break;
        case TENSOR_DOC:
            st = copy_string(rd, &f, n, "TensorProto.doc_string", &ti->doc);
            break;
        case TENSOR_EXTERNAL_DATA:
            if (!ti->has_external) ti->external_offset = (int64_t)f.offset;
            ti->has_external = true;
            st = read_external_entry(rd, ti, &f, n);
            break;
        case TENSOR_DATA_LOCATION:
            st = want_wire(rd, &f, PB_VARINT, n, "TensorProto.data_location");
            ti->data_location = (int32_t)(uint32_t)f.value;
            ti->location_offset = (int64_t)f.offset;
            break;
        default:
            break; /* kept by tensor_fill */
        }
        if (st) return st;
    }
    return FY_OK;
}

/* Integer range of a dtype held in int32_data (after protobuf's int32
 * truncation) or uint64_data. */
static bool int_value_fits(enum ir_dtype dt, int64_t v)
{
    switch (dt) {
    case IR_I8:
        return v >= -128 && v <= 127;
    case IR_U8:
        return v >= 0 && v <= 255;
    case IR_I16:
        return v >= -32768 && v <= 32767;
    case IR_U16:
        return v >= 0 && v <= 65535;
    /* half and bfloat16 bit patterns: some writers sign-extend them */
    case IR_F16:
    case IR_BF16:
        return v >= -32768 && v <= 65535;
    case IR_BOOL:
        return v == 0 || v == 1;
    /* 4-bit types: one int32 holds a byte of two packed values */
    case IR_I4:
    case IR_U4:
        return v >= -128 && v <= 255;
    default:
        return true;
    }
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static fy_status parse_decimal(const uint8_t *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20) return FY_EFORMAT;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return FY_EFORMAT;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return FY_EFORMAT;
        v = v * 10 + d;
    }
    *out = v;
    return FY_OK;
}

/* Bytes of an external data file, mapped once per model. The location is
 * resolved relative to the model's folder and must stay inside it: an
 * absolute path, a ".." step, or a symlink leading out is refused, since a
 * model file must not be able to read arbitrary files of the machine. */
static fy_status read_external(struct rd *rd, const struct tinfo *ti, const struct ir_node *n,
                               const char *label, uint64_t nbytes, struct ir_tensor *t)
{
    if (!ti->has_ext_location)
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has data_location EXTERNAL but no 'location' entry", label);
    const char *loc = arena_strndup(rd->a, (const char *)ti->ext_location, ti->ext_location_size);
    if (!loc) return nomem(rd);
    if (!rd->base_dir)
        return fail(rd, FY_EUNSUPPORTED, ti->external_offset, n,
                    "%s keeps its data in external file '%s'; a model read from memory has no "
                    "folder to find it in",
                    label, loc);
    if (memchr(ti->ext_location, 0, ti->ext_location_size) || !loc[0])
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has external data location '%s'; expected a file name", label, loc);
    if (loc[0] == '/')
        return fail(rd, FY_EINVALID, ti->external_offset, n,
                    "%s has external data location '%s', an absolute path; expected a path "
                    "inside the model's folder",
                    label, loc);
    for (const char *p = loc; *p;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return fail(rd, FY_EINVALID, ti->external_offset, n,
                        "%s has external data location '%s', which leaves the model's folder "
                        "('..'); expected a path inside it",
                        label, loc);
        p += len + (e ? 1 : 0);
    }
    if (!rd->have_base_real) {
        if (!realpath(rd->base_dir, rd->base_real))
            return fail(rd, FY_EIO, -1, n, "cannot resolve the model's folder '%s'", rd->base_dir);
        rd->have_base_real = true;
    }
    char *full = arena_printf(rd->a, "%s/%s", rd->base_dir, loc);
    if (!full) return nomem(rd);
    char real[PATH_MAX];
    if (!realpath(full, real))
        return fail(rd, FY_EIO, ti->external_offset, n,
                    "%s keeps its data in '%s', which cannot be found beside the model", label,
                    loc);
    size_t bl = strlen(rd->base_real);
    bool inside = strcmp(rd->base_real, "/") == 0
                      ? real[0] == '/'
                      : strncmp(real, rd->base_real, bl) == 0 && real[bl] == '/';
    if (!inside)
        return fail(rd, FY_EINVALID, ti->external_offset, n,
                    "%s has external data location '%s', which resolves to '%s' outside the "
                    "model's folder; expected a file inside it",
                    label, loc, real);
    struct ext_file *x = NULL;
    for (int i = 0; i < rd->n_ext; i++)
        if (strcmp(rd->ext[i].real, real) == 0) x = &rd->ext[i];
    if (!x) {
        struct file_map map;
        struct fy_error fe;
        memset(&fe, 0, sizeof fe);
        if (file_map_read(real, &map, &fe))
            return fail(rd, fe.status, ti->external_offset, n, "%s: external data file '%s': %s",
                        label, loc, fe.message);
        const uint8_t *data = map.data;
        size_t size = map.size;
        fy_status st = ir_model_adopt_map(rd->m, &map, rd->err);
        if (st) return st;
        if (arena_grow(rd->a, (void **)&rd->ext, &rd->cap_ext, rd->n_ext + 1, sizeof *rd->ext))
            return nomem(rd);
        x = &rd->ext[rd->n_ext++];
        x->real = arena_strdup(rd->a, real);
        if (!x->real) return nomem(rd);
        x->data = data;
        x->size = size;
    }
    uint64_t off = 0, len;
    if (ti->has_ext_offset && parse_decimal(ti->ext_offset, ti->ext_offset_size, &off))
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has external data offset '%.*s'; expected a decimal byte count", label,
                    (int)(ti->ext_offset_size > 32 ? 32 : ti->ext_offset_size),
                    (const char *)ti->ext_offset);
    if (off > x->size)
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has external data offset %llu past the end of '%s' (%zu bytes)", label,
                    (unsigned long long)off, loc, x->size);
    len = x->size - off;
    if (ti->has_ext_length && parse_decimal(ti->ext_length, ti->ext_length_size, &len))
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has external data length '%.*s'; expected a decimal byte count", label,
                    (int)(ti->ext_length_size > 32 ? 32 : ti->ext_length_size),
                    (const char *)ti->ext_length);
    if (len > x->size - off)
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has external data of %llu bytes at offset %llu, past the end of '%s' "
                    "(%zu bytes)",
                    label, (unsigned long long)len, (unsigned long long)off, loc, x->size);
    if (len != nbytes)
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has %llu bytes of external data; its type and dims need %llu", label,
                    (unsigned long long)len, (unsigned long long)nbytes);
    /* Borrowed from the mapping, like raw_data: may be unaligned. */
    t->data = x->data + off;
    t->nbytes = nbytes;
    return FY_OK;
}

/* Decodes the typed field `field` of the tensor message into arena-owned
 * little-endian bytes of the IR dtype. */
static fy_status decode_typed(struct rd *rd, const struct tinfo *ti, uint32_t field,
                              const struct ir_node *n, const char *label, uint64_t n_values,
                              uint64_t nbytes, struct ir_tensor *t)
{
    enum ir_dtype dt = t->dtype;
    size_t vsize = nbytes / (n_values ? n_values : 1);
    uint8_t *out = arena_alloc(rd->a, nbytes ? (size_t)nbytes : 1, 16);
    if (!out) return nomem(rd);
    enum pb_wire elem = typed_wire(field);
    uint64_t k = 0;
    struct pb_reader r;
    pb_init_field(&r, ti->msg);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number != field) continue;
        struct pb_values it;
        st = pb_values_init(&it, &f, elem, rd->err);
        if (st) return st;
        for (uint64_t i = 0; i < it.count; i++) {
            uint64_t v;
            int64_t at = (int64_t)pb_offset(&it.r);
            st = pb_values_next(&it, &v, rd->err);
            if (st) return st;
            if (k >= n_values)
                return fail(rd, FY_EINTERNAL, at, n, "%s: more values than counted", label);
            if (field == TENSOR_INT32_DATA) {
                int64_t s = (int32_t)(uint32_t)v;
                if (!int_value_fits(dt, s))
                    return fail(rd, FY_EFORMAT, it.single ? (int64_t)f.offset : at, n,
                                "%s holds %lld in int32_data; out of range for %s", label,
                                (long long)s, onnx_dtype_table[ti->data_type].name);
                v = (uint64_t)s;
            } else if (field == TENSOR_UINT64_DATA && dt == IR_U32 && v > UINT32_MAX) {
                return fail(rd, FY_EFORMAT, at, n,
                            "%s holds %llu in uint64_data; out of range for UINT32", label,
                            (unsigned long long)v);
            }
            put_le(out + k * vsize, v, vsize);
            k++;
        }
    }
    if (k != n_values)
        return fail(rd, FY_EINTERNAL, (int64_t)ti->msg->offset, n, "%s: fewer values than counted",
                    label);
    t->data = out;
    t->nbytes = nbytes;
    return FY_OK;
}

static fy_status decode_strings(struct rd *rd, const struct tinfo *ti, uint64_t numel,
                                struct ir_tensor *t)
{
    struct ir_bytes *s = ARENA_ARRAY(rd->a, numel ? numel : 1, struct ir_bytes);
    if (!s) return nomem(rd);
    uint64_t k = 0;
    struct pb_reader r;
    pb_init_field(&r, ti->msg);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number != TENSOR_STRING_DATA || k >= numel) continue;
        s[k].data = f.data; /* borrowed from the buffer */
        s[k].size = f.size;
        k++;
    }
    t->strings = s;
    t->n_strings = numel;
    return FY_OK;
}

/* Second pass: fills t from what tensor_scan learned. label names the tensor
 * in errors ("tensor 'w'"). */
static fy_status tensor_fill(struct rd *rd, const struct tinfo *ti, const struct ir_node *n,
                             const char *label, struct ir_tensor *t)
{
    int64_t at = (int64_t)ti->msg->offset;
    if (ti->first[TENSOR_SEGMENT] >= 0)
        return fail(rd, FY_EUNSUPPORTED, ti->first[TENSOR_SEGMENT], n,
                    "%s is split into segments (TensorProto.segment); ferry reads whole "
                    "tensors only",
                    label);
    if (ti->n_dims > MAX_RANK)
        return fail(rd, FY_EFORMAT, ti->first[TENSOR_DIMS], n,
                    "%s has rank %llu; ferry accepts at most %d dims", label,
                    (unsigned long long)ti->n_dims, MAX_RANK);
    int rank = (int)ti->n_dims;
    int64_t dims[MAX_RANK];
    uint64_t numel = 1;
    bool overflow = false;
    {
        int k = 0;
        struct pb_reader r;
        pb_init_field(&r, ti->msg);
        while (!pb_done(&r)) {
            struct pb_field f;
            fy_status st = pb_next(&r, &f, rd->err);
            if (st) return st;
            if (f.number == TENSOR_DIMS) {
                struct pb_values it;
                st = pb_values_init(&it, &f, PB_VARINT, rd->err);
                if (st) return st;
                for (uint64_t i = 0; i < it.count && k < MAX_RANK; i++) {
                    uint64_t v;
                    st = pb_values_next(&it, &v, rd->err);
                    if (st) return st;
                    int64_t d = (int64_t)v;
                    if (d < 0)
                        return fail(rd, FY_EFORMAT, (int64_t)f.offset, n,
                                    "%s has dim %lld at axis %d; expected a size of 0 or more",
                                    label, (long long)d, k);
                    if (d && numel > UINT64_MAX / (uint64_t)d)
                        overflow = true;
                    else
                        numel *= (uint64_t)d;
                    dims[k++] = d;
                }
            } else if (f.number < TENSOR_FIELD_LIMIT && f.number != 0) {
                /* interpreted by tensor_scan */
            } else {
                st = ir_extras_add(rd->a, &t->extras, f.span.data, f.span.size, rd->err);
                if (st) return st;
            }
        }
    }
    /* A zero dim makes the product 0 whatever the rest: report overflow only
     * when it is real. */
    for (int i = 0; i < rank; i++)
        if (dims[i] == 0) overflow = false, numel = 0;
    if (overflow)
        return fail(rd, FY_EFORMAT, ti->first[TENSOR_DIMS], n,
                    "%s has dims whose element count overflows 64 bits", label);
    /* Shape set here rather than by ir_tensor_set_shape: a tensor read on its
     * own (onnx_read_tensor) has no graph. */
    struct ir_dim *d = ARENA_ARRAY(rd->a, rank ? rank : 1, struct ir_dim);
    if (!d) return nomem(rd);
    for (int i = 0; i < rank; i++)
        d[i].value = dims[i];
    t->rank = rank;
    t->dims = d;
    t->doc = ti->doc;
    t->kind = IR_TENSOR_CONST;

    if (!ti->has_data_type || ti->data_type == ONNX_UNDEFINED)
        return fail(rd, FY_EFORMAT, at, n, "%s has no data_type", label);
    if (ti->data_type < 0 || ti->data_type >= ONNX_DTYPE_LIMIT)
        return fail(rd, FY_EUNSUPPORTED, at, n,
                    "%s has data_type %lld, which is not an ONNX type ferry knows", label,
                    (long long)ti->data_type);
    const struct onnx_dtype_row *row = &onnx_dtype_table[ti->data_type];
    if (row->ir == IR_UNDEFINED)
        return fail(rd, FY_EUNSUPPORTED, at, n, "%s has type %s, which ferry does not support",
                    label, row->name);
    t->dtype = row->ir;

    /* Exactly one source of values. */
    uint32_t typed = 0;
    for (uint32_t fnum = TENSOR_FLOAT_DATA; fnum < TENSOR_FIELD_LIMIT; fnum++) {
        if (fnum == TENSOR_NAME || fnum == TENSOR_RAW_DATA || fnum == TENSOR_DOC ||
            fnum == TENSOR_EXTERNAL_DATA || fnum == TENSOR_DATA_LOCATION)
            continue;
        if (!ti->values[fnum]) continue;
        if (fnum != (uint32_t)row->field)
            return fail(rd, FY_EFORMAT, ti->first[fnum], n, "%s of type %s holds %s; expected %s%s",
                        label, row->name, typed_name(fnum), typed_name((uint32_t)row->field),
                        row->field == ONNX_FIELD_STRING_DATA ? "" : " or raw_data");
        typed = fnum;
    }
    if (ti->data_location != 0 && ti->data_location != 1)
        return fail(rd, FY_EFORMAT, ti->location_offset, n,
                    "%s has data_location %lld; expected 0 (DEFAULT) or 1 (EXTERNAL)", label,
                    (long long)ti->data_location);
    bool external = ti->data_location == 1;
    if (ti->has_external && !external)
        return fail(rd, FY_EFORMAT, ti->external_offset, n,
                    "%s has external_data entries but data_location is not EXTERNAL", label);
    int sources = (ti->has_raw ? 1 : 0) + (typed ? 1 : 0) + (external ? 1 : 0);
    if (sources > 1)
        return fail(rd, FY_EFORMAT, at, n,
                    "%s holds its values in more than one of raw_data, %s and external data; "
                    "expected one",
                    label, typed ? typed_name(typed) : typed_name((uint32_t)row->field));

    if (t->dtype == IR_STRING) {
        if (ti->has_raw || external)
            return fail(rd, FY_EFORMAT, ti->has_raw ? ti->raw_offset : ti->external_offset, n,
                        "%s of type STRING has %s; expected string_data", label,
                        ti->has_raw ? "raw_data" : "external data");
        if (ti->values[TENSOR_STRING_DATA] != numel)
            return fail(rd, FY_EFORMAT, at, n, "%s holds %llu strings; its dims need %llu", label,
                        (unsigned long long)ti->values[TENSOR_STRING_DATA],
                        (unsigned long long)numel);
        return decode_strings(rd, ti, numel, t);
    }

    uint64_t nbytes;
    if (!ir_dtype_nbytes(t->dtype, numel, &nbytes))
        return fail(rd, FY_EFORMAT, at, n, "%s has %llu elements of %s: too many bytes", label,
                    (unsigned long long)numel, row->name);
    if (external) return read_external(rd, ti, n, label, nbytes, t);
    if (ti->has_raw) {
        if (ti->raw_size != nbytes)
            return fail(rd, FY_EFORMAT, ti->raw_offset, n,
                        "%s has %zu bytes of raw_data; %llu elements of %s need %llu", label,
                        ti->raw_size, (unsigned long long)numel, row->name,
                        (unsigned long long)nbytes);
        /* Zero-copy: the pointer is into the file mapping (or the caller's
         * buffer) at whatever offset protobuf put it, so it may be unaligned;
         * readers of t->data copy or use memcpy-based loads. */
        t->data = ti->raw;
        t->nbytes = nbytes;
        return FY_OK;
    }
    /* Values in the typed field: complex numbers take two, 4-bit types share
     * one value between two elements. */
    uint64_t want = numel;
    if (t->dtype == IR_C64 || t->dtype == IR_C128) {
        if (numel > UINT64_MAX / 2)
            return fail(rd, FY_EFORMAT, at, n, "%s has too many elements", label);
        want = numel * 2;
    } else if (t->dtype == IR_I4 || t->dtype == IR_U4) {
        want = numel / 2 + numel % 2;
    }
    uint64_t have = typed ? ti->values[typed] : 0;
    if (have != want)
        return fail(rd, FY_EFORMAT, typed ? ti->first[typed] : at, n,
                    "%s holds %llu values in %s; %llu elements of %s need %llu", label,
                    (unsigned long long)have, typed_name((uint32_t)row->field),
                    (unsigned long long)numel, row->name, (unsigned long long)want);
    if (!want) {
        t->data = arena_alloc(rd->a, 1, 16);
        if (!t->data) return nomem(rd);
        t->nbytes = 0;
        return FY_OK;
    }
    return decode_typed(rd, ti, typed, n, label, want, nbytes, t);
}

/* A tensor held by an attribute: standalone, not in the graph's table. */
static fy_status read_attr_tensor(struct rd *rd, struct ir_graph *g, const struct pb_field *f,
                                  const struct ir_node *n, const char *attr_name,
                                  struct ir_tensor **out)
{
    struct tinfo ti;
    fy_status st = tensor_scan(rd, f, n, &ti);
    if (st) return st;
    struct ir_tensor *t = ARENA_NEW(rd->a, struct ir_tensor);
    if (!t) return nomem(rd);
    t->id = -1;
    t->name = t->origin = ti.name;
    t->rank = -1;
    t->graph = g;
    t->doc = "";
    const char *label = arena_printf(rd->a, "attribute '%s': tensor '%s'", attr_name, ti.name);
    if (!label) return nomem(rd);
    st = tensor_fill(rd, &ti, n, label, t);
    if (st) return st;
    *out = t;
    return FY_OK;
}

static fy_status read_initializer(struct rd *rd, struct ir_graph *g, const struct pb_field *f)
{
    struct tinfo ti;
    fy_status st = tensor_scan(rd, f, NULL, &ti);
    if (st) return st;
    if (!ti.name[0])
        return fail(rd, FY_EINVALID, (int64_t)f->offset, NULL,
                    "an initializer has no name; expected the name of the value it defines");
    struct ir_tensor *t = strmap_get(&g->by_name, ti.name, strlen(ti.name));
    if (!t) {
        t = ir_graph_add_tensor(g, ti.name, rd->err);
        if (!t) return FY_ENOMEM;
    }
    if (t->kind == IR_TENSOR_CONST)
        return fail(rd, FY_EINVALID, (int64_t)f->offset, NULL, "initializer '%s' is given twice",
                    ti.name);
    const char *label = arena_printf(rd->a, "tensor '%s'", ti.name);
    if (!label) return nomem(rd);
    /* The data decides the type: a graph input entry for the same name only
     * describes it. */
    t->opaque_type.data = NULL;
    t->opaque_type.size = 0;
    st = tensor_fill(rd, &ti, NULL, label, t);
    if (st) return st;
    return ir_graph_add_initializer(g, t, rd->err);
}

/* ---- TypeProto ---- */

struct vtype {
    enum ir_dtype dtype;
    int rank;
    struct ir_dim *dims;
    struct ir_bytes opaque;
};

/* Reads a tensor type into vt. Anything the IR's dtype/rank/dims cannot say
 * exactly (a sequence, map, optional or sparse type, a denotation, a field
 * ferry does not know) makes the whole TypeProto opaque: kept verbatim. */
static fy_status read_type(struct rd *rd, const struct pb_field *tf, const char *label,
                           struct vtype *vt)
{
    memset(vt, 0, sizeof *vt);
    vt->dtype = IR_UNDEFINED;
    vt->rank = -1;
    struct ir_bytes whole = {tf->data, tf->size};
    struct pb_field tensor_f;
    int n_tensor = 0;
    bool opaque = false;
    struct pb_reader r;
    pb_init_field(&r, tf);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == TYPE_TENSOR && f.wire == PB_LEN) {
            tensor_f = f;
            n_tensor++;
        } else {
            opaque = true;
        }
    }
    if (opaque || n_tensor != 1) {
        vt->opaque = whole;
        return FY_OK;
    }
    /* TypeProto.Tensor */
    int64_t elem = 0;
    int64_t elem_off = (int64_t)tensor_f.offset;
    struct pb_field shape_f;
    int n_shape = 0;
    pb_init_field(&r, &tensor_f);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == TTENSOR_ELEM_TYPE && f.wire == PB_VARINT) {
            elem = (int32_t)(uint32_t)f.value;
            elem_off = (int64_t)f.offset;
        } else if (f.number == TTENSOR_SHAPE && f.wire == PB_LEN) {
            shape_f = f;
            n_shape++;
        } else {
            opaque = true;
        }
    }
    if (opaque || n_shape > 1) {
        vt->opaque = whole;
        return FY_OK;
    }
    if (elem < 0 || elem >= ONNX_DTYPE_LIMIT)
        return fail(rd, FY_EUNSUPPORTED, elem_off, NULL,
                    "%s has element type %lld, which is not an ONNX type ferry knows", label,
                    (long long)elem);
    if (elem != ONNX_UNDEFINED && onnx_dtype_table[elem].ir == IR_UNDEFINED)
        return fail(rd, FY_EUNSUPPORTED, elem_off, NULL,
                    "%s has type %s, which ferry does not support", label,
                    onnx_dtype_table[elem].name);
    if (!n_shape) {
        vt->dtype = onnx_dtype_table[elem].ir;
        return FY_OK; /* no shape: rank unknown */
    }
    /* TensorShapeProto: count dims, then read them. */
    uint64_t rank = 0;
    pb_init_field(&r, &shape_f);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == SHAPE_DIM && f.wire == PB_LEN)
            rank++;
        else
            opaque = true;
    }
    if (opaque) {
        vt->opaque = whole;
        return FY_OK;
    }
    if (rank > MAX_RANK)
        return fail(rd, FY_EFORMAT, (int64_t)shape_f.offset, NULL,
                    "%s has rank %llu; ferry accepts at most %d dims", label,
                    (unsigned long long)rank, MAX_RANK);
    struct ir_dim *dims = ARENA_ARRAY(rd->a, rank ? rank : 1, struct ir_dim);
    if (!dims) return nomem(rd);
    int k = 0;
    pb_init_field(&r, &shape_f);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        struct ir_dim *d = &dims[k++];
        d->value = -1; /* neither value nor param: unknown */
        d->param = NULL;
        struct pb_reader dr;
        pb_init_field(&dr, &f);
        while (!pb_done(&dr)) {
            struct pb_field df;
            st = pb_next(&dr, &df, rd->err);
            if (st) return st;
            /* value and param are a oneof: the last one given wins */
            if (df.number == DIM_VALUE && df.wire == PB_VARINT) {
                /* A negative size says "unknown" in some exporters' files;
                 * the IR holds that as an unknown dim. */
                d->value = (int64_t)df.value < 0 ? -1 : (int64_t)df.value;
                d->param = NULL;
            } else if (df.number == DIM_PARAM && df.wire == PB_LEN) {
                st = copy_string(rd, &df, NULL, "Dimension.dim_param", &d->param);
                if (st) return st;
                d->value = -1;
            } else {
                opaque = true; /* denotation (3) or unknown */
            }
        }
    }
    if (opaque) {
        vt->opaque = whole;
        return FY_OK;
    }
    vt->dtype = onnx_dtype_table[elem].ir;
    vt->rank = (int)rank;
    vt->dims = dims;
    return FY_OK;
}

/* ---- ValueInfoProto ---- */

enum vi_kind { VI_KIND_INPUT, VI_KIND_OUTPUT, VI_KIND_VALUE };

static fy_status read_value_info(struct rd *rd, struct ir_graph *g, const struct pb_field *vf,
                                 enum vi_kind kind)
{
    static const char *const what[] = {"graph input", "graph output", "value_info"};
    fy_status st = want_wire(rd, vf, PB_LEN, NULL, what[kind]);
    if (st) return st;
    struct pb_field name_f, type_f;
    int n_name = 0, n_type = 0;
    const char *doc = NULL;
    struct pb_reader r;
    pb_init_field(&r, vf);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == VI_NAME)
            name_f = f, n_name++;
        else if (f.number == VI_TYPE) {
            if (n_type++)
                return fail(rd, FY_EFORMAT, (int64_t)f.offset, NULL,
                            "a %s entry has two types; expected one", what[kind]);
            st = want_wire(rd, &f, PB_LEN, NULL, "ValueInfoProto.type");
            type_f = f;
        } else if (f.number == VI_DOC)
            st = copy_string(rd, &f, NULL, "ValueInfoProto.doc_string", &doc);
        if (st) return st;
    }
    if (!n_name || name_f.size == 0)
        return fail(rd, FY_EINVALID, (int64_t)vf->offset, NULL,
                    "a %s entry has no name; expected the name of a value", what[kind]);
    struct ir_tensor *t;
    st = get_tensor(rd, g, &name_f, NULL, "ValueInfoProto.name", &t);
    if (st) return st;
    if (n_type) {
        const char *label = arena_printf(rd->a, "%s '%s'", what[kind], t->name);
        if (!label) return nomem(rd);
        struct vtype vt;
        st = read_type(rd, &type_f, label, &vt);
        if (st) return st;
        /* An initializer's data decides its type; the entry only confirms it. */
        if (t->kind != IR_TENSOR_CONST) {
            t->dtype = vt.dtype;
            t->rank = vt.rank;
            t->dims = vt.dims;
            t->opaque_type = vt.opaque;
        }
        t->has_type = true;
    }
    if (doc) t->doc = doc;
    /* Fields of the entry ferry does not read, in file order. */
    pb_init_field(&r, vf);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == VI_NAME || f.number == VI_TYPE || f.number == VI_DOC) continue;
        st = ir_extras_add(rd->a, &t->type_extras, f.span.data, f.span.size, rd->err);
        if (st) return st;
    }
    switch (kind) {
    case VI_KIND_INPUT:
        return ir_graph_add_input(g, t, rd->err);
    case VI_KIND_OUTPUT:
        return ir_graph_add_output(g, t, rd->err);
    case VI_KIND_VALUE:
        t->in_value_info = true;
        return FY_OK;
    }
    return FY_OK;
}

/* ---- NodeProto, AttributeProto ---- */

static fy_status read_graph(struct rd *rd, struct ir_graph *g, const struct pb_field *gf,
                            int depth);

static fy_status read_subgraph(struct rd *rd, struct ir_node *n, const struct pb_field *f,
                               const char *attr, int depth, struct ir_graph **out)
{
    if (depth + 1 > MAX_GRAPH_DEPTH)
        return fail(rd, FY_EFORMAT, (int64_t)f->offset, n,
                    "attribute '%s' nests subgraphs more than %d deep", attr, MAX_GRAPH_DEPTH);
    fy_status st = want_wire(rd, f, PB_LEN, n, "AttributeProto graph");
    if (st) return st;
    struct ir_graph *g = ir_graph_new(rd->m, n->graph);
    if (!g) return nomem(rd);
    st = read_graph(rd, g, f, depth + 1);
    if (st) return st;
    *out = g;
    return FY_OK;
}

/* The attribute type a value field implies (files older than the `type`
 * field are read by which value is present). */
static enum ir_attr_type type_of_field(uint32_t field)
{
    switch (field) {
    case ATTR_F:
        return IR_ATTR_FLOAT;
    case ATTR_I:
        return IR_ATTR_INT;
    case ATTR_S:
        return IR_ATTR_STRING;
    case ATTR_T:
        return IR_ATTR_TENSOR;
    case ATTR_G:
        return IR_ATTR_GRAPH;
    case ATTR_FLOATS:
        return IR_ATTR_FLOATS;
    case ATTR_INTS:
        return IR_ATTR_INTS;
    case ATTR_STRINGS:
        return IR_ATTR_STRINGS;
    case ATTR_TENSORS:
        return IR_ATTR_TENSORS;
    case ATTR_GRAPHS:
        return IR_ATTR_GRAPHS;
    case ATTR_TP:
        return IR_ATTR_TYPE_PROTO;
    case ATTR_TYPE_PROTOS:
        return IR_ATTR_TYPE_PROTOS;
    case ATTR_SPARSE_TENSOR:
        return IR_ATTR_SPARSE_TENSOR;
    case ATTR_SPARSE_TENSORS:
        return IR_ATTR_SPARSE_TENSORS;
    default:
        return IR_ATTR_UNDEFINED;
    }
}

static uint32_t field_of_type(enum ir_attr_type t)
{
    for (uint32_t f = 1; f < ATTR_FIELD_LIMIT; f++)
        if (type_of_field(f) == t) return f;
    return 0;
}

static const char *attr_field_name(uint32_t field)
{
    switch (field) {
    case ATTR_F:
        return "f";
    case ATTR_I:
        return "i";
    case ATTR_S:
        return "s";
    case ATTR_T:
        return "t";
    case ATTR_G:
        return "g";
    case ATTR_FLOATS:
        return "floats";
    case ATTR_INTS:
        return "ints";
    case ATTR_STRINGS:
        return "strings";
    case ATTR_TENSORS:
        return "tensors";
    case ATTR_GRAPHS:
        return "graphs";
    case ATTR_TP:
        return "tp";
    case ATTR_TYPE_PROTOS:
        return "type_protos";
    case ATTR_SPARSE_TENSOR:
        return "sparse_tensor";
    case ATTR_SPARSE_TENSORS:
        return "sparse_tensors";
    default:
        return "?";
    }
}

static fy_status read_attr(struct rd *rd, struct ir_node *n, const struct pb_field *af, int depth)
{
    fy_status st = want_wire(rd, af, PB_LEN, n, "NodeProto.attribute");
    if (st) return st;
    /* Pass 1: name, declared type, which value fields are present. */
    const char *name = "", *doc = "", *ref = NULL;
    int64_t type_code = 0;
    int64_t type_off = (int64_t)af->offset;
    uint64_t seen[ATTR_FIELD_LIMIT] = {0};
    struct pb_reader r;
    pb_init_field(&r, af);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == ATTR_NAME)
            st = copy_name(rd, &f, n, "AttributeProto.name", &name);
        else if (f.number == ATTR_DOC)
            st = copy_string(rd, &f, n, "AttributeProto.doc_string", &doc);
        else if (f.number == ATTR_REF_ATTR_NAME)
            st = copy_string(rd, &f, n, "AttributeProto.ref_attr_name", &ref);
        else if (f.number == ATTR_TYPE) {
            st = want_wire(rd, &f, PB_VARINT, n, "AttributeProto.type");
            type_code = (int32_t)(uint32_t)f.value;
            type_off = (int64_t)f.offset;
        } else if (f.number < ATTR_FIELD_LIMIT)
            seen[f.number]++;
        if (st) return st;
    }
    /* A name given twice is kept twice (protobuf allows it and a rewrite
     * keeps both); checking would cost a lookup per attribute for nothing. */
    enum ir_attr_type type;
    if (type_code != 0) {
        type = onnx_attr_type_to_ir(type_code);
        if (type == IR_ATTR_UNDEFINED)
            return fail(rd, FY_EUNSUPPORTED, type_off, n,
                        "attribute '%s' has type %lld; expected an AttributeProto type (1-14)",
                        name, (long long)type_code);
    } else {
        /* No type (IR version 1 files): the one value field present says it. */
        type = IR_ATTR_UNDEFINED;
        uint32_t which = 0;
        for (uint32_t fnum = 1; fnum < ATTR_FIELD_LIMIT; fnum++) {
            if (!seen[fnum] || type_of_field(fnum) == IR_ATTR_UNDEFINED) continue;
            if (type != IR_ATTR_UNDEFINED)
                return fail(rd, FY_EINVALID, (int64_t)af->offset, n,
                            "attribute '%s' has no type and holds both %s and %s; expected "
                            "one value",
                            name, attr_field_name(which), attr_field_name(fnum));
            type = type_of_field(fnum);
            which = fnum;
        }
        if (type == IR_ATTR_UNDEFINED && !ref)
            return fail(rd, FY_EINVALID, (int64_t)af->offset, n,
                        "attribute '%s' has no type and no value", name);
    }
    uint32_t vfield = field_of_type(type);
    if (type != IR_ATTR_UNDEFINED && !vfield)
        return fail(rd, FY_EINTERNAL, type_off, n, "attribute type %d has no field", (int)type);
    bool list = type == IR_ATTR_FLOATS || type == IR_ATTR_INTS || type == IR_ATTR_STRINGS ||
                type == IR_ATTR_TENSORS || type == IR_ATTR_GRAPHS ||
                type == IR_ATTR_SPARSE_TENSORS || type == IR_ATTR_TYPE_PROTOS;
    if (!list && vfield && seen[vfield] > 1 &&
        (type == IR_ATTR_TENSOR || type == IR_ATTR_GRAPH || type == IR_ATTR_SPARSE_TENSOR ||
         type == IR_ATTR_TYPE_PROTO))
        return fail(rd, FY_EFORMAT, (int64_t)af->offset, n,
                    "attribute '%s' holds %llu values in field %s; expected one", name,
                    (unsigned long long)seen[vfield], attr_field_name(vfield));
    /* Even with ref_attr_name (a function body's reference, which ferry does
     * not read) a TENSOR or GRAPH attribute must hold its value: every user
     * of the IR may follow v.t and v.g. */
    if ((type == IR_ATTR_TENSOR || type == IR_ATTR_GRAPH) && !seen[vfield])
        return fail(rd, FY_EINVALID, (int64_t)af->offset, n,
                    "attribute '%s' has type %s but no value", name, ir_attr_type_name(type));

    /* Pass 2: count list values, checking wire types with the attribute's name. */
    uint64_t count = list ? 0 : 1;
    enum pb_wire elem = type == IR_ATTR_FLOATS ? PB_I32 : PB_VARINT;
    pb_init_field(&r, af);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number != vfield) continue;
        if (type == IR_ATTR_FLOATS || type == IR_ATTR_INTS) {
            if (!pb_wire_fits_repeated(f.wire, elem))
                return fail(rd, FY_EFORMAT, (int64_t)f.offset, n,
                            "attribute '%s' has wire type %d; expected %s values or a "
                            "length-delimited list",
                            name, (int)f.wire, pb_wire_name(elem));
            struct pb_values it;
            st = pb_values_init(&it, &f, elem, rd->err);
            if (st) return st;
            count += it.count;
        } else {
            enum pb_wire w = type == IR_ATTR_FLOAT ? PB_I32
                             : type == IR_ATTR_INT ? PB_VARINT
                                                   : PB_LEN;
            if (f.wire != w)
                return fail(rd, FY_EFORMAT, (int64_t)f.offset, n,
                            "attribute '%s' has wire type %d; expected %s", name, (int)f.wire,
                            pb_wire_name(w));
            if (list) count++;
        }
    }
    if (count > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)af->offset, n,
                    "attribute '%s' holds %llu values; ferry accepts at most %d", name,
                    (unsigned long long)count, MAX_COUNT);

    struct ir_attr *at = ir_node_add_attr(n, name, type, rd->err);
    if (!at) return FY_ENOMEM;
    at->doc = doc;
    at->ref_attr_name = ref;
    at->count = (int64_t)count;
    size_t c1 = count ? (size_t)count : 1;
    switch (type) {
    case IR_ATTR_FLOATS:
        at->v.floats = ARENA_ARRAY(rd->a, c1, float);
        break;
    case IR_ATTR_INTS:
        at->v.ints = ARENA_ARRAY(rd->a, c1, int64_t);
        break;
    case IR_ATTR_STRINGS:
        at->v.strings = ARENA_ARRAY(rd->a, c1, struct ir_bytes);
        break;
    case IR_ATTR_TENSORS:
        at->v.tensors = ARENA_ARRAY(rd->a, c1, struct ir_tensor *);
        break;
    case IR_ATTR_GRAPHS:
        at->v.graphs = ARENA_ARRAY(rd->a, c1, struct ir_graph *);
        break;
    case IR_ATTR_SPARSE_TENSORS:
    case IR_ATTR_TYPE_PROTOS:
        at->v.raws = ARENA_ARRAY(rd->a, c1, struct ir_bytes);
        break;
    case IR_ATTR_STRING:
        at->v.s.data = (const uint8_t *)"";
        break;
    default:
        break;
    }
    if (list && !at->v.ints && !at->v.floats && !at->v.strings && !at->v.tensors && !at->v.graphs &&
        !at->v.raws)
        return nomem(rd);

    /* Pass 3: values, and every other field kept in the attribute's extras. */
    uint64_t k = 0;
    pb_init_field(&r, af);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        if (f.number == ATTR_NAME || f.number == ATTR_DOC || f.number == ATTR_REF_ATTR_NAME ||
            f.number == ATTR_TYPE)
            continue;
        if (f.number != vfield) {
            /* a value field of another type, or a field ferry does not know */
            st = ir_extras_add(rd->a, &at->extras, f.span.data, f.span.size, rd->err);
            if (st) return st;
            continue;
        }
        switch (type) {
        case IR_ATTR_FLOAT: {
            uint32_t u = (uint32_t)f.value;
            memcpy(&at->v.f, &u, sizeof u);
            break;
        }
        case IR_ATTR_INT:
            at->v.i = (int64_t)f.value;
            break;
        case IR_ATTR_STRING:
            at->v.s.data = f.data; /* borrowed */
            at->v.s.size = f.size;
            break;
        case IR_ATTR_TENSOR:
            st = read_attr_tensor(rd, n->graph, &f, n, name, &at->v.t);
            break;
        case IR_ATTR_GRAPH:
            st = read_subgraph(rd, n, &f, name, depth, &at->v.g);
            break;
        case IR_ATTR_SPARSE_TENSOR:
        case IR_ATTR_TYPE_PROTO:
            at->v.raw.data = f.data; /* the encoded message, verbatim */
            at->v.raw.size = f.size;
            break;
        case IR_ATTR_FLOATS:
        case IR_ATTR_INTS: {
            struct pb_values it;
            st = pb_values_init(&it, &f, elem, rd->err);
            for (uint64_t i = 0; !st && i < it.count; i++) {
                uint64_t v;
                st = pb_values_next(&it, &v, rd->err);
                if (st) break;
                if (type == IR_ATTR_INTS) {
                    at->v.ints[k++] = (int64_t)v;
                } else {
                    uint32_t u = (uint32_t)v;
                    memcpy(&at->v.floats[k++], &u, sizeof u);
                }
            }
            break;
        }
        case IR_ATTR_STRINGS:
            at->v.strings[k].data = f.data, at->v.strings[k++].size = f.size;
            break;
        case IR_ATTR_SPARSE_TENSORS:
        case IR_ATTR_TYPE_PROTOS:
            at->v.raws[k].data = f.data, at->v.raws[k++].size = f.size;
            break;
        case IR_ATTR_TENSORS:
            st = read_attr_tensor(rd, n->graph, &f, n, name, &at->v.tensors[k++]);
            break;
        case IR_ATTR_GRAPHS:
            st = read_subgraph(rd, n, &f, name, depth, &at->v.graphs[k++]);
            break;
        default:
            break;
        }
        if (st) return st;
    }
    return FY_OK;
}

static fy_status read_node(struct rd *rd, struct ir_graph *g, const struct pb_field *nf, int depth)
{
    fy_status st = want_wire(rd, nf, PB_LEN, NULL, "GraphProto.node");
    if (st) return st;
    /* Pass 1: what ir_graph_add_node needs, and the names errors need. */
    const char *name = "", *op_type = "", *domain = "", *overload = "", *doc = "";
    uint64_t n_in = 0, n_out = 0;
    struct pb_reader r;
    pb_init_field(&r, nf);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        switch (f.number) {
        case NODE_INPUT:
            st = want_wire(rd, &f, PB_LEN, NULL, "NodeProto.input");
            n_in++;
            break;
        case NODE_OUTPUT:
            st = want_wire(rd, &f, PB_LEN, NULL, "NodeProto.output");
            n_out++;
            break;
        case NODE_NAME:
            st = copy_string(rd, &f, NULL, "NodeProto.name", &name);
            break;
        case NODE_OP_TYPE:
            st = copy_string(rd, &f, NULL, "NodeProto.op_type", &op_type);
            break;
        case NODE_DOMAIN:
            st = copy_string(rd, &f, NULL, "NodeProto.domain", &domain);
            break;
        case NODE_OVERLOAD:
            st = copy_string(rd, &f, NULL, "NodeProto.overload", &overload);
            break;
        case NODE_DOC:
            st = copy_string(rd, &f, NULL, "NodeProto.doc_string", &doc);
            break;
        default:
            break;
        }
        if (st) return st;
    }
    if (n_in > MAX_COUNT || n_out > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)nf->offset, NULL,
                    "node '%s' (%s) has %llu inputs and %llu outputs; ferry accepts at most %d",
                    name, op_type, (unsigned long long)n_in, (unsigned long long)n_out, MAX_COUNT);
    bool std_domain = !domain[0] || strcmp(domain, "ai.onnx") == 0;
    enum ir_op op = std_domain ? ir_op_from_name(op_type) : IR_OP_OPAQUE;
    /* tfl.* ops have TFLite semantics; an ONNX node is never one of them */
    if (!strncmp(op_type, "tfl.", 4)) op = IR_OP_OPAQUE;
    struct ir_node *n =
        ir_graph_add_node(g, op, op_type, domain, name, (int)n_in, (int)n_out, rd->err);
    if (!n) return FY_ENOMEM;
    n->overload = overload;
    n->doc = doc;

    /* Pass 2: inputs, outputs, attributes, kept extras, in file order. */
    int i_in = 0, i_out = 0;
    pb_init_field(&r, nf);
    while (!pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st) return st;
        switch (f.number) {
        case NODE_INPUT:
            /* "" leaves out an optional input */
            if (f.size) st = get_tensor(rd, g, &f, n, "NodeProto.input", &n->inputs[i_in]);
            i_in++;
            break;
        case NODE_OUTPUT: {
            struct ir_tensor *t = NULL;
            if (f.size) st = get_tensor(rd, g, &f, n, "NodeProto.output", &t);
            if (st) break;
            if (t && t->producer)
                st = fail(rd, FY_EINVALID, (int64_t)f.offset, n,
                          "output '%s' is already produced by node '%s' (%s)", t->name,
                          t->producer->name, t->producer->op_type);
            else
                st = ir_node_set_output(n, i_out, t, rd->err);
            i_out++;
            break;
        }
        case NODE_ATTRIBUTE:
            st = read_attr(rd, n, &f, depth);
            break;
        case NODE_NAME:
        case NODE_OP_TYPE:
        case NODE_DOMAIN:
        case NODE_OVERLOAD:
        case NODE_DOC:
            break;
        default:
            st = ir_extras_add(rd->a, &n->extras, f.span.data, f.span.size, rd->err);
            break;
        }
        if (st) return st;
    }
    return FY_OK;
}

/* ---- GraphProto, ModelProto ---- */

/* The name a SparseTensorProto defines: values (1) is a TensorProto whose
 * name (8) it is. */
static fy_status sparse_name(struct rd *rd, const struct pb_field *sf, struct ir_bytes *name)
{
    name->data = NULL;
    name->size = 0;
    fy_status st = want_wire(rd, sf, PB_LEN, NULL, "GraphProto.sparse_initializer");
    struct pb_reader r;
    pb_init_field(&r, sf);
    while (!st && !pb_done(&r)) {
        struct pb_field f;
        st = pb_next(&r, &f, rd->err);
        if (st || f.number != 1 || f.wire != PB_LEN) continue;
        struct pb_reader v;
        pb_init_field(&v, &f);
        while (!st && !pb_done(&v)) {
            struct pb_field vf;
            st = pb_next(&v, &vf, rd->err);
            if (!st && vf.number == TENSOR_NAME && vf.wire == PB_LEN)
                name->data = vf.data, name->size = vf.size;
        }
    }
    return st;
}

static fy_status read_graph(struct rd *rd, struct ir_graph *g, const struct pb_field *gf, int depth)
{
    struct ir_bytes *sparse = NULL;
    int n_sparse = 0, cap_sparse = 0;
    struct pb_reader r;
    pb_init_field(&r, gf);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        const char *key, *value;
        switch (f.number) {
        case GRAPH_NODE:
            st = read_node(rd, g, &f, depth);
            break;
        case GRAPH_NAME:
            st = copy_string(rd, &f, NULL, "GraphProto.name", &g->name);
            break;
        case GRAPH_INITIALIZER:
            st = read_initializer(rd, g, &f);
            break;
        case GRAPH_DOC:
            st = copy_string(rd, &f, NULL, "GraphProto.doc_string", &g->doc);
            break;
        case GRAPH_INPUT:
            st = read_value_info(rd, g, &f, VI_KIND_INPUT);
            break;
        case GRAPH_OUTPUT:
            st = read_value_info(rd, g, &f, VI_KIND_OUTPUT);
            break;
        case GRAPH_VALUE_INFO:
            st = read_value_info(rd, g, &f, VI_KIND_VALUE);
            break;
        case GRAPH_METADATA:
            st = read_string_pair(rd, &f, "GraphProto.metadata_props", &key, &value);
            if (!st)
                st = ir_add_string_pair(rd->a, &g->metadata, &g->n_metadata, &g->cap_metadata, key,
                                        value, rd->err);
            break;
        case GRAPH_SPARSE_INITIALIZER:
            /* Kept verbatim, but its name is remembered: see below. */
            if (arena_grow(rd->a, (void **)&sparse, &cap_sparse, n_sparse + 1, sizeof *sparse))
                return nomem(rd);
            st = sparse_name(rd, &f, &sparse[n_sparse++]);
            if (!st) st = ir_extras_add(rd->a, &g->extras, f.span.data, f.span.size, rd->err);
            break;
        default:
            /* quantization_annotation, unknown */
            st = ir_extras_add(rd->a, &g->extras, f.span.data, f.span.size, rd->err);
            break;
        }
        if (st) return st;
    }
    /* The IR has no sparse constants yet: a value a sparse initializer
     * defines and a node reads is refused as what it is, not reported as an
     * undefined name by the verifier. */
    if (!n_sparse) return FY_OK;
    bool *is_sparse = ARENA_ARRAY(rd->a, (size_t)g->n_tensors + 1, bool);
    if (!is_sparse) return nomem(rd);
    for (int i = 0; i < n_sparse; i++) {
        struct ir_tensor *t =
            sparse[i].data ? strmap_get(&g->by_name, (const char *)sparse[i].data, sparse[i].size)
                           : NULL;
        if (t && !t->producer && t->kind != IR_TENSOR_CONST) is_sparse[t->id] = true;
    }
    for (int k = 0; k < g->n_nodes; k++)
        for (int j = 0; j < g->nodes[k]->n_inputs; j++) {
            struct ir_tensor *t = g->nodes[k]->inputs[j];
            if (t && is_sparse[t->id])
                return fail(rd, FY_EUNSUPPORTED, -1, g->nodes[k],
                            "input '%s' is a sparse initializer; ferry does not read sparse "
                            "initializers yet",
                            t->name);
        }
    return FY_OK;
}

static fy_status read_model_fields(struct rd *rd, const uint8_t *data, size_t size)
{
    struct ir_model *m = rd->m;
    bool have_graph = false;
    struct pb_reader r;
    pb_init(&r, data, size, 0);
    while (!pb_done(&r)) {
        struct pb_field f;
        fy_status st = pb_next(&r, &f, rd->err);
        if (st) return st;
        const char *key, *value;
        switch (f.number) {
        case MODEL_IR_VERSION:
            st = want_wire(rd, &f, PB_VARINT, NULL, "ModelProto.ir_version");
            m->ir_version = (int64_t)f.value;
            break;
        case MODEL_PRODUCER_NAME:
            st = copy_string(rd, &f, NULL, "ModelProto.producer_name", &m->producer_name);
            break;
        case MODEL_PRODUCER_VERSION:
            st = copy_string(rd, &f, NULL, "ModelProto.producer_version", &m->producer_version);
            break;
        case MODEL_DOMAIN:
            st = copy_string(rd, &f, NULL, "ModelProto.domain", &m->domain);
            break;
        case MODEL_MODEL_VERSION:
            st = want_wire(rd, &f, PB_VARINT, NULL, "ModelProto.model_version");
            m->model_version = (int64_t)f.value;
            break;
        case MODEL_DOC:
            st = copy_string(rd, &f, NULL, "ModelProto.doc_string", &m->doc);
            break;
        case MODEL_GRAPH:
            if (have_graph)
                return fail(rd, FY_EFORMAT, (int64_t)f.offset, NULL,
                            "ModelProto has a second graph (field 7); expected one");
            have_graph = true;
            st = want_wire(rd, &f, PB_LEN, NULL, "ModelProto.graph");
            if (!st) st = read_graph(rd, m->graph, &f, 0);
            break;
        case MODEL_OPSET_IMPORT:
            st = read_opset(rd, &f);
            break;
        case MODEL_METADATA:
            st = read_string_pair(rd, &f, "ModelProto.metadata_props", &key, &value);
            if (!st)
                st = ir_add_string_pair(rd->a, &m->metadata, &m->n_metadata, &m->cap_metadata, key,
                                        value, rd->err);
            break;
        default:
            /* training_info, functions, configuration, unknown */
            st = ir_extras_add(rd->a, &m->extras, f.span.data, f.span.size, rd->err);
            break;
        }
        if (st) return st;
    }
    if (!have_graph)
        return fail(rd, FY_EFORMAT, -1, NULL,
                    "no graph (ModelProto field 7) in %zu bytes; expected an ONNX model", size);
    return FY_OK;
}

/* ---- after reading ---- */

/* A subgraph's value that nothing in the subgraph defines names a value of
 * an enclosing graph (ONNX's lexical scoping): mark it OUTER. */
static fy_status mark_outer(struct rd *rd, struct ir_graph *g)
{
    if (g->parent) {
        bool *def = ARENA_ARRAY(rd->a, (size_t)g->n_tensors + 1, bool);
        if (!def) return nomem(rd);
        for (int i = 0; i < g->n_inputs; i++)
            def[g->inputs[i]->id] = true;
        for (int i = 0; i < g->n_tensors; i++) {
            struct ir_tensor *t = g->tensors[i];
            if (t->producer || t->kind == IR_TENSOR_CONST) def[i] = true;
        }
        for (int i = 0; i < g->n_nodes; i++) {
            struct ir_node *n = g->nodes[i];
            for (int j = 0; j < n->n_inputs; j++)
                if (n->inputs[j] && !def[n->inputs[j]->id]) n->inputs[j]->kind = IR_TENSOR_OUTER;
        }
        /* a branch may return an enclosing graph's value as it is */
        for (int i = 0; i < g->n_outputs; i++)
            if (!def[g->outputs[i]->id]) g->outputs[i]->kind = IR_TENSOR_OUTER;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        struct ir_node *n = g->nodes[i];
        for (int a = 0; a < n->n_attrs; a++) {
            struct ir_attr *at = &n->attrs[a];
            fy_status st = FY_OK;
            if (at->type == IR_ATTR_GRAPH)
                st = mark_outer(rd, at->v.g);
            else if (at->type == IR_ATTR_GRAPHS)
                for (int64_t j = 0; j < at->count && !st; j++)
                    st = mark_outer(rd, at->v.graphs[j]);
            if (st) return st;
        }
    }
    return FY_OK;
}

static fy_status read_all(struct ir_model *m, const uint8_t *data, size_t size,
                          const char *base_dir, struct fy_error *err)
{
    /* rd holds a PATH_MAX buffer: it lives in the arena, not on the
     * caller's (possibly small, threaded) stack. */
    struct rd *rd = ARENA_NEW(&m->arena, struct rd);
    if (!rd) return err_fmt(err, FY_ENOMEM, "out of memory");
    rd->m = m;
    rd->a = &m->arena;
    rd->err = err;
    rd->base_dir = base_dir;
    m->format = IR_FORMAT_ONNX;
    fy_status st = read_model_fields(rd, data, size);
    if (st) return st;
    st = mark_outer(rd, m->graph);
    if (st) return st;
    return ir_graph_verify(m->graph, err);
}

fy_status onnx_read_tensor(struct ir_model *m, const uint8_t *data, size_t size,
                           struct ir_tensor **out, struct fy_error *err)
{
    *out = NULL;
    struct rd *rd = ARENA_NEW(&m->arena, struct rd);
    struct ir_tensor *t = ARENA_NEW(&m->arena, struct ir_tensor);
    if (!rd || !t) return err_fmt(err, FY_ENOMEM, "out of memory");
    rd->m = m;
    rd->a = &m->arena;
    rd->err = err;
    rd->base_dir = NULL; /* a lone TensorProto has no folder for external data */
    /* The whole buffer is the message: present it as one field at offset 0. */
    struct pb_field whole;
    memset(&whole, 0, sizeof whole);
    whole.wire = PB_LEN;
    whole.data = data;
    whole.size = size;
    struct tinfo ti;
    fy_status st = tensor_scan(rd, &whole, NULL, &ti);
    if (st) return st;
    t->id = -1;
    t->name = t->origin = ti.name;
    t->rank = -1;
    t->doc = "";
    const char *label = arena_printf(rd->a, "tensor '%s'", ti.name);
    if (!label) return err_fmt(err, FY_ENOMEM, "out of memory");
    st = tensor_fill(rd, &ti, NULL, label, t);
    if (st) return st;
    *out = t;
    return FY_OK;
}

fy_status onnx_read_buffer(const uint8_t *data, size_t size, const char *base_dir,
                           struct ir_model **out, struct fy_error *err)
{
    *out = NULL;
    struct ir_model *m = ir_model_new(err);
    if (!m) return FY_ENOMEM;
    m->path = "";
    fy_status st = read_all(m, data, size, base_dir, err);
    if (st) {
        ir_model_free(m);
        return st;
    }
    *out = m;
    return FY_OK;
}

fy_status onnx_read_model(const char *path, struct ir_model **out, struct fy_error *err)
{
    *out = NULL;
    if (err && !err->file[0]) err_set_file(err, path);
    struct ir_model *m = ir_model_new(err);
    if (!m) return FY_ENOMEM;
    struct file_map map;
    fy_status st = file_map_read(path, &map, err);
    if (st) {
        ir_model_free(m);
        return st;
    }
    const uint8_t *data = map.data;
    size_t size = map.size;
    st = ir_model_adopt_map(m, &map, err);
    /* External data is looked up in the model's own folder. */
    const char *slash = strrchr(path, '/');
    char *dir = !slash ? arena_strdup(&m->arena, ".")
                       : arena_strndup(&m->arena, path, slash == path ? 1 : (size_t)(slash - path));
    m->path = arena_strdup(&m->arena, path);
    if (!st && (!dir || !m->path)) st = err_fmt(err, FY_ENOMEM, "out of memory");
    if (!st) st = read_all(m, data, size, dir, err);
    if (st) {
        ir_model_free(m);
        return st;
    }
    *out = m;
    return FY_OK;
}
