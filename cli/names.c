/* cli/names.c - actors and regions named on the command line by id, name,
 * alias or the start of a name (engine/names.c has the rules), and the
 * messages that say what to type when a name is ambiguous or unknown. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

/* text quoted for a POSIX shell, cut to fit */
static const char *shell_quoted(const char *text, char *buf, size_t size)
{
    size_t n = 0;
    if (*text && strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,+=@%") ==
                     strlen(text) && strlen(text) < size)
        return strcpy(buf, text); /* nothing the shell would read */
    buf[n++] = '\'';
    for (const char *p = text; *p && n + 6 < size; p++) {
        if (*p == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else
            buf[n++] = *p;
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

static void entity_line(const kl_dataset_t *ds, uint32_t e)
{
    const kl_entity_t *en = &ds->entities[e];
    char name[KL_SHOWN_SIZE];
    const char *region = en->region >= 0 ? ds->regions[en->region].name : NULL;
    if (ds->actor_region && ds->actor_region[e] >= 0)
        region = ds->regions[ds->actor_region[e]].name;
    kl_cli_line(stderr, "  %s  %s  (%s%s%s)", en->id, kl_shown_name(en->name, name), kl_kind_name(en->kind),
                region ? ", " : "", region ? region : "");
}

static void region_line(const kl_dataset_t *ds, uint32_t r)
{
    char name[KL_SHOWN_SIZE];
    kl_cli_line(stderr, "  %s  %s", ds->regions[r].id, kl_shown_name(ds->regions[r].name, name));
}

/* The message for text that names no item or several: the candidates with
 * their ids, and where to look. */
static void explain(const kl_dataset_t *ds, int regions, const char *what, const char *text, const char *option,
                    const char *dataset_path, const kl_named_t *m)
{
    char quoted[400];
    if (m->how == KL_NAMED_MANY) {
        kl_cli_error("'%s' (%s) could be %u %ss; give one of these ids:", text, option, m->n_matches,
                     regions ? "region" : "actor");
    } else if (m->n_shown) {
        kl_cli_error("no %s is called '%s' (%s); did you mean %s:", what, text, option,
                     m->n_shown == 1 ? "this one" : "one of these");
    } else {
        kl_cli_error("no %s is called '%s' (%s)", what, text, option);
    }
    for (uint32_t k = 0; k < m->n_shown; k++)
        regions ? region_line(ds, m->shown[k]) : entity_line(ds, m->shown[k]);
    if (m->how == KL_NAMED_MANY && m->n_matches > m->n_shown)
        kl_cli_line(stderr, "  ... and %u more", m->n_matches - m->n_shown);
    if (regions || strcmp(what, "actor or region") == 0)
        kl_cli_line(stderr, "a region is named by its id or name, or the start of one; to list the regions: "
                            "kluster stats %s",
                    shell_quoted(dataset_path, quoted, sizeof quoted));
    if (!regions) {
        char q2[400];
        kl_cli_line(stderr, "an actor is named by its id, name or alias, or the start of one; to search the names: "
                            "kluster find %s %s",
                    shell_quoted(text, q2, sizeof q2), shell_quoted(dataset_path, quoted, sizeof quoted));
    }
}

static int named(kl_named_how how)
{
    return how != KL_NAMED_NONE && how != KL_NAMED_MANY;
}

static int name_one(const kl_dataset_t *ds, int regions, const char *text, const char *option,
                    const char *dataset_path)
{
    kl_named_t m;
    (regions ? kl_dataset_name_region : kl_dataset_name_entity)(ds, text, &m);
    if (named(m.how))
        return m.index;
    explain(ds, regions, regions ? "region" : "actor", text, option, dataset_path, &m);
    return -1;
}

int kl_cli_name_actor(const kl_dataset_t *ds, const char *text, const char *option, const char *dataset_path)
{
    return name_one(ds, 0, text, option, dataset_path);
}

int kl_cli_name_region(const kl_dataset_t *ds, const char *text, const char *option, const char *dataset_path)
{
    return name_one(ds, 1, text, option, dataset_path);
}

/* How closely a rule matched: word for word, ignoring case, the start. */
static int closeness(kl_named_how how)
{
    return how == KL_NAMED_ID || how == KL_NAMED_NAME || how == KL_NAMED_ALIAS ? 0 : how == KL_NAMED_FOLDED ? 1 : 2;
}

int kl_cli_name_actor_or_region(const kl_dataset_t *ds, const char *text, const char *option,
                                const char *dataset_path, int *is_region)
{
    kl_named_t a, r;
    kl_dataset_name_entity(ds, text, &a);
    kl_dataset_name_region(ds, text, &r);
    int ca = named(a.how) ? closeness(a.how) : 3, cr = named(r.how) ? closeness(r.how) : 3;
    /* several actors (or regions) match: only a word for word match of the
     * other kind settles it */
    if (a.how == KL_NAMED_MANY && cr != 0) {
        explain(ds, 0, "actor", text, option, dataset_path, &a);
        return -1;
    }
    if (r.how == KL_NAMED_MANY && ca != 0) {
        explain(ds, 1, "region", text, option, dataset_path, &r);
        return -1;
    }
    /* the closer match wins; word for word, an actor's id or name wins as it
     * always has; a tie of folded or partial matches is for the user to settle */
    if (ca < 3 && (ca < cr || (ca == 0 && cr == 0))) {
        *is_region = 0;
        return a.index;
    }
    if (cr < 3 && cr < ca) {
        *is_region = 1;
        return r.index;
    }
    if (ca < 3) {
        kl_cli_error("'%s' (%s) could be an actor or a region; give an id:", text, option);
        entity_line(ds, (uint32_t)a.index);
        region_line(ds, (uint32_t)r.index);
        return -1;
    }
    if (a.how == KL_NAMED_MANY || r.how != KL_NAMED_MANY)
        explain(ds, 0, a.how == KL_NAMED_MANY ? "actor" : "actor or region", text, option, dataset_path, &a);
    else
        explain(ds, 1, "region", text, option, dataset_path, &r);
    return -1;
}
