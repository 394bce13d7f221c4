-- actions_lib.lua: helpers for the t_actions_*.lua scenarios (loaded with dofile
-- after lib.lua). Each scenario starts its own embargo with a purpose-made policy
-- (findings = "*", so any finding triggers it) on its own socket and store, so the
-- action is tested independently of which scanners have landed. Scripts end with
-- stop_embargo().

local function bin(name)
	local b = os.getenv("EMBARGO_BUILD") or (root .. "/build")
	local f = io.open(b .. "/" .. name, "rb")
	if f == nil and b:find("//") then b = "/" .. b:match("//(.*)$") end
	if f then f:close() end
	return b .. "/" .. name
end

local function writefile(path, s)
	local f = io.open(path, "wb")
	if f == nil then error("cannot write " .. path) end
	f:write(s)
	f:close()
end

local function readfile(path)
	local f = io.open(path, "rb")
	if f == nil then error("cannot read " .. path) end
	local s = f:read("*a")
	f:close()
	return s
end

-- Start embargo NAME with POLICY text and extra SETTINGS ({key = "value text"}).
-- Returns the connection socket, the config path and the quarantine directory.
function start_embargo(name, policy, settings)
	local d = dir .. "/" .. name
	os.execute("rm -rf '" .. d .. "'; mkdir -p '" .. d .. "/q' '" .. d .. "/tmp'")
	writefile(d .. "/policy.conf", policy)
	local conf = "\n" .. readfile(dir .. "/embargo.conf")
	local set = { policy_file = '"' .. d .. '/policy.conf"',
		quarantine_dir = '"' .. d .. '/q"', tmp_dir = '"' .. d .. '/tmp"',
		pid_file = '"' .. d .. '/embargo.pid"' }
	for k, v in pairs(settings or {}) do set[k] = v end
	for k, v in pairs(set) do
		conf = conf:gsub("\n" .. k .. " = [^\n]*", "")
		conf = conf .. "\n" .. k .. " = " .. v .. ";"
	end
	writefile(d .. "/embargo.conf", conf .. "\n")
	local s = "unix:" .. d .. "/embargo.sock"
	-- Not mt.startfilter: a daemon left behind by a failed script would keep
	-- miltertest's output pipe open and hang run.sh. Output goes to a file, and
	-- timeout ends the daemon even if the script dies before stop_embargo().
	os.execute("timeout 120 '" .. bin("embargo") .. "' -f -c '" .. d .. "/embargo.conf' -p '" ..
		s .. "' > '" .. d .. "/embargo.log' 2>&1 & echo $! > '" .. d .. "/run.pid'")
	started = started or {}
	table.insert(started, d)
	return s, d .. "/embargo.conf", d .. "/q"
end

-- Stop every daemon this script started.
function stop_embargo()
	for _, d in ipairs(started or {}) do
		os.execute("kill $(cat '" .. d .. "/run.pid') 2>/dev/null")
	end
	started = {}
end

function connect_to(s)
	local conn = mt.connect(s, 40, 0.25)
	if conn == nil then error("cannot connect to " .. s) end
	if mt.conninfo(conn, "client.example.org", "192.0.2.10") ~= nil then
		error("conninfo failed")
	end
	if mt.getreply(conn) ~= SMFIR_CONTINUE then error("connect not continued") end
	return conn
end

-- A multipart message: text, an executable attachment, text. The attachment's
-- name and filename parameters disagree (mime.malformed on that part, whatever
-- else the scanners find in it), so the attachment is the only part with findings.
EXE_B64 = "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA=="
MSG_HEADERS = {{"From", "sender@example.org"}, {"To", "rcpt@example.net"},
	{"Subject", "invoice"}, {"MIME-Version", "1.0"},
	{"Content-Type", "multipart/mixed; boundary=\"BOUNDARY\""}}
PART1 = "Content-Type: text/plain\r\n\r\nfirst part stays\r\n"
PART2 = "Content-Type: application/octet-stream; name=\"a.exe\"\r\n" ..
	"Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n" ..
	"Content-Transfer-Encoding: base64\r\n\r\n" .. EXE_B64 .. "\r\n"
PART3 = "Content-Type: text/plain\r\n\r\nlast part stays\r\n"
MSG_BODY = "preamble\r\n--BOUNDARY\r\n" .. PART1 .. "\r\n--BOUNDARY\r\n" .. PART2 ..
	"\r\n--BOUNDARY\r\n" .. PART3 .. "\r\n--BOUNDARY--\r\nepilogue\r\n"

-- Send the test message on CONN as queue id QID; returns the EOM reply.
function send_test_message(conn, qid, rcpts)
	envelope(conn, qid, "<sender@example.org>", rcpts or {"<rcpt@example.net>"},
		MSG_HEADERS)
	body(conn, chunks(MSG_BODY, 100))
	if mt.eom(conn) ~= nil then error("eom failed") end
	return mt.getreply(conn)
end

-- embargo-quarantine's JSON list for the store behind CONF.
function qlist(conf)
	local p = io.popen("'" .. bin("embargo-quarantine") .. "' -c '" .. conf .. "' list --json 2>&1")
	local out = p:read("*a")
	p:close()
	return out
end

-- stored messages (msg/*.eml; each has its msg/*.meta beside it)
function qfiles(qdir)
	local p = io.popen("ls '" .. qdir .. "/msg' 2>/dev/null | grep -c '[.]eml$'")
	local n = tonumber(p:read("*a"))
	p:close()
	return n
end

-- Like lib.lua's expect, but says what failed on stderr (miltertest does not
-- print the error of a failed script).
function expect(cond, what)
	if not cond then
		io.stderr:write("expected: " .. what .. "\n")
		error("expected: " .. what)
	end
end
