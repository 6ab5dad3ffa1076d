/* ferry — public API.
 *
 * Every call returns a status; on failure the fy_error passed in holds one
 * message naming the file, node and op where the fault was found. The library
 * never prints. */
#ifndef FERRY_H
#define FERRY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FY_VERSION "0.1.0"

typedef enum {
    FY_OK = 0,
    FY_EIO,          /* a file could not be read or written */
    FY_EFORMAT,      /* the file is malformed (truncated, corrupt, hostile) */
    FY_EINVALID,     /* well-formed, but the model is wrong */
    FY_EUNSUPPORTED, /* valid, but ferry does not handle it */
    FY_ENOMEM,
    FY_EUSAGE,
    FY_EINTERNAL,
    FY_STATUS_COUNT
} fy_status;

typedef struct fy_error fy_error;

const char *fy_status_name(fy_status st);
/* Writes "file: node 'n' (Op): message (at byte N)" into buf; returns its length. */
size_t fy_error_format(const fy_error *e, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
