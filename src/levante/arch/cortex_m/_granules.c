/* Granule guard: enforces a memory view at the MPU's 32-byte granule on pages that
 * Unicorn can only protect whole.
 *
 * Why: Unicorn keeps its TLB flags in the address bits below 1 KiB, so pages smaller
 * than 1 KiB corrupt accesses (a store to such a page can be lost).  Pages therefore stay
 * 1 KiB, and a page whose granules carry different rights for the running view (a
 * 512-byte stack beside kernel data, say) gets the union of those rights from Unicorn plus
 * a hook from this guard, which checks every access against the view's per-granule
 * rights table:
 * - data: Unicorn calls read and write hooks before the access.  A denied access makes
 *   the guard withdraw that right from the memory region holding the address, so
 *   Unicorn's own permission check, which follows the hooks, raises the protection fault:
 *   the access never happens and the fault is precise.  The region's rights are restored
 *   by `take_violation` once emulation has stopped.
 * - execution: a code hook runs before each instruction of the page; a denied fetch stops
 *   emulation before the instruction executes.
 * Hooks stay installed once a page needed one; with no view (a privileged context) they
 * only repair the IT state (below).
 *
 * Unicorn synchronises the CPU state from the translated block before it calls a memory
 * hook, and for Thumb that includes the IT-block bits, which QEMU otherwise keeps at zero
 * while a block runs (the block's code carries the IT state).  A load inside an IT block
 * on a watched page would leave them set, and the next block would be translated as if
 * still inside the IT block: its instructions become conditional and some are skipped.
 * Every hook that lets an access go ahead therefore clears them again.
 *
 * Unicorn's entry points are passed in as addresses from its ctypes binding, as in the
 * block clock.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t begin;
    uint64_t end; /* inclusive */
    uint32_t perms;
} uc_mem_region;

typedef int (*uc_hook_add_fn)(void *uc, size_t *hh, int type, void *callback, void *user_data,
                              uint64_t begin, uint64_t end, ...);
typedef int (*uc_emu_stop_fn)(void *uc);
typedef int (*uc_mem_regions_fn)(void *uc, uc_mem_region **regions, uint32_t *count);
typedef int (*uc_mem_protect_fn)(void *uc, uint64_t address, uint64_t size, uint32_t perms);
typedef int (*uc_free_fn)(void *mem);
typedef int (*uc_reg_read_fn)(void *uc, int regid, void *value);
typedef int (*uc_reg_write_fn)(void *uc, int regid, const void *value);

/* unicorn.h: uc_hook_type and uc_mem_type values, uc_prot bits. */
#define UC_HOOK_CODE (1 << 2)
#define UC_HOOK_MEM_READ (1 << 10)
#define UC_HOOK_MEM_WRITE (1 << 11)
#define UC_MEM_WRITE 17
#define UC_PROT_READ 1
#define UC_PROT_WRITE 2

/* Rights bits in the table, one byte per granule (the same bits as UC_PROT_*). */
#define RIGHT_READ 1
#define RIGHT_WRITE 2
#define RIGHT_EXECUTE 4

/* EPSR: the Thumb bit (24) and the IT bits (26:25 and 15:10). */
#define EPSR_THUMB (1u << 24)
#define EPSR_IT_BITS ((3u << 25) | (0x3fu << 10))

#define GRANULE_SHIFT 5
#define MAX_BLOCKS 4

typedef struct {
    uint64_t base;
    uint64_t end;
    Py_ssize_t first; /* index of the block's first granule in the rights table */
} Block;

typedef struct {
    PyObject_HEAD
    void *uc;
    uc_hook_add_fn hook_add;
    uc_emu_stop_fn emu_stop;
    uc_mem_regions_fn mem_regions;
    uc_mem_protect_fn mem_protect;
    uc_free_fn free;
    uc_reg_read_fn reg_read;
    uc_reg_write_fn reg_write;
    int epsr_id;
    Block blocks[MAX_BLOCKS];
    int block_count;
    Py_ssize_t granules;
    PyObject *rights_object; /* bytes, or NULL: no view, everything allowed */
    const uint8_t *rights;
    /* The first denied access of this run (kind 0: none). */
    uint64_t violation_address;
    int violation_kind;
    /* The region whose rights were withdrawn to fault a denied data access. */
    int withdrawn;
    uint64_t withdrawn_begin, withdrawn_size;
    uint32_t withdrawn_perms;
} GranuleGuard;

static int rights_at(GranuleGuard *guard, uint64_t address)
{
    for (int i = 0; i < guard->block_count; i++) {
        Block *block = &guard->blocks[i];
        if (address >= block->base && address < block->end)
            return guard->rights[block->first + ((address - block->base) >> GRANULE_SHIFT)];
    }
    return 0;
}

