-- ppap: the password that arrives in a later mail, through the milter protocol.
-- A password ZIP with no password in its mail waits (awaiting-password); the later
-- mail from the same sender to the same recipient brings "パスワード: ..." and the
-- held message is released once through release_command with X-Embargo-Unlocked
-- and the release marker, which the daemon then lets through (release pass). A
-- mail from another sender unlocks nothing; a ZIP whose password opens a macro
-- document stays quarantined with the macro findings; with no password the entry
-- falls back to quarantined when the (3 s) window passes (the daemon's tick, or
-- `embargo-quarantine ppap-expire` while the daemon is down).
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")

local data = dir .. "/ppap-data"
local out = dir .. "/ppap-out"
os.execute("rm -rf '" .. data .. "' '" .. out .. "'; mkdir -p '" .. data .. "' '" .. out .. "'")
expect(os.execute("python3 '" .. root .. "/tests/data/ppap/mktwomail.py' '" .. data .. "' '" ..
	corpus .. "'"), "fixtures made")
local rel = dir .. "/ppap-release.sh"
local f = io.open(rel, "w")
f:write("#!/bin/sh\nn=$(ls '" .. out .. "' | wc -l)\necho \"$*\" > '" .. out ..
	"'/args.$n\ncat > '" .. out .. "'/rel.$n.eml\n")
f:close()
os.execute("chmod 755 '" .. rel .. "'")

local POLICY = [[
rules = (
  { name = "t-macro"; action = "quarantine"; findings = [ "macro.*" ]; },
  { name = "t-locked"; action = "quarantine"; await_password = true;
    findings = [ "archive.encrypted", "doc.encrypted" ]; },
  { name = "t-unlocked"; action = "tag"; findings = [ "archive.unlocked", "doc.unlocked" ]; }
);
]]

local function send_file(s, qid, from, rcpt, path, after)
	local conn = connect_to(s)
	local h, b = read_message(path)
	envelope(conn, qid, from, {rcpt}, h)
	body(conn, chunks(b, 4000))
	if mt.eom(conn) ~= nil then error("eom failed") end
	local r = mt.getreply(conn)
	if after then after(conn) end
	mt.disconnect(conn)
	return r
end

local function sh(cmd)
	local p = io.popen(cmd)
	local o = p:read("*a")
	p:close()
	return o
end

local function entry(conf, qid)
	for line in qlist(conf):gmatch("[^\n]+") do
		if line:find('"queue_id":"' .. qid .. '"', 1, true) then return line end
	end
	return ""
end

local TANAKA, SUZUKI, SATO = "<tanaka@sender.example>", "<suzuki@sender.example>",
	"<sato@rcpt.example>"
local s, conf, q = start_embargo("ppap", POLICY, { ppap_window = "60",
	release_command = '"' .. rel .. '"' })

-- 1. held: awaiting-password, with the window's end
local r = send_file(s, "MT-PPAP-1", TANAKA, SATO, data .. "/first.eml")
expect(r == SMFIR_DISCARD, "locked ZIP quarantined (discard), got " .. tostring(r))
local e = entry(conf, "MT-PPAP-1")
expect(e:find('"state":"awaiting-password"', 1, true) and e:find('"awaiting_until":', 1, true)
	and e:find('"rule":"t-locked"', 1, true), "awaiting-password entry: " .. e)

expect(sh("'" .. root .. "/build/embargo-quarantine' -c '" .. conf .. "' show " ..
	e:match('"id":"(%x+)"')):find("\nawaiting: +%d%d%d%d%-"), "show prints the window's end")

-- 2. another sender's password mail unlocks nothing
r = send_file(s, "MT-PPAP-O", "<mallory@other.example>", SATO, data .. "/other.eml")
expect(r == SMFIR_CONTINUE, "other sender's mail accepted")
expect(entry(conf, "MT-PPAP-1"):find('"state":"awaiting-password"', 1, true),
	"still awaiting after another sender's password")
expect(sh("ls '" .. out .. "' | wc -l"):match("^0"), "nothing released by another sender")

-- a forged X-Embargo-Unlocked on an ordinary message is removed
do
	local conn = connect_to(s)
	envelope(conn, "MT-PPAP-F", "<mallory@other.example>", {SATO},
		{{"Subject", "forged"}, {"X-Embargo-Unlocked", "by FAKE; trust me"}})
	body(conn, {"hello\r\n"})
	if mt.eom(conn) ~= nil then error("eom failed") end
	expect(mt.getreply(conn) == SMFIR_CONTINUE, "forged: accepted")
	expect(mt.eom_check(conn, MT_HDRCHANGE, "X-Embargo-Unlocked", ""),
		"forged X-Embargo-Unlocked removed")
	mt.disconnect(conn)
end

-- 3. the later mail: accepted itself, the held one released once
r = send_file(s, "MT-PPAP-2", TANAKA, SATO, data .. "/second.eml")
expect(r == SMFIR_CONTINUE, "password mail accepted, got " .. tostring(r))
e = entry(conf, "MT-PPAP-1")
expect(e:find('"state":"released"', 1, true), "held entry released: " .. e)
expect(sh("ls '" .. out .. "' | grep -c '^rel'"):match("^1"), "released exactly once")
local copy = sh("cat '" .. out .. "/rel.0.eml'")
expect(copy:find("X-Embargo-Unlocked: by MT-PPAP-2; message-id=<ppap-2@sender.example>", 1, true),
	"X-Embargo-Unlocked names the later mail: " .. copy:sub(1, 400))
