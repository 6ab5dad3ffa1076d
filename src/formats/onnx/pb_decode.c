#include "formats/onnx/pb_decode.h"

#include <string.h>

void pb_init(struct pb_reader *r, const uint8_t *data, size_t size, uint64_t base)
{
    r->data = data;
    r->size = size;
    r->pos = 0;
    r->base = base;
}

void pb_init_field(struct pb_reader *r, const struct pb_field *f)
{
    pb_init(r, f->data, f->size, f->data_offset);
}

const char *pb_wire_name(enum pb_wire wire)
{
    switch (wire) {
    case PB_VARINT:
        return "varint";
    case PB_I64:
        return "fixed64";
    case PB_LEN:
        return "length-delimited";
    case PB_I32:
        return "fixed32";
    }
    return "?";
}

fy_status pb_read_varint(struct pb_reader *r, uint64_t *v, struct fy_error *err)
{
    uint64_t start = pb_offset(r);
    uint64_t x = 0;
    for (int i = 0; i < 10; i++) {
        if (r->pos >= r->size)
            return err_at(err, FY_EFORMAT, (int64_t)start,
                          "varint runs past the end of its message");
        uint8_t b = r->data[r->pos++];
        /* The 10th byte holds bit 63 only: anything more overflows 64 bits
         * (and a continuation bit there would make an 11-byte varint). */
        if (i == 9 && b > 1)
            return err_at(err, FY_EFORMAT, (int64_t)start,
                          "varint overflows 64 bits (10th byte is 0x%02x; expected 0 or 1)", b);
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return FY_OK;
        }
    }
    /* unreachable: the 10th byte either ends the varint or fails above */
    return err_at(err, FY_EFORMAT, (int64_t)start, "varint longer than 10 bytes");
}

fy_status pb_read_fixed32(struct pb_reader *r, uint32_t *v, struct fy_error *err)
{
    if (r->size - r->pos < 4)
        return err_at(err, FY_EFORMAT, (int64_t)pb_offset(r),
                      "fixed32 value needs 4 bytes; %zu left in its message", r->size - r->pos);
    const uint8_t *p = r->data + r->pos;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    r->pos += 4;
    return FY_OK;
}

fy_status pb_read_fixed64(struct pb_reader *r, uint64_t *v, struct fy_error *err)
{
    if (r->size - r->pos < 8)
        return err_at(err, FY_EFORMAT, (int64_t)pb_offset(r),
                      "fixed64 value needs 8 bytes; %zu left in its message", r->size - r->pos);
    const uint8_t *p = r->data + r->pos;
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    *v = x;
    r->pos += 8;
    return FY_OK;
}

fy_status pb_read_len(struct pb_reader *r, const uint8_t **data, size_t *size, struct fy_error *err)
{
    uint64_t start = pb_offset(r);
    uint64_t n;
    fy_status st = pb_read_varint(r, &n, err);
    if (st) return st;
    /* Compare against what is left, never form data + n first: a huge n
     * would overflow the pointer. */
    size_t left = r->size - r->pos;
    if (n > left)
        return err_at(err, FY_EFORMAT, (int64_t)start,
                      "length %llu runs past the end of its message (%zu bytes left)",
                      (unsigned long long)n, left);
    *data = r->data + r->pos;
    *size = (size_t)n;
    r->pos += (size_t)n;
    return FY_OK;
}

fy_status pb_read_key(struct pb_reader *r, uint32_t *number, enum pb_wire *wire,
                      struct fy_error *err)
{
    uint64_t start = pb_offset(r);
    uint64_t key;
    fy_status st = pb_read_varint(r, &key, err);
    if (st) return st;
    uint64_t num = key >> 3;
    unsigned w = (unsigned)(key & 7);
    if (num == 0 || num > PB_MAX_FIELD)
        return err_at(err, FY_EFORMAT, (int64_t)start, "field number %llu; expected 1 to %u",
                      (unsigned long long)num, PB_MAX_FIELD);
    if (w == 3 || w == 4)
        return err_at(err, FY_EFORMAT, (int64_t)start,
                      "field %llu has wire type %u (a group); ONNX does not use groups",
                      (unsigned long long)num, w);
    if (w == 6 || w == 7)
        return err_at(err, FY_EFORMAT, (int64_t)start,
                      "field %llu has wire type %u; expected 0, 1, 2 or 5", (unsigned long long)num,
                      w);
    *number = (uint32_t)num;
    *wire = (enum pb_wire)w;
    return FY_OK;
}

