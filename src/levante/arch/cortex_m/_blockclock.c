/* Deterministic instruction clock for Unicorn: counts executed Thumb instructions per
 * translation block and stops emulation once a budget is spent.  It also gives the
 * system-call path its register reads and writes in single engine calls.
 *
 * Why C: Unicorn's own `count=` installs a per-instruction hook and its counter cannot
 * be read back when emulation stops early (on an SVC or a fault).  A block hook written
 * in Python would cost a microsecond per block.  This hook runs once per translation
 * block, looks the block's instruction count up in a small cache (decoding Thumb-2
 * instruction lengths the first time it sees the block), adds it to a counter Python
 * can read and write, and asks Unicorn to stop when the budget is reached.  The block
 * that crosses the budget runs to its end, so slices end on block boundaries: the same
 * code and budget always stop at the same instruction.
 *
 * Unicorn's entry points are passed in as addresses from its ctypes binding, so this
 * module neither links against libunicorn nor needs its headers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef int (*uc_hook_add_fn)(void *uc, size_t *hh, int type, void *callback, void *user_data,
                              uint64_t begin, uint64_t end, ...);
typedef int (*uc_hook_del_fn)(void *uc, size_t hh);
typedef int (*uc_emu_stop_fn)(void *uc);
typedef int (*uc_mem_read_fn)(void *uc, uint64_t address, void *bytes, uint64_t size);
typedef int (*uc_reg_read_batch_fn)(void *uc, int *regs, void **vals, int count);
typedef int (*uc_reg_write_batch_fn)(void *uc, int *regs, void *const *vals, int count);

#define FRAME_REGISTERS 8 /* r0-r6 and pc: what an SVC stop needs */

#define UC_HOOK_BLOCK (1 << 3)
#define CACHE_SLOTS 8192u
#define MAX_BLOCK_BYTES 4096u

typedef struct {
    uint32_t address;
    uint32_t size;
    uint32_t instructions; /* 0 = empty slot */
} BlockEntry;

typedef struct {
    PyObject_HEAD
    void *uc;
    size_t hook;
    uc_hook_del_fn hook_del;
    uc_emu_stop_fn emu_stop;
    uc_mem_read_fn mem_read;
    uc_reg_read_batch_fn reg_read_batch;
    uc_reg_write_batch_fn reg_write_batch;
    int frame_ids[FRAME_REGISTERS];
    unsigned long long executed;
    unsigned long long limit;
    unsigned long long blocks;
    /* The block entered last: a hint that ends its block (WFI, WFE, YIELD) leaves the pc
     * at its end, which tells it from an undefined instruction (the pc at its start). */
    uint32_t last_address, last_size;
    BlockEntry cache[CACHE_SLOTS];
} BlockClock;

/* ARMv7-M ARM A5.1: a halfword whose top five bits are 0b11101, 0b11110 or 0b11111 is
 * the first half of a 32-bit instruction; anything else is a 16-bit instruction. */
static uint32_t count_thumb_instructions(const uint8_t *code, uint32_t size)
{
    uint32_t offset = 0, instructions = 0;
    while (offset + 1 < size) {
        uint16_t half = (uint16_t)(code[offset] | (code[offset + 1] << 8));
        offset += ((half >> 11) >= 0x1d) ? 4 : 2;
        instructions++;
    }
    return instructions ? instructions : 1;
}

static uint32_t instructions_in_block(BlockClock *clock, uint32_t address, uint32_t size)
{
    BlockEntry *entry = &clock->cache[(address >> 1) & (CACHE_SLOTS - 1)];
    if (entry->instructions && entry->address == address && entry->size == size)
        return entry->instructions;
    uint8_t code[MAX_BLOCK_BYTES];
    uint32_t readable = size < MAX_BLOCK_BYTES ? size : MAX_BLOCK_BYTES;
    uint32_t instructions;
    if (readable == 0 || clock->mem_read(clock->uc, address, code, readable) != 0)
        instructions = 1;
    else
        instructions = count_thumb_instructions(code, readable);
    entry->address = address;
    entry->size = size;
    entry->instructions = instructions;
    return instructions;
}

