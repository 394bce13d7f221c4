/*
 * config_yara.c: config_use_yara, for the programs that scan in their own process
 * (embargo-worker, embargo-scan --in-process, the tests): config_load then compiles
 * the yara_rules files with libyara. Kept apart from config.c so that the daemon,
 * which never calls it, links no libyara (make lint checks).
 */
#include "daemon/config.h"
#include "yara/yara.h"

void
config_use_yara(void)
{
	config_rules_ops(yara_rules_load, yara_rules_free);
}
