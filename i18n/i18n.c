/* i18n/i18n.c - the output language: chosen from --lang or the
 * environment, and the texts looked up in the built-in catalogue of that
 * language (catalogue.c reads it, catalogues.c holds it).  No locale is
 * consulted and setlocale is never called: numbers stay in C format and a
 * machine without sv_SE or nb_NO locales writes Swedish and Norwegian all
 * the same. */
#include "i18n_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static kl_lang current = KL_LANG_EN;

/* Each catalogue is checked once, the first time its language is set;
 * from then on it is only read. */
static kl_i_catalogue_t catalogues[KL_LANG_COUNT];
_Static_assert(KL_LANG_COUNT == 3, "one pthread_once_t and one opener per language");
static pthread_once_t once[KL_LANG_COUNT] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};

static void open_catalogue(kl_lang lang)
{
    const kl_i_mo_t *mo = &kl_i_mo[lang];
    if (mo->start)
        kl_i_catalogue_open(&catalogues[lang], mo->start, (size_t)(mo->end - mo->start));
}

/* pthread_once takes no argument: one opener per language */
static void open_sv(void)
{
    open_catalogue(KL_LANG_SV);
}

static void open_nb(void)
{
    open_catalogue(KL_LANG_NB);
}

int kl_lang_parse(const char *s, kl_lang *out)
{
    if (!s)
        return -1;
    /* the language part of a locale name: "sv" of "sv_SE.UTF-8@euro" */
    size_t len = strcspn(s, "_.@-");
    static const struct {
        const char *code;
        kl_lang lang;
    } known[] = {{"en", KL_LANG_EN},
                 {"sv", KL_LANG_SV},
                 {"nb", KL_LANG_NB},
                 /* Norwegian in general and Nynorsk readers read Bokmål
                  * better than English */
                 {"no", KL_LANG_NB},
                 {"nn", KL_LANG_NB}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (len == 2 && strncasecmp(s, known[i].code, 2) == 0) {
            *out = known[i].lang;
            return 0;
        }
    return -1;
}

kl_lang kl_lang_from_env(void)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v)
            continue;
        char first[64];
        /* LANGUAGE is a list of preferences ("sv:en"): its first entry */
        size_t len = i == 0 ? strcspn(v, ":") : strlen(v);
        if (len == 0)
            continue;
        if (len >= sizeof first)
            len = sizeof first - 1;
        memcpy(first, v, len);
        first[len] = '\0';
        kl_lang lang = KL_LANG_EN;
        kl_lang_parse(first, &lang);
        return lang;
    }
    return KL_LANG_EN;
}

void kl_lang_set(kl_lang lang)
{
    if ((unsigned)lang >= KL_LANG_COUNT)
        lang = KL_LANG_EN;
    if (lang == KL_LANG_SV)
        pthread_once(&once[KL_LANG_SV], open_sv);
    else if (lang == KL_LANG_NB)
        pthread_once(&once[KL_LANG_NB], open_nb);
    current = lang;
}

kl_lang kl_lang_get(void)
{
    return current;
}

const char *kl_lang_code(kl_lang lang)
{
    return lang == KL_LANG_SV ? "sv" : lang == KL_LANG_NB ? "nb" : "en";
}

const char *kl_tr(const char *msgid)
{
    uint32_t len;
    /* "" is the catalogue's header, not a text */
    if (current == KL_LANG_EN || !msgid || !*msgid)
        return msgid;
    const char *t = kl_i_catalogue_find(&catalogues[current], msgid, &len);
    return t ? t : msgid;
}

const char *kl_trc(const char *ctx, const char *msgid)
{
    uint32_t len;
    if (current == KL_LANG_EN || !msgid || !*msgid)
        return msgid;
    const char *t = kl_i_catalogue_find_ctx(&catalogues[current], ctx, msgid, &len);
    return t ? t : msgid;
}

const char *kl_trn(const char *singular, const char *plural, unsigned long n)
{
    uint32_t len;
    const char *t = current == KL_LANG_EN ? NULL : kl_i_catalogue_find(&catalogues[current], singular, &len);
    if (!t)
        return n == 1 ? singular : plural;
    if (n == 1)
        return t;
    /* "form0\0form1": the second form when the entry has one */
    size_t first = strlen(t);
    return first < len ? t + first + 1 : t;
}
