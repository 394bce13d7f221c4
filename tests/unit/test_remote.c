/*
 * test_remote.c: remote_kind() on the link targets remote templates and shortcuts
 * use: web URLs, UNC and WebDAV paths, file: URLs with and without a host,
 * search-ms:, and local paths that must stay local.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/remote.h"

static void
kinds(void **state)
{
	static const struct { const char *s; enum remote_kind k; } t[] = {
		{ "http://203.0.113.1/t.dotm", REMOTE_URL },
		{ " \"HTTPS://x.example/a\"", REMOTE_URL },
		{ "ftp://x.example/a", REMOTE_URL },
		{ "https://x.example/DavWWWRoot/a", REMOTE_WEBDAV },
		{ "\\\\host\\share\\a.dotm", REMOTE_UNC },
		{ "//host/share/a", REMOTE_UNC },
		{ "\\\\?\\UNC\\host\\share", REMOTE_UNC },
		{ "\\\\?\\C:\\x", REMOTE_NONE },
		{ "\\\\.\\pipe\\x", REMOTE_NONE },
		{ "\\\\host@SSL\\x\\t.dotm", REMOTE_WEBDAV },
		{ "\\\\host@SSL@443\\x", REMOTE_WEBDAV },
		{ "\\\\host@80\\x", REMOTE_WEBDAV },
		{ "//host@ssl/x", REMOTE_WEBDAV },
		{ "\\\\host\\DavWWWRoot\\x", REMOTE_WEBDAV },
		{ "file://host/share/a", REMOTE_UNC },
		{ "file:\\\\host\\share", REMOTE_UNC },
		{ "file:////host/share", REMOTE_UNC },
		{ "file:///C:/Users/a/Normal.dotm", REMOTE_NONE },
		{ "file://localhost/C:/x", REMOTE_NONE },
		{ "file:///c|/x", REMOTE_NONE },
		{ "file:", REMOTE_NONE },
		{ "search-ms:query=a&crumb=location:\\\\h@SSL\\x", REMOTE_SEARCH },
		{ "SEARCH:query=a", REMOTE_SEARCH },
		{ "C:\\Users\\a\\Normal.dotm", REMOTE_NONE },
		{ "Normal.dotm", REMOTE_NONE },
		{ "\\\\", REMOTE_NONE },
		{ "", REMOTE_NONE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (remote_kind(t[i].s) != t[i].k)
			fail_msg("%s: %d, want %d", t[i].s, remote_kind(t[i].s), t[i].k);
	}
	assert_string_equal(remote_kind_name(REMOTE_WEBDAV), "WebDAV share");
	assert_string_equal(remote_kind_name(REMOTE_NONE), "local");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
