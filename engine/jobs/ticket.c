/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ticket.c - the job ticket (CIP4 JDF 1.5) and the piece manifest (pieces.csv: one row per
 * piece, no names or addresses).
 *
 * The ticket is a Product node (what the job makes: one sealed envelope per piece, by the
 * deadline) over its process nodes:
 *
 *   J000042            Product: Component "pieces" partitioned by Run = piece code (one part
 *                      per piece), ColorIntent (black only for SORT_HVIT, CMYK for FARGE),
 *                      FoldingIntent, InsertingIntent, NodeInfo End = the job's cut-off
 *   J000042.print      LayoutPreparation + DigitalPrinting: RunList job.pdf partitioned by
 *                      Run with each piece's zero-based page range, A4 80 g paper, duplex
 *                      (TwoSidedFlipY), DigitalPrintingParams, ColorantControl
 *   J000042.faces      windowless stock only: DigitalPrinting of envelopes.pdf (one page per
 *                      piece, same Run parts) on the C5/C4 envelopes, simplex
 *   J000042.insert     Folding + Inserting: the printed sheets folded (F4-1 for C5, flat
 *                      F2-1 for C4) and each piece's sheets put into its envelope
 *
 * Every number comes from the ledger's pieces and the layout and stock of the job, so a
 * rebuilt job gets the same ticket.
 */
#include <string.h>
#include <libxml/tree.h>
#include "jobs.h"

#define JDF_NS "http://www.CIP4.org/JDFSchema_1_1"
#define MAX_FOLDS 4

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *const *attrs)
{
    xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
    int i;

    for (i = 0; attrs && attrs[i]; i += 2)
        if (attrs[i + 1])
            xmlNewProp(n, BAD_CAST attrs[i], BAD_CAST attrs[i + 1]);
    return n;
}

/* A resource: ID, Class and Status first, then its own attributes. */
static xmlNodePtr resource(xmlNodePtr pool, const char *name, const char *id, const char *cls,
                           const char *status, const char *const *attrs)
{
    xmlNodePtr n = child(pool, name, (const char *[]){"ID", id, "Class", cls, "Status", status,
                                                      NULL});
    int i;

    for (i = 0; attrs && attrs[i]; i += 2)
        if (attrs[i + 1])
            xmlNewProp(n, BAD_CAST attrs[i], BAD_CAST attrs[i + 1]);
    return n;
}

static void link_to(xmlNodePtr links, const char *resource_name, const char *id,
                    const char *usage)
{
    char *name = g_strconcat(resource_name, "Link", NULL);

    child(links, name, (const char *[]){"rRef", id, "Usage", usage, NULL});
    g_free(name);
}

/* "width height" in points, as JDF wants a Dimension. */
static char *dimension(double w_mm, double h_mm)
{
    return g_strdup_printf("%.2f %.2f", PT(w_mm), PT(h_mm));
}

static xmlNodePtr node(xmlNodePtr parent, const char *id, const char *type, const char *types,
                       const char *desc)
{
    xmlNodePtr n = parent ? xmlNewChild(parent, NULL, BAD_CAST "JDF", NULL)
                          : xmlNewNode(NULL, BAD_CAST "JDF");

    xmlNewProp(n, BAD_CAST "ID", BAD_CAST id);
    xmlNewProp(n, BAD_CAST "Type", BAD_CAST type);
    if (types)
        xmlNewProp(n, BAD_CAST "Types", BAD_CAST types);
    xmlNewProp(n, BAD_CAST "Status", BAD_CAST "Ready");
    xmlNewProp(n, BAD_CAST "DescriptiveName", BAD_CAST desc);
    return n;
}

/* Parts of a resource, one per piece (Run = its piece code), filled in by fn with the
 * piece's index in the job and its first page in job.pdf (zero-based). */
typedef void (*part_fn)(xmlNodePtr part, const struct piece_row *p, int index, int page0);

static void parts(xmlNodePtr res, const struct ticket_input *t, part_fn fn)
{
    guint i;
    int page0 = 0;

    xmlNewProp(res, BAD_CAST "PartIDKeys", BAD_CAST "Run");
    for (i = 0; i < t->pieces->len; i++) {
        const struct piece_row *p = t->pieces->pdata[i];
        xmlNodePtr part = xmlNewChild(res, NULL, res->name, NULL);
        xmlNewProp(part, BAD_CAST "Run", BAD_CAST(p->code ? p->code : ""));
        fn(part, p, (int)i, page0);
        page0 += 2 * p->sheets;
    }
}

