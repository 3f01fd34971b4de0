/* Preprocessor helpers from Zephyr's sys/util_macro.h: choosing code by whether a
 * configuration macro is defined to 1 (or 0), and pasting names together. */
#ifndef ZEPHYR_SYS_UTIL_MACRO_H
#define ZEPHYR_SYS_UTIL_MACRO_H

#include <zephyr/sys/util_loops.h>
#include <zephyr/sys/util_numbers.h>

/* A flag defined as 1 pastes into _XXXX1, which expands to "_YYYY," and so shifts the
 * arguments of the selector by one: the second argument is then the "if" code. */
#ifndef _XXXX1
#define _XXXX1 _YYYY,
#endif
#define _ZZZZ0 _YYYY,

#define Z_DEBRACKET(...) __VA_ARGS__
#define Z_PICK_SECOND_DEBRACKETED(ignored, chosen, ...) Z_DEBRACKET chosen
#define Z_COND_CODE(one_or_two_args, if_code, else_code) \
	Z_PICK_SECOND_DEBRACKETED(one_or_two_args if_code, else_code)
#define Z_COND_CODE_1(flag, if_1_code, else_code) Z_COND_CODE(_XXXX##flag, if_1_code, else_code)
#define Z_COND_CODE_0(flag, if_0_code, else_code) Z_COND_CODE(_ZZZZ##flag, if_0_code, else_code)

/* COND_CODE_1(CONFIG_X, (code if 1), (code otherwise)); the codes are in parentheses. */
#define COND_CODE_1(flag, if_1_code, else_code) Z_COND_CODE_1(flag, if_1_code, else_code)
#define COND_CODE_0(flag, if_0_code, else_code) Z_COND_CODE_0(flag, if_0_code, else_code)
#define IF_ENABLED(flag, code) COND_CODE_1(flag, code, ())
#define IF_DISABLED(flag, code) COND_CODE_1(flag, (), code)

#define UTIL_PRIMITIVE_CAT(a, ...) a##__VA_ARGS__
#define UTIL_CAT(a, ...) UTIL_PRIMITIVE_CAT(a, __VA_ARGS__)

/* Bit fields: the value of `mask`'s field in `value`, and `value` placed in it. */
#define LSB_GET(value) ((value) & -(value))
#define FIELD_GET(mask, value) (((value) & (mask)) / LSB_GET(mask))
#define FIELD_PREP(mask, value) (((value) * LSB_GET(mask)) & (mask))


/* Arithmetic and logic on integer literals (0 to 255), at preprocessing time. */
#define UTIL_INC(x) UTIL_PRIMITIVE_CAT(Z_UTIL_INC_, x)
#define UTIL_DEC(x) UTIL_PRIMITIVE_CAT(Z_UTIL_DEC_, x) /* UTIL_DEC(0) is 0 */
#define UTIL_X2(x) UTIL_PRIMITIVE_CAT(Z_UTIL_X2_, x)
/* 1 if a and b are the same literal (or macros expanding to it), else 0. */
#define IS_EQ(a, b) Z_IS_EQ(a, b)
#define Z_IS_EQ(a, b) Z_IS_EQ_SELECT(Z_IS_EQ_##a##_##b)
#define Z_IS_EQ_SELECT(marker_or_name) Z_IS_EQ_PICK(marker_or_name 1, 0)
#define Z_IS_EQ_PICK(ignored, value, ...) value
#define UTIL_NOT(x) IS_EQ(x, 0)
#define UTIL_BOOL(x) Z_COND_CODE_0(x, (0), (1))
/* a || b and a && b, with b left unexpanded when a decides (a is 0 or 1). */
#define UTIL_OR(a, b) COND_CODE_1(UTIL_BOOL(a), (a), (b))
#define UTIL_AND(a, b) COND_CODE_1(UTIL_BOOL(a), (b), (0))

#define EMPTY
#define IDENTITY(V) V
/* 1 if the arguments expand to nothing at all, else 0. */
#define IS_EMPTY(...) Z_FIRST_OF(__VA_OPT__(0, ) 1, ~)
#define Z_FIRST_OF(first, ...) first

/* Counting arguments, up to 64: NUM_VA_ARGS() is 0, NUM_VA_ARGS_LESS_1(a) is 0. */
#define NUM_VA_ARGS_LESS_1(...)                                                         \
	Z_ARG_65(__VA_ARGS__, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49,  \
		 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30,  \
		 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11,  \
		 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, ~)
#define Z_ARG_65(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,   \
		 _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, \
		 _32, _33, _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46, \
		 _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57, _58, _59, _60, _61, \
		 _62, _63, _64, N, ...) N
