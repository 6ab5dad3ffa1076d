/* NumPy .npy / .npz reading and .npy writing (see npy.h). */
#include "formats/npy/npy.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "interp/interp.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.c reads and writes little-endian data by copying bytes; port it for big-endian hosts"
#endif

static const uint8_t npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

int npy_is_npy(const uint8_t *data, size_t size)
{
    return size >= 6 && memcmp(data, npy_magic, 6) == 0;
}

int npy_is_zip(const uint8_t *data, size_t size)
{
    /* a local file header, or the end record of an empty archive */
    return size >= 4 && data[0] == 'P' && data[1] == 'K' &&
           ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6));
}

/* ---- dtype spellings ---- */

struct npy_type {
    enum ir_dtype dtype;
    char kind;
    int size;
};

static const struct npy_type npy_types[] = {
    {IR_F16, 'f', 2}, {IR_F32, 'f', 4},  {IR_F64, 'f', 8}, {IR_I8, 'i', 1},    {IR_I16, 'i', 2},
    {IR_I32, 'i', 4}, {IR_I64, 'i', 8},  {IR_U8, 'u', 1},  {IR_U16, 'u', 2},   {IR_U32, 'u', 4},
    {IR_U64, 'u', 8}, {IR_BOOL, 'b', 1}, {IR_C64, 'c', 8}, {IR_C128, 'c', 16},
};

static fy_status parse_descr(const char *s, size_t n, enum ir_dtype *out, struct fy_error *err)
{
    char shown[40];
    snprintf(shown, sizeof shown, "%.*s", (int)(n < 32 ? n : 32), s);
    if (n < 2) return err_fmt(err, FY_EFORMAT, "bad dtype '%s' in the .npy header", shown);
    char order = s[0];
    const char *p = s + 1;
    size_t rest = n - 1;
    if (order != '<' && order != '>' && order != '|' && order != '=') {
        order = '|';
        p = s;
        rest = n;
    }
    char kind = p[0];
    int size = 0;
    for (size_t i = 1; i < rest; i++) {
        if (p[i] < '0' || p[i] > '9' || size > 100000)
            return err_fmt(err, FY_EFORMAT, "bad dtype '%s' in the .npy header", shown);
        size = size * 10 + (p[i] - '0');
    }
    if (kind == '?' && rest == 1) {
        kind = 'b';
        size = 1;
    }
    switch (kind) {
    case 'O':
        return err_fmt(err, FY_EUNSUPPORTED,
                       "the .npy holds Python objects (dtype '%s'); ferry reads numeric arrays "
                       "only",
                       shown);
    case 'U':
    case 'S':
    case 'a':
        return err_fmt(err, FY_EUNSUPPORTED,
                       "the .npy holds strings (dtype '%s'); ferry reads numeric arrays only",
                       shown);
    case 'V':
        return err_fmt(err, FY_EUNSUPPORTED,
                       "the .npy holds raw void records (dtype '%s', e.g. bfloat16 from "
                       "ml_dtypes); save float32 instead",
                       shown);
    case 'M':
    case 'm':
        return err_fmt(err, FY_EUNSUPPORTED,
                       "the .npy holds dates or time deltas (dtype '%s'); ferry reads numeric "
                       "arrays only",
                       shown);
    default:
        break;
    }
    for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++) {
        if (npy_types[i].kind != kind || npy_types[i].size != size) continue;
        if (size > 1 && order == '>')
            return err_fmt(err, FY_EUNSUPPORTED,
                           "the .npy is big-endian (dtype '%s'); ferry reads little-endian "
                           "data only (save arr.astype('<%c%d'))",
                           shown, kind, size);
        if (size > 1 && order == '|')
            return err_fmt(err, FY_EFORMAT,
                           "bad dtype '%s' in the .npy header: a %d-byte type needs a byte "
                           "order",
                           shown, size);
        *out = npy_types[i].dtype;
        return FY_OK;
    }
    return err_fmt(err, FY_EUNSUPPORTED,
                   "the .npy has dtype '%s', which ferry does not read (float16/32/64, "
                   "int8..64, uint8..64, bool, complex64/128)",
                   shown);
}

static const char *descr_of(enum ir_dtype t)
{
    switch (t) {
    case IR_F16:
        return "<f2";
    case IR_F32:
        return "<f4";
    case IR_F64:
        return "<f8";
    case IR_I8:
        return "|i1";
    case IR_I16:
        return "<i2";
    case IR_I32:
        return "<i4";
    case IR_I64:
        return "<i8";
    case IR_U8:
        return "|u1";
    case IR_U16:
        return "<u2";
    case IR_U32:
        return "<u4";
    case IR_U64:
        return "<u8";
    case IR_BOOL:
        return "|b1";
    case IR_C64:
        return "<c8";
    case IR_C128:
        return "<c16";
    default:
        return NULL;
    }
}

