/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pagetree.c - walk a sender's /Pages tree with caps, before qpdf builds its page list.
 *
 * qpdf's own walk (getAllPages) accepts a page object listed many times and makes a copy of
 * it for every extra reference, with a warning each: a few megabytes of "3 0 R 3 0 R ..."
 * become a million pages and exhaust memory. This walk goes through the tree by object
 * handles only, and refuses: more pages than the budget (each /Kids entry counts as at least
 * one page, so a long array is refused by its length, before any entry is read), a tree
 * deeper than TREE_MAX_DEPTH, more nodes than twice the budget, a node that is not a
 * dictionary, /Kids that is not an array, and any object reached twice (a loop, or a page
 * listed more than once). Handles are released as the walk goes, so its memory does not
 * grow with the tree.
 */
#include "pdfpage.h"

#define TREE_MAX_DEPTH 32

struct walk {
    qpdf_data q;
    GHashTable *seen; /* (object id << 20 | generation) of indirect nodes */
    int budget, pages, nodes;
    struct reason *r;
};

static int too_many(struct walk *w)
{
    reason_fail(w->r, "pdf-too-many-pages", "a PDF has more than %d page(s), the letter's "
                "remaining page limit ([limits] max_pages)", w->budget < 0 ? 0 : w->budget);
    return -1;
}

static int malformed(struct walk *w, const char *what)
{
    reason_fail(w->r, "pdf-invalid", "a PDF's page tree is malformed: %s", what);
    return -1;
}

/* True the first time an indirect object is reached; direct objects cannot repeat. */
static bool first_visit(struct walk *w, qpdf_oh node)
{
    gint64 key;

    if (!qpdf_oh_is_indirect(w->q, node))
        return true;
    key = ((gint64)qpdf_oh_get_object_id(w->q, node) << 20) |
          (gint64)(qpdf_oh_get_generation(w->q, node) & 0xfffff);
    if (g_hash_table_contains(w->seen, &key))
        return false;
    g_hash_table_add(w->seen, g_memdup2(&key, sizeof key));
    return true;
}

static int walk_node(struct walk *w, qpdf_oh node, int depth);

static int walk_kids(struct walk *w, qpdf_oh kids, int depth)
{
    int n, i, rc = 0;

    if (!qpdf_oh_is_array(w->q, kids))
        return malformed(w, "/Kids is not an array");
    n = qpdf_oh_get_array_n_items(w->q, kids);
    if (n > w->budget - w->pages)
        return too_many(w);
    for (i = 0; rc == 0 && i < n; i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(w->q, kids, i);
        rc = walk_node(w, kid, depth + 1);
        qpdf_oh_release(w->q, kid);
    }
    return rc;
}

static int walk_node(struct walk *w, qpdf_oh node, int depth)
{
    qpdf_oh kids;
    int rc;

    if (depth > TREE_MAX_DEPTH)
        return malformed(w, "deeper than 32 levels");
    if (++w->nodes > 2 * w->budget + TREE_MAX_DEPTH)
        return malformed(w, "more nodes than pages allow");
    if (!qpdf_oh_is_dictionary(w->q, node))
        return malformed(w, "a node is not a dictionary");
    if (!first_visit(w, node))
        return malformed(w, "a page or node is referenced more than once");
    if (!qpdf_oh_has_key(w->q, node, "/Kids"))
        return ++w->pages > w->budget ? too_many(w) : 0;
    kids = qpdf_oh_get_key(w->q, node, "/Kids");
    rc = walk_kids(w, kids, depth);
    qpdf_oh_release(w->q, kids);
    return rc;
}

int page_tree_check(qpdf_data q, int max_pages, struct reason *r)
{
    struct walk w = {q, g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL),
                     max_pages, 0, 0, r};
    qpdf_oh root = qpdf_get_root(q), pages = qpdf_oh_get_key(q, root, "/Pages");
    int rc;

    if (!qpdf_oh_is_dictionary(q, pages) || !qpdf_oh_has_key(q, pages, "/Kids"))
        rc = malformed(&w, "the catalog has no /Pages with /Kids");
    else
        rc = walk_node(&w, pages, 0);
    if (rc == 0 && qpdf_has_error(q))
        rc = malformed(&w, "objects cannot be read");
    if (rc == 0 && w.pages == 0) {
        reason_fail(r, "pdf-invalid", "a PDF has no pages");
        rc = -1;
    }
    qpdf_oh_release(q, pages);
    qpdf_oh_release(q, root);
    g_hash_table_destroy(w.seen);
    return rc;
}
