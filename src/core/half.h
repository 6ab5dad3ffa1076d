/* IEEE binary16 and bfloat16 conversions (round to nearest even). */
#ifndef FERRY_CORE_HALF_H
#define FERRY_CORE_HALF_H

#include <stdint.h>

float half_to_float(uint16_t h);
uint16_t half_from_float(float f);
float bf16_to_float(uint16_t b);
uint16_t bf16_from_float(float f);

#endif
