-- Embargo asks the MTA not to wait for replies before end of message (SMFIP_NR_*).
-- A failure in such a step (here: the body cannot be spooled, tmp_dir is made a
-- plain file once the daemon serves) is kept and answered at end of message by
-- on_error (451 4.3.0), never lost in a step that gets no reply; the next message on
-- the connection is clean.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local tdir = dir .. "/tmp-goes-away"
os.execute("rm -rf '" .. tdir .. "'; mkdir -p '" .. tdir .. "'")
local s = start_embargo("noreply-fail", "rules = ();\n", { tmp_dir = '"' .. tdir .. '"' })
local conn = connect_to(s)
os.execute("rm -rf '" .. tdir .. "'; echo x > '" .. tdir .. "'")
envelope(conn, "MT-NR-1", "<sender@example.org>", {"<rcpt@example.net>"},
	{{"From", "sender@example.org"}, {"Subject", "big"}})
local line = string.rep("x", 998) .. "\r\n"
body(conn, chunks(string.rep(line, 400), 65535))    -- 400 KB: past spool_memory
expect(mt.eom(conn) == nil, "eom sent")
expect(mt.getreply(conn) == SMFIR_REPLYCODE, "a reply code at end of message")
expect(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
	"message could not be scanned, try again later"), "451 4.3.0 for the failed body")
-- the failure belonged to that message only
envelope(conn, "MT-NR-2", "<sender@example.org>", {"<rcpt@example.net>"},
	{{"From", "sender@example.org"}, {"Subject", "small"}})
body(conn, {"small body\r\n"})
expect(mt.eom(conn) == nil, "eom sent")
expect(mt.getreply(conn) == SMFIR_CONTINUE, "the next message is scanned and passes")
mt.disconnect(conn)
stop_embargo()
local log = io.open(dir .. "/noreply-fail/embargo.log"):read("*a")
expect(log:find("MT%-NR%-1: body: [^;]*; on_error=tempfail") ~= nil,
	"the failure is logged with its step and queue id")
