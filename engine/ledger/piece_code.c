/* SPDX-License-Identifier: Apache-2.0 */
/*
 * piece_code.c - the piece code: the number printed on a piece, its one format and parser.
 *
 * A piece code is 11 digits: the job number (6) and the piece's place in the job (5), so
 * J000042's seventh piece is 00004200007. The sheets carry it in their DataMatrix
 * (J<job>P<piece>S<sheet>M<of>C<check>) and the EA return code carries it as its KID
 * (2, agreement, service level, 0, piece code). SQL that numbers pieces calls piece_code(),
 * registered on every connection, so the format is written once.
 */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include "ledger.h"
#include "ledger_internal.h"

void ledger_piece_code(long long job_id, int seq, char code[LEDGER_PIECE_CODE_LEN + 1])
{
    snprintf(code, LEDGER_PIECE_CODE_LEN + 1, "%06lld%05d", job_id, seq);
}

/* The first n characters of s are digits (s may be shorter: then they are not). */
static bool all_digits(const char *s, size_t n)
{
    return n > 0 && strspn(s, "0123456789") >= n;
}

bool ledger_piece_code_parse(const char *code, long long *job_id, int *seq)
{
    if (!code || strlen(code) != LEDGER_PIECE_CODE_LEN ||
        !all_digits(code, LEDGER_PIECE_CODE_LEN))
        return false;
    *job_id = g_ascii_strtoll(code, NULL, 10) / 100000;
    *seq = (int)g_ascii_strtoll(code + 6, NULL, 10);
    return true;
}

const char *ledger_piece_code_in(const char *key, char code[LEDGER_PIECE_CODE_LEN + 1])
{
    size_t n = key ? strlen(key) : 0;

    if (n == LEDGER_PIECE_CODE_LEN && all_digits(key, n)) {
        memcpy(code, key, n + 1);
        return "piece code";
    }
    if (n == LEDGER_PIECE_CODE_LEN + 7 && all_digits(key, n) && key[0] == '2' &&
        key[5] <= '3' && key[6] == '0') {
        memcpy(code, key + 7, LEDGER_PIECE_CODE_LEN + 1);
        return "EA code";
    }
    /* J000042P00007S001M003C4 */
    if (n >= 14 && (key[0] == 'J' || key[0] == 'j') && all_digits(key + 1, 6) &&
        (key[7] == 'P' || key[7] == 'p') && all_digits(key + 8, 5)) {
        memcpy(code, key + 1, 6);
        memcpy(code + 6, key + 8, 5);
        code[LEDGER_PIECE_CODE_LEN] = 0;
        return "DataMatrix";
    }
    return NULL;
}

bool ledger_piece_code_of(const char *key, char code[LEDGER_PIECE_CODE_LEN + 1])
{
    return ledger_piece_code_in(key, code) != NULL;
}

/* piece_code(job, seq) in SQL; NULL when either is NULL. */
static void piece_code_sql(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    char code[LEDGER_PIECE_CODE_LEN + 1];

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    ledger_piece_code(sqlite3_value_int64(argv[0]), sqlite3_value_int(argv[1]), code);
    sqlite3_result_text(cx, code, -1, SQLITE_TRANSIENT);
}

int ledger_piece_code_register(sqlite3 *db)
{
    return sqlite3_create_function(db, "piece_code", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                   piece_code_sql, NULL, NULL);
}
