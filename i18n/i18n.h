/* i18n/i18n.h - the language of kluster's human-readable output.
 *
 * Markdown and HTML reports, figure titles, legends and footers, and the
 * sentences of bridges and whatif are written in English, Swedish or
 * Norwegian Bokmål.  The texts live in GNU gettext catalogues (po/LANG/,
 * one .po file per module), merged and compiled by the build with msgcat and
 * msgfmt and linked into the program, so a language never depends on the
 * locales installed on the machine and numbers stay in C format (kluster
 * never calls setlocale).  JSON and CSV keys, command-line messages and
 * errors stay English (docs/languages.md).
 *
 * Mark a text with _("...") where it is used, or N_("...") where it is only
 * stored (a table) and translated later with kl_tr(); C_() and NC_() the
 * same with a context, for a word two places use in two senses.  A msgid
 * is a whole sentence with its printf conversions, never a fragment to be
 * joined to others.  The language is process-wide: set it once, before any
 * thread starts; lookups only read.
 */
#ifndef KL_I18N_H
#define KL_I18N_H

typedef enum { KL_LANG_EN = 0, KL_LANG_SV, KL_LANG_NB, KL_LANG_COUNT } kl_lang;

/* "en", "sv" or "nb" (also "no", and locale names such as "sv_SE.UTF-8",
 * "nb_NO", "nn_NO" read as nb; case-insensitive).  0 and *out set, or -1
 * (*out unchanged). */
int kl_lang_parse(const char *s, kl_lang *out);

/* The language the environment asks for: the first non-empty of LANGUAGE
 * (its first colon-separated entry), LC_ALL, LC_MESSAGES and LANG decides;
 * English when it names neither sv nor nb (or none is set). */
kl_lang kl_lang_from_env(void);

/* Set / read the process-wide output language (default KL_LANG_EN).
 * kl_lang_set reads the language's built-in catalogue the first time; a
 * catalogue that fails its checks is ignored (English).  Call it before
 * threads start; lookups from any number of threads only read. */
void kl_lang_set(kl_lang lang);
kl_lang kl_lang_get(void);

/* The code of a language: "en", "sv", "nb" (for HTML lang="..."). */
const char *kl_lang_code(kl_lang lang);

/* msgid in the current language; msgid itself in English or when the
 * catalogue has no translation.  The result lives as long as the program.
 * Can't fail. */
const char *kl_tr(const char *msgid) __attribute__((format_arg(1)));

/* The singular or plural form for n (all three languages: n != 1 is
 * plural), translated as kl_tr.  Can't fail. */
const char *kl_trn(const char *singular, const char *plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));

/* msgid in the context ctx (gettext's msgctxt): for a word that two places
 * use in two senses ("organisations": a kind of actor, or the analysis
 * graph's mode), so that each gets its own translation.  As kl_tr. */
const char *kl_trc(const char *ctx, const char *msgid) __attribute__((format_arg(2)));

/* The markers, for kluster's own sources; kluster.h defines
 * KL_I18N_NO_MARKERS, so that a program keeps _ and N_ for itself. */
#ifndef KL_I18N_NO_MARKERS
#define _(s) kl_tr(s)
#define N_(s) (s)
#define C_(ctx, s) kl_trc(ctx, s)
/* stored with its context, translated later with kl_trc(ctx, s) */
#define NC_(ctx, s) (s)
#endif

#endif