expect(copy:find("X-Embargo-Released: ", 1, true) and copy:find("X-Embargo-Release-Auth: v1 ", 1, true),
	"release marker on the copy")
expect(sh("cat '" .. out .. "/args.0'"):find("-i -f tanaka@sender.example -- sato@rcpt.example", 1, true),
	"release_command got the stored envelope")
local log = sh("cat '" .. dir .. "/ppap/embargo.log'")
expect(log:find("MT%-PPAP%-1: ppap: quarantine=%x+ awaiting a password in a later mail until"),
	"first mail's log line says it awaits a password")
expect(log:find("MT%-PPAP%-2: ppap: passwords brought to quarantine=%x+ %(queue id MT%-PPAP%-1%): unlocked, released to 1 recipient"),
	"second mail's log line names the entry it unlocked")
-- the copy comes back through the MTA: the marker passes it, not quarantined again
r = send_file(s, "MT-PPAP-1R", TANAKA, SATO, out .. "/rel.0.eml", function(conn)
	expect(not mt.eom_check(conn, MT_HDRCHANGE, "X-Embargo-Unlocked", ""),
		"a verified release keeps its X-Embargo-Unlocked")
end)
expect(r == SMFIR_CONTINUE, "released copy accepted, got " .. tostring(r))
expect(sh("cat '" .. dir .. "/ppap/embargo.log'"):find("MT%-PPAP%-1R: release pass: quarantine=%x+ verified"),
	"released copy passes as a release")
expect(qfiles(q) == 1, "not quarantined again")
-- a second password mail releases nothing more
send_file(s, "MT-PPAP-2B", TANAKA, SATO, data .. "/second.eml")
expect(sh("ls '" .. out .. "' | grep -c '^rel'"):match("^1"), "still released exactly once")

-- 4. the password opens a macro document: kept, with the macro findings
r = send_file(s, "MT-PPAP-M1", SUZUKI, SATO, data .. "/macro1.eml")
expect(r == SMFIR_DISCARD, "macro ZIP held")
expect(entry(conf, "MT-PPAP-M1"):find('"state":"awaiting-password"', 1, true), "macro ZIP awaiting")
r = send_file(s, "MT-PPAP-M2", SUZUKI, SATO, data .. "/macro2.eml")
expect(r == SMFIR_CONTINUE, "its password mail accepted")
e = entry(conf, "MT-PPAP-M1")
expect(e:find('"state":"quarantined"', 1, true) and e:find('"rule":"t-macro"', 1, true) and
	e:find('"name":"macro.vba"', 1, true), "macro inside: kept quarantined with macro findings: " .. e)
expect(sh("ls '" .. out .. "' | grep -c '^rel'"):match("^1"), "the macro document was not released")
expect(sh("'" .. root .. "/build/embargo-quarantine' -c '" .. conf .. "' show " ..
	e:match('"id":"(%x+)"')):find("rescanned", 1, true), "history: rescanned")
stop_embargo()

-- 5. no password within the window: quarantined, event expired
s, conf, q = start_embargo("ppap-exp", POLICY, { ppap_window = "3",
	release_command = '"' .. rel .. '"' })
r = send_file(s, "MT-PPAP-X", TANAKA, SATO, data .. "/first.eml")
expect(r == SMFIR_DISCARD, "held again")
expect(entry(conf, "MT-PPAP-X"):find('"state":"awaiting-password"', 1, true), "awaiting")
os.execute("sleep 5")
e = entry(conf, "MT-PPAP-X")
expect(e:find('"state":"quarantined"', 1, true) and e:find('"rule":"t-locked"', 1, true),
	"window passed: quarantined by the locked rule: " .. e)
expect(sh("cat '" .. dir .. "/ppap-exp/embargo.log'"):find("MT%-PPAP%-X: ppap: quarantine=%x+: no password came within the window"),
	"expiry logged under the held message's queue id")
-- with the daemon stopped, `ppap-expire` lets the window pass
r = send_file(s, "MT-PPAP-Y", TANAKA, SATO, data .. "/first.eml")
expect(r == SMFIR_DISCARD, "held once more")
os.execute("pkill -KILL -P $(cat '" .. dir .. "/ppap-exp/run.pid'); sleep 4")   -- the daemon, child of its timeout
local eq = "'" .. root .. "/build/embargo-quarantine' -c '" .. conf .. "' "
expect(sh(eq .. "ppap-expire"):find("^1 entry no longer awaiting a password: quarantined"),
	"ppap-expire settles the one entry past its window")
expect(entry(conf, "MT-PPAP-Y"):find('"state":"quarantined"', 1, true), "now quarantined")
expect(sh(eq .. "ppap-expire"):find("^0 entries"), "a second ppap-expire finds nothing")
stop_embargo()
s, conf, q = start_embargo("ppap-exp2", POLICY, { ppap_window = "3",
	release_command = '"' .. rel .. '"' })
r = send_file(s, "MT-PPAP-X", TANAKA, SATO, data .. "/first.eml")
os.execute("sleep 5")
-- a password after the window releases nothing
send_file(s, "MT-PPAP-LATE", TANAKA, SATO, data .. "/second.eml")
expect(entry(conf, "MT-PPAP-X"):find('"state":"quarantined"', 1, true), "late password: still quarantined")
expect(sh("ls '" .. out .. "' | grep -c '^rel'"):match("^1"), "late password released nothing")
stop_embargo()
