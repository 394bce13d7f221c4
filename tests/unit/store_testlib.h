/*
 * store_testlib.h: the fixture of the unit tests that open a quarantine store
 * (test_store, test_await, test_digest). Include after <cmocka.h> and store.h.
 *
 * dir: the store folder, DIR/q inside a fresh /tmp/NAME.XXXXXX made by
 * st_mkdir (the setup of each test calls it; the store creates q itself);
 * teardown removes the temporary folder; open_store opens (creating) the store
 * in dir, printing the error before failing the test.
 */
#ifndef EMBARGO_STORE_TESTLIB_H
#define EMBARGO_STORE_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "store/store.h"

static char dir[256];

static inline void
st_mkdir(const char *name)
{
	snprintf(dir, sizeof(dir), "/tmp/%s.XXXXXX", name);
	assert_non_null(mkdtemp(dir));
	strncat(dir, "/q", sizeof(dir) - strlen(dir) - 1);
}

static inline int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 2), dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline struct store *
open_store(void)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q = store_open(dir, STORE_CREATE, &err);

	if (q == NULL)
		fprintf(stderr, "store_open: %s\n", sb_str(&err));
	sb_free(&err);
	assert_non_null(q);
	return q;
}

#endif
