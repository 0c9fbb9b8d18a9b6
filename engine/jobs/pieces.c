/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pieces.c - a job's pieces as the renderer wants them: recipient and return address (the
 * sender profile's, the EA return address for MAKULERING_MED_MELDING, or the letter's own),
 * sending agency, logo and the letter's decrypted documents (from the jobs context's
 * doc_source); and the render set-up (layout, stock, marks) a job was planned for. Used to
 * build a job (build.c) and to proof one letter (cli/cmd_proof.c).
 */
#include <string.h>
#include "jobs.h"

static void address_from(struct address *a, char **c)
{
    a->navn = c[0];
    a->linje[0] = c[1];
    a->linje[1] = c[2];
    a->linje[2] = c[3];
    a->linje[3] = c[4];
    a->postnummer = c[5];
    a->poststed = c[6];
    a->land = c[7];
    a->landkode = c[8];
}

/* Return-address lines (configuration) as an address: first line the name, the rest lines. */
static void address_lines_to(struct address *a, char **lines)
{
    int i;

    memset(a, 0, sizeof *a);
    a->navn = lines[0];
    for (i = 0; i < 4 && lines[0] && lines[i + 1]; i++)
        a->linje[i] = lines[i + 1];
}

static int return_for(struct print_setup *ps, const struct piece_row *r, struct render_piece *p,
                      char **ea, char **err)
{
    const struct sender_profile *prof = sender_profile_of(ps, r->avsender);

    if (r->return_handling && strcmp(r->return_handling, "MAKULERING_MED_MELDING") == 0) {
        if (!ps->ea_agreement[0] || !ps->ea_return) {
            *err = g_strdup_printf("letter %s asks for MAKULERING_MED_MELDING: configure [ea] "
                                   "agreement and return_address", r->letter_id);
            return -1;
        }
        address_lines_to(&p->return_addr, ps->ea_return);
        *ea = jobs_ea_code(ps, r->code);
        p->ea_code = *ea;
    } else if (prof->return_lines) {
        address_lines_to(&p->return_addr, prof->return_lines);
    } else if (r->has_return) {
        address_from(&p->return_addr, (char **)r->ret);
    }
    p->logo = prof->logo;
    p->country_english = prof->country_english;
    return 0;
}

/* The sending agency: the profile's name, else the name on the letter's own return address
 * (retur.mottaker), else its organisation number. */
static char *sender_name(struct print_setup *ps, const struct piece_row *r)
{
    const struct sender_profile *prof = sender_profile_of(ps, r->avsender);
    char *org;

    if (prof->name)
        return g_strdup(prof->name);
    if (r->has_return && r->ret[0] && *r->ret[0])
        return g_strdup(r->ret[0]);
    org = text_orgnr_digits(r->avsender);
    if (!org)
        return g_strdup(r->avsender);
    return g_strdup_printf("org.nr. %s", org);
}

static enum layout_kind kind_of(const char *name)
{
    return strcmp(name, "eco") == 0 ? LAYOUT_ECO
           : strcmp(name, "windowless") == 0 ? LAYOUT_WINDOWLESS : LAYOUT_NORMAL;
}

int jobs_pieces_load(struct jobs_ctx *e, struct print_setup *ps, GPtrArray *rows, int job_no,
                     struct piece_set *s, char **err)
{
    size_t i;

    memset(s, 0, sizeof *s);
    s->rows = rows;
    s->n = rows->len;
    s->p = g_new0(struct render_piece, s->n + 1);
    s->docs = g_new0(GArray *, s->n + 1);
    s->ea = g_new0(char *, s->n + 1);
    s->names = g_new0(char *, s->n + 1);
    s->src = &e->docs;
    for (i = 0; i < s->n; i++) {
        const struct piece_row *r = rows->pdata[i];
        struct render_piece *p = &s->p[i];
        g_strlcpy(p->code, r->code ? r->code : "", sizeof p->code);
        p->job_no = job_no;
        p->letter_id = r->letter_id;
        p->seq = r->seq;
        p->layout = kind_of(r->layout);
        address_from(&p->recipient, (char **)r->recipient);
        p->colour = r->colour && strcmp(r->colour, "FARGE") == 0;
        p->first_sheet = r->first_sheet;
        p->no_content_marks = r->envelope && strcmp(r->envelope, "MANUAL") == 0;
        p->sheets = r->sheets;
        s->names[i] = sender_name(ps, r);
        p->sender_name = s->names[i];
        if (return_for(ps, r, p, &s->ea[i], err) < 0 ||
            e->docs.fetch(e->docs.arg, r->letter_id, &s->docs[i], err) < 0)
            return -1;
        p->docs = (const struct bytes *)(void *)s->docs[i]->data;
        p->ndocs = s->docs[i]->len;
    }
    return 0;
}

void jobs_pieces_free(struct piece_set *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        s->src->release(s->docs ? s->docs[i] : NULL);
        g_free(s->ea ? s->ea[i] : NULL);
        g_free(s->names ? s->names[i] : NULL);
    }
    g_free(s->names);
    g_free(s->docs);
    g_free(s->ea);
    g_free(s->p);
    memset(s, 0, sizeof *s);
}

int jobs_render_setup(struct print_setup *ps, const struct job_row *j, struct render_setup *rs,
                      char **err)
{
    memset(rs, 0, sizeof *rs);
    rs->layout = strcmp(j->layout, "eco") == 0 ? &ps->eco
                 : strcmp(j->layout, "windowless") == 0 ? &ps->windowless : &ps->normal;
    rs->stock = strcmp(j->stock, ps->c5.name) == 0 ? &ps->c5
                : strcmp(j->stock, ps->c4.name) == 0 ? &ps->c4 : NULL;
    rs->marks = &ps->marks;
    rs->date = j->closed_at ? j->closed_at : j->opened_at;
    rs->title = j->name;
    if (!rs->stock || strcmp(j->marks, ps->marks.name) != 0) {
        *err = g_strdup_printf("job %s was planned for stock %s and marks %s, which the "
                               "configuration no longer uses", j->name, j->stock, j->marks);
        return -1;
    }
    return 0;
}
