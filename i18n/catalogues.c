/* i18n/catalogues.c - the compiled catalogues (build/po/sv.mo, nb.mo, made
 * by the Makefile from po/sv/ and po/nb/) in the binary as msgfmt wrote
 * them: the program may be installed anywhere and never reads a catalogue
 * at run time.  The Makefile rebuilds this object when a .po file changes. */
#include "i18n_internal.h"

/* .incbin paths are relative to where make runs: the repository root.
 * Each catalogue is 4-byte aligned, as msgfmt lays out its words. */
#define KL_MO(name, file)                                                                                              \
    ".balign 4\n"                                                                                                      \
    ".globl " name "\n"                                                                                                \
    ".hidden " name "\n"                                                                                               \
    ".type " name ", @object\n" name ":\n"                                                                             \
    ".incbin \"" file "\"\n"                                                                                           \
    ".globl " name "_end\n"                                                                                            \
    ".hidden " name "_end\n" name "_end:\n"

__asm__(".pushsection .rodata\n" KL_MO("kl_i_mo_sv", "build/po/sv.mo")
            KL_MO("kl_i_mo_nb", "build/po/nb.mo") ".popsection\n");

extern const unsigned char kl_i_mo_sv[], kl_i_mo_sv_end[], kl_i_mo_nb[], kl_i_mo_nb_end[];

const kl_i_mo_t kl_i_mo[KL_LANG_COUNT] = {
    [KL_LANG_EN] = {NULL, NULL},
    [KL_LANG_SV] = {kl_i_mo_sv, kl_i_mo_sv_end},
    [KL_LANG_NB] = {kl_i_mo_nb, kl_i_mo_nb_end},
};
