/*
 * check.h - the one assertion macro of the C tests (tests/unit, tests/compat).
 *
 *   CHECK(condition, printf-format, ...)   counts a pass, or prints
 *                                          "FAIL function:line: message"
 *   return check_report();                 prints "N passed, M failed";
 *                                          0 iff nothing failed
 *
 * Table-driven tests name the row in the message.  Each test program
 * includes this header once (the counters are per program).
 */
#ifndef SIGNET_TESTS_CHECK_H
#define SIGNET_TESTS_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            printf("FAIL %s:%d: ", __func__, __LINE__);                      \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

static inline int
check_report(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
