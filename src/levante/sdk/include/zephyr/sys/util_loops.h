/* The argument-list walks behind util_macro.h's FOR_EACH family, GET_ARG_N,
 * GET_ARGS_LESS_N and REVERSE_ARGS: one macro per position, up to 64 arguments.
 * Each step handles one argument and hands the rest to the next step's macro,
 * stopping when none are left (__VA_OPT__); distinct names per step keep the
 * preprocessor from refusing the recursion. */
#ifndef ZEPHYR_SYS_UTIL_LOOPS_H
#define ZEPHYR_SYS_UTIL_LOOPS_H

/* G(index, argument, F, fixed) for each argument, the separator between them. */
#define Z_FOR_EACH_0(G, sep, F, fixed, x, ...) G(0, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_1(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_1(G, sep, F, fixed, x, ...) G(1, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_2(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_2(G, sep, F, fixed, x, ...) G(2, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_3(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_3(G, sep, F, fixed, x, ...) G(3, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_4(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_4(G, sep, F, fixed, x, ...) G(4, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_5(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_5(G, sep, F, fixed, x, ...) G(5, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_6(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_6(G, sep, F, fixed, x, ...) G(6, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_7(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_7(G, sep, F, fixed, x, ...) G(7, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_8(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_8(G, sep, F, fixed, x, ...) G(8, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_9(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_9(G, sep, F, fixed, x, ...) G(9, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_10(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_10(G, sep, F, fixed, x, ...) G(10, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_11(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_11(G, sep, F, fixed, x, ...) G(11, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_12(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_12(G, sep, F, fixed, x, ...) G(12, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_13(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_13(G, sep, F, fixed, x, ...) G(13, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_14(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_14(G, sep, F, fixed, x, ...) G(14, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_15(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_15(G, sep, F, fixed, x, ...) G(15, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_16(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_16(G, sep, F, fixed, x, ...) G(16, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_17(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_17(G, sep, F, fixed, x, ...) G(17, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_18(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_18(G, sep, F, fixed, x, ...) G(18, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_19(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_19(G, sep, F, fixed, x, ...) G(19, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_20(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_20(G, sep, F, fixed, x, ...) G(20, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_21(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_21(G, sep, F, fixed, x, ...) G(21, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_22(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_22(G, sep, F, fixed, x, ...) G(22, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_23(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_23(G, sep, F, fixed, x, ...) G(23, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_24(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_24(G, sep, F, fixed, x, ...) G(24, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_25(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_25(G, sep, F, fixed, x, ...) G(25, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_26(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_26(G, sep, F, fixed, x, ...) G(26, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_27(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_27(G, sep, F, fixed, x, ...) G(27, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_28(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_28(G, sep, F, fixed, x, ...) G(28, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_29(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_29(G, sep, F, fixed, x, ...) G(29, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_30(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_30(G, sep, F, fixed, x, ...) G(30, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_31(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_31(G, sep, F, fixed, x, ...) G(31, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_32(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_32(G, sep, F, fixed, x, ...) G(32, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_33(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_33(G, sep, F, fixed, x, ...) G(33, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_34(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_34(G, sep, F, fixed, x, ...) G(34, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_35(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_35(G, sep, F, fixed, x, ...) G(35, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_36(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_36(G, sep, F, fixed, x, ...) G(36, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_37(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_37(G, sep, F, fixed, x, ...) G(37, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_38(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_38(G, sep, F, fixed, x, ...) G(38, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_39(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_39(G, sep, F, fixed, x, ...) G(39, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_40(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_40(G, sep, F, fixed, x, ...) G(40, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_41(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_41(G, sep, F, fixed, x, ...) G(41, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_42(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_42(G, sep, F, fixed, x, ...) G(42, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_43(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_43(G, sep, F, fixed, x, ...) G(43, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_44(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_44(G, sep, F, fixed, x, ...) G(44, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_45(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_45(G, sep, F, fixed, x, ...) G(45, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_46(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_46(G, sep, F, fixed, x, ...) G(46, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_47(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_47(G, sep, F, fixed, x, ...) G(47, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_48(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_48(G, sep, F, fixed, x, ...) G(48, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_49(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_49(G, sep, F, fixed, x, ...) G(49, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_50(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_50(G, sep, F, fixed, x, ...) G(50, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_51(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_51(G, sep, F, fixed, x, ...) G(51, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_52(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_52(G, sep, F, fixed, x, ...) G(52, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_53(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_53(G, sep, F, fixed, x, ...) G(53, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_54(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_54(G, sep, F, fixed, x, ...) G(54, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_55(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_55(G, sep, F, fixed, x, ...) G(55, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_56(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_56(G, sep, F, fixed, x, ...) G(56, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_57(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_57(G, sep, F, fixed, x, ...) G(57, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_58(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_58(G, sep, F, fixed, x, ...) G(58, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_59(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_59(G, sep, F, fixed, x, ...) G(59, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_60(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_60(G, sep, F, fixed, x, ...) G(60, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_61(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_61(G, sep, F, fixed, x, ...) G(61, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_62(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_62(G, sep, F, fixed, x, ...) G(62, x, F, fixed) __VA_OPT__(Z_DEBRACKET sep Z_FOR_EACH_63(G, sep, F, fixed, __VA_ARGS__))
#define Z_FOR_EACH_63(G, sep, F, fixed, x, ...) G(63, x, F, fixed)

