/*
 * limits.c: the defaults and ceilings of the bounds in limits.h, from LIMITS(X).
 */
#include "core/limits.h"

const struct scan_limits scan_limits_ceiling = {
#define LIMIT_CEIL(name, type, min, def, text, ceil, what) \
	.name = (LIMIT_CTYPE_##type)(ceil),
	LIMITS(LIMIT_CEIL)
#undef LIMIT_CEIL
};

void
scan_limits_default(struct scan_limits *l)
{
#define LIMIT_DEF(name, type, min, def, text, ceil, what) \
	l->name = (LIMIT_CTYPE_##type)(def);
	LIMITS(LIMIT_DEF)
#undef LIMIT_DEF
}
