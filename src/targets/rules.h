/* Small helpers for the rule functions of the target tables: reading a
 * node's attributes, inputs, dtypes and shapes without repeating the NULL
 * and type checks in every rule. All take NULL safely. */
#ifndef FERRY_TARGETS_RULES_H
#define FERRY_TARGETS_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "targets/target.h"

/* An INT attribute, or dflt when absent (or of another type). */
int64_t rule_attr_int(const struct ir_node *n, const char *name, int64_t dflt);
/* An INTS attribute: its count (vals set), or -1 when absent. */
int rule_attr_ints(const struct ir_node *n, const char *name, const int64_t **vals);
/* A FLOAT attribute, or dflt. */
float rule_attr_float(const struct ir_node *n, const char *name, float dflt);
/* Whether a STRING attribute equals s; absent answers dflt_is (the caller
 * says whether the op's default equals s). */
bool rule_attr_string_is(const struct ir_node *n, const char *name, const char *s, bool dflt_is);
/* A STRING attribute copied into buf ("" when absent). */
const char *rule_attr_string(const struct ir_node *n, const char *name, char *buf, int cap);

/* Input / output i, or NULL when left out or out of range. */
const struct ir_tensor *rule_input(const struct ir_node *n, int i);
const struct ir_tensor *rule_output(const struct ir_node *n, int i);
/* Number of inputs actually given (trailing optional ones left out). */
int rule_input_count(const struct ir_node *n);

bool rule_is_const(const struct ir_tensor *t);
/* Every dim known (rank known too). */
bool rule_is_static(const struct ir_tensor *t);
/* Every non-constant input and every output of the node static. */
bool rule_node_static(const struct ir_node *n);
/* An integer tensor with quantization parameters (int8/uint8/int16...). */
bool rule_is_quantized(const struct ir_tensor *t);
/* The dtype's NumPy name, "undefined" for NULL. */
const char *rule_dtype_name(const struct ir_tensor *t);
/* Rank, or -1 when unknown or t is NULL. */
int rule_rank(const struct ir_tensor *t);
/* dims as "[1,3,224,224]" (symbolic dims by name, unknown as ?). */
const char *rule_shape(const struct ir_tensor *t, char *buf, int cap);

/* A node's first dtype that is in none of the allowed list (inputs and
 * outputs, constants included), for "input 1 is float64; X supports
 * float32, float16" rules. Returns the tensor or NULL when all are allowed;
 * n_allowed entries. */
const struct ir_tensor *rule_first_dtype_outside(const struct ir_node *n,
                                                 const enum ir_dtype *allowed, int n_allowed,
                                                 int *which_input, bool *is_output);

#endif