static void on_block(void *uc, uint64_t address, uint32_t size, void *user_data)
{
    BlockClock *clock = (BlockClock *)user_data;
    (void)uc;
    /* A stop asked for here takes effect before the block runs, so the budget is checked
     * before counting: the block that crosses the budget runs (and counts) whole, the
     * next one stops uncounted and is counted when it does run.  (Counting first would
     * count a block that does not run, and a budget smaller than the first block would
     * never let it run.) */
    if (clock->executed >= clock->limit) {
        clock->emu_stop(clock->uc);
        return;
    }
    clock->executed += instructions_in_block(clock, (uint32_t)address, size);
    clock->blocks++;
    clock->last_address = (uint32_t)address;
    clock->last_size = size;
}

static int BlockClock_init(BlockClock *self, PyObject *args, PyObject *kwds)
{
    unsigned long long uc, hook_add, hook_del, emu_stop, mem_read, reg_read_batch, reg_write_batch;
    PyObject *frame_ids;
    static char *keywords[] = {"uc", "hook_add", "hook_del", "emu_stop", "mem_read",
                               "reg_read_batch", "reg_write_batch", "frame_ids", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "KKKKKKKO", keywords, &uc, &hook_add,
                                     &hook_del, &emu_stop, &mem_read, &reg_read_batch,
                                     &reg_write_batch, &frame_ids))
        return -1;
    if (!PyTuple_Check(frame_ids) || PyTuple_GET_SIZE(frame_ids) != FRAME_REGISTERS) {
        PyErr_SetString(PyExc_ValueError, "frame_ids must be a tuple of 8 register ids");
        return -1;
    }
    for (int i = 0; i < FRAME_REGISTERS; i++) {
        self->frame_ids[i] = (int)PyLong_AsLong(PyTuple_GET_ITEM(frame_ids, i));
        if (PyErr_Occurred())
            return -1;
    }
    self->reg_read_batch = (uc_reg_read_batch_fn)(uintptr_t)reg_read_batch;
    self->reg_write_batch = (uc_reg_write_batch_fn)(uintptr_t)reg_write_batch;
    if (self->uc) {
        PyErr_SetString(PyExc_RuntimeError, "BlockClock is already installed");
        return -1;
    }
    self->uc = (void *)(uintptr_t)uc;
    self->hook_del = (uc_hook_del_fn)(uintptr_t)hook_del;
    self->emu_stop = (uc_emu_stop_fn)(uintptr_t)emu_stop;
    self->mem_read = (uc_mem_read_fn)(uintptr_t)mem_read;
    self->executed = 0;
    self->limit = ~0ull;
    memset(self->cache, 0, sizeof(self->cache));
    int err = ((uc_hook_add_fn)(uintptr_t)hook_add)(self->uc, &self->hook, UC_HOOK_BLOCK,
                                                     (void *)on_block, self, 1, 0);
    if (err != 0) {
        self->uc = NULL;
        PyErr_Format(PyExc_RuntimeError, "uc_hook_add failed with error %d", err);
        return -1;
    }
    return 0;
}