/* The Nth argument, from 1. */
#define Z_GET_ARG_1(arg, ...) arg
#define Z_GET_ARG_2(arg, ...) Z_GET_ARG_1(__VA_ARGS__)
#define Z_GET_ARG_3(arg, ...) Z_GET_ARG_2(__VA_ARGS__)
#define Z_GET_ARG_4(arg, ...) Z_GET_ARG_3(__VA_ARGS__)
#define Z_GET_ARG_5(arg, ...) Z_GET_ARG_4(__VA_ARGS__)
#define Z_GET_ARG_6(arg, ...) Z_GET_ARG_5(__VA_ARGS__)
#define Z_GET_ARG_7(arg, ...) Z_GET_ARG_6(__VA_ARGS__)
#define Z_GET_ARG_8(arg, ...) Z_GET_ARG_7(__VA_ARGS__)
#define Z_GET_ARG_9(arg, ...) Z_GET_ARG_8(__VA_ARGS__)
#define Z_GET_ARG_10(arg, ...) Z_GET_ARG_9(__VA_ARGS__)
#define Z_GET_ARG_11(arg, ...) Z_GET_ARG_10(__VA_ARGS__)
#define Z_GET_ARG_12(arg, ...) Z_GET_ARG_11(__VA_ARGS__)
#define Z_GET_ARG_13(arg, ...) Z_GET_ARG_12(__VA_ARGS__)
#define Z_GET_ARG_14(arg, ...) Z_GET_ARG_13(__VA_ARGS__)
#define Z_GET_ARG_15(arg, ...) Z_GET_ARG_14(__VA_ARGS__)
#define Z_GET_ARG_16(arg, ...) Z_GET_ARG_15(__VA_ARGS__)
#define Z_GET_ARG_17(arg, ...) Z_GET_ARG_16(__VA_ARGS__)
#define Z_GET_ARG_18(arg, ...) Z_GET_ARG_17(__VA_ARGS__)
#define Z_GET_ARG_19(arg, ...) Z_GET_ARG_18(__VA_ARGS__)
#define Z_GET_ARG_20(arg, ...) Z_GET_ARG_19(__VA_ARGS__)
#define Z_GET_ARG_21(arg, ...) Z_GET_ARG_20(__VA_ARGS__)
#define Z_GET_ARG_22(arg, ...) Z_GET_ARG_21(__VA_ARGS__)
#define Z_GET_ARG_23(arg, ...) Z_GET_ARG_22(__VA_ARGS__)
#define Z_GET_ARG_24(arg, ...) Z_GET_ARG_23(__VA_ARGS__)
#define Z_GET_ARG_25(arg, ...) Z_GET_ARG_24(__VA_ARGS__)
#define Z_GET_ARG_26(arg, ...) Z_GET_ARG_25(__VA_ARGS__)
#define Z_GET_ARG_27(arg, ...) Z_GET_ARG_26(__VA_ARGS__)
#define Z_GET_ARG_28(arg, ...) Z_GET_ARG_27(__VA_ARGS__)
#define Z_GET_ARG_29(arg, ...) Z_GET_ARG_28(__VA_ARGS__)
#define Z_GET_ARG_30(arg, ...) Z_GET_ARG_29(__VA_ARGS__)
#define Z_GET_ARG_31(arg, ...) Z_GET_ARG_30(__VA_ARGS__)
#define Z_GET_ARG_32(arg, ...) Z_GET_ARG_31(__VA_ARGS__)
#define Z_GET_ARG_33(arg, ...) Z_GET_ARG_32(__VA_ARGS__)
#define Z_GET_ARG_34(arg, ...) Z_GET_ARG_33(__VA_ARGS__)
#define Z_GET_ARG_35(arg, ...) Z_GET_ARG_34(__VA_ARGS__)
#define Z_GET_ARG_36(arg, ...) Z_GET_ARG_35(__VA_ARGS__)
#define Z_GET_ARG_37(arg, ...) Z_GET_ARG_36(__VA_ARGS__)
#define Z_GET_ARG_38(arg, ...) Z_GET_ARG_37(__VA_ARGS__)
#define Z_GET_ARG_39(arg, ...) Z_GET_ARG_38(__VA_ARGS__)
#define Z_GET_ARG_40(arg, ...) Z_GET_ARG_39(__VA_ARGS__)
#define Z_GET_ARG_41(arg, ...) Z_GET_ARG_40(__VA_ARGS__)
#define Z_GET_ARG_42(arg, ...) Z_GET_ARG_41(__VA_ARGS__)
#define Z_GET_ARG_43(arg, ...) Z_GET_ARG_42(__VA_ARGS__)
#define Z_GET_ARG_44(arg, ...) Z_GET_ARG_43(__VA_ARGS__)
#define Z_GET_ARG_45(arg, ...) Z_GET_ARG_44(__VA_ARGS__)
#define Z_GET_ARG_46(arg, ...) Z_GET_ARG_45(__VA_ARGS__)
#define Z_GET_ARG_47(arg, ...) Z_GET_ARG_46(__VA_ARGS__)
#define Z_GET_ARG_48(arg, ...) Z_GET_ARG_47(__VA_ARGS__)
#define Z_GET_ARG_49(arg, ...) Z_GET_ARG_48(__VA_ARGS__)
#define Z_GET_ARG_50(arg, ...) Z_GET_ARG_49(__VA_ARGS__)
#define Z_GET_ARG_51(arg, ...) Z_GET_ARG_50(__VA_ARGS__)
#define Z_GET_ARG_52(arg, ...) Z_GET_ARG_51(__VA_ARGS__)
#define Z_GET_ARG_53(arg, ...) Z_GET_ARG_52(__VA_ARGS__)
#define Z_GET_ARG_54(arg, ...) Z_GET_ARG_53(__VA_ARGS__)
#define Z_GET_ARG_55(arg, ...) Z_GET_ARG_54(__VA_ARGS__)
#define Z_GET_ARG_56(arg, ...) Z_GET_ARG_55(__VA_ARGS__)
#define Z_GET_ARG_57(arg, ...) Z_GET_ARG_56(__VA_ARGS__)
#define Z_GET_ARG_58(arg, ...) Z_GET_ARG_57(__VA_ARGS__)
#define Z_GET_ARG_59(arg, ...) Z_GET_ARG_58(__VA_ARGS__)
#define Z_GET_ARG_60(arg, ...) Z_GET_ARG_59(__VA_ARGS__)
#define Z_GET_ARG_61(arg, ...) Z_GET_ARG_60(__VA_ARGS__)
#define Z_GET_ARG_62(arg, ...) Z_GET_ARG_61(__VA_ARGS__)
#define Z_GET_ARG_63(arg, ...) Z_GET_ARG_62(__VA_ARGS__)
#define Z_GET_ARG_64(arg, ...) Z_GET_ARG_63(__VA_ARGS__)

