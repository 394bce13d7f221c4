/* fatimg.c: FAT disk images. PLACEHOLDER being replaced by the FAT reader work:
 * says "not a FAT image" so archive.c reports what it can. */
#include "analysers.h"

em_status
fatimg_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	(void)ctx;
	(void)in;
	return EM_END;
}