/* Whether every granule the access [address, address + size) touches grants `right`. */
static int permits(GranuleGuard *guard, uint64_t address, int size, int right)
{
    uint64_t last = address + (uint64_t)(size > 0 ? size - 1 : 0);
    for (uint64_t granule = address >> GRANULE_SHIFT; granule <= last >> GRANULE_SHIFT; granule++) {
        uint64_t at = granule == address >> GRANULE_SHIFT ? address : granule << GRANULE_SHIFT;
        if (!(rights_at(guard, at) & right))
            return 0;
    }
    return 1;
}

static void record(GranuleGuard *guard, uint64_t address, int kind)
{
    if (!guard->violation_kind) {
        guard->violation_address = address;
        guard->violation_kind = kind;
    }
}

/* Take `right` away from the whole region holding `address`: a whole region changes
 * without being split, so the region Unicorn is about to check stays valid. */
static void withdraw(GranuleGuard *guard, uint64_t address, uint32_t right)
{
    uc_mem_region *regions = NULL;
    uint32_t count = 0;
    if (guard->withdrawn || guard->mem_regions(guard->uc, &regions, &count) != 0)
        return;
    for (uint32_t i = 0; i < count; i++) {
        if (regions[i].begin <= address && address <= regions[i].end) {
            uint64_t size = regions[i].end - regions[i].begin + 1;
            if (guard->mem_protect(guard->uc, regions[i].begin, size, regions[i].perms & ~right) == 0) {
                guard->withdrawn = 1;
                guard->withdrawn_begin = regions[i].begin;
                guard->withdrawn_size = size;
                guard->withdrawn_perms = regions[i].perms;
            }
            break;
        }
    }
    guard->free(regions);
}

/* Undo the IT state Unicorn's pre-hook synchronisation left behind (see the top). */
static void clear_it_state(GranuleGuard *guard)
{
    uint32_t epsr = 0;
    if (guard->reg_read(guard->uc, guard->epsr_id, &epsr) == 0 && (epsr & EPSR_IT_BITS)) {
        uint32_t thumb_only = EPSR_THUMB;
        guard->reg_write(guard->uc, guard->epsr_id, &thumb_only);
    }
}

static void on_data(void *uc, int type, uint64_t address, int size, int64_t value, void *user_data)
{
    GranuleGuard *guard = (GranuleGuard *)user_data;
    (void)uc;
    (void)value;
    int write = type == UC_MEM_WRITE;
    if (!guard->rights || permits(guard, address, size, write ? RIGHT_WRITE : RIGHT_READ)) {
        clear_it_state(guard);
        return;
    }
    record(guard, address, write ? RIGHT_WRITE : RIGHT_READ);
    withdraw(guard, address, write ? UC_PROT_WRITE : UC_PROT_READ);
    /* Should the region not change, the access goes ahead: stop after it, and the
     * kernel still learns of the violation. */
    if (!guard->withdrawn)
        guard->emu_stop(guard->uc);
}

static void on_code(void *uc, uint64_t address, uint32_t size, void *user_data)
{
    GranuleGuard *guard = (GranuleGuard *)user_data;
    (void)uc;
    if (!guard->rights || permits(guard, address, (int)size, RIGHT_EXECUTE))
        return;
    record(guard, address, RIGHT_EXECUTE);
    guard->emu_stop(guard->uc);
}

static int GranuleGuard_init(GranuleGuard *self, PyObject *args, PyObject *kwds)
{
    unsigned long long uc, hook_add, emu_stop, mem_regions, mem_protect, free_fn, reg_read,
        reg_write;
    int epsr_id;
    PyObject *blocks;
    static char *keywords[] = {"uc", "hook_add", "emu_stop", "mem_regions", "mem_protect",
                               "free", "reg_read", "reg_write", "epsr_id", "blocks", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "KKKKKKKKiO", keywords, &uc, &hook_add,
                                     &emu_stop, &mem_regions, &mem_protect, &free_fn, &reg_read,
                                     &reg_write, &epsr_id, &blocks))
        return -1;
    if (self->uc) {
        PyErr_SetString(PyExc_RuntimeError, "GranuleGuard is already installed");
        return -1;
    }
    if (!PyTuple_Check(blocks) || PyTuple_GET_SIZE(blocks) > MAX_BLOCKS) {
        PyErr_SetString(PyExc_ValueError, "blocks must be a tuple of at most 4 (base, size)");
        return -1;
    }
    self->granules = 0;
    self->block_count = (int)PyTuple_GET_SIZE(blocks);
    for (int i = 0; i < self->block_count; i++) {
        unsigned long long base, size;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(blocks, i), "KK", &base, &size))
            return -1;
        self->blocks[i].base = base;
        self->blocks[i].end = base + size;
        self->blocks[i].first = self->granules;
        self->granules += (Py_ssize_t)(size >> GRANULE_SHIFT);
    }
    self->uc = (void *)(uintptr_t)uc;
    self->hook_add = (uc_hook_add_fn)(uintptr_t)hook_add;
    self->emu_stop = (uc_emu_stop_fn)(uintptr_t)emu_stop;
    self->mem_regions = (uc_mem_regions_fn)(uintptr_t)mem_regions;
    self->mem_protect = (uc_mem_protect_fn)(uintptr_t)mem_protect;
    self->free = (uc_free_fn)(uintptr_t)free_fn;
    self->reg_read = (uc_reg_read_fn)(uintptr_t)reg_read;
    self->reg_write = (uc_reg_write_fn)(uintptr_t)reg_write;
    self->epsr_id = epsr_id;
    return 0;
}