/* ---- header (a Python dict literal) ---- */

struct lexer {
    const char *s;
    size_t n, pos;
};

static void skip_ws(struct lexer *l)
{
    while (l->pos < l->n && (l->s[l->pos] == ' ' || l->s[l->pos] == '\t' || l->s[l->pos] == '\n' ||
                             l->s[l->pos] == '\r'))
        l->pos++;
}

static int accept(struct lexer *l, char c)
{
    skip_ws(l);
    if (l->pos < l->n && l->s[l->pos] == c) {
        l->pos++;
        return 1;
    }
    return 0;
}

static int lex_string(struct lexer *l, const char **s, size_t *n)
{
    skip_ws(l);
    if (l->pos >= l->n || (l->s[l->pos] != '\'' && l->s[l->pos] != '"')) return 0;
    char q = l->s[l->pos++];
    size_t b = l->pos;
    while (l->pos < l->n && l->s[l->pos] != q) {
        if (l->s[l->pos] == '\\') return 0; /* NumPy never escapes in these keys/values */
        l->pos++;
    }
    if (l->pos >= l->n) return 0;
    *s = l->s + b;
    *n = l->pos - b;
    l->pos++;
    return 1;
}

static int lex_word(struct lexer *l, const char *w)
{
    skip_ws(l);
    size_t k = strlen(w);
    if (l->n - l->pos < k || memcmp(l->s + l->pos, w, k) != 0) return 0;
    size_t e = l->pos + k;
    if (e < l->n && ((l->s[e] >= 'A' && l->s[e] <= 'Z') || (l->s[e] >= 'a' && l->s[e] <= 'z')))
        return 0;
    l->pos = e;
    return 1;
}

static fy_status header_error(struct fy_error *err, const struct lexer *l, size_t base,
                              const char *what)
{
    return err_at(err, FY_EFORMAT, (int64_t)(base + l->pos),
                  "malformed .npy header: %s (header: \"%.*s\")", what,
                  (int)(l->n < 160 ? l->n : 160), l->s);
}

