/* SPDX-License-Identifier: Apache-2.0 */
/*
 * day.c - a calendar day as an operator types it: YYYY-MM-DD or DD.MM.YYYY, a real date.
 */
#include <stdio.h>
#include <string.h>
#include "util.h"

bool day_parse(const char *in, char out[11])
{
    int y = 0, m = 0, d = 0, n = 0;
    size_t len = in ? strlen(in) : 0;

    if (len == 10 && in[4] == '-' && in[7] == '-')
        n = sscanf(in, "%4d-%2d-%2d", &y, &m, &d);
    else if (len == 10 && in[2] == '.' && in[5] == '.')
        n = sscanf(in, "%2d.%2d.%4d", &d, &m, &y);
    if (n != 3 || strspn(in, "0123456789-.") != len || y < 1000 || m < 1 || m > 12 || d < 1 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return false;
    g_snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

char *day_today(void)
{
    GDateTime *now = time_now();
    char *d = g_date_time_format(now, "%Y-%m-%d");

    g_date_time_unref(now);
    return d;
}