static void set_int(xmlNodePtr n, const char *name, long long v)
{
    char buf[24];

    g_snprintf(buf, sizeof buf, "%lld", v);
    xmlNewProp(n, BAD_CAST name, BAD_CAST buf);
}

static void piece_pages(xmlNodePtr part, const struct piece_row *p, int index, int page0)
{
    char *pages = g_strdup_printf("%d ~ %d", page0, page0 + 2 * p->sheets - 1);
    char *desc = g_strdup_printf("piece %d: sheets %d-%d", p->seq, p->first_sheet,
                                 p->first_sheet + p->sheets - 1);

    (void)index;
    xmlNewProp(part, BAD_CAST "Pages", BAD_CAST pages);
    set_int(part, "NPage", 2 * p->sheets);
    xmlNewProp(part, BAD_CAST "EndOfDocument", BAD_CAST "true");
    xmlNewProp(part, BAD_CAST "DescriptiveName", BAD_CAST desc);
    g_free(pages);
    g_free(desc);
}

static void piece_face(xmlNodePtr part, const struct piece_row *p, int index, int page0)
{
    (void)p;
    (void)page0;
    set_int(part, "Pages", index); /* the faces are in the order of the content */
    set_int(part, "NPage", 1);
}

static void piece_component(xmlNodePtr part, const struct piece_row *p, int index, int page0)
{
    char *desc = g_strdup_printf("piece %d: %d sheet(s), %s, %d.%d g, %s", p->seq, p->sheets,
                                 p->envelope, p->weight_mg / 1000, p->weight_mg % 1000 / 100,
                                 p->posttype);

    (void)index;
    (void)page0;
    set_int(part, "Amount", 1);
    xmlNewProp(part, BAD_CAST "DescriptiveName", BAD_CAST desc);
    g_free(desc);
}

static void file_list(xmlNodePtr rl, const char *url)
{
    child(child(rl, "LayoutElement", NULL), "FileSpec",
          (const char *[]){"URL", url, "MimeType", "application/pdf", NULL});
}

/* ---- the product: what comes out, by when, and how ---------------------------------------- */

static void product(xmlNodePtr root, xmlNodePtr pool, const struct ticket_input *t, int folds)
{
    const struct job_row *j = t->job;
    bool colour = strcmp(j->colour, "FARGE") == 0;
    bool manual = strcmp(j->envelope, "MANUAL") == 0;
    xmlNodePtr links = child(root, "ResourceLinkPool", NULL), r, cu;
    char *n = g_strdup_printf("%u", t->pieces->len);
    const char *const black[] = {"Black", NULL}, *const cmyk[] = {"Cyan", "Magenta", "Yellow",
                                                                   "Black", NULL};
    const char *const *sep;

    r = resource(pool, "Component", "C_PIECES", "Quantity", "Unavailable",
                 (const char *[]){"ComponentType", "FinalProduct", "Amount", n,
                                  "DescriptiveName", "sealed envelopes, one per piece", NULL});
    parts(r, t, piece_component);
    resource(pool, "NodeInfo", "NI_DEADLINE", "Parameter", "Available",
             (const char *[]){"End", j->due_at, "DescriptiveName",
                              "cut-off: printed, inserted and ready for the postal operator",
                              NULL});
    r = resource(pool, "ColorIntent", "CI_COLOUR", "Intent", "Available",
                 (const char *[]){"DescriptiveName", colour ? "FARGE: process colour"
                                                            : "SORT_HVIT: black only", NULL});
    child(r, "ColorStandard", (const char *[]){"DataType", "NameSpan", "Preferred",
                                               colour ? "CMYK" : "Gray", NULL});
    cu = child(r, "ColorsUsed", NULL);
    for (sep = colour ? cmyk : black; *sep; sep++)
        child(cu, "SeparationSpec", (const char *[]){"Name", *sep, NULL});
    r = resource(pool, "FoldingIntent", "FI_FOLD", "Intent", "Available",
                 (const char *[]){"DescriptiveName",
                                  folds == 0 ? "flat: A4 unfolded into the envelope"
                                             : "A4 folded in equal panels, top panel at the window",
                                  NULL});
    if (fold_catalog(folds))
        child(r, "FoldingCatalog", (const char *[]){"DataType", "NameSpan", "Preferred",
                                                    fold_catalog(folds), NULL});
    r = resource(pool, "InsertingIntent", "II_INSERT", "Intent", "Available",
                 (const char *[]){"DescriptiveName",
                                  manual ? "by hand: more sheets than a C4 inserter takes"
                                         : "each piece's sheets into its own envelope, matched "
                                           "by the inserter marks",
                                  NULL});
    child(r, "Method", (const char *[]){"DataType", "EnumerationSpan", "Preferred", "BlowIn",
                                        NULL});
    link_to(links, "NodeInfo", "NI_DEADLINE", "Input");
    link_to(links, "ColorIntent", "CI_COLOUR", "Input");
    link_to(links, "FoldingIntent", "FI_FOLD", "Input");
    link_to(links, "InsertingIntent", "II_INSERT", "Input");
    link_to(links, "Component", "C_PIECES", "Output");
    g_free(n);
}