fy_status npy_parse_header(const uint8_t *data, size_t size, struct npy_header *h,
                           struct fy_error *err)
{
    memset(h, 0, sizeof *h);
    if (size < 10 || !npy_is_npy(data, size))
        return err_fmt(err, FY_EFORMAT, "not a .npy file (no \\x93NUMPY magic at the start)");
    h->major = data[6];
    h->minor = data[7];
    size_t hlen, base;
    if (h->major == 1 && h->minor == 0) {
        hlen = (size_t)data[8] | (size_t)data[9] << 8;
        base = 10;
    } else if ((h->major == 2 || h->major == 3) && h->minor == 0) {
        if (size < 12) return err_fmt(err, FY_EFORMAT, "truncated .npy header");
        uint32_t v = (uint32_t)data[8] | (uint32_t)data[9] << 8 | (uint32_t)data[10] << 16 |
                     (uint32_t)data[11] << 24;
        hlen = v;
        base = 12;
    } else {
        return err_fmt(err, FY_EUNSUPPORTED,
                       ".npy format version %d.%d; ferry reads 1.0, 2.0 and 3.0", h->major,
                       h->minor);
    }
    if (hlen > size - base)
        return err_fmt(err, FY_EFORMAT,
                       "truncated .npy: the header says it is %zu bytes, the file has %zu "
                       "after the preamble",
                       hlen, size - base);
    struct lexer l = {(const char *)data + base, hlen, 0};
    for (size_t i = 0; i < hlen; i++)
        if (l.s[i] == 0) return header_error(err, &l, base, "NUL byte in the header");
    bool have_descr = false, have_order = false, have_shape = false;
    bool fortran = false;
    if (!accept(&l, '{')) return header_error(err, &l, base, "expected '{'");
    for (;;) {
        if (accept(&l, '}')) break;
        const char *key;
        size_t kn;
        if (!lex_string(&l, &key, &kn)) return header_error(err, &l, base, "expected a key");
        if (!accept(&l, ':')) return header_error(err, &l, base, "expected ':'");
        if (kn == 5 && !memcmp(key, "descr", 5)) {
            const char *v;
            size_t vn;
            skip_ws(&l);
            if (l.pos < l.n && l.s[l.pos] == '[')
                return err_fmt(err, FY_EUNSUPPORTED,
                               "the .npy holds a structured array (record dtype); ferry "
                               "reads plain numeric arrays only");
            if (have_descr || !lex_string(&l, &v, &vn))
                return header_error(err, &l, base, "bad 'descr'");
            fy_status st = parse_descr(v, vn, &h->dtype, err);
            if (st) return st;
            have_descr = true;
        } else if (kn == 13 && !memcmp(key, "fortran_order", 13)) {
            if (have_order) return header_error(err, &l, base, "'fortran_order' twice");
            if (lex_word(&l, "True"))
                fortran = true;
            else if (lex_word(&l, "False"))
                fortran = false;
            else
                return header_error(err, &l, base, "'fortran_order' is not True or False");
            have_order = true;
        } else if (kn == 5 && !memcmp(key, "shape", 5)) {
            if (have_shape || !accept(&l, '(')) return header_error(err, &l, base, "bad 'shape'");
            int rank = 0;
            for (;;) {
                if (accept(&l, ')')) break;
                skip_ws(&l);
                uint64_t v = 0;
                size_t b = l.pos;
                while (l.pos < l.n && l.s[l.pos] >= '0' && l.s[l.pos] <= '9') {
                    v = v * 10 + (uint64_t)(l.s[l.pos] - '0');
                    if (v > (uint64_t)INT64_MAX / 16)
                        return header_error(err, &l, base, "a dim is too large");
                    l.pos++;
                }
                if (l.pos == b) return header_error(err, &l, base, "bad dim in 'shape'");
                if (l.pos < l.n && l.s[l.pos] == 'L') l.pos++; /* Python 2 long */
                if (rank >= OP_MAX_RANK)
                    return err_fmt(err, FY_EUNSUPPORTED,
                                   "the .npy array has more than %d dims; ferry supports at "
                                   "most %d",
                                   OP_MAX_RANK, OP_MAX_RANK);
                h->dims[rank++] = (int64_t)v;
                if (accept(&l, ')')) break;
                if (!accept(&l, ',')) return header_error(err, &l, base, "expected ',' or ')'");
            }
            h->rank = rank;
            have_shape = true;
        } else {
            return header_error(err, &l, base, "unexpected key");
        }
        if (accept(&l, '}')) break;
        if (!accept(&l, ',')) return header_error(err, &l, base, "expected ',' or '}'");
    }
    skip_ws(&l);
    if (l.pos != l.n) return header_error(err, &l, base, "bytes after the closing '}'");
    if (!have_descr || !have_order || !have_shape)
        return header_error(err, &l, base, "needs 'descr', 'fortran_order' and 'shape'");
    uint64_t n = 1;
    for (int d = 0; d < h->rank; d++) {
        uint64_t v = (uint64_t)h->dims[d];
        if (v && n > UINT64_MAX / v)
            return err_fmt(err, FY_EFORMAT, "the .npy shape has too many elements");
        n *= v;
    }
    h->numel = n;
    if (!ir_dtype_nbytes(h->dtype, n, &h->nbytes))
        return err_fmt(err, FY_EFORMAT, "the .npy shape has too many elements");
    if (fortran && h->rank > 1) {
        int many = 0;
        for (int d = 0; d < h->rank; d++)
            many += h->dims[d] > 1;
        if (many > 1)
            return err_fmt(err, FY_EUNSUPPORTED,
                           "the .npy is in Fortran order; ferry reads C order only (save "
                           "np.ascontiguousarray(arr))");
    }
    h->data_offset = base + hlen;
    size_t avail = size - h->data_offset;
    if (h->nbytes > avail)
        return err_fmt(err, FY_EFORMAT,
                       "truncated .npy: shape and dtype need %llu bytes of data, the file has "
                       "%zu",
                       (unsigned long long)h->nbytes, avail);
    if (h->nbytes < avail)
        return err_fmt(err, FY_EFORMAT,
                       ".npy has %zu bytes after the array data (shape and dtype need %llu)",
                       avail - (size_t)h->nbytes, (unsigned long long)h->nbytes);
    return FY_OK;
}

fy_status npy_read_buffer(const uint8_t *data, size_t size, struct op_tensor *out,
                          struct fy_error *err)
{
    memset(out, 0, sizeof *out);
    struct npy_header h;
    fy_status st = npy_parse_header(data, size, &h, err);
    if (st) return st;
    st = op_tensor_alloc(out, h.dtype, h.rank, h.dims, err);
    if (st) return st;
    if (h.nbytes) memcpy(out->data, data + h.data_offset, (size_t)h.nbytes);
    if (h.dtype == IR_BOOL) {
        uint8_t *b = out->data;
        for (uint64_t i = 0; i < h.numel; i++)
            b[i] = b[i] != 0;
    }
    return FY_OK;
}

fy_status npy_read_file(const char *path, struct op_tensor *out, struct fy_error *err)
{
    memset(out, 0, sizeof *out);
    err_set_file(err, path);
    struct file_map m;
    fy_status st = file_map_read(path, &m, err);
    if (st) return st;
    st = npy_read_buffer(m.data, m.size, out, err);
    file_map_release(&m);
    return st;
}

