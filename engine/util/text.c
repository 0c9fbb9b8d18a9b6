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
 * "0192:991825827" or "9908:991825827" (a bare 9-digit number is accepted too).
 * Caller frees. NULL when the value holds no 9-digit organisation number.
 */
char *text_orgnr_digits(const char *value)
{
    const char *digits = value;
    size_t i;

    if (!value)
        return NULL;
    if (strlen(value) == 14 && value[4] == ':')
        digits = value + 5;
    if (strlen(digits) != 9)
        return NULL;
    for (i = 0; i < 9; i++)
        if (!g_ascii_isdigit(digits[i]))
            return NULL;
    return g_strdup(digits);
}
