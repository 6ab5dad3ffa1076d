#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"

#define T_MAX 1024

static struct {
    const char *name;
    t_fn fn;
} tests[T_MAX];
static int n_tests;
static int current_failures;

void t_register(const char *name, t_fn fn)
{
    if (n_tests < T_MAX) {
        tests[n_tests].name = name;
        tests[n_tests].fn = fn;
        n_tests++;
    }
}

bool t_check(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) return true;
    current_failures++;
    fprintf(stdout, "    %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    return false;
}

static char repo_root[4096];

const char *t_repo_path(const char *rel)
{
    static char buf[8][4096];
    static int k;
    char *b = buf[k++ & 7];
    snprintf(b, sizeof buf[0], "%s/%s", repo_root, rel);
    return b;
}

const char *t_shared_path(const char *rel)
{
    static char buf[8][4096];
    static int k;
    const char *env = getenv("FERRY_SHARED");
    char *b = buf[k++ & 7];
    if (env) snprintf(b, sizeof buf[0], "%s/%s", env, rel);
    else snprintf(b, sizeof buf[0], "%s/../shared/%s", repo_root, rel);
    return access(b, F_OK) == 0 ? b : NULL;
}

int main(int argc, char **argv)
{
    const char *root = getenv("FERRY_ROOT");
    if (!root) root = ".";
    snprintf(repo_root, sizeof repo_root, "%s", root);
    int passed = 0, failed = 0;
    for (int i = 0; i < n_tests; i++) {
        if (argc > 1) {
            bool want = false;
            for (int a = 1; a < argc; a++)
                if (strstr(tests[i].name, argv[a])) want = true;
            if (!want) continue;
        }
        current_failures = 0;
        fflush(stdout);
        tests[i].fn();
        if (current_failures) {
            printf("FAIL %s\n", tests[i].name);
            failed++;
        } else {
            printf("ok   %s\n", tests[i].name);
            passed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
