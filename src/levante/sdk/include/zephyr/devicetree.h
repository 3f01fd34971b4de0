/* Devicetree access: the macros that read the build's devicetree_generated.h.
 *
 * A node identifier is a token such as DT_N_S_soc_S_gpio_40010000; every fact about the
 * node is a macro named after it (see levante/sdk/devicetree_header.py), so these macros
 * paste names together.  A node that does not exist pastes to a name nobody defined,
 * which the *_EXISTS tests read as 0. */
#ifndef ZEPHYR_DEVICETREE_H
#define ZEPHYR_DEVICETREE_H

#include <generated/devicetree_generated.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys/util_macro.h>

#define DT_DEBRACKET_INTERNAL(...) __VA_ARGS__
#define DT_CAT(a1, a2) a1##a2
#define DT_CAT3(a1, a2, a3) a1##a2##a3
#define DT_CAT4(a1, a2, a3, a4) a1##a2##a3##a4
#define DT_CAT5(a1, a2, a3, a4, a5) a1##a2##a3##a4##a5
#define DT_CAT6(a1, a2, a3, a4, a5, a6) a1##a2##a3##a4##a5##a6
#define DT_CAT7(a1, a2, a3, a4, a5, a6, a7) a1##a2##a3##a4##a5##a6##a7
#define DT_CAT8(a1, a2, a3, a4, a5, a6, a7, a8) a1##a2##a3##a4##a5##a6##a7##a8

/* ---- Finding nodes ---- */
#define DT_INVALID_NODE _
#define DT_ROOT DT_N
#define Z_DT_PATH1(a) DT_N_S_##a
#define Z_DT_PATH2(a, b) DT_N_S_##a##_S_##b
#define Z_DT_PATH3(a, b, c) DT_N_S_##a##_S_##b##_S_##c
#define Z_DT_PATH4(a, b, c, d) DT_N_S_##a##_S_##b##_S_##c##_S_##d
#define Z_DT_PATH5(a, b, c, d, e) DT_N_S_##a##_S_##b##_S_##c##_S_##d##_S_##e
#define Z_DT_PATH_PICK(_1, _2, _3, _4, _5, name, ...) name
#define DT_PATH(...) \
	Z_DT_PATH_PICK(__VA_ARGS__, Z_DT_PATH5, Z_DT_PATH4, Z_DT_PATH3, Z_DT_PATH2, \
		       Z_DT_PATH1, _)(__VA_ARGS__)
#define DT_NODELABEL(label) DT_CAT(DT_N_NODELABEL_, label)
#define DT_ALIAS(alias) DT_CAT(DT_N_ALIAS_, alias)
#define DT_HAS_ALIAS(alias) DT_NODE_EXISTS(DT_ALIAS(alias))
#define DT_CHOSEN(prop) DT_CAT(DT_CHOSEN_, prop)
#define DT_HAS_CHOSEN(prop) IS_ENABLED(DT_CAT3(DT_CHOSEN_, prop, _EXISTS))
#define DT_INST(inst, compat) DT_CAT4(DT_N_INST_, inst, _, compat)
#define DT_PARENT(node_id) DT_CAT(node_id, _PARENT)
#define DT_GPARENT(node_id) DT_PARENT(DT_PARENT(node_id))
#define DT_CHILD(node_id, child) DT_CAT3(node_id, _S_, child)
#define DT_COMPAT_GET_ANY_STATUS_OKAY(compat) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(compat), (DT_INST(0, compat)), (DT_INVALID_NODE))
#define DT_NODE_PATH(node_id) DT_CAT(node_id, _PATH)
#define DT_NODE_FULL_NAME(node_id) DT_CAT(node_id, _FULL_NAME)
#define DT_NODE_CHILD_IDX(node_id) DT_CAT(node_id, _CHILD_IDX)
#define DT_CHILD_NUM(node_id) DT_CAT(node_id, _CHILD_NUM)
#define DT_CHILD_NUM_STATUS_OKAY(node_id) DT_CAT(node_id, _CHILD_NUM_STATUS_OKAY)
#define DT_DEP_ORD(node_id) DT_CAT(node_id, _ORD)
#define DT_DEP_ORD_STR_SORTABLE(node_id) DT_CAT(node_id, _ORD_STR_SORTABLE)
#define DT_SAME_NODE(node_id1, node_id2) (DT_DEP_ORD(node_id1) == DT_DEP_ORD(node_id2))

