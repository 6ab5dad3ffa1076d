/* A small unit-test harness. Each TEST registers itself; the runner prints
 * one line per test and "N passed, N failed" at the end.
 * T_CHECK records a failure and evaluates to the condition, so a test that
 * cannot go on writes `if (!T_CHECK(...)) return;` itself. */
#ifndef FERRY_TESTS_T_H
#define FERRY_TESTS_T_H

#include <stdbool.h>

typedef void (*t_fn)(void);
void t_register(const char *name, t_fn fn);
bool t_check(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Absolute path of a file in the repository (tests run from any folder). */
const char *t_repo_path(const char *rel);
/* Directory with shared models, or NULL when ../shared is absent. */
const char *t_shared_path(const char *rel);

#define TEST(name)                                                                             \
    static void name(void);                                                                    \
    __attribute__((constructor)) static void t_reg_##name(void) { t_register(#name, name); }   \
    static void name(void)

#define T_CHECK(cond, ...) t_check((cond), __FILE__, __LINE__, __VA_ARGS__)

#endif