/* ---- the processes ----------------------------------------------------------------------- */

/* One printing process: a file (RunList with a part per piece) printed on a medium. */
struct print_node {
    const char *suffix, *desc;           /* node ID <job>.<suffix> */
    const char *file, *npage;
    part_fn part;
    const char *media, *sides, *colour_model, *amount, *made;
    const char *rl, *lpp, *dpp, *cc, *out; /* resource IDs */
    const char *const *dpp_attrs;
};

static void print_node(xmlNodePtr root, xmlNodePtr pool, const struct ticket_input *t,
                       const struct print_node *p)
{
    char *id = g_strdup_printf("%s.%s", t->job->name, p->suffix);
    xmlNodePtr n = node(root, id, "Combined", "LayoutPreparation DigitalPrinting", p->desc);
    xmlNodePtr links = child(n, "ResourceLinkPool", NULL), r;

    r = resource(pool, "RunList", p->rl, "Parameter", "Available",
                 (const char *[]){"NPage", p->npage, NULL});
    file_list(r, p->file);
    parts(r, t, p->part);
    resource(pool, "LayoutPreparationParams", p->lpp, "Parameter", "Available",
             (const char *[]){"Sides", p->sides, NULL});
    r = resource(pool, "DigitalPrintingParams", p->dpp, "Parameter", "Available", p->dpp_attrs);
    child(r, "MediaRef", (const char *[]){"rRef", p->media, NULL});
    resource(pool, "ColorantControl", p->cc, "Parameter", "Available",
             (const char *[]){"ProcessColorModel", p->colour_model, NULL});
    resource(pool, "Component", p->out, "Quantity", "Unavailable",
             (const char *[]){"ComponentType", "Sheet", "Amount", p->amount, "DescriptiveName",
                              p->made, NULL});
    link_to(links, "RunList", p->rl, "Input");
    link_to(links, "Media", p->media, "Input");
    link_to(links, "LayoutPreparationParams", p->lpp, "Input");
    link_to(links, "DigitalPrintingParams", p->dpp, "Input");
    link_to(links, "ColorantControl", p->cc, "Input");
    link_to(links, "Component", p->out, "Output");
    g_free(id);
}

/* job.pdf on A4 paper, duplex. */
static void print_sheets(xmlNodePtr root, xmlNodePtr pool, const struct ticket_input *t)
{
    char *np = g_strdup_printf("%d", t->pages), *ns = g_strdup_printf("%d", t->sheets);
    char *dim = dimension(t->layout->page_w, t->layout->page_h);
    struct print_node p = {
        "print", "job.pdf on A4, duplex, each piece starting on a new sheet", "job.pdf", np,
        piece_pages, "M_PAPER", "TwoSidedFlipY",
        strcmp(t->job->colour, "FARGE") == 0 ? "DeviceCMYK" : "DeviceGray", ns,
        "printed sheets", "RL_SHEETS", "LPP_SHEETS", "DPP_SHEETS", "CC_SHEETS", "C_SHEETS",
        (const char *[]){"PrintingType", "SheetFed", "Collate", "SheetAndSet", NULL}};

    resource(pool, "Media", "M_PAPER", "Consumable", "Available",
             (const char *[]){"MediaType", "Paper", "Dimension", dim, "Weight", "80",
                              "DescriptiveName", "A4 80 g/m2 uncoated", NULL});
    print_node(root, pool, t, &p);
    g_free(np);
    g_free(ns);
    g_free(dim);
}

static void envelope_media(xmlNodePtr pool, const struct ticket_input *t)
{
    char *dim = dimension(t->stock->width, t->stock->height);
    char *desc = g_strdup_printf("%s envelope (%s), %.0f x %.0f mm", t->stock->format,
                                 t->stock->window ? "window" : "windowless", t->stock->width,
                                 t->stock->height);

    resource(pool, "Media", "M_ENVELOPE", "Consumable", "Available",
             (const char *[]){"MediaType", "Paper", "MediaTypeDetails",
                              t->stock->window ? "EnvelopeWindow" : "EnvelopePlain",
                              "Dimension", dim, "DescriptiveName", desc, NULL});
    g_free(dim);
    g_free(desc);
}

