/* writers/lang.c - what the reports need to speak the reader's language
 * (i18n/i18n.h): the words for kinds and modes, and the pieces of a
 * sentence written to memory before the translated sentence places them. */
#include "writers_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* In the order of kl_kind. */
static const char *const kind_labels[KL_KIND_COUNT] = {
    /* TRANSLATORS: a kind of actor, in tables and after names: "(organisation, Region)" */
    N_("organisation"),
    /* TRANSLATORS: a kind of actor */
    N_("person"),
    /* TRANSLATORS: a kind of actor: a project with partners */
    N_("project"),
    /* TRANSLATORS: a kind of actor: an organisation that funds projects */
    N_("funder"),
};

const char *kl_i_kind_label(kl_kind kind)
{
    return (unsigned)kind < KL_KIND_COUNT ? kl_tr(kind_labels[kind]) : kl_kind_name(kind);
}

const char *kl_i_kind_name_label(const char *name)
{
    int k = name ? kl_kind_parse(name) : -1;
    return k >= 0 ? kl_i_kind_label((kl_kind)k) : name;
}

/* In the order of kl_reltype; the msgids are the format's keys, so that
 * English keeps them as the data says them. */
static const char *const reltype_labels[KL_REL_OTHER] = {
    /* TRANSLATORS: a relation type between two names, "A member_of B": a verb phrase ("is a member of") */
    NC_("relation", "member_of"),
    /* TRANSLATORS: a relation type, "A employed_by B": a verb phrase */
    NC_("relation", "employed_by"),
    /* TRANSLATORS: a relation type, "A leads B" */
    NC_("relation", "leads"),
    /* TRANSLATORS: a relation type, "A participates_in B" (a project) */
    NC_("relation", "participates_in"),
    /* TRANSLATORS: a relation type, "A coordinates B" (a project) */
    NC_("relation", "coordinates"),
    /* TRANSLATORS: a relation type, "A funds B" */
    NC_("relation", "funds"),
    /* TRANSLATORS: a relation type, "A partner_of B" */
    NC_("relation", "partner_of"),
    /* TRANSLATORS: a relation type, "A initiated B" */
    NC_("relation", "initiated"),
};

const char *kl_i_reltype_label(const char *type)
{
    kl_reltype k = type ? kl_reltype_parse(type) : KL_REL_OTHER;
    return (unsigned)k < KL_REL_OTHER ? kl_trc("relation", reltype_labels[k]) : type;
}

const char *kl_i_mode_label(kl_mode mode)
{
    return mode == KL_MODE_ORGANISATIONS
               /* TRANSLATORS: the analysis graph of --mode organisations: organisations tied through
                * shared projects, people and direct relations; in "(organisations mode)", "organisations view"
                * and the row "mode" */
               ? C_("mode", "organisations")
               /* TRANSLATORS: the analysis graph of --mode full: every entity an actor, every relation
                * a tie; in "(full mode)", "full view" and the row "mode" */
               : C_("mode", "full");
}

FILE *kl_i_piece_open(kl_i_piece_t *p)
{
    p->text = NULL;
    p->len = 0;
    /* the stream writes the buffer's address and length back into p when
     * it flushes: p must live until kl_i_piece_close */
    p->f = open_memstream(&p->text, &p->len);
    if (!p->f)
        errno = ENOMEM;
    return p->f;
}

char *kl_i_piece_close(kl_i_piece_t *p)
{
    if (!p->f)
        return NULL;
    /* a write that could not grow the buffer leaves the stream in error */
    int bad = fflush(p->f) != 0 || ferror(p->f);
    if (fclose(p->f) != 0)
        bad = 1;
    p->f = NULL;
    if (bad) {
        free(p->text);
        p->text = NULL;
        errno = ENOMEM;
    }
    return p->text;
}

unsigned long kl_i_plural(double x)
{
    if (!(x >= 0))
        return 0;
    return x >= (double)ULONG_MAX ? ULONG_MAX : (unsigned long)x;
}
