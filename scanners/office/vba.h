/*
 * vba.h: VBA projects inside compound files (MS-OVBA): the 2.4.1 decompressor, the
 * dir stream's module list, keyword analysis of the source, and the project scan
 * that turns them into macro.* findings and VBA/<module>.bas child parts.
 *
 * The source is kept as bytes in the project's code page; analysis is ASCII
 * keyword matching, so it works for any ASCII-compatible code page.
 */
#ifndef EMBARGO_VBA_H
#define EMBARGO_VBA_H

#include <stddef.h>
#include <stdint.h>

#include "office/cfb.h"
#include "core/scan.h"
#include "core/strbuf.h"

#define VBA_MAX_MODULES 1000u      /* modules read from one dir stream */
#define VBA_MAX_DIR     (1u << 20) /* decompressed dir stream bytes */
#define VBA_MAX_SOURCE  (8u << 20) /* decompressed bytes of one module */

struct vba_module {
	char name[128];             /* MODULENAME, bytes in the project code page */
	char stream[128];           /* MODULESTREAMNAME (code page) */
	char ustream[CFB_NAME_MAX]; /* the Unicode stream name as UTF-8, "" when none */
	uint32_t offset;            /* MODULEOFFSET: where the compressed source starts */
	int procedural;             /* MODULETYPE 0x21: a standard module (no events) */
};

/*
 * Decompress an MS-OVBA CompressedContainer (signature byte 0x01 then chunks) from
 * IN/LEN into a new buffer (malloc'd, NUL-terminated, caller frees) of at most MAX
 * bytes. Returns 0 when well formed, -1 when malformed or cut at MAX (what was
 * decoded so far is still returned), -2 when out of memory (*out untouched).
 */
int vba_decompress(
    const unsigned char *in, size_t len, size_t max, unsigned char **out, size_t *outlen);

/*
 * Parse a decompressed dir stream into at most MAX modules (*n set). Returns 0, or
 * -1 when the records are malformed (modules read so far are kept in *n).
 */
int vba_dir_parse(const unsigned char *dir, size_t len, struct vba_module *mods,
    unsigned max, unsigned *n);

/*
 * Keyword analysis of module source SRC/LEN: procedure names that run on open,
 * close or a control event are appended to AUTO, suspicious keywords to SUSP (each
 * name once, comma-separated). EVENTS: count control event handlers (X_Click,
 * ...) as entry points; vba_scan_project gives 0 for standard modules (a handler
 * there is only a name, run by a user action at most) and UserForm modules (their
 * events run only when code shows the form; the PROJECT stream says which).
 */
void vba_analyse(const char *src, size_t len, int events, struct strbuf *autoexec,
    struct strbuf *susp);

/*
 * Analyse the VBA project in storage VBA of compound file C (part IN): records
 * macro.vba, macro.vba.autoexec, macro.vba.suspicious, macro.stomped, scan.error
 * and adds each module's source as child part "VBA/<module>.bas".
 */
em_status vba_scan_project(
    struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c, int vba);

#endif