/* ---- writing ---- */

fy_status npy_encode(const struct op_tensor *t, uint8_t **out, size_t *out_size,
                     struct fy_error *err)
{
    *out = NULL;
    *out_size = 0;
    const char *descr = descr_of(t->dtype);
    if (!descr)
        return err_fmt(err, FY_EUNSUPPORTED, ".npy has no spelling for type %s",
                       ir_dtype_name(t->dtype));
    if (t->rank < 0 || t->rank > OP_MAX_RANK)
        return err_fmt(err, FY_EINTERNAL, "bad rank %d", t->rank);
    char shape[OP_MAX_RANK * 24 + 8];
    size_t k = 0;
    shape[k++] = '(';
    for (int d = 0; d < t->rank; d++)
        k += (size_t)snprintf(shape + k, sizeof shape - k, "%s%lld", d ? ", " : "",
                              (long long)t->dims[d]);
    if (t->rank == 1) shape[k++] = ',';
    shape[k++] = ')';
    shape[k] = 0;
    char dict[sizeof shape + 96];
    int dn = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                      descr, shape);
    if (dn < 0 || (size_t)dn >= sizeof dict) return err_fmt(err, FY_EINTERNAL, "header too long");
    /* pad with spaces so the data starts on a 64-byte boundary; '\n' last */
    size_t total = 10 + (size_t)dn + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)dn + pad + 1;
    if (hlen > 65535) return err_fmt(err, FY_EINTERNAL, "header too long");
    uint64_t nbytes;
    if (!ir_dtype_nbytes(t->dtype, t->numel, &nbytes) || nbytes > SIZE_MAX - 10 - hlen)
        return err_fmt(err, FY_EINTERNAL, "tensor too large");
    size_t size = 10 + hlen + (size_t)nbytes;
    uint8_t *b = malloc(size);
    if (!b) return err_fmt(err, FY_ENOMEM, "out of memory (%zu bytes)", size);
    memcpy(b, npy_magic, 6);
    b[6] = 1;
    b[7] = 0;
    b[8] = (uint8_t)(hlen & 0xff);
    b[9] = (uint8_t)(hlen >> 8);
    memcpy(b + 10, dict, (size_t)dn);
    memset(b + 10 + dn, ' ', pad);
    b[10 + hlen - 1] = '\n';
    if (nbytes) memcpy(b + 10 + hlen, t->data, (size_t)nbytes);
    *out = b;
    *out_size = size;
    return FY_OK;
}

fy_status npy_write_file(const char *path, const struct op_tensor *t, const char *const *inputs,
                         int n_inputs, struct fy_error *err)
{
    uint8_t *buf;
    size_t n;
    fy_status st = npy_encode(t, &buf, &n, err);
    if (st) return st;
    st = file_write_atomic(path, buf, n, inputs, n_inputs, err);
    free(buf);
    return st;
}

