/* ztest's assertions (Zephyr's ztest_assert.h): zassert_* fail the test, zassume_* skip
 * it, zexpect_* mark it failed and let it go on.  Each takes an optional printf-style
 * message after its operands. */
#ifndef ZEPHYR_ZTEST_ASSERT_H
#define ZEPHYR_ZTEST_ASSERT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Ends the argument list of every check, so that the check can tell whether a message
 * was given (the first extra argument is the message, or this marker). */
extern const char z_ztest_no_message[];

bool z_zassert(bool cond, const char *default_msg, const char *file, int line, const char *func,
	       ...);
bool z_zassume(bool cond, const char *default_msg, const char *file, int line, const char *func,
	       ...);
bool z_zexpect(bool cond, const char *default_msg, const char *file, int line, const char *func,
	       ...);
const char *ztest_relative_filename(const char *file);

#define zassert(cond, default_msg, ...)                                                     \
	((void)z_zassert(!!(cond), default_msg, __FILE__, __LINE__, __func__, ##__VA_ARGS__, \
			 z_ztest_no_message))
#define zassume(cond, default_msg, ...)                                                     \
	((void)z_zassume(!!(cond), default_msg, __FILE__, __LINE__, __func__, ##__VA_ARGS__, \
			 z_ztest_no_message))
#define zexpect(cond, default_msg, ...)                                                     \
	((void)z_zexpect(!!(cond), default_msg, __FILE__, __LINE__, __func__, ##__VA_ARGS__, \
			 z_ztest_no_message))


#define zassert_unreachable(...) zassert(0, "Reached unreachable code", ##__VA_ARGS__)
#define zassert_true(cond, ...) zassert(cond, #cond " is false", ##__VA_ARGS__)
#define zassert_false(cond, ...) zassert(!(cond), #cond " is true", ##__VA_ARGS__)
#define zassert_ok(cond, ...) zassert(!(cond), #cond " is non-zero", ##__VA_ARGS__)
#define zassert_not_ok(cond, ...) zassert(!!(cond), #cond " is zero", ##__VA_ARGS__)
#define zassert_is_null(ptr, ...) zassert((ptr) == NULL, #ptr " is not NULL", ##__VA_ARGS__)
#define zassert_not_null(ptr, ...) zassert((ptr) != NULL, #ptr " is NULL", ##__VA_ARGS__)
#define zassert_equal(a, b, ...) zassert((a) == (b), #a " not equal to " #b, ##__VA_ARGS__)
#define zassert_not_equal(a, b, ...) zassert((a) != (b), #a " equal to " #b, ##__VA_ARGS__)
#define zassert_equal_ptr(a, b, ...) \
	zassert((void *)(a) == (void *)(b), #a " not equal to " #b, ##__VA_ARGS__)
#define zassert_within(a, b, d, ...)                                                       \
	zassert(((a) >= ((b) - (d))) && ((a) <= ((b) + (d))), #a " not within " #b " +/- " #d, \
		##__VA_ARGS__)
#define zassert_between_inclusive(a, l, u, ...)                                             \
	zassert(((a) >= (l)) && ((a) <= (u)), #a " not between " #l " and " #u " inclusive", \
		##__VA_ARGS__)
#define zassert_mem_equal(...) zassert_mem_equal__(__VA_ARGS__)
#define zassert_mem_equal__(buf, exp, size, ...) \
	zassert(memcmp(buf, exp, size) == 0, #buf " not equal to " #exp, ##__VA_ARGS__)
#define zassert_str_equal(s1, s2, ...) \
	zassert(strcmp(s1, s2) == 0, #s1 " not equal to " #s2, ##__VA_ARGS__)

#define zassume_true(cond, ...) zassume(cond, #cond " is false", ##__VA_ARGS__)
#define zassume_false(cond, ...) zassume(!(cond), #cond " is true", ##__VA_ARGS__)
#define zassume_ok(cond, ...) zassume(!(cond), #cond " is non-zero", ##__VA_ARGS__)
#define zassume_not_ok(cond, ...) zassume(!!(cond), #cond " is zero", ##__VA_ARGS__)
#define zassume_is_null(ptr, ...) zassume((ptr) == NULL, #ptr " is not NULL", ##__VA_ARGS__)
#define zassume_not_null(ptr, ...) zassume((ptr) != NULL, #ptr " is NULL", ##__VA_ARGS__)
#define zassume_equal(a, b, ...) zassume((a) == (b), #a " not equal to " #b, ##__VA_ARGS__)
#define zassume_not_equal(a, b, ...) zassume((a) != (b), #a " equal to " #b, ##__VA_ARGS__)
#define zassume_equal_ptr(a, b, ...) \
	zassume((void *)(a) == (void *)(b), #a " not equal to " #b, ##__VA_ARGS__)
#define zassume_within(a, b, d, ...)                                                       \
	zassume(((a) >= ((b) - (d))) && ((a) <= ((b) + (d))), #a " not within " #b " +/- " #d, \
		##__VA_ARGS__)
#define zassume_between_inclusive(a, l, u, ...)                                             \
	zassume(((a) >= (l)) && ((a) <= (u)), #a " not between " #l " and " #u " inclusive", \
		##__VA_ARGS__)
#define zassume_mem_equal(...) zassume_mem_equal__(__VA_ARGS__)
#define zassume_mem_equal__(buf, exp, size, ...) \
	zassume(memcmp(buf, exp, size) == 0, #buf " not equal to " #exp, ##__VA_ARGS__)
#define zassume_str_equal(s1, s2, ...) \
	zassume(strcmp(s1, s2) == 0, #s1 " not equal to " #s2, ##__VA_ARGS__)

#define zexpect_true(cond, ...) zexpect(cond, #cond " is false", ##__VA_ARGS__)
#define zexpect_false(cond, ...) zexpect(!(cond), #cond " is true", ##__VA_ARGS__)
#define zexpect_ok(cond, ...) zexpect(!(cond), #cond " is non-zero", ##__VA_ARGS__)
#define zexpect_not_ok(cond, ...) zexpect(!!(cond), #cond " is zero", ##__VA_ARGS__)
#define zexpect_is_null(ptr, ...) zexpect((ptr) == NULL, #ptr " is not NULL", ##__VA_ARGS__)
#define zexpect_not_null(ptr, ...) zexpect((ptr) != NULL, #ptr " is NULL", ##__VA_ARGS__)
#define zexpect_equal(a, b, ...) zexpect((a) == (b), #a " not equal to " #b, ##__VA_ARGS__)
#define zexpect_not_equal(a, b, ...) zexpect((a) != (b), #a " equal to " #b, ##__VA_ARGS__)
#define zexpect_equal_ptr(a, b, ...) \
	zexpect((void *)(a) == (void *)(b), #a " not equal to " #b, ##__VA_ARGS__)
#define zexpect_within(a, b, delta, ...)                                                    \
	zexpect(((a) >= ((b) - (delta))) && ((a) <= ((b) + (delta))),                       \
		#a " not within " #b " +/- " #delta, ##__VA_ARGS__)
#define zexpect_between_inclusive(a, l, u, ...)                                             \
	zexpect(((a) >= (l)) && ((a) <= (u)), #a " not between " #l " and " #u " inclusive", \
		##__VA_ARGS__)
#define zexpect_mem_equal(buf, exp, size, ...) \
	zexpect(memcmp(buf, exp, size) == 0, #buf " not equal to " #exp, ##__VA_ARGS__)
#define zexpect_str_equal(s1, s2, ...) \
	zexpect(strcmp(s1, s2) == 0, #s1 " not equal to " #s2, ##__VA_ARGS__)

#endif
