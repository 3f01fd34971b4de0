/* Preprocessor helpers from Zephyr's sys/util_macro.h: choosing code by whether a
 * configuration macro is defined to 1 (or 0), and pasting names together. */
#ifndef ZEPHYR_SYS_UTIL_MACRO_H
#define ZEPHYR_SYS_UTIL_MACRO_H

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

#endif