/* ---- CRC-32 (the ZIP polynomial, reflected 0xEDB88320) ---- */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_build(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t npy_crc32(const uint8_t *data, size_t size)
{
    pthread_once(&crc_once, crc_build);
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < size; i++)
        c = crc_table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* ---- inflate (RFC 1951), after the structure of zlib's puff.c ---- */

#define INF_MAXBITS 15
#define INF_MAXLCODES 286
#define INF_MAXDCODES 30
#define INF_FIXLCODES 288

struct inflate_state {
    const uint8_t *in;
    size_t in_size, in_pos;
    uint32_t bitbuf;
    int bitcnt;
    uint8_t *out;
    size_t out_size, out_pos;
    const char *fail; /* first fault, NULL while all is well */
};

struct huffman {
    short count[INF_MAXBITS + 1]; /* codes of each length */
    short symbol[INF_FIXLCODES];  /* symbols in canonical order */
};

static int inf_bits(struct inflate_state *s, int need)
{
    uint32_t val = s->bitbuf;
    while (s->bitcnt < need) {
        if (s->in_pos >= s->in_size) {
            if (!s->fail) s->fail = "the compressed data ends early";
            return 0;
        }
        val |= (uint32_t)s->in[s->in_pos++] << s->bitcnt;
        s->bitcnt += 8;
    }
    s->bitbuf = (uint32_t)(val >> need);
    s->bitcnt -= need;
    return (int)(val & ((1u << need) - 1));
}

static void inf_stored(struct inflate_state *s)
{
    s->bitbuf = 0;
    s->bitcnt = 0;
    if (s->in_size - s->in_pos < 4) {
        s->fail = "the compressed data ends early";
        return;
    }
    const uint8_t *p = s->in + s->in_pos;
    unsigned len = p[0] | (unsigned)p[1] << 8;
    unsigned nlen = p[2] | (unsigned)p[3] << 8;
    s->in_pos += 4;
    if (len != (~nlen & 0xffff)) {
        s->fail = "a stored block's length does not match its complement";
        return;
    }
    if (s->in_size - s->in_pos < len) {
        s->fail = "the compressed data ends early";
        return;
    }
    if (s->out_size - s->out_pos < len) {
        s->fail = "the data inflates to more than the size the archive states";
        return;
    }
    memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
    s->out_pos += len;
    s->in_pos += len;
}

static int inf_decode(struct inflate_state *s, const struct huffman *h)
{
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= INF_MAXBITS; len++) {
        code |= inf_bits(s, 1);
        if (s->fail) return -1;
        int count = h->count[len];
        if (code - count < first) return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    if (!s->fail) s->fail = "an invalid Huffman code";
    return -1;
}

/* Returns 0 for a complete code, > 0 for an incomplete one, < 0 when
 * over-subscribed. */
static int inf_construct(struct huffman *h, const short *length, int n)
{
    for (int len = 0; len <= INF_MAXBITS; len++)
        h->count[len] = 0;
    for (int sym = 0; sym < n; sym++)
        h->count[length[sym]]++;
    if (h->count[0] == n) return 0; /* no codes: complete, but decoding fails */
    int left = 1;
    for (int len = 1; len <= INF_MAXBITS; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0) return left;
    }
    short offs[INF_MAXBITS + 1];
    offs[1] = 0;
    for (int len = 1; len < INF_MAXBITS; len++)
        offs[len + 1] = (short)(offs[len] + h->count[len]);
    for (int sym = 0; sym < n; sym++)
        if (length[sym] != 0) h->symbol[offs[length[sym]]++] = (short)sym;
    return left;
}

static void inf_codes(struct inflate_state *s, const struct huffman *lencode,
                      const struct huffman *distcode)
{
    static const short lbase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const short lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                   2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const short dbase[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const short dext[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                   6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
        int sym = inf_decode(s, lencode);
        if (s->fail) return;
        if (sym < 256) {
            if (s->out_pos >= s->out_size) {
                s->fail = "the data inflates to more than the size the archive states";
                return;
            }
            s->out[s->out_pos++] = (uint8_t)sym;
        } else if (sym == 256) {
            return;
        } else {
            sym -= 257;
            if (sym >= 29) {
                s->fail = "an invalid length code";
                return;
            }
            size_t len = (size_t)lbase[sym] + (size_t)inf_bits(s, lext[sym]);
            int dsym = inf_decode(s, distcode);
            if (s->fail) return;
            if (dsym >= 30) {
                s->fail = "an invalid distance code";
                return;
            }
            size_t dist = (size_t)(unsigned short)dbase[dsym] + (size_t)inf_bits(s, dext[dsym]);
            if (s->fail) return;
            if (dist > s->out_pos) {
                s->fail = "a distance reaches back before the start of the data";
                return;
            }
            if (s->out_size - s->out_pos < len) {
                s->fail = "the data inflates to more than the size the archive states";
                return;
            }
            for (size_t i = 0; i < len; i++, s->out_pos++)
                s->out[s->out_pos] = s->out[s->out_pos - dist];
        }
    }
}

static void inf_fixed(struct inflate_state *s)
{
    struct huffman lencode, distcode;
    short lengths[INF_FIXLCODES];
    int sym = 0;
    for (; sym < 144; sym++)
        lengths[sym] = 8;
    for (; sym < 256; sym++)
        lengths[sym] = 9;
    for (; sym < 280; sym++)
        lengths[sym] = 7;
    for (; sym < INF_FIXLCODES; sym++)
        lengths[sym] = 8;
    inf_construct(&lencode, lengths, INF_FIXLCODES);
    for (sym = 0; sym < INF_MAXDCODES; sym++)
        lengths[sym] = 5;
    inf_construct(&distcode, lengths, INF_MAXDCODES);
    inf_codes(s, &lencode, &distcode);
}

static void inf_dynamic(struct inflate_state *s)
{
    static const short order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                    11, 4,  12, 3, 13, 2, 14, 1, 15};
    short lengths[INF_MAXLCODES + INF_MAXDCODES];
    struct huffman lencode, distcode;
    int nlen = inf_bits(s, 5) + 257;
    int ndist = inf_bits(s, 5) + 1;
    int ncode = inf_bits(s, 4) + 4;
    if (s->fail) return;
    if (nlen > INF_MAXLCODES || ndist > INF_MAXDCODES) {
        s->fail = "a dynamic block declares too many codes";
        return;
    }
    int index = 0;
    for (; index < ncode; index++)
        lengths[order[index]] = (short)inf_bits(s, 3);
    for (; index < 19; index++)
        lengths[order[index]] = 0;
    if (s->fail) return;
    if (inf_construct(&lencode, lengths, 19) != 0) {
        s->fail = "an incomplete code-length code";
        return;
    }
    index = 0;
    while (index < nlen + ndist) {
        int sym = inf_decode(s, &lencode);
        if (s->fail) return;
        if (sym < 16) {
            lengths[index++] = (short)sym;
            continue;
        }
        short len = 0;
        if (sym == 16) {
            if (index == 0) {
                s->fail = "a repeat code with nothing to repeat";
                return;
            }
            len = lengths[index - 1];
            sym = 3 + inf_bits(s, 2);
        } else if (sym == 17) {
            sym = 3 + inf_bits(s, 3);
        } else {
            sym = 11 + inf_bits(s, 7);
        }
        if (s->fail) return;
        if (index + sym > nlen + ndist) {
            s->fail = "code lengths run past the declared count";
            return;
        }
        while (sym--)
            lengths[index++] = len;
    }
    if (lengths[256] == 0) {
        s->fail = "a dynamic block without an end-of-block code";
        return;
    }
    int e = inf_construct(&lencode, lengths, nlen);
    if (e < 0 || (e > 0 && nlen - lencode.count[0] != 1)) {
        s->fail = "an invalid literal/length code";
        return;
    }
    e = inf_construct(&distcode, lengths + nlen, ndist);
    if (e < 0 || (e > 0 && ndist - distcode.count[0] != 1)) {
        s->fail = "an invalid distance code set";
        return;
    }
    inf_codes(s, &lencode, &distcode);
}

