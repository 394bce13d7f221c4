# t_web_nginx.sh: the shipped nginx example (contrib/nginx/embargo-web.conf) in
# front of embargo-web, with a throw-away self-signed certificate: pages come through
# TLS with embargo-web's CSP, the session cookie gets Secure, a signed-in page loads,
# plain HTTP redirects to HTTPS, and nginx refuses a body over 64 KB itself. Only the
# ports, the certificate paths and the listen addresses are rewritten for the test.
if [ "$(id -u)" != 0 ] || ! command -v nginx > /dev/null || ! command -v openssl > /dev/null; then
	ok "embargo-web behind nginx: SKIP (needs root, nginx and openssl)"
	return 0 2>/dev/null || exit 0
fi
T=$(mktemp -d /tmp/embargo-nginx.XXXXXX) || exit 1
chmod 755 "$T"
P=$(free_port); NS=$(free_port); NP=$(free_port)
em_config "$T" "user = \"nobody\"" "web_listen = \"127.0.0.1:$P\"" "web_users = \"$T/web_users\""
mkdir -p "$T/quarantine" "$T/ngx/tmp"
chown -R nobody "$T/quarantine"
echo admin-pw | "$EMBARGO_BUILD/embargo-quarantine" -c "$T/embargo.conf" passwd alice --role admin
chmod 644 "$T/web_users"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$T/ngx/key.pem" -out "$T/ngx/cert.pem" > /dev/null 2>&1
sed -e '/listen \[::\]/d' \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$NS ssl;|" -e "s|listen 80;|listen 127.0.0.1:$NP;|" \
    -e "s|ssl_certificate .*|ssl_certificate $T/ngx/cert.pem;|" \
    -e "s|ssl_certificate_key .*|ssl_certificate_key $T/ngx/key.pem;|" \
    -e "s|proxy_pass http://127.0.0.1:8891;|proxy_pass http://127.0.0.1:$P;|" \
    "$EMBARGO_ROOT/contrib/nginx/embargo-web.conf" > "$T/ngx/site.conf"
cat > "$T/ngx/nginx.conf" <<TWEBNGX
daemon off;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $T/ngx/tmp/body;
    proxy_temp_path $T/ngx/tmp/proxy;
    fastcgi_temp_path $T/ngx/tmp/fcgi;
    uwsgi_temp_path $T/ngx/tmp/uwsgi;
    scgi_temp_path $T/ngx/tmp/scgi;
    include $T/ngx/site.conf;
}
TWEBNGX
"$EMBARGO_BUILD/embargo-web" -c "$T/embargo.conf" > "$T/web.log" 2>&1 &
WPID=$!
nginx -p "$T/ngx" -c "$T/ngx/nginx.conf" > "$T/ngx/out.log" 2>&1 &
NPID=$!
i=0
while ! { grep -q "listening on" "$T/web.log" && curl -sk -o /dev/null "https://127.0.0.1:$NS/login"; } && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
S="https://127.0.0.1:$NS"
curl -sk -D "$T/h1" -c "$T/jar" -o "$T/login.html" "$S/login"
check "the login page through TLS, with embargo-web's CSP" \
    sh -c "head -1 '$T/h1' | grep -q ' 200' && grep -q \"^Content-Security-Policy: default-src 'none'\" '$T/h1' && grep -q 'id=\"signin\"' '$T/login.html'"
tok=$(awk '/embargo_pre/ {print $7}' "$T/jar")
curl -sk -D "$T/h2" -b "$T/jar" -c "$T/jar" -o /dev/null --data-urlencode "csrf=$tok" \
    -d 'user=alice&password=admin-pw' "$S/login"
check "the session cookie is Secure behind TLS" \
    grep -qi '^Set-Cookie: embargo_session=[0-9a-f]*; Path=/; HttpOnly; SameSite=Strict; Secure' "$T/h2"
check "a signed-in page loads through the proxy" \
    sh -c "curl -sk -b '$T/jar' '$S/' | grep -q 'id=\"queue\"'"
check "plain HTTP redirects to HTTPS" \
    sh -c "curl -s -D - -o /dev/null 'http://127.0.0.1:$NP/login' | grep -q '^Location: https://'"
head -c 100000 /dev/zero | tr '\0' a > "$T/body"
check "nginx refuses a body over 64 KB" \
    test "$(curl -sk -o /dev/null -w '%{http_code}' --data-binary @"$T/body" "$S/login")" = 413
kill $NPID $WPID 2>/dev/null; wait $NPID $WPID 2>/dev/null
rm -rf "$T"