static void GranuleGuard_dealloc(GranuleGuard *self)
{
    /* The hooks die with the engine, which the Uc object owns. */
    Py_XDECREF(self->rights_object);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *GranuleGuard_set_rights(GranuleGuard *self, PyObject *rights)
{
    if (rights != Py_None) {
        if (!PyBytes_Check(rights) || PyBytes_GET_SIZE(rights) != self->granules) {
            PyErr_Format(PyExc_ValueError, "rights must be bytes with one entry per granule (%zd)",
                         self->granules);
            return NULL;
        }
        Py_INCREF(rights);
    }
    Py_XDECREF(self->rights_object);
    self->rights_object = rights == Py_None ? NULL : rights;
    self->rights = rights == Py_None ? NULL : (const uint8_t *)PyBytes_AS_STRING(rights);
    Py_RETURN_NONE;
}

static PyObject *watch(GranuleGuard *self, PyObject *args, int type, void *callback)
{
    unsigned long long start, size;
    size_t hook;
    if (!PyArg_ParseTuple(args, "KK", &start, &size))
        return NULL;
    int err = self->hook_add(self->uc, &hook, type, callback, self, start, start + size - 1);
    if (err != 0) {
        PyErr_Format(PyExc_RuntimeError, "uc_hook_add failed with error %d", err);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *GranuleGuard_watch_data(GranuleGuard *self, PyObject *args)
{
    return watch(self, args, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)on_data);
}

static PyObject *GranuleGuard_watch_code(GranuleGuard *self, PyObject *args)
{
    return watch(self, args, UC_HOOK_CODE, (void *)on_code);
}

/* The run's denied access as (address, rights bit), or None; restores a withdrawn
 * region's rights and forgets the violation. */
static PyObject *GranuleGuard_take_violation(GranuleGuard *self, PyObject *Py_UNUSED(ignored))
{
    if (self->withdrawn) {
        self->mem_protect(self->uc, self->withdrawn_begin, self->withdrawn_size,
                          self->withdrawn_perms);
        self->withdrawn = 0;
    }
    if (!self->violation_kind)
        Py_RETURN_NONE;
    int kind = self->violation_kind;
    self->violation_kind = 0;
    return Py_BuildValue("(Ki)", (unsigned long long)self->violation_address, kind);
}

static PyMethodDef GranuleGuard_methods[] = {
    {"set_rights", (PyCFunction)GranuleGuard_set_rights, METH_O,
     "the running view's rights, one byte per granule (None: no checks)"},
    {"watch_data", (PyCFunction)GranuleGuard_watch_data, METH_VARARGS,
     "check reads and writes in [start, start + size) from now on"},
    {"watch_code", (PyCFunction)GranuleGuard_watch_code, METH_VARARGS,
     "check instruction fetches in [start, start + size) from now on"},
    {"take_violation", (PyCFunction)GranuleGuard_take_violation, METH_NOARGS,
     "the denied access of the last run, if any"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject GranuleGuardType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "levante.arch.cortex_m._granules.GranuleGuard",
    .tp_doc = "Checks accesses on shared pages against per-granule rights.",
    .tp_basicsize = sizeof(GranuleGuard),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)GranuleGuard_init,
    .tp_dealloc = (destructor)GranuleGuard_dealloc,
    .tp_methods = GranuleGuard_methods,
};

static struct PyModuleDef granules_module = {
    PyModuleDef_HEAD_INIT, "_granules", "Per-granule access checks for Unicorn.", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__granules(void)
{
    if (PyType_Ready(&GranuleGuardType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&granules_module);
    if (!module)
        return NULL;
    Py_INCREF(&GranuleGuardType);
    if (PyModule_AddObject(module, "GranuleGuard", (PyObject *)&GranuleGuardType) < 0) {
        Py_DECREF(&GranuleGuardType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