#define NUM_VA_ARGS(...) \
	COND_CODE_1(IS_EMPTY(__VA_ARGS__), (0), (UTIL_INC(NUM_VA_ARGS_LESS_1(__VA_ARGS__))))

/* GET_ARG_N(2, a, b, c) is b; GET_ARGS_LESS_N(1, a, b, c) is b, c (N from 0 to 64). */
#define GET_ARG_N(N, ...) UTIL_CAT(Z_GET_ARG_, N)(__VA_ARGS__)
#define GET_ARGS_LESS_N(N, ...) UTIL_CAT(Z_GET_ARGS_LESS_, N)(__VA_ARGS__)
#define REVERSE_ARGS(...) __VA_OPT__(Z_REVERSE_0(__VA_ARGS__))
/* The arguments that are not empty: LIST_DROP_EMPTY(a, , b) is a, b. */
#define LIST_DROP_EMPTY(...) \
	Z_LIST_DROP_FIRST(FOR_EACH(Z_LIST_NONEMPTY_WITH_COMMA, (), __VA_ARGS__))
#define Z_LIST_NONEMPTY_WITH_COMMA(x) COND_CODE_1(IS_EMPTY(x), (), (, x))
#define Z_LIST_DROP_FIRST(...) GET_ARGS_LESS_N(1, __VA_ARGS__)

/* FOR_EACH(F, sep, a, b) is F(a) sep F(b), with sep in parentheses: `(,)`, `(;)`, `()`;
 * up to 64 arguments, a trailing empty one ignored.  The _IDX forms pass the position
 * first (from 0), the _FIXED_ARG forms pass fixed_arg last; FOR_EACH_NONEMPTY_TERM(F,
 * term, ...) is F(x) term for each argument x that is not empty. */
#define FOR_EACH(F, sep, ...) Z_FOR_EACH(Z_FOR_EACH_PLAIN, sep, F, ~, __VA_ARGS__)
#define FOR_EACH_IDX(F, sep, ...) Z_FOR_EACH(Z_FOR_EACH_WITH_IDX, sep, F, ~, __VA_ARGS__)
#define FOR_EACH_FIXED_ARG(F, sep, fixed_arg, ...) \
	Z_FOR_EACH(Z_FOR_EACH_WITH_FIXED, sep, F, fixed_arg, __VA_ARGS__)
#define FOR_EACH_IDX_FIXED_ARG(F, sep, fixed_arg, ...) \
	Z_FOR_EACH(Z_FOR_EACH_WITH_IDX_FIXED, sep, F, fixed_arg, __VA_ARGS__)
#define FOR_EACH_NONEMPTY_TERM(F, term, ...) \
	Z_FOR_EACH(Z_FOR_EACH_NONEMPTY, (), F, term, __VA_ARGS__)
