/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolve.c - find a letter or a job from whatever an operator has in hand.
 *
 * A letter is named by its letter id, the sender's message id, the piece code printed on
 * its sheets (11 digits: job 6, piece 5), the EA return code on its envelope (2, agreement,
 * service level, 0, then the piece code as KID) or the DataMatrix text of one of its sheets
 * (J<job>P<piece>S<sheet>M<of>C<check>). A piece code names the piece, and so the letter
 * of that print (a reprint has a code of its own). A job is named by its name or by J and
 * its number (J9, j000009): the number its piece codes carry.
 */
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"

/* The first n characters of s are digits (s may be shorter: then they are not). */
static bool all_digits(const char *s, size_t n)
{
    return n > 0 && strspn(s, "0123456789") >= n;
}

enum ledger_result ledger_resolve_letter(struct ledger *l, const char *key, char **letter_id,
                                         const char **kind)
{
    char code[LEDGER_PIECE_CODE_LEN + 1];
    const char *k = "letter id";
    enum ledger_result rc;

    *letter_id = NULL;
    if (!key || !*key)
        return LEDGER_NONE;
    rc = ledger_one_string(ledger_stmt(l, "SELECT id FROM letters WHERE id = ?", "s", key),
                      letter_id);
    if (rc == LEDGER_NONE) {
        k = "message id";
        rc = ledger_one_string(ledger_stmt(l, "SELECT id FROM letters WHERE message_id = ? AND"
                                         " duplicate_of IS NULL ORDER BY authenticated DESC"
                                         " LIMIT 1", "s", key), letter_id);
    }
    if (rc == LEDGER_NONE && (k = ledger_piece_code_in(key, code)))
        rc = ledger_one_string(ledger_stmt(l, "SELECT letter_id FROM pieces WHERE code = ?", "s",
                                      code), letter_id);
    if (kind)
        *kind = rc == LEDGER_FOUND ? k : NULL;
    return rc;
}

enum ledger_result ledger_resolve_job(struct ledger *l, const char *key, struct job_row *out)
{
    enum ledger_result rc;
    size_t n = key ? strlen(key) : 0;

    memset(out, 0, sizeof *out);
    if (!n)
        return LEDGER_NONE;
    rc = ledger_job_get(l, key, out);
    if (rc == LEDGER_NONE && n >= 2 && n <= 13 && (key[0] == 'J' || key[0] == 'j') &&
        all_digits(key + 1, n - 1))
        rc = ledger_job_by_id(l, g_ascii_strtoll(key + 1, NULL, 10), out);
    return rc;
}