/* The arguments after the first N. */
#define Z_GET_ARGS_LESS_0(...) __VA_ARGS__
#define Z_GET_ARGS_LESS_1(arg, ...) __VA_ARGS__
#define Z_GET_ARGS_LESS_2(arg, ...) Z_GET_ARGS_LESS_1(__VA_ARGS__)
#define Z_GET_ARGS_LESS_3(arg, ...) Z_GET_ARGS_LESS_2(__VA_ARGS__)
#define Z_GET_ARGS_LESS_4(arg, ...) Z_GET_ARGS_LESS_3(__VA_ARGS__)
#define Z_GET_ARGS_LESS_5(arg, ...) Z_GET_ARGS_LESS_4(__VA_ARGS__)
#define Z_GET_ARGS_LESS_6(arg, ...) Z_GET_ARGS_LESS_5(__VA_ARGS__)
#define Z_GET_ARGS_LESS_7(arg, ...) Z_GET_ARGS_LESS_6(__VA_ARGS__)
#define Z_GET_ARGS_LESS_8(arg, ...) Z_GET_ARGS_LESS_7(__VA_ARGS__)
#define Z_GET_ARGS_LESS_9(arg, ...) Z_GET_ARGS_LESS_8(__VA_ARGS__)
#define Z_GET_ARGS_LESS_10(arg, ...) Z_GET_ARGS_LESS_9(__VA_ARGS__)
#define Z_GET_ARGS_LESS_11(arg, ...) Z_GET_ARGS_LESS_10(__VA_ARGS__)
#define Z_GET_ARGS_LESS_12(arg, ...) Z_GET_ARGS_LESS_11(__VA_ARGS__)
#define Z_GET_ARGS_LESS_13(arg, ...) Z_GET_ARGS_LESS_12(__VA_ARGS__)
#define Z_GET_ARGS_LESS_14(arg, ...) Z_GET_ARGS_LESS_13(__VA_ARGS__)
#define Z_GET_ARGS_LESS_15(arg, ...) Z_GET_ARGS_LESS_14(__VA_ARGS__)
#define Z_GET_ARGS_LESS_16(arg, ...) Z_GET_ARGS_LESS_15(__VA_ARGS__)
#define Z_GET_ARGS_LESS_17(arg, ...) Z_GET_ARGS_LESS_16(__VA_ARGS__)
#define Z_GET_ARGS_LESS_18(arg, ...) Z_GET_ARGS_LESS_17(__VA_ARGS__)
#define Z_GET_ARGS_LESS_19(arg, ...) Z_GET_ARGS_LESS_18(__VA_ARGS__)
#define Z_GET_ARGS_LESS_20(arg, ...) Z_GET_ARGS_LESS_19(__VA_ARGS__)
#define Z_GET_ARGS_LESS_21(arg, ...) Z_GET_ARGS_LESS_20(__VA_ARGS__)
#define Z_GET_ARGS_LESS_22(arg, ...) Z_GET_ARGS_LESS_21(__VA_ARGS__)
#define Z_GET_ARGS_LESS_23(arg, ...) Z_GET_ARGS_LESS_22(__VA_ARGS__)
#define Z_GET_ARGS_LESS_24(arg, ...) Z_GET_ARGS_LESS_23(__VA_ARGS__)
#define Z_GET_ARGS_LESS_25(arg, ...) Z_GET_ARGS_LESS_24(__VA_ARGS__)
#define Z_GET_ARGS_LESS_26(arg, ...) Z_GET_ARGS_LESS_25(__VA_ARGS__)
#define Z_GET_ARGS_LESS_27(arg, ...) Z_GET_ARGS_LESS_26(__VA_ARGS__)
#define Z_GET_ARGS_LESS_28(arg, ...) Z_GET_ARGS_LESS_27(__VA_ARGS__)
#define Z_GET_ARGS_LESS_29(arg, ...) Z_GET_ARGS_LESS_28(__VA_ARGS__)
#define Z_GET_ARGS_LESS_30(arg, ...) Z_GET_ARGS_LESS_29(__VA_ARGS__)
#define Z_GET_ARGS_LESS_31(arg, ...) Z_GET_ARGS_LESS_30(__VA_ARGS__)
#define Z_GET_ARGS_LESS_32(arg, ...) Z_GET_ARGS_LESS_31(__VA_ARGS__)
#define Z_GET_ARGS_LESS_33(arg, ...) Z_GET_ARGS_LESS_32(__VA_ARGS__)
#define Z_GET_ARGS_LESS_34(arg, ...) Z_GET_ARGS_LESS_33(__VA_ARGS__)
#define Z_GET_ARGS_LESS_35(arg, ...) Z_GET_ARGS_LESS_34(__VA_ARGS__)
#define Z_GET_ARGS_LESS_36(arg, ...) Z_GET_ARGS_LESS_35(__VA_ARGS__)
#define Z_GET_ARGS_LESS_37(arg, ...) Z_GET_ARGS_LESS_36(__VA_ARGS__)
#define Z_GET_ARGS_LESS_38(arg, ...) Z_GET_ARGS_LESS_37(__VA_ARGS__)
#define Z_GET_ARGS_LESS_39(arg, ...) Z_GET_ARGS_LESS_38(__VA_ARGS__)
#define Z_GET_ARGS_LESS_40(arg, ...) Z_GET_ARGS_LESS_39(__VA_ARGS__)
#define Z_GET_ARGS_LESS_41(arg, ...) Z_GET_ARGS_LESS_40(__VA_ARGS__)
#define Z_GET_ARGS_LESS_42(arg, ...) Z_GET_ARGS_LESS_41(__VA_ARGS__)
#define Z_GET_ARGS_LESS_43(arg, ...) Z_GET_ARGS_LESS_42(__VA_ARGS__)
#define Z_GET_ARGS_LESS_44(arg, ...) Z_GET_ARGS_LESS_43(__VA_ARGS__)
#define Z_GET_ARGS_LESS_45(arg, ...) Z_GET_ARGS_LESS_44(__VA_ARGS__)
#define Z_GET_ARGS_LESS_46(arg, ...) Z_GET_ARGS_LESS_45(__VA_ARGS__)
#define Z_GET_ARGS_LESS_47(arg, ...) Z_GET_ARGS_LESS_46(__VA_ARGS__)
#define Z_GET_ARGS_LESS_48(arg, ...) Z_GET_ARGS_LESS_47(__VA_ARGS__)
#define Z_GET_ARGS_LESS_49(arg, ...) Z_GET_ARGS_LESS_48(__VA_ARGS__)
#define Z_GET_ARGS_LESS_50(arg, ...) Z_GET_ARGS_LESS_49(__VA_ARGS__)
#define Z_GET_ARGS_LESS_51(arg, ...) Z_GET_ARGS_LESS_50(__VA_ARGS__)
#define Z_GET_ARGS_LESS_52(arg, ...) Z_GET_ARGS_LESS_51(__VA_ARGS__)
#define Z_GET_ARGS_LESS_53(arg, ...) Z_GET_ARGS_LESS_52(__VA_ARGS__)
#define Z_GET_ARGS_LESS_54(arg, ...) Z_GET_ARGS_LESS_53(__VA_ARGS__)
#define Z_GET_ARGS_LESS_55(arg, ...) Z_GET_ARGS_LESS_54(__VA_ARGS__)
#define Z_GET_ARGS_LESS_56(arg, ...) Z_GET_ARGS_LESS_55(__VA_ARGS__)
#define Z_GET_ARGS_LESS_57(arg, ...) Z_GET_ARGS_LESS_56(__VA_ARGS__)
#define Z_GET_ARGS_LESS_58(arg, ...) Z_GET_ARGS_LESS_57(__VA_ARGS__)
#define Z_GET_ARGS_LESS_59(arg, ...) Z_GET_ARGS_LESS_58(__VA_ARGS__)
#define Z_GET_ARGS_LESS_60(arg, ...) Z_GET_ARGS_LESS_59(__VA_ARGS__)
#define Z_GET_ARGS_LESS_61(arg, ...) Z_GET_ARGS_LESS_60(__VA_ARGS__)
#define Z_GET_ARGS_LESS_62(arg, ...) Z_GET_ARGS_LESS_61(__VA_ARGS__)
#define Z_GET_ARGS_LESS_63(arg, ...) Z_GET_ARGS_LESS_62(__VA_ARGS__)
#define Z_GET_ARGS_LESS_64(arg, ...) Z_GET_ARGS_LESS_63(__VA_ARGS__)