/* ---- Existence and status ---- */
#define DT_NODE_EXISTS(node_id) IS_ENABLED(DT_CAT(node_id, _EXISTS))
#define DT_NODE_HAS_STATUS(node_id, status) IS_ENABLED(DT_CAT3(node_id, _STATUS_, status))
#define DT_NODE_HAS_STATUS_OKAY(node_id) DT_NODE_HAS_STATUS(node_id, okay)
#define DT_NODE_HAS_COMPAT(node_id, compat) IS_ENABLED(DT_CAT3(node_id, _COMPAT_MATCHES_, compat))
#define DT_NODE_HAS_COMPAT_STATUS(node_id, compat, status) \
	(DT_NODE_HAS_COMPAT(node_id, compat) && DT_NODE_HAS_STATUS(node_id, status))
#define DT_HAS_COMPAT_STATUS_OKAY(compat) IS_ENABLED(DT_CAT(DT_COMPAT_HAS_OKAY_, compat))
#define DT_NUM_INST_STATUS_OKAY(compat) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(compat), (DT_CAT3(DT_N_INST_, compat, _NUM_OKAY)), (0))

/* ---- Properties ---- */
#define DT_PROP(node_id, prop) DT_CAT3(node_id, _P_, prop)
#define DT_NODE_HAS_PROP(node_id, prop) IS_ENABLED(DT_CAT4(node_id, _P_, prop, _EXISTS))
#define DT_PROP_OR(node_id, prop, default_value) \
	COND_CODE_1(DT_NODE_HAS_PROP(node_id, prop), (DT_PROP(node_id, prop)), (default_value))
#define DT_PROP_LEN(node_id, prop) DT_CAT4(node_id, _P_, prop, _LEN)
#define DT_PROP_LEN_OR(node_id, prop, default_value) \
	COND_CODE_1(DT_NODE_HAS_PROP(node_id, prop), (DT_PROP_LEN(node_id, prop)), (default_value))
#define DT_PROP_HAS_IDX(node_id, prop, idx) IS_ENABLED(DT_CAT6(node_id, _P_, prop, _IDX_, idx, _EXISTS))
#define DT_PROP_BY_IDX(node_id, prop, idx) DT_CAT5(node_id, _P_, prop, _IDX_, idx)
#define DT_STRING_TOKEN(node_id, prop) DT_CAT4(node_id, _P_, prop, _STRING_TOKEN)
#define DT_STRING_UPPER_TOKEN(node_id, prop) DT_CAT4(node_id, _P_, prop, _STRING_UPPER_TOKEN)
#define DT_STRING_UNQUOTED(node_id, prop) DT_CAT4(node_id, _P_, prop, _STRING_UNQUOTED)
#define DT_ENUM_IDX(node_id, prop) DT_CAT4(node_id, _P_, prop, _ENUM_IDX)
#define DT_ENUM_IDX_OR(node_id, prop, default_idx_value) \
	COND_CODE_1(DT_NODE_HAS_PROP(node_id, prop), (DT_ENUM_IDX(node_id, prop)), (default_idx_value))
#define DT_ENUM_HAS_VALUE(node_id, prop, value) \
	IS_ENABLED(DT_CAT6(node_id, _P_, prop, _ENUM_VAL_, value, _EXISTS))

