/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ea.c - reading the return code off a returned piece.
 *
 * Bring's EA barcode is at most 20 digits: '2', the agreement number (4), the service level
 * (0-3), '0', then the KID, which for trykk is the piece code (11 digits: job, piece). The
 * scan station may also read the bare piece code.
 */
#include <string.h>
#include "returns.h"

static bool digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return false;
    return true;
}

int ea_piece_code(const char *code, const char *agreement, char piece[16], char **err)
{
    size_t n = code ? strlen(code) : 0;

    if (n == LEDGER_PIECE_CODE_LEN && digits(code, n)) {
        memcpy(piece, code, n + 1);
        return 0;
    }
    if (n < 8 || n > 20 || !digits(code, n) || code[0] != '2' || code[5] > '3' || code[6] != '0') {
        *err = g_strdup_printf("'%.40s' is neither an EA return code (2, agreement, level, 0, "
                               "KID; at most 20 digits) nor a piece code", code ? code : "");
        return -1;
    }
    if (agreement && *agreement && strncmp(code + 1, agreement, 4) != 0) {
        *err = g_strdup_printf("EA code %s belongs to agreement %.4s, not ours (%s)", code,
                               code + 1, agreement);
        return -1;
    }
    if (n - 7 != LEDGER_PIECE_CODE_LEN) {
        *err = g_strdup_printf("EA code %s: its KID (%s) is not a trykk piece code", code,
                               code + 7);
        return -1;
    }
    memcpy(piece, code + 7, LEDGER_PIECE_CODE_LEN + 1);
    return 0;
}

const char *return_reason(const char *text)
{
    static const struct { const char *in, *out; } names[] = {
        {"unknown", "UNKNOWN_ADDRESSEE"}, {"unknown-addressee", "UNKNOWN_ADDRESSEE"},
        {"unknown_addressee", "UNKNOWN_ADDRESSEE"}, {"moved", "MOVED"}, {"refused", "REFUSED"},
        {"other", "OTHER"}};
    size_t i;

    for (i = 0; text && i < G_N_ELEMENTS(names); i++)
        if (g_ascii_strcasecmp(text, names[i].in) == 0)
            return names[i].out;
    return NULL;
}
