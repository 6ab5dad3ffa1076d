/* Family 'sequence': the recurrent layers (rnn.c) and Attention
 * (attention.c); see sequence.h. */
#include "ops/sequence.h"

const struct op_desc op_family_sequence[] = {
    /* rnn.c: X, W, R, B, sequence_lens, initial_h (, initial_c, P) -> Y, Y_h (, Y_c) */
    {IR_OP_RNN, 3, 6, 0, 2, sizeof(struct seq_rnn_params), seq_rnn_parse, seq_rnn_infer,
     seq_rnn_eval},
    {IR_OP_GRU, 3, 6, 0, 2, sizeof(struct seq_rnn_params), seq_rnn_parse, seq_rnn_infer,
     seq_rnn_eval},
    {IR_OP_LSTM, 3, 8, 0, 3, sizeof(struct seq_rnn_params), seq_rnn_parse, seq_rnn_infer,
     seq_rnn_eval},
    /* attention.c: Q, K, V, attn_mask, past_key, past_value, nonpad_kv_seqlen (24)
     *   -> Y, present_key, present_value, qk_matmul_output */
    {IR_OP_ATTENTION, 3, 7, 1, 4, sizeof(struct seq_attention_params), seq_attention_parse,
     seq_attention_infer, seq_attention_eval},
};
const int op_family_sequence_count = sizeof op_family_sequence / sizeof op_family_sequence[0];
