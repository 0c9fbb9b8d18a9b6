/*
 * ticket.c - the job ticket (a minimal CIP4 JDF 1.5: RunList -> FileSpec, Media, duplex,
 * colour, counts) and the piece manifest (pieces.csv: one row per piece, no names or
 * addresses).
 */
#include <string.h>
#include <libxml/tree.h>
#include "jobs.h"

#define JDF_NS "http://www.CIP4.org/JDFSchema_1_1"

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *const *attrs)
{
    xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
    int i;

    for (i = 0; attrs && attrs[i]; i += 2)
        xmlNewProp(n, BAD_CAST attrs[i], BAD_CAST attrs[i + 1]);
    return n;
}

static void resources(xmlNodePtr pool, const struct job_row *j, int pages, int sheets,
                      int pieces, bool envelopes)
{
    char np[16], ns[16], npc[16];
    const char *model = strcmp(j->colour, "FARGE") == 0 ? "DeviceCMYK" : "DeviceGray";
    xmlNodePtr rl, le;

    g_snprintf(np, sizeof np, "%d", pages);
    g_snprintf(ns, sizeof ns, "%d", sheets);
    g_snprintf(npc, sizeof npc, "%d", pieces);
    rl = child(pool, "RunList", (const char *[]){"ID", "RL1", "Class", "Parameter", "Status",
                                                  "Available", "NPage", np, NULL});
    le = child(rl, "LayoutElement", NULL);
    child(le, "FileSpec", (const char *[]){"URL", "job.pdf", "MimeType", "application/pdf",
                                           NULL});
    child(pool, "Media", (const char *[]){"ID", "M1", "Class", "Consumable", "Status",
                                          "Available", "MediaType", "Paper", "Dimension",
                                          "595.28 841.89", "Weight", "80", NULL});
    child(pool, "LayoutPreparationParams", (const char *[]){"ID", "LPP1", "Class", "Parameter",
                                                            "Status", "Available", "Sides",
                                                            "TwoSidedFlipY", NULL});
    child(pool, "ColorantControl", (const char *[]){"ID", "CC1", "Class", "Parameter", "Status",
                                                    "Available", "ProcessColorModel", model,
                                                    NULL});
    child(pool, "Component", (const char *[]){"ID", "C1", "Class", "Quantity", "Status",
                                              "Unavailable", "ComponentType", "FinalProduct",
                                              "Amount", npc, NULL});
    child(pool, "Component", (const char *[]){"ID", "C2", "Class", "Quantity", "Status",
                                              "Unavailable", "ComponentType", "Sheet", "Amount",
                                              ns, NULL});
    if (envelopes) {
        rl = child(pool, "RunList", (const char *[]){"ID", "RL2", "Class", "Parameter",
                                                      "Status", "Available", "NPage", npc,
                                                      "DescriptiveName", "envelope faces",
                                                      NULL});
        le = child(rl, "LayoutElement", NULL);
        child(le, "FileSpec", (const char *[]){"URL", "envelopes.pdf", "MimeType",
                                               "application/pdf", NULL});
    }
}

static void links(xmlNodePtr pool, bool envelopes)
{
    child(pool, "RunListLink", (const char *[]){"rRef", "RL1", "Usage", "Input", NULL});
    if (envelopes)
        child(pool, "RunListLink", (const char *[]){"rRef", "RL2", "Usage", "Input", NULL});
    child(pool, "MediaLink", (const char *[]){"rRef", "M1", "Usage", "Input", NULL});
    child(pool, "LayoutPreparationParamsLink", (const char *[]){"rRef", "LPP1", "Usage",
                                                                "Input", NULL});
    child(pool, "ColorantControlLink", (const char *[]){"rRef", "CC1", "Usage", "Input", NULL});
    child(pool, "ComponentLink", (const char *[]){"rRef", "C1", "Usage", "Output", NULL});
    child(pool, "ComponentLink", (const char *[]){"rRef", "C2", "Usage", "Output", NULL});
}

char *jobs_ticket_jdf(const struct job_row *j, int pages, int sheets, int pieces,
                      bool envelopes)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "JDF");
    char *desc = g_strdup_printf("trykk %s: %s %s %s, %s post, %s", j->name, j->layout,
                                 j->envelope, j->colour, j->posttype, j->stock);
    xmlChar *out = NULL;
    int len = 0;
    char *text;

    xmlDocSetRootElement(doc, root);
    xmlSetNs(root, xmlNewNs(root, BAD_CAST JDF_NS, NULL));
    xmlNewProp(root, BAD_CAST "ID", BAD_CAST j->name);
    xmlNewProp(root, BAD_CAST "JobID", BAD_CAST j->name);
    xmlNewProp(root, BAD_CAST "Type", BAD_CAST "Combined");
    xmlNewProp(root, BAD_CAST "Types", BAD_CAST "LayoutPreparation DigitalPrinting");
    xmlNewProp(root, BAD_CAST "Status", BAD_CAST "Ready");
    xmlNewProp(root, BAD_CAST "Version", BAD_CAST "1.5");
    xmlNewProp(root, BAD_CAST "DescriptiveName", BAD_CAST desc);
    child(root, "GeneralID", (const char *[]){"IDUsage", "trykk:posting-day", "IDValue", j->day,
                                              NULL});
    resources(child(root, "ResourcePool", NULL), j, pages, sheets, pieces, envelopes);
    links(child(root, "ResourceLinkPool", NULL), envelopes);
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