#define Z_FOR_EACH(G, sep, F, fixed, ...) \
	__VA_OPT__(Z_FOR_EACH_0(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_PLAIN(idx, x, F, fixed) F(x)
#define Z_FOR_EACH_WITH_IDX(idx, x, F, fixed) F(idx, x)
#define Z_FOR_EACH_WITH_FIXED(idx, x, F, fixed) F(x, fixed)
#define Z_FOR_EACH_WITH_IDX_FIXED(idx, x, F, fixed) F(idx, x, fixed)
#define Z_FOR_EACH_NONEMPTY(idx, x, F, term) COND_CODE_1(IS_EMPTY(x), (), (F(x) Z_DEBRACKET term))

/* LISTIFY(LEN, F, sep, ...): F(0, ...) sep F(1, ...) sep ... F(LEN - 1, ...), with sep
 * in parentheses (`(,)`, `(;)`, `()`); LEN up to 64. */
#define LISTIFY(LEN, F, sep, ...) UTIL_CAT(Z_UTIL_LISTIFY_, LEN)(F, sep, __VA_ARGS__)
#define Z_UTIL_LISTIFY_0(F, sep, ...)
#define Z_UTIL_LISTIFY_1(F, sep, ...) F(0, __VA_ARGS__)
#define Z_UTIL_LISTIFY_2(F, sep, ...) \
	Z_UTIL_LISTIFY_1(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(1, __VA_ARGS__)
#define Z_UTIL_LISTIFY_3(F, sep, ...) \
	Z_UTIL_LISTIFY_2(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(2, __VA_ARGS__)
#define Z_UTIL_LISTIFY_4(F, sep, ...) \
	Z_UTIL_LISTIFY_3(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(3, __VA_ARGS__)
#define Z_UTIL_LISTIFY_5(F, sep, ...) \
	Z_UTIL_LISTIFY_4(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(4, __VA_ARGS__)
#define Z_UTIL_LISTIFY_6(F, sep, ...) \
	Z_UTIL_LISTIFY_5(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(5, __VA_ARGS__)
#define Z_UTIL_LISTIFY_7(F, sep, ...) \
	Z_UTIL_LISTIFY_6(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(6, __VA_ARGS__)
#define Z_UTIL_LISTIFY_8(F, sep, ...) \
	Z_UTIL_LISTIFY_7(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(7, __VA_ARGS__)
#define Z_UTIL_LISTIFY_9(F, sep, ...) \
	Z_UTIL_LISTIFY_8(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(8, __VA_ARGS__)
#define Z_UTIL_LISTIFY_10(F, sep, ...) \
	Z_UTIL_LISTIFY_9(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(9, __VA_ARGS__)
#define Z_UTIL_LISTIFY_11(F, sep, ...) \
	Z_UTIL_LISTIFY_10(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(10, __VA_ARGS__)
#define Z_UTIL_LISTIFY_12(F, sep, ...) \
	Z_UTIL_LISTIFY_11(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(11, __VA_ARGS__)
#define Z_UTIL_LISTIFY_13(F, sep, ...) \
	Z_UTIL_LISTIFY_12(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(12, __VA_ARGS__)
#define Z_UTIL_LISTIFY_14(F, sep, ...) \
	Z_UTIL_LISTIFY_13(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(13, __VA_ARGS__)
#define Z_UTIL_LISTIFY_15(F, sep, ...) \
	Z_UTIL_LISTIFY_14(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(14, __VA_ARGS__)
#define Z_UTIL_LISTIFY_16(F, sep, ...) \
	Z_UTIL_LISTIFY_15(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(15, __VA_ARGS__)
#define Z_UTIL_LISTIFY_17(F, sep, ...) \
	Z_UTIL_LISTIFY_16(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(16, __VA_ARGS__)
#define Z_UTIL_LISTIFY_18(F, sep, ...) \
	Z_UTIL_LISTIFY_17(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(17, __VA_ARGS__)
#define Z_UTIL_LISTIFY_19(F, sep, ...) \
	Z_UTIL_LISTIFY_18(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(18, __VA_ARGS__)
#define Z_UTIL_LISTIFY_20(F, sep, ...) \
	Z_UTIL_LISTIFY_19(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(19, __VA_ARGS__)
#define Z_UTIL_LISTIFY_21(F, sep, ...) \
	Z_UTIL_LISTIFY_20(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(20, __VA_ARGS__)
#define Z_UTIL_LISTIFY_22(F, sep, ...) \
	Z_UTIL_LISTIFY_21(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(21, __VA_ARGS__)
#define Z_UTIL_LISTIFY_23(F, sep, ...) \
	Z_UTIL_LISTIFY_22(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(22, __VA_ARGS__)
#define Z_UTIL_LISTIFY_24(F, sep, ...) \
	Z_UTIL_LISTIFY_23(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(23, __VA_ARGS__)
#define Z_UTIL_LISTIFY_25(F, sep, ...) \
	Z_UTIL_LISTIFY_24(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(24, __VA_ARGS__)
#define Z_UTIL_LISTIFY_26(F, sep, ...) \
	Z_UTIL_LISTIFY_25(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(25, __VA_ARGS__)
#define Z_UTIL_LISTIFY_27(F, sep, ...) \
	Z_UTIL_LISTIFY_26(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(26, __VA_ARGS__)
#define Z_UTIL_LISTIFY_28(F, sep, ...) \
	Z_UTIL_LISTIFY_27(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(27, __VA_ARGS__)
#define Z_UTIL_LISTIFY_29(F, sep, ...) \
	Z_UTIL_LISTIFY_28(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(28, __VA_ARGS__)
#define Z_UTIL_LISTIFY_30(F, sep, ...) \
	Z_UTIL_LISTIFY_29(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(29, __VA_ARGS__)
#define Z_UTIL_LISTIFY_31(F, sep, ...) \
	Z_UTIL_LISTIFY_30(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(30, __VA_ARGS__)
#define Z_UTIL_LISTIFY_32(F, sep, ...) \
	Z_UTIL_LISTIFY_31(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(31, __VA_ARGS__)
#define Z_UTIL_LISTIFY_33(F, sep, ...) \
	Z_UTIL_LISTIFY_32(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(32, __VA_ARGS__)
#define Z_UTIL_LISTIFY_34(F, sep, ...) \
	Z_UTIL_LISTIFY_33(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(33, __VA_ARGS__)
#define Z_UTIL_LISTIFY_35(F, sep, ...) \
	Z_UTIL_LISTIFY_34(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(34, __VA_ARGS__)
#define Z_UTIL_LISTIFY_36(F, sep, ...) \
	Z_UTIL_LISTIFY_35(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(35, __VA_ARGS__)
#define Z_UTIL_LISTIFY_37(F, sep, ...) \
	Z_UTIL_LISTIFY_36(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(36, __VA_ARGS__)
#define Z_UTIL_LISTIFY_38(F, sep, ...) \
	Z_UTIL_LISTIFY_37(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(37, __VA_ARGS__)
#define Z_UTIL_LISTIFY_39(F, sep, ...) \
	Z_UTIL_LISTIFY_38(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(38, __VA_ARGS__)
#define Z_UTIL_LISTIFY_40(F, sep, ...) \
	Z_UTIL_LISTIFY_39(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(39, __VA_ARGS__)
#define Z_UTIL_LISTIFY_41(F, sep, ...) \
	Z_UTIL_LISTIFY_40(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(40, __VA_ARGS__)
#define Z_UTIL_LISTIFY_42(F, sep, ...) \
	Z_UTIL_LISTIFY_41(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(41, __VA_ARGS__)
#define Z_UTIL_LISTIFY_43(F, sep, ...) \
	Z_UTIL_LISTIFY_42(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(42, __VA_ARGS__)
#define Z_UTIL_LISTIFY_44(F, sep, ...) \
	Z_UTIL_LISTIFY_43(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(43, __VA_ARGS__)
#define Z_UTIL_LISTIFY_45(F, sep, ...) \
	Z_UTIL_LISTIFY_44(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(44, __VA_ARGS__)
#define Z_UTIL_LISTIFY_46(F, sep, ...) \
	Z_UTIL_LISTIFY_45(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(45, __VA_ARGS__)
#define Z_UTIL_LISTIFY_47(F, sep, ...) \
	Z_UTIL_LISTIFY_46(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(46, __VA_ARGS__)
#define Z_UTIL_LISTIFY_48(F, sep, ...) \
	Z_UTIL_LISTIFY_47(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(47, __VA_ARGS__)
#define Z_UTIL_LISTIFY_49(F, sep, ...) \
	Z_UTIL_LISTIFY_48(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(48, __VA_ARGS__)
#define Z_UTIL_LISTIFY_50(F, sep, ...) \
	Z_UTIL_LISTIFY_49(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(49, __VA_ARGS__)
#define Z_UTIL_LISTIFY_51(F, sep, ...) \
	Z_UTIL_LISTIFY_50(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(50, __VA_ARGS__)
#define Z_UTIL_LISTIFY_52(F, sep, ...) \
	Z_UTIL_LISTIFY_51(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(51, __VA_ARGS__)
#define Z_UTIL_LISTIFY_53(F, sep, ...) \
	Z_UTIL_LISTIFY_52(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(52, __VA_ARGS__)
#define Z_UTIL_LISTIFY_54(F, sep, ...) \
	Z_UTIL_LISTIFY_53(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(53, __VA_ARGS__)
#define Z_UTIL_LISTIFY_55(F, sep, ...) \
	Z_UTIL_LISTIFY_54(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(54, __VA_ARGS__)
#define Z_UTIL_LISTIFY_56(F, sep, ...) \
	Z_UTIL_LISTIFY_55(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(55, __VA_ARGS__)
#define Z_UTIL_LISTIFY_57(F, sep, ...) \
	Z_UTIL_LISTIFY_56(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(56, __VA_ARGS__)
#define Z_UTIL_LISTIFY_58(F, sep, ...) \
	Z_UTIL_LISTIFY_57(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(57, __VA_ARGS__)
#define Z_UTIL_LISTIFY_59(F, sep, ...) \
	Z_UTIL_LISTIFY_58(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(58, __VA_ARGS__)
#define Z_UTIL_LISTIFY_60(F, sep, ...) \
	Z_UTIL_LISTIFY_59(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(59, __VA_ARGS__)
#define Z_UTIL_LISTIFY_61(F, sep, ...) \
	Z_UTIL_LISTIFY_60(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(60, __VA_ARGS__)
#define Z_UTIL_LISTIFY_62(F, sep, ...) \
	Z_UTIL_LISTIFY_61(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(61, __VA_ARGS__)
#define Z_UTIL_LISTIFY_63(F, sep, ...) \
	Z_UTIL_LISTIFY_62(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(62, __VA_ARGS__)
#define Z_UTIL_LISTIFY_64(F, sep, ...) \
	Z_UTIL_LISTIFY_63(F, sep, __VA_ARGS__) Z_DEBRACKET sep F(63, __VA_ARGS__)

#endif
