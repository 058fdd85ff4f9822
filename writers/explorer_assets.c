/* writers/explorer_assets.c - the explorer's script and style, in the
 * binary as their files are (writers/explorer/), so that a page kluster
 * writes carries them inline and needs nothing from the network. */
#include "writers_internal.h"

/* .incbin paths are relative to where make runs: the repository root */
__asm__(".pushsection .rodata\n"
        ".globl kl_i_explorer_js\n"
        ".hidden kl_i_explorer_js\n"
        ".type kl_i_explorer_js, @object\n"
        "kl_i_explorer_js:\n"
        ".incbin \"writers/explorer/explorer.js\"\n"
        ".byte 0\n"
        ".size kl_i_explorer_js, . - kl_i_explorer_js\n"
        ".globl kl_i_explorer_css\n"
        ".hidden kl_i_explorer_css\n"
        ".type kl_i_explorer_css, @object\n"
        "kl_i_explorer_css:\n"
        ".incbin \"writers/explorer/explorer.css\"\n"
        ".byte 0\n"
        ".size kl_i_explorer_css, . - kl_i_explorer_css\n"
        ".popsection\n");
