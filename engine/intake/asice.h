/* SPDX-License-Identifier: Apache-2.0 */
/*
 * asice.h - read-only access to an ASiC-E container held in memory.
 *
 * Entry names are validated and never used as file paths. Entries are read into memory on
 * request, with the entry-count, total-size and compression-ratio caps enforced on the bytes
 * actually inflated, not on what the headers claim.
 */
#ifndef TRYKK_ASICE_H
#define TRYKK_ASICE_H

#include "../util/reason.h"
#include "../util/util.h"

struct asice_limits {
    size_t max_entries;   /* 1,000 */
    size_t max_total;     /* uncompressed bytes over all entries read: 50 MiB */
    unsigned max_ratio;   /* 100 : 1 */
    size_t ratio_floor;   /* the ratio applies once an entry exceeds this many bytes */
};

struct asice;

int asice_open(struct asice **out, const struct bytes *zip, const struct asice_limits *lim,
               struct reason *r);
void asice_free(struct asice *a);
size_t asice_count(const struct asice *a);
const char *const *asice_names(const struct asice *a);
bool asice_has(const struct asice *a, const char *name);
int asice_read(struct asice *a, const char *name, const struct bytes **out, struct reason *r);
/* Adapter for struct xades_package.read. */
int asice_read_cb(void *ctx, const char *name, const struct bytes **out, struct reason *r);

#endif
