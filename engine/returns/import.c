/* SPDX-License-Identifier: Apache-2.0 */
/*
 * import.c - a scan station's file of returned pieces.
 *
 * One piece per line: CODE[,REASON[,DATE]] (',' or ';', fields may be quoted, a header line
 * is skipped). REASON defaults to other, DATE (YYYY-MM-DD or DD.MM.YYYY) to today. Each line
 * is recorded on its own, so a bad line is reported with its number and loses nothing else;
 * importing the same file again records nothing twice.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "returns.h"

#define IMPORT_MAX_BYTES (16u << 20)
#define IMPORT_MAX_LINES 200000
#define FIELD_MAX 64

/* Split one line into at most 3 fields; quotes may hold the separator. -1 when malformed. */
static int fields(const char *line, char sep, char out[3][FIELD_MAX + 1])
{
    int f = 0;
    size_t n = 0;
    bool quoted = false;

    memset(out, 0, 3 * (FIELD_MAX + 1));
    for (; *line; line++) {
        if (*line == '"' && (quoted ? line[1] != '"' : n == 0)) {
            quoted = !quoted;
            continue;
        }
        if (*line == '"' && quoted)
            line++; /* "" inside quotes */
        if (*line == sep && !quoted) {
            if (++f == 3)
                return -1;
            n = 0;
            continue;
        }
        if (n == FIELD_MAX)
            return -1;
        out[f][n++] = *line;
    }
    return quoted ? -1 : f + 1;
}

static int one_line(struct returns_ctx *e, const struct print_setup *ps, char f[3][FIELD_MAX + 1],
                    int n, const char *source, const char *today, struct import_stats *st)
{
    const char *reason = n > 1 && *g_strstrip(f[1]) ? return_reason(f[1]) : "OTHER";
    char iso[11], *err = NULL;
    const char *day = today;
    struct return_result r = {0};
    int rc = 0;

    if (n > 2 && *g_strstrip(f[2]))
        day = day_parse(f[2], iso) ? iso : NULL;
    if (!reason || !day) {
        log_error("%s: %s", source, !reason ? "reason must be unknown, moved, refused or other"
                                            : "date must be a real day, YYYY-MM-DD or DD.MM.YYYY");
        st->failed++;
        return -1;
    }
    if (returns_record(e, ps, g_strstrip(f[0]), reason, day, source, &r, &err) < 0) {
        log_error("%s: %s", source, err);
        st->failed++;
        rc = -1;
    } else {
        st->already += r.already;
        st->recorded += !r.already;
    }
    return_result_free(&r);
    g_free(err);
    return rc;
}

int returns_import(struct returns_ctx *e, const struct print_setup *ps, const char *path,
                   const char *today, struct import_stats *st, char **err)
{
    struct bytes b = {0};
    char **lines, sep, *base = g_path_get_basename(path);
    int rc = fsio_read_file(path, IMPORT_MAX_BYTES, &b), i, failed = 0;

    memset(st, 0, sizeof *st);
    if (rc < 0) {
        *err = g_strdup_printf("%s: %s", path, rc == -EFBIG ? "larger than 16 MiB"
                                                            : g_strerror(-rc));
        g_free(base);
        return -1;
    }
    if (memchr(b.data, 0, b.len) || !g_utf8_validate((const char *)b.data, (gssize)b.len, NULL)) {
        *err = g_strdup_printf("%s: not a text file (NUL bytes or invalid UTF-8)", path);
        bytes_free(&b);
        g_free(base);
        return -1;
    }
    lines = g_strsplit((const char *)b.data, "\n", IMPORT_MAX_LINES + 1);
    sep = strchr(lines[0], ';') && !strchr(lines[0], ',') ? ';' : ',';
    for (i = 0; lines[i] && !*err; i++) {
        char f[3][FIELD_MAX + 1], *source;
        int n;
        g_strchomp(lines[i]);
        if (!*lines[i])
            continue;
        if (i == IMPORT_MAX_LINES) {
            *err = g_strdup_printf("%s: more than %d lines; split the file", path,
                                   IMPORT_MAX_LINES);
            break;
        }
        n = fields(lines[i], sep, f);
        if (i == 0 && n > 0 && !g_ascii_isdigit(g_strstrip(f[0])[0]))
            continue; /* a header */
        st->lines++;
        source = g_strdup_printf("import %s:%d", base, i + 1);
        if (n < 0) {
            log_error("%s: malformed line (a field longer than %d, or an open quote)", source,
                      FIELD_MAX);
            st->failed++;
            failed = 1;
        } else if (one_line(e, ps, f, n, source, today, st) < 0) {
            failed = 1;
        }
        g_free(source);
    }
    g_strfreev(lines);
    bytes_free(&b);
    g_free(base);
    return *err ? -1 : failed;
}
