/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text.c - small validators for identifiers that end up in file names or comparisons.
 */
#include <string.h>
#include "util.h"

bool text_is_uuid(const char *s)
{
    return s && g_uuid_string_is_valid(s);
}

/* Spool names: [A-Za-z0-9._-], not starting with '.', at most max characters. */
bool text_is_safe_name(const char *s, size_t max)
{
    size_t n;

    if (!s || !*s || *s == '.')
        return false;
    n = strlen(s);
    if (n > max)
        return false;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '.' && *s != '_' && *s != '-')
            return false;
    return true;
}

/*
 * text_orgnr_digits - the 9-digit organisation number of an ISO 6523 value such as
 * "0192:991825827" or "9908:991825827" (a bare 9-digit number is accepted too). Only the
 * Norwegian schemes name an organisation number: 0192 (Brønnøysund, DPI) and 9908 (the
 * legacy SDP spelling); "1234:991825827" is another scheme's identifier, not ours to read.
 * Caller frees. NULL when the value holds no 9-digit organisation number.
 */
char *text_orgnr_digits(const char *value)
{
    const char *digits = value;
    size_t i;

    if (!value)
        return NULL;
    if (strlen(value) == 14 && value[4] == ':') {
        if (strncmp(value, "0192:", 5) != 0 && strncmp(value, "9908:", 5) != 0)
            return NULL;
        digits = value + 5;
    }
    if (strlen(digits) != 9)
        return NULL;
    for (i = 0; i < 9; i++)
        if (!g_ascii_isdigit(digits[i]))
            return NULL;
    return g_strdup(digits);
}

/*
 * text_is_printable - valid UTF-8 with nothing that moves or hides what is printed or shown:
 * no C0 controls, DEL or C1 controls, no line or paragraph separator, no bidirectional
 * embedding, override or isolate.
 */
bool text_is_printable(const char *s)
{
    const char *p;

    if (!g_utf8_validate(s, -1, NULL))
        return false;
    for (p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
            (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
            return false;
    }
    return true;
}

/*
 * text_term_safe - s as it may go to an operator's terminal: control, C1 and direction
 * characters shown as \xNN or \u{NNNN}, bytes that are not UTF-8 as \xNN. Newly allocated.
 */
char *text_term_safe(const char *s, bool keep_lines)
{
    GString *out = g_string_new(NULL);
    const char *p = s ? s : "";

    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append_printf(out, "\\x%02x", (unsigned char)*p++);
            continue;
        }
        if (keep_lines && (c == '\n' || c == '\t'))
            g_string_append_c(out, (char)c);
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", (unsigned)c);
        else if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
                 (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
            g_string_append_printf(out, "\\u{%04x}", (unsigned)c);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
        p = g_utf8_next_char(p);
    }
    return g_string_free(out, FALSE);
}
