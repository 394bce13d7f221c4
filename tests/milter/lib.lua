-- lib.lua: helpers for the miltertest scenarios (loaded with dofile).
-- Globals from run.sh: sock, root, corpus, dir.

function connect()
	local conn = mt.connect(sock, 40, 0.25)
	if conn == nil then error("cannot connect to " .. sock) end
	if mt.conninfo(conn, "client.example.org", "192.0.2.10") ~= nil then
		error("conninfo failed")
	end
	if mt.getreply(conn) ~= SMFIR_CONTINUE then error("connect not continued") end
	return conn
end

-- Envelope, headers (a list of {name, value}), end of headers. QID is sent as the
-- "i" macro the way Postfix does.
function envelope(conn, qid, from, rcpts, headers)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	if mt.mailfrom(conn, from) ~= nil then error("mailfrom failed") end
	if mt.getreply(conn) ~= SMFIR_CONTINUE then error("mailfrom not continued") end
	for _, r in ipairs(rcpts) do
		mt.macro(conn, SMFIC_RCPT, "i", qid)
		if mt.rcptto(conn, r) ~= nil then error("rcptto failed") end
		if mt.getreply(conn) ~= SMFIR_CONTINUE then error("rcpt not continued") end
	end
	for _, h in ipairs(headers) do
		if mt.header(conn, h[1], h[2]) ~= nil then error("header failed") end
		if mt.getreply(conn) ~= SMFIR_CONTINUE then error("header not continued") end
	end
	if mt.eoh(conn) ~= nil then error("eoh failed") end
	if mt.getreply(conn) ~= SMFIR_CONTINUE then error("eoh not continued") end
end

function body(conn, chunks)
	for _, c in ipairs(chunks) do
		if mt.bodystring(conn, c) ~= nil then error("body failed") end
		if mt.getreply(conn) ~= SMFIR_CONTINUE then error("body not continued") end
	end
end

function expect(cond, what)
	if not cond then error("expected: " .. what) end
end

-- Read a whole file (a corpus message) and split it into headers and body.
function read_message(path)
	local f = io.open(path, "rb")
	if f == nil then error("cannot open " .. path) end
	local data = f:read("*a")
	f:close()
	local sep = data:find("\r?\n\r?\n")
	local head, rest = data:sub(1, sep), data:sub(sep):gsub("^\r?\n\r?\n", "", 1)
	local headers = {}
	head = head:gsub("\r?\n[ \t]+", " ")
	for line in head:gmatch("[^\r\n]+") do
		local n, v = line:match("^([^:]+):%s*(.*)$")
		if n then table.insert(headers, {n, v}) end
	end
	return headers, rest:gsub("\r?\n", "\r\n")
end

-- Split S into chunks of N bytes.
function chunks(s, n)
	local t = {}
	for i = 1, #s, n do table.insert(t, s:sub(i, i + n - 1)) end
	return t
end