fy_status npy_inflate(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_size,
                      size_t *used, struct fy_error *err)
{
    struct inflate_state s = {.in = src, .in_size = src_size, .out = dst, .out_size = dst_size};
    int last;
    do {
        last = inf_bits(&s, 1);
        int type = inf_bits(&s, 2);
        if (s.fail) break;
        if (type == 0)
            inf_stored(&s);
        else if (type == 1)
            inf_fixed(&s);
        else if (type == 2)
            inf_dynamic(&s);
        else
            s.fail = "a block of the reserved type 3";
    } while (!last && !s.fail);
    if (!s.fail && s.out_pos != dst_size)
        s.fail = "the data inflates to less than the size the archive states";
    if (used) *used = s.in_pos;
    if (s.fail) return err_at(err, FY_EFORMAT, (int64_t)s.in_pos, "bad DEFLATE data: %s", s.fail);
    return FY_OK;
}

/* ---- ZIP (.npz) ---- */

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

#define ZIP_EOCD_SIG 0x06054b50u
#define ZIP64_LOCATOR_SIG 0x07064b50u
#define ZIP64_EOCD_SIG 0x06064b50u
#define ZIP_CENTRAL_SIG 0x02014b50u
#define ZIP_LOCAL_SIG 0x04034b50u

void npz_free(struct npz *z)
{
    if (!z) return;
    for (int i = 0; i < z->count; i++) {
        free(z->entries[i].name);
        op_tensor_release(&z->entries[i].t);
    }
    free(z->entries);
    z->entries = NULL;
    z->count = 0;
}

/* Finds the end of central directory record; fills the directory's place. */
static fy_status zip_find_directory(const uint8_t *d, size_t size, uint64_t *cd_off,
                                    uint64_t *cd_size, uint64_t *count, uint64_t *cd_limit,
                                    struct fy_error *err)
{
    if (size < 22) return err_fmt(err, FY_EFORMAT, "not a ZIP archive (too short)");
    size_t lowest = size - 22 > 65535 ? size - 22 - 65535 : 0;
    size_t at = SIZE_MAX;
    for (size_t p = size - 22 + 1; p-- > lowest;) {
        if (rd32(d + p) == ZIP_EOCD_SIG && p + 22 + rd16(d + p + 20) == size) {
            at = p;
            break;
        }
    }
    if (at == SIZE_MAX)
        return err_fmt(err, FY_EFORMAT, "not a ZIP archive (no end-of-central-directory record)");
    const uint8_t *e = d + at;
    if (rd16(e + 4) != 0 || rd16(e + 6) != 0 || rd16(e + 8) != rd16(e + 10))
        return err_at(err, FY_EUNSUPPORTED, (int64_t)at,
                      "multi-disk ZIP archives are not supported");
    *count = rd16(e + 10);
    *cd_size = rd32(e + 12);
    *cd_off = rd32(e + 16);
    *cd_limit = at;
    if (*count == 0xFFFF || *cd_size == 0xFFFFFFFFu || *cd_off == 0xFFFFFFFFu) {
        if (at < 20 || rd32(d + at - 20) != ZIP64_LOCATOR_SIG)
            return err_at(err, FY_EFORMAT, (int64_t)at,
                          "ZIP64 values without a ZIP64 end-record locator");
        uint64_t z = rd64(d + at - 20 + 8);
        if (z > at - 20 || at - 20 - z < 56 || rd32(d + z) != ZIP64_EOCD_SIG)
            return err_at(err, FY_EFORMAT, (int64_t)(at - 20),
                          "the ZIP64 end record is not where its locator points");
        const uint8_t *e64 = d + z;
        *count = rd64(e64 + 32);
        *cd_size = rd64(e64 + 40);
        *cd_off = rd64(e64 + 48);
        *cd_limit = z;
    }
    if (*cd_off > *cd_limit || *cd_size > *cd_limit - *cd_off)
        return err_at(err, FY_EFORMAT, (int64_t)at,
                      "the central directory (offset %llu, %llu bytes) lies outside the file",
                      (unsigned long long)*cd_off, (unsigned long long)*cd_size);
    if (*count > *cd_size / 46)
        return err_at(err, FY_EFORMAT, (int64_t)at,
                      "the archive claims %llu entries in a %llu-byte directory",
                      (unsigned long long)*count, (unsigned long long)*cd_size);
    return FY_OK;
}