/* Windowless stock: the faces printed on the envelopes themselves, one side. */
static void print_faces(xmlNodePtr root, xmlNodePtr pool, const struct ticket_input *t)
{
    char *n = g_strdup_printf("%u", t->pieces->len);
    struct print_node p = {
        "faces", "envelopes.pdf on the envelopes, simplex, in piece order", "envelopes.pdf", n,
        piece_face, "M_ENVELOPE", "OneSidedFront", "DeviceGray", n, "printed envelopes",
        "RL_FACES", "LPP_FACES", "DPP_FACES", "CC_FACES", "C_FACES",
        (const char *[]){"PrintingType", "SheetFed", "ManualFeed", "false", NULL}};

    print_node(root, pool, t, &p);
    g_free(n);
}

static void fold_and_insert(xmlNodePtr root, xmlNodePtr pool, const struct ticket_input *t,
                            int folds)
{
    char *id = g_strdup_printf("%s.insert", t->job->name);
    xmlNodePtr n = node(root, id, "Combined", "Folding Inserting",
                        "sheets folded and inserted, one envelope per piece");
    xmlNodePtr links = child(n, "ResourceLinkPool", NULL);

    resource(pool, "FoldingParams", "FP_FOLD", "Parameter", "Available",
             (const char *[]){"FoldCatalog", fold_catalog(folds), NULL});
    resource(pool, "InsertingParams", "IP_INSERT", "Parameter", "Available",
             (const char *[]){"Method", "BlowIn", NULL});
    link_to(links, "Component", "C_SHEETS", "Input");
    if (t->envelopes)
        link_to(links, "Component", "C_FACES", "Input");
    else
        link_to(links, "Media", "M_ENVELOPE", "Input");
    link_to(links, "FoldingParams", "FP_FOLD", "Input");
    link_to(links, "InsertingParams", "IP_INSERT", "Input");
    link_to(links, "Component", "C_PIECES", "Output");
    g_free(id);
}

char *jobs_ticket_jdf(const struct ticket_input *t)
{
    const struct job_row *j = t->job;
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    char *desc = g_strdup_printf("trykk %s: %s %s %s, %s post, %s", j->name, j->layout,
                                 j->envelope, j->colour, j->posttype, j->stock);
    xmlNodePtr root = node(NULL, j->name, "Product", NULL, desc), pool;
    double fy[MAX_FOLDS];
    int folds = fold_lines(t->layout, t->stock, fy, MAX_FOLDS);
    xmlChar *out = NULL;
    int len = 0;
    char *text;

    xmlDocSetRootElement(doc, root);
    xmlSetNs(root, xmlNewNs(root, BAD_CAST JDF_NS, NULL));
    xmlNewProp(root, BAD_CAST "JobID", BAD_CAST j->name);
    xmlNewProp(root, BAD_CAST "Version", BAD_CAST "1.5");
    child(root, "GeneralID", (const char *[]){"IDUsage", "trykk:posting-day", "IDValue", j->day,
                                              NULL});
    pool = child(root, "ResourcePool", NULL);
    product(root, pool, t, folds < 0 ? 0 : folds);
    print_sheets(root, pool, t);
    envelope_media(pool, t);
    if (t->envelopes)
        print_faces(root, pool, t);
    fold_and_insert(root, pool, t, folds < 0 ? 0 : folds);
    xmlDocDumpFormatMemoryEnc(doc, &out, &len, "UTF-8", 1);
    text = g_strndup((const char *)out, (gsize)len);
    xmlFree(out);
    xmlFreeDoc(doc);
    g_free(desc);
    return text;
}

char *jobs_pieces_csv(const struct job_row *j, GPtrArray *rows)
{
    GString *s = g_string_new("piece,job,seq,letter_id,first_sheet,last_sheet,sheets,layout,"
                              "envelope,weight_g,posttype,colour,reprint_of,zone\r\n");
    guint i;

    for (i = 0; i < rows->len; i++) {
        const struct piece_row *p = rows->pdata[i];
        g_string_append_printf(s, "%s,%s,%d,%s,%d,%d,%d,%s,%s,%d.%d,%s,%s,%s,%s\r\n", p->code,
                               j->name, p->seq, p->letter_id, p->first_sheet,
                               p->first_sheet + p->sheets - 1, p->sheets, p->layout,
                               p->envelope, p->weight_mg / 1000, p->weight_mg % 1000 / 100,
                               p->posttype, p->colour, p->reprint_of ? p->reprint_of : "",
                               postal_zone_word(p->zone, false));
    }
    return g_string_free(s, FALSE);
}