/* ---- phandles and specifiers (<&controller cell...>) ---- */
#define DT_PHANDLE_BY_IDX(node_id, prop, idx) DT_CAT6(node_id, _P_, prop, _IDX_, idx, _PH)
#define DT_PHANDLE(node_id, prop) DT_PHANDLE_BY_IDX(node_id, prop, 0)
#define DT_PHA_BY_IDX(node_id, pha, idx, cell) DT_CAT7(node_id, _P_, pha, _IDX_, idx, _VAL_, cell)
#define DT_PHA(node_id, pha, cell) DT_PHA_BY_IDX(node_id, pha, 0, cell)
#define DT_PHA_HAS_CELL_AT_IDX(node_id, pha, idx, cell) \
	IS_ENABLED(DT_CAT8(node_id, _P_, pha, _IDX_, idx, _VAL_, cell, _EXISTS))
#define DT_PHA_HAS_CELL(node_id, pha, cell) DT_PHA_HAS_CELL_AT_IDX(node_id, pha, 0, cell)
#define DT_PHA_BY_IDX_OR(node_id, pha, idx, cell, default_value) \
	COND_CODE_1(DT_PHA_HAS_CELL_AT_IDX(node_id, pha, idx, cell), \
		    (DT_PHA_BY_IDX(node_id, pha, idx, cell)), (default_value))
#define DT_PHA_OR(node_id, pha, cell, default_value) \
	DT_PHA_BY_IDX_OR(node_id, pha, 0, cell, default_value)
#define DT_PHA_BY_NAME(node_id, pha, name, cell) \
	DT_PHA_BY_IDX(node_id, pha, DT_CAT6(node_id, _P_, pha, _NAME_, name, _IDX), cell)

/* ---- Registers ---- */
#define DT_NUM_REGS(node_id) DT_CAT(node_id, _REG_NUM)
#define DT_REG_HAS_IDX(node_id, idx) IS_ENABLED(DT_CAT4(node_id, _REG_IDX_, idx, _EXISTS))
#define DT_REG_HAS_NAME(node_id, name) IS_ENABLED(DT_CAT4(node_id, _REG_NAME_, name, _EXISTS))
#define DT_REG_ADDR_BY_IDX(node_id, idx) DT_CAT4(node_id, _REG_IDX_, idx, _VAL_ADDRESS)
#define DT_REG_SIZE_BY_IDX(node_id, idx) DT_CAT4(node_id, _REG_IDX_, idx, _VAL_SIZE)
#define DT_REG_ADDR(node_id) DT_REG_ADDR_BY_IDX(node_id, 0)
#define DT_REG_ADDR_U64(node_id) ((uint64_t)DT_REG_ADDR(node_id))
#define DT_REG_SIZE(node_id) DT_REG_SIZE_BY_IDX(node_id, 0)
#define DT_REG_ADDR_BY_NAME(node_id, name) DT_CAT4(node_id, _REG_NAME_, name, _VAL_ADDRESS)
#define DT_REG_SIZE_BY_NAME(node_id, name) DT_CAT4(node_id, _REG_NAME_, name, _VAL_SIZE)

/* ---- Iteration ---- */
#define DT_FOREACH_CHILD(node_id, fn) DT_CAT(node_id, _FOREACH_CHILD)(fn)
#define DT_FOREACH_CHILD_SEP(node_id, fn, sep) DT_CAT(node_id, _FOREACH_CHILD_SEP)(fn, sep)
#define DT_FOREACH_CHILD_VARGS(node_id, fn, ...) \
	DT_CAT(node_id, _FOREACH_CHILD_VARGS)(fn, __VA_ARGS__)
#define DT_FOREACH_CHILD_SEP_VARGS(node_id, fn, sep, ...) \
	DT_CAT(node_id, _FOREACH_CHILD_SEP_VARGS)(fn, sep, __VA_ARGS__)
#define DT_FOREACH_CHILD_STATUS_OKAY(node_id, fn) \
	DT_CAT(node_id, _FOREACH_CHILD_STATUS_OKAY)(fn)
#define DT_FOREACH_CHILD_STATUS_OKAY_SEP(node_id, fn, sep) \
	DT_CAT(node_id, _FOREACH_CHILD_STATUS_OKAY_SEP)(fn, sep)