/* One entry's data, STORED or inflated, into a malloc'd buffer. */
static fy_status zip_entry_data(const uint8_t *d, size_t size, uint64_t cd_off, const uint8_t *c,
                                uint64_t c_at, const char *name, uint8_t **out, size_t *out_size,
                                struct fy_error *err)
{
    uint16_t flags = rd16(c + 8), method = rd16(c + 10);
    uint32_t crc = rd32(c + 16);
    uint64_t csize = rd32(c + 20), usize = rd32(c + 24), local = rd32(c + 42);
    uint16_t nlen = rd16(c + 28), elen = rd16(c + 30);
    /* ZIP64 extra field: the 0xFFFFFFFF fields, in order usize, csize, offset */
    const uint8_t *x = c + 46 + nlen, *xe = x + elen;
    while (xe - x >= 4) {
        uint16_t id = rd16(x), xn = rd16(x + 2);
        if ((size_t)(xe - x - 4) < xn)
            return err_at(err, FY_EFORMAT, (int64_t)c_at,
                          "entry '%s': an extra field runs past its record", name);
        if (id == 1) {
            const uint8_t *v = x + 4;
            size_t left = xn;
            uint64_t *fields[3] = {&usize, &csize, &local};
            for (int k = 0; k < 3; k++) {
                if (*fields[k] != 0xFFFFFFFFu) continue;
                if (left < 8)
                    return err_at(err, FY_EFORMAT, (int64_t)c_at,
                                  "entry '%s': the ZIP64 extra field is too short", name);
                *fields[k] = rd64(v);
                v += 8;
                left -= 8;
            }
        }
        x += 4 + xn;
    }
    if (flags & 1)
        return err_at(err, FY_EUNSUPPORTED, (int64_t)c_at, "entry '%s' is encrypted", name);
    if (method != 0 && method != 8)
        return err_at(err, FY_EUNSUPPORTED, (int64_t)c_at,
                      "entry '%s' uses compression method %u; ferry reads STORED (0) and "
                      "DEFLATE (8)",
                      name, method);
    if (local > cd_off || cd_off - local < 30 || rd32(d + local) != ZIP_LOCAL_SIG)
        return err_at(err, FY_EFORMAT, (int64_t)c_at, "entry '%s': no local header at offset %llu",
                      name, (unsigned long long)local);
    const uint8_t *lh = d + local;
    uint64_t lnlen = rd16(lh + 26), lelen = rd16(lh + 28);
    uint64_t start = local + 30 + lnlen + lelen;
    if (start > cd_off || csize > cd_off - start)
        return err_at(err, FY_EFORMAT, (int64_t)local,
                      "entry '%s': its data (%llu bytes at %llu) runs into the central "
                      "directory",
                      name, (unsigned long long)csize, (unsigned long long)start);
    if (lnlen != nlen || memcmp(lh + 30, c + 46, nlen) != 0 || rd16(lh + 8) != method)
        return err_at(err, FY_EFORMAT, (int64_t)local,
                      "entry '%s': the local header does not match the central directory", name);
    if (method == 0 && usize != csize)
        return err_at(err, FY_EFORMAT, (int64_t)c_at,
                      "entry '%s' is stored but its sizes differ (%llu and %llu)", name,
                      (unsigned long long)csize, (unsigned long long)usize);
    /* DEFLATE expands at most ~1032:1; a larger claim is corruption */
    if (usize > SIZE_MAX / 2 || (method == 8 && usize > csize * 1032 + 1024))
        return err_at(err, FY_EFORMAT, (int64_t)c_at,
                      "entry '%s' claims %llu bytes from %llu compressed", name,
                      (unsigned long long)usize, (unsigned long long)csize);
    (void)size;
    uint8_t *buf = malloc(usize ? (size_t)usize : 1);
    if (!buf)
        return err_fmt(err, FY_ENOMEM, "out of memory (%llu bytes)", (unsigned long long)usize);
    if (method == 0) {
        if (usize) memcpy(buf, d + start, (size_t)usize);
    } else {
        size_t used;
        fy_status st = npy_inflate(d + start, (size_t)csize, buf, (size_t)usize, &used, err);
        if (st) {
            free(buf);
            if (err) {
                char msg[sizeof err->message];
                snprintf(msg, sizeof msg, "entry '%s': %s", name, err->message);
                snprintf(err->message, sizeof err->message, "%s", msg);
                if (err->offset >= 0) err->offset += (int64_t)start;
            }
            return st;
        }
    }
    if (npy_crc32(buf, (size_t)usize) != crc) {
        free(buf);
        return err_at(err, FY_EFORMAT, (int64_t)local,
                      "entry '%s': CRC-32 mismatch (the data is corrupt)", name);
    }
    *out = buf;
    *out_size = (size_t)usize;
    return FY_OK;
}