fy_status pb_skip(struct pb_reader *r, size_t key_pos, enum pb_wire wire, struct ir_bytes *span,
                  struct fy_error *err)
{
    fy_status st = FY_OK;
    uint64_t v;
    uint32_t v32;
    const uint8_t *d;
    size_t n;
    switch (wire) {
    case PB_VARINT:
        st = pb_read_varint(r, &v, err);
        break;
    case PB_I64:
        st = pb_read_fixed64(r, &v, err);
        break;
    case PB_I32:
        st = pb_read_fixed32(r, &v32, err);
        break;
    case PB_LEN:
        st = pb_read_len(r, &d, &n, err);
        break;
    default:
        return err_at(err, FY_EFORMAT, (int64_t)(r->base + key_pos), "wire type %d is not valid",
                      (int)wire);
    }
    if (st) return st;
    if (span) {
        span->data = r->data + key_pos;
        span->size = r->pos - key_pos;
    }
    return FY_OK;
}

fy_status pb_next(struct pb_reader *r, struct pb_field *f, struct fy_error *err)
{
    memset(f, 0, sizeof *f);
    size_t key_pos = r->pos;
    f->offset = pb_offset(r);
    fy_status st = pb_read_key(r, &f->number, &f->wire, err);
    if (st) return st;
    uint32_t v32;
    switch (f->wire) {
    case PB_VARINT:
        st = pb_read_varint(r, &f->value, err);
        break;
    case PB_I64:
        st = pb_read_fixed64(r, &f->value, err);
        break;
    case PB_I32:
        st = pb_read_fixed32(r, &v32, err);
        f->value = v32;
        break;
    case PB_LEN:
        st = pb_read_len(r, &f->data, &f->size, err);
        f->data_offset = r->base + (size_t)(f->data - r->data);
        break;
    }
    if (st) return st;
    f->span.data = r->data + key_pos;
    f->span.size = r->pos - key_pos;
    return FY_OK;
}

bool pb_wire_fits_repeated(enum pb_wire wire, enum pb_wire elem)
{
    return wire == elem || wire == PB_LEN;
}

fy_status pb_values_init(struct pb_values *it, const struct pb_field *f, enum pb_wire elem,
                         struct fy_error *err)
{
    memset(it, 0, sizeof *it);
    it->elem = elem;
    if (f->wire == elem && elem != PB_LEN) {
        it->single = true;
        it->single_value = f->value;
        it->count = 1;
        return FY_OK;
    }
    if (f->wire != PB_LEN)
        return err_at(err, FY_EFORMAT, (int64_t)f->offset,
                      "repeated field %u has wire type %d; expected %s or a packed list", f->number,
                      (int)f->wire, pb_wire_name(elem));
    pb_init_field(&it->r, f);
    switch (elem) {
    case PB_I32:
    case PB_I64: {
        size_t w = elem == PB_I32 ? 4 : 8;
        if (f->size % w)
            return err_at(err, FY_EFORMAT, (int64_t)f->offset,
                          "packed field %u holds %zu bytes; expected a multiple of %zu (%s)",
                          f->number, f->size, w, pb_wire_name(elem));
        it->count = f->size / w;
        return FY_OK;
    }
    case PB_VARINT: {
        /* Every varint ends with exactly one byte whose top bit is clear. */
        uint64_t n = 0;
        for (size_t i = 0; i < f->size; i++)
            n += !(f->data[i] & 0x80);
        if (f->size && (f->data[f->size - 1] & 0x80))
            return err_at(err, FY_EFORMAT, (int64_t)(f->data_offset + f->size - 1),
                          "packed field %u ends inside a varint", f->number);
        it->count = n;
        return FY_OK;
    }
    case PB_LEN:
        break;
    }
    return err_at(err, FY_EINTERNAL, (int64_t)f->offset, "repeated field of %s values",
                  pb_wire_name(elem));
}

fy_status pb_values_next(struct pb_values *it, uint64_t *v, struct fy_error *err)
{
    if (it->taken >= it->count)
        return err_at(err, FY_EINTERNAL, (int64_t)pb_offset(&it->r),
                      "read past the last value of a repeated field");
    it->taken++;
    if (it->single) {
        *v = it->single_value;
        return FY_OK;
    }
    uint32_t v32;
    fy_status st;
    switch (it->elem) {
    case PB_VARINT:
        return pb_read_varint(&it->r, v, err);
    case PB_I64:
        return pb_read_fixed64(&it->r, v, err);
    case PB_I32:
        st = pb_read_fixed32(&it->r, &v32, err);
        *v = v32;
        return st;
    case PB_LEN:
        break;
    }
    return err_at(err, FY_EINTERNAL, (int64_t)pb_offset(&it->r), "repeated field of %s values",
                  pb_wire_name(it->elem));
}
