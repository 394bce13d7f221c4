/*
 * prom.c: Prometheus text exposition lines (see prom.h).
 */
#include <math.h>
#include <string.h>

#include "metrics/prom.h"

/* Escape S: backslash and newline always, the double quote when QUOTE; invalid
 * UTF-8 bytes as U+FFFD. */
static void
escape(struct strbuf *sb, const char *s, int quote)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = strlen(s), k;

	while (i < n) {
		if (u[i] == '\\') {
			sb_adds(sb, "\\\\");
			i++;
		} else if (u[i] == '\n') {
			sb_adds(sb, "\\n");
			i++;
		} else if (u[i] == '"' && quote) {
			sb_adds(sb, "\\\"");
			i++;
		} else if (u[i] < 0x80) {
			sb_addc(sb, (char)u[i++]);
		} else if ((k = sb_utf8_len(u + i, n - i)) > 0) {
			sb_add(sb, u + i, k);
			i += k;
		} else {
			sb_adds(sb, "\xef\xbf\xbd");
			i++;
		}
	}
}

void
prom_head(struct strbuf *sb, const char *name, const char *type, const char *help)
{
	sb_printf(sb, "# HELP %s ", name);
	escape(sb, help, 0);
	sb_printf(sb, "\n# TYPE %s %s\n", name, type);
}

void
prom_label_value(struct strbuf *sb, const char *v)
{
	escape(sb, v, 1);
}

static void
sample_name(struct strbuf *sb, const char *name, const char *label, const char *value)
{
	sb_adds(sb, name);
	if (label == NULL)
		return;
	sb_printf(sb, "{%s=\"", label);
	escape(sb, value != NULL ? value : "", 1);
	sb_adds(sb, "\"}");
}

void
prom_u64(
    struct strbuf *sb, const char *name, const char *label, const char *value, uint64_t n)
{
	sample_name(sb, name, label, value);
	sb_printf(sb, " %llu\n", (unsigned long long)n);
}

void
prom_f64(
    struct strbuf *sb, const char *name, const char *label, const char *value, double v)
{
	sample_name(sb, name, label, value);
	if (isnan(v))
		sb_adds(sb, " NaN\n");
	else if (isinf(v))
		sb_adds(sb, v > 0 ? " +Inf\n" : " -Inf\n");
	else
		sb_printf(sb, " %.9g\n", v);
}