/* The arguments, last first. */
#define Z_REVERSE_0(x, ...) __VA_OPT__(Z_REVERSE_1(__VA_ARGS__), ) x
#define Z_REVERSE_1(x, ...) __VA_OPT__(Z_REVERSE_2(__VA_ARGS__), ) x
#define Z_REVERSE_2(x, ...) __VA_OPT__(Z_REVERSE_3(__VA_ARGS__), ) x
#define Z_REVERSE_3(x, ...) __VA_OPT__(Z_REVERSE_4(__VA_ARGS__), ) x
#define Z_REVERSE_4(x, ...) __VA_OPT__(Z_REVERSE_5(__VA_ARGS__), ) x
#define Z_REVERSE_5(x, ...) __VA_OPT__(Z_REVERSE_6(__VA_ARGS__), ) x
#define Z_REVERSE_6(x, ...) __VA_OPT__(Z_REVERSE_7(__VA_ARGS__), ) x
#define Z_REVERSE_7(x, ...) __VA_OPT__(Z_REVERSE_8(__VA_ARGS__), ) x
#define Z_REVERSE_8(x, ...) __VA_OPT__(Z_REVERSE_9(__VA_ARGS__), ) x
#define Z_REVERSE_9(x, ...) __VA_OPT__(Z_REVERSE_10(__VA_ARGS__), ) x
#define Z_REVERSE_10(x, ...) __VA_OPT__(Z_REVERSE_11(__VA_ARGS__), ) x
#define Z_REVERSE_11(x, ...) __VA_OPT__(Z_REVERSE_12(__VA_ARGS__), ) x
#define Z_REVERSE_12(x, ...) __VA_OPT__(Z_REVERSE_13(__VA_ARGS__), ) x
#define Z_REVERSE_13(x, ...) __VA_OPT__(Z_REVERSE_14(__VA_ARGS__), ) x
#define Z_REVERSE_14(x, ...) __VA_OPT__(Z_REVERSE_15(__VA_ARGS__), ) x
#define Z_REVERSE_15(x, ...) __VA_OPT__(Z_REVERSE_16(__VA_ARGS__), ) x
#define Z_REVERSE_16(x, ...) __VA_OPT__(Z_REVERSE_17(__VA_ARGS__), ) x
#define Z_REVERSE_17(x, ...) __VA_OPT__(Z_REVERSE_18(__VA_ARGS__), ) x
#define Z_REVERSE_18(x, ...) __VA_OPT__(Z_REVERSE_19(__VA_ARGS__), ) x
#define Z_REVERSE_19(x, ...) __VA_OPT__(Z_REVERSE_20(__VA_ARGS__), ) x
#define Z_REVERSE_20(x, ...) __VA_OPT__(Z_REVERSE_21(__VA_ARGS__), ) x
#define Z_REVERSE_21(x, ...) __VA_OPT__(Z_REVERSE_22(__VA_ARGS__), ) x
#define Z_REVERSE_22(x, ...) __VA_OPT__(Z_REVERSE_23(__VA_ARGS__), ) x
#define Z_REVERSE_23(x, ...) __VA_OPT__(Z_REVERSE_24(__VA_ARGS__), ) x
#define Z_REVERSE_24(x, ...) __VA_OPT__(Z_REVERSE_25(__VA_ARGS__), ) x
#define Z_REVERSE_25(x, ...) __VA_OPT__(Z_REVERSE_26(__VA_ARGS__), ) x
#define Z_REVERSE_26(x, ...) __VA_OPT__(Z_REVERSE_27(__VA_ARGS__), ) x
#define Z_REVERSE_27(x, ...) __VA_OPT__(Z_REVERSE_28(__VA_ARGS__), ) x
#define Z_REVERSE_28(x, ...) __VA_OPT__(Z_REVERSE_29(__VA_ARGS__), ) x
#define Z_REVERSE_29(x, ...) __VA_OPT__(Z_REVERSE_30(__VA_ARGS__), ) x
#define Z_REVERSE_30(x, ...) __VA_OPT__(Z_REVERSE_31(__VA_ARGS__), ) x
#define Z_REVERSE_31(x, ...) __VA_OPT__(Z_REVERSE_32(__VA_ARGS__), ) x
#define Z_REVERSE_32(x, ...) __VA_OPT__(Z_REVERSE_33(__VA_ARGS__), ) x
#define Z_REVERSE_33(x, ...) __VA_OPT__(Z_REVERSE_34(__VA_ARGS__), ) x
#define Z_REVERSE_34(x, ...) __VA_OPT__(Z_REVERSE_35(__VA_ARGS__), ) x
#define Z_REVERSE_35(x, ...) __VA_OPT__(Z_REVERSE_36(__VA_ARGS__), ) x
#define Z_REVERSE_36(x, ...) __VA_OPT__(Z_REVERSE_37(__VA_ARGS__), ) x
#define Z_REVERSE_37(x, ...) __VA_OPT__(Z_REVERSE_38(__VA_ARGS__), ) x
#define Z_REVERSE_38(x, ...) __VA_OPT__(Z_REVERSE_39(__VA_ARGS__), ) x
#define Z_REVERSE_39(x, ...) __VA_OPT__(Z_REVERSE_40(__VA_ARGS__), ) x
#define Z_REVERSE_40(x, ...) __VA_OPT__(Z_REVERSE_41(__VA_ARGS__), ) x
#define Z_REVERSE_41(x, ...) __VA_OPT__(Z_REVERSE_42(__VA_ARGS__), ) x
#define Z_REVERSE_42(x, ...) __VA_OPT__(Z_REVERSE_43(__VA_ARGS__), ) x
#define Z_REVERSE_43(x, ...) __VA_OPT__(Z_REVERSE_44(__VA_ARGS__), ) x
#define Z_REVERSE_44(x, ...) __VA_OPT__(Z_REVERSE_45(__VA_ARGS__), ) x
#define Z_REVERSE_45(x, ...) __VA_OPT__(Z_REVERSE_46(__VA_ARGS__), ) x
#define Z_REVERSE_46(x, ...) __VA_OPT__(Z_REVERSE_47(__VA_ARGS__), ) x
#define Z_REVERSE_47(x, ...) __VA_OPT__(Z_REVERSE_48(__VA_ARGS__), ) x
#define Z_REVERSE_48(x, ...) __VA_OPT__(Z_REVERSE_49(__VA_ARGS__), ) x
#define Z_REVERSE_49(x, ...) __VA_OPT__(Z_REVERSE_50(__VA_ARGS__), ) x
#define Z_REVERSE_50(x, ...) __VA_OPT__(Z_REVERSE_51(__VA_ARGS__), ) x
#define Z_REVERSE_51(x, ...) __VA_OPT__(Z_REVERSE_52(__VA_ARGS__), ) x
#define Z_REVERSE_52(x, ...) __VA_OPT__(Z_REVERSE_53(__VA_ARGS__), ) x
#define Z_REVERSE_53(x, ...) __VA_OPT__(Z_REVERSE_54(__VA_ARGS__), ) x
#define Z_REVERSE_54(x, ...) __VA_OPT__(Z_REVERSE_55(__VA_ARGS__), ) x
#define Z_REVERSE_55(x, ...) __VA_OPT__(Z_REVERSE_56(__VA_ARGS__), ) x
#define Z_REVERSE_56(x, ...) __VA_OPT__(Z_REVERSE_57(__VA_ARGS__), ) x
#define Z_REVERSE_57(x, ...) __VA_OPT__(Z_REVERSE_58(__VA_ARGS__), ) x
#define Z_REVERSE_58(x, ...) __VA_OPT__(Z_REVERSE_59(__VA_ARGS__), ) x
#define Z_REVERSE_59(x, ...) __VA_OPT__(Z_REVERSE_60(__VA_ARGS__), ) x
#define Z_REVERSE_60(x, ...) __VA_OPT__(Z_REVERSE_61(__VA_ARGS__), ) x
#define Z_REVERSE_61(x, ...) __VA_OPT__(Z_REVERSE_62(__VA_ARGS__), ) x
#define Z_REVERSE_62(x, ...) __VA_OPT__(Z_REVERSE_63(__VA_ARGS__), ) x
#define Z_REVERSE_63(x, ...) x

#endif
