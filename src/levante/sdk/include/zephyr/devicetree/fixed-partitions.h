/* Devicetree access to fixed flash partitions (children of a "fixed-partitions" node). */
#ifndef ZEPHYR_DEVICETREE_FIXED_PARTITIONS_H
#define ZEPHYR_DEVICETREE_FIXED_PARTITIONS_H

#define DT_NODE_BY_FIXED_PARTITION_LABEL(label) DT_NODELABEL(label)
#define DT_HAS_FIXED_PARTITION_LABEL(label) DT_NODE_EXISTS(DT_NODELABEL(label))
#define DT_FIXED_PARTITION_EXISTS(node_id) \
	DT_NODE_HAS_COMPAT(DT_PARENT(node_id), fixed_partitions)
/* The partition's offset within its flash memory, and that memory's address. */
#define DT_FIXED_PARTITION_ADDR(node_id) \
	(DT_REG_ADDR(DT_GPARENT(node_id)) + DT_REG_ADDR(node_id))
#define DT_MEM_FROM_FIXED_PARTITION(node_id) DT_GPARENT(node_id)
#define DT_MTD_FROM_FIXED_PARTITION(node_id) DT_PARENT(DT_GPARENT(node_id))

#endif