static void BlockClock_dealloc(BlockClock *self)
{
    /* The Uc object owns the engine; the hook dies with it.  Callers that outlive the
     * engine must call remove() first. */
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *BlockClock_remove(BlockClock *self, PyObject *Py_UNUSED(ignored))
{
    if (self->uc) {
        self->hook_del(self->uc, self->hook);
        self->uc = NULL;
    }
    Py_RETURN_NONE;
}

/* r0-r6 and pc in one engine call: a Python register read costs about a microsecond
 * each, and every system call needs all of them. */
static PyObject *BlockClock_read_frame(BlockClock *self, PyObject *Py_UNUSED(ignored))
{
    uint32_t values[FRAME_REGISTERS] = {0};
    void *pointers[FRAME_REGISTERS];
    for (int i = 0; i < FRAME_REGISTERS; i++)
        pointers[i] = &values[i];
    if (!self->uc || self->reg_read_batch(self->uc, self->frame_ids, pointers, FRAME_REGISTERS)) {
        PyErr_SetString(PyExc_RuntimeError, "uc_reg_read_batch failed");
        return NULL;
    }
    return Py_BuildValue("(kkkkkkkk)", (unsigned long)values[0], (unsigned long)values[1],
                         (unsigned long)values[2], (unsigned long)values[3],
                         (unsigned long)values[4], (unsigned long)values[5],
                         (unsigned long)values[6], (unsigned long)values[7]);
}

/* Write r0, or r0 and r1 (a system call's result). */
static PyObject *BlockClock_set_result(BlockClock *self, PyObject *args)
{
    unsigned long low, high = 0;
    PyObject *high_object = Py_None;
    if (!PyArg_ParseTuple(args, "k|O", &low, &high_object))
        return NULL;
    int count = 1;
    if (high_object != Py_None) {
        high = PyLong_AsUnsignedLong(high_object);
        if (PyErr_Occurred())
            return NULL;
        count = 2;
    }
    uint32_t values[2] = {(uint32_t)low, (uint32_t)high};
    void *const pointers[2] = {&values[0], &values[1]};
    if (!self->uc || self->reg_write_batch(self->uc, self->frame_ids, pointers, count)) {
        PyErr_SetString(PyExc_RuntimeError, "uc_reg_write_batch failed");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *BlockClock_invalidate(BlockClock *self, PyObject *Py_UNUSED(ignored))
{
    memset(self->cache, 0, sizeof(self->cache));
    Py_RETURN_NONE;
}

static PyObject *BlockClock_get_executed(BlockClock *self, void *closure)
{
    (void)closure;
    return PyLong_FromUnsignedLongLong(self->executed);
}

static int BlockClock_set_executed(BlockClock *self, PyObject *value, void *closure)
{
    (void)closure;
    unsigned long long v = PyLong_AsUnsignedLongLong(value);
    if (PyErr_Occurred())
        return -1;
    self->executed = v;
    return 0;
}

static PyObject *BlockClock_get_limit(BlockClock *self, void *closure)
{
    (void)closure;
    return PyLong_FromUnsignedLongLong(self->limit);
}

static int BlockClock_set_limit(BlockClock *self, PyObject *value, void *closure)
{
    (void)closure;
    unsigned long long v = PyLong_AsUnsignedLongLong(value);
    if (PyErr_Occurred())
        return -1;
    self->limit = v;
    return 0;
}

static PyObject *BlockClock_get_blocks(BlockClock *self, void *closure)
{
    (void)closure;
    return PyLong_FromUnsignedLongLong(self->blocks);
}

static PyObject *BlockClock_get_last_block(BlockClock *self, void *closure)
{
    (void)closure;
    return Py_BuildValue("(kk)", (unsigned long)self->last_address,
                         (unsigned long)self->last_size);
}

static PyGetSetDef BlockClock_getset[] = {
    {"executed", (getter)BlockClock_get_executed, (setter)BlockClock_set_executed,
     "instructions counted so far", NULL},
    {"limit", (getter)BlockClock_get_limit, (setter)BlockClock_set_limit,
     "stop emulation once executed reaches this count", NULL},
    {"blocks", (getter)BlockClock_get_blocks, NULL, "translation blocks entered", NULL},
    {"last_block", (getter)BlockClock_get_last_block, NULL,
     "(address, size) of the translation block entered last", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef BlockClock_methods[] = {
    {"remove", (PyCFunction)BlockClock_remove, METH_NOARGS, "uninstall the block hook"},
    {"read_frame", (PyCFunction)BlockClock_read_frame, METH_NOARGS,
     "r0-r6 and pc of the loaded context"},
    {"set_result", (PyCFunction)BlockClock_set_result, METH_VARARGS,
     "write r0 (and r1) of the loaded context"},
    {"invalidate", (PyCFunction)BlockClock_invalidate, METH_NOARGS,
     "forget cached block lengths (after code memory changes)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject BlockClockType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "levante.arch.cortex_m._blockclock.BlockClock",
    .tp_doc = "Counts executed instructions per translation block; stops at a limit.",
    .tp_basicsize = sizeof(BlockClock),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)BlockClock_init,
    .tp_dealloc = (destructor)BlockClock_dealloc,
    .tp_methods = BlockClock_methods,
    .tp_getset = BlockClock_getset,
};

static struct PyModuleDef blockclock_module = {
    PyModuleDef_HEAD_INIT, "_blockclock", "Deterministic instruction clock for Unicorn.", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__blockclock(void)
{
    if (PyType_Ready(&BlockClockType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&blockclock_module);
    if (!module)
        return NULL;
    Py_INCREF(&BlockClockType);
    if (PyModule_AddObject(module, "BlockClock", (PyObject *)&BlockClockType) < 0) {
        Py_DECREF(&BlockClockType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
