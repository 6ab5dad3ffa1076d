/* Family 'sequence' (sequence models): the recurrent layers RNN, GRU and
 * LSTM (rnn.c) and scaled dot-product Attention of opset 23 (attention.c).
 * sequence.c gathers their descriptors into op_family_sequence.
 *
 * Both compute in float64 whatever the tensors' float type (float16,
 * bfloat16, float32 or float64) and round once when storing the outputs, so
 * one kernel serves every type and the results are at least as accurate as
 * the float32 runtimes they are compared with. */
#ifndef FERRY_OPS_SEQUENCE_H
#define FERRY_OPS_SEQUENCE_H

#include "ops/op.h"

/* ---- RNN, GRU, LSTM ---- */

/* The activation functions the recurrent ops accept (ONNX's list). */
enum seq_act {
    SEQ_ACT_RELU,
    SEQ_ACT_TANH,
    SEQ_ACT_SIGMOID,
    SEQ_ACT_AFFINE,
    SEQ_ACT_LEAKY_RELU,
    SEQ_ACT_THRESHOLDED_RELU,
    SEQ_ACT_SCALED_TANH,
    SEQ_ACT_HARD_SIGMOID,
    SEQ_ACT_ELU,
    SEQ_ACT_SOFTSIGN,
    SEQ_ACT_SOFTPLUS,
};

struct seq_act_fn {
    enum seq_act kind;
    double alpha, beta;
};

#define SEQ_MAX_ACT 3 /* per direction: f, g, h of LSTM */

struct seq_rnn_params {
    int n_gates;        /* 1 RNN, 3 GRU (z r h), 4 LSTM (i o f c) */
    int n_act;          /* activations per direction: 1, 2 or 3 */
    int n_dir;          /* 2 when bidirectional */
    bool reverse;       /* direction "reverse" (one direction) */
    int64_t hidden;     /* hidden_size; -1 when absent (taken from R) */
    struct seq_act_fn act[2][SEQ_MAX_ACT]; /* by direction */
    bool has_clip;
    double clip;
    bool input_forget;        /* LSTM */
    bool linear_before_reset; /* GRU */
    int64_t layout;           /* 0: [seq, batch, ...]; 1: [batch, seq, ...] */
};

fy_status seq_rnn_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err);
fy_status seq_rnn_infer(struct op_ctx *c);
fy_status seq_rnn_eval(struct op_ctx *c);

/* ---- Attention ---- */

struct seq_attention_params {
    bool is_causal;
    int64_t q_heads, kv_heads; /* 0 when absent (4-D inputs carry them) */
    int64_t qk_mode;           /* qk_matmul_output_mode, 0..3 */
    bool has_scale;
    double scale;
    double softcap;            /* 0: none */
};

fy_status seq_attention_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err);
fy_status seq_attention_infer(struct op_ctx *c);
fy_status seq_attention_eval(struct op_ctx *c);

#endif