#define DT_FOREACH_CHILD_STATUS_OKAY_VARGS(node_id, fn, ...) \
	DT_CAT(node_id, _FOREACH_CHILD_STATUS_OKAY_VARGS)(fn, __VA_ARGS__)
#define DT_FOREACH_CHILD_STATUS_OKAY_SEP_VARGS(node_id, fn, sep, ...) \
	DT_CAT(node_id, _FOREACH_CHILD_STATUS_OKAY_SEP_VARGS)(fn, sep, __VA_ARGS__)
#define DT_FOREACH_PROP_ELEM(node_id, prop, fn) DT_CAT4(node_id, _P_, prop, _FOREACH_PROP_ELEM)(fn)
#define DT_FOREACH_PROP_ELEM_SEP(node_id, prop, fn, sep) \
	DT_CAT4(node_id, _P_, prop, _FOREACH_PROP_ELEM_SEP)(fn, sep)
#define DT_FOREACH_PROP_ELEM_VARGS(node_id, prop, fn, ...) \
	DT_CAT4(node_id, _P_, prop, _FOREACH_PROP_ELEM_VARGS)(fn, __VA_ARGS__)
#define DT_FOREACH_STATUS_OKAY(compat, fn) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(compat), (DT_CAT(DT_FOREACH_OKAY_, compat)(fn)), ())
#define DT_FOREACH_STATUS_OKAY_VARGS(compat, fn, ...) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(compat), \
		    (DT_CAT3(DT_FOREACH_OKAY_, compat, _VARGS)(fn, __VA_ARGS__)), ())

/* ---- Instances of DT_DRV_COMPAT (for code written per compatible) ---- */
#define DT_DRV_INST(inst) DT_INST(inst, DT_DRV_COMPAT)
#define DT_INST_PARENT(inst) DT_PARENT(DT_DRV_INST(inst))
#define DT_INST_PROP(inst, prop) DT_PROP(DT_DRV_INST(inst), prop)
#define DT_INST_PROP_OR(inst, prop, default_value) \
	DT_PROP_OR(DT_DRV_INST(inst), prop, default_value)
#define DT_INST_PROP_LEN(inst, prop) DT_PROP_LEN(DT_DRV_INST(inst), prop)
#define DT_INST_PROP_BY_IDX(inst, prop, idx) DT_PROP_BY_IDX(DT_DRV_INST(inst), prop, idx)
#define DT_INST_NODE_HAS_PROP(inst, prop) DT_NODE_HAS_PROP(DT_DRV_INST(inst), prop)
#define DT_INST_REG_ADDR(inst) DT_REG_ADDR(DT_DRV_INST(inst))
#define DT_INST_REG_SIZE(inst) DT_REG_SIZE(DT_DRV_INST(inst))
#define DT_INST_PHANDLE(inst, prop) DT_PHANDLE(DT_DRV_INST(inst), prop)
#define DT_INST_FOREACH_CHILD(inst, fn) DT_FOREACH_CHILD(DT_DRV_INST(inst), fn)
/* UTIL_CAT, not DT_CAT: DT_DRV_COMPAT is expanded before it is pasted. */
#define DT_INST_FOREACH_STATUS_OKAY(fn) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(DT_DRV_COMPAT), \
		    (UTIL_CAT(DT_FOREACH_OKAY_INST_, DT_DRV_COMPAT)(fn)), ())
#define DT_INST_FOREACH_STATUS_OKAY_VARGS(fn, ...) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(DT_DRV_COMPAT), \
		    (UTIL_CAT(UTIL_CAT(DT_FOREACH_OKAY_INST_, DT_DRV_COMPAT), _VARGS)(fn, __VA_ARGS__)), ())
#define DT_NUM_INST_STATUS_OKAY_DRV() DT_NUM_INST_STATUS_OKAY(DT_DRV_COMPAT)
#define DT_HAS_DRV_INST(inst) DT_NODE_EXISTS(DT_DRV_INST(inst))

#include <zephyr/devicetree/gpio.h>
#include <zephyr/devicetree/fixed-partitions.h>

#endif