fy_status npz_read_buffer(const uint8_t *d, size_t size, struct npz *z, struct fy_error *err)
{
    memset(z, 0, sizeof *z);
    uint64_t cd_off = 0, cd_size = 0, count = 0, cd_limit = 0;
    fy_status st = zip_find_directory(d, size, &cd_off, &cd_size, &count, &cd_limit, err);
    if (st) return st;
    z->entries = calloc(count ? (size_t)count : 1, sizeof *z->entries);
    if (!z->entries) return err_fmt(err, FY_ENOMEM, "out of memory");
    uint64_t p = cd_off, end = cd_off + cd_size;
    for (uint64_t i = 0; i < count; i++) {
        if (end - p < 46 || rd32(d + p) != ZIP_CENTRAL_SIG) {
            st = err_at(err, FY_EFORMAT, (int64_t)p, "central directory entry %llu is malformed",
                        (unsigned long long)i);
            break;
        }
        const uint8_t *c = d + p;
        uint64_t nlen = rd16(c + 28), elen = rd16(c + 30), clen = rd16(c + 32);
        if (end - p - 46 < nlen + elen + clen) {
            st = err_at(err, FY_EFORMAT, (int64_t)p,
                        "central directory entry %llu runs past the directory",
                        (unsigned long long)i);
            break;
        }
        if (memchr(c + 46, 0, (size_t)nlen)) {
            st = err_at(err, FY_EFORMAT, (int64_t)p, "entry %llu has a NUL in its name",
                        (unsigned long long)i);
            break;
        }
        size_t key_len = (size_t)nlen;
        if (key_len >= 4 && !memcmp(c + 46 + key_len - 4, ".npy", 4)) key_len -= 4;
        char *name = malloc((size_t)nlen + 1);
        if (!name) {
            st = err_fmt(err, FY_ENOMEM, "out of memory");
            break;
        }
        memcpy(name, c + 46, (size_t)nlen);
        name[nlen] = 0;
        uint8_t *buf = NULL;
        size_t n = 0;
        st = zip_entry_data(d, size, cd_off, c, p, name, &buf, &n, err);
        if (!st) {
            st = npy_read_buffer(buf, n, &z->entries[z->count].t, err);
            if (st && err) {
                char msg[sizeof err->message];
                snprintf(msg, sizeof msg, "entry '%s': %s", name, err->message);
                snprintf(err->message, sizeof err->message, "%s", msg);
            }
        }
        free(buf);
        name[key_len] = 0;
        for (int k = 0; !st && k < z->count; k++)
            if (!strcmp(z->entries[k].name, name)) {
                op_tensor_release(&z->entries[z->count].t);
                st = err_at(err, FY_EFORMAT, (int64_t)p, "two entries are named '%s'", name);
            }
        if (st) {
            free(name);
            break;
        }
        z->entries[z->count++].name = name;
        p += 46 + nlen + elen + clen;
    }
    if (st) npz_free(z);
    return st;
}

fy_status npz_read_file(const char *path, struct npz *z, struct fy_error *err)
{
    memset(z, 0, sizeof *z);
    err_set_file(err, path);
    struct file_map m;
    fy_status st = file_map_read(path, &m, err);
    if (st) return st;
    st = npz_read_buffer(m.data, m.size, z, err);
    file_map_release(&m);
    return st;
}
