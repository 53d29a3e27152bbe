# shellcheck shell=bash disable=SC2317,SC2034 # (functions for the caller; it reads RES, STOP_RC, FAILED)
# bench/wrk.sh — what bench/web and bench/pg share: processes started and
# stopped, a free port, nginx serving saved response bytes with isms's
# headers, and wrk runs that print "BENCH req/s p50_ms p99_ms non2xx
# socket_errors timeouts". Sourced; the caller sets S (its scratch
# directory) and NGINX (the nginx binary).

# alive PID: running and not yet a zombie (kill -0 succeeds on zombies)
alive()
{
    local _a _b st
    { read -r _a _b st _ <"/proc/$1/stat"; } 2>/dev/null || return 1
    [[ $st != Z ]]
}

# stop PID SIGNAL SECONDS: signals, waits until it has exited, reaps it and
# leaves its exit status in STOP_RC (KILLed after SECONDS: STOP_RC=timeout)
stop()
{
    local pid=$1 sig=$2 secs=$3 i
    STOP_RC=
    kill "-$sig" "$pid" 2>/dev/null
    for ((i = 0; i < secs * 20; i++)); do
        alive "$pid" || break
        sleep 0.05
    done
    if alive "$pid"; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        STOP_RC=timeout
        return 1
    fi
    wait "$pid" 2>/dev/null
    STOP_RC=$?
    return 0
}

# a port nobody listens on, from $1 upwards
free_port()
{
    local p
    for ((p = $1; p < $1 + 200; p++)); do
        if ! (: <"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# nginx_start PORT THREADS: nginx serving $S/www on 127.0.0.1:PORT with the
# headers isms sends; NGINX_PID. Returns 1 when it does not answer.
nginx_start()
{
    local port=$1 threads=$2 i
    mkdir -p "$S/www" "$S/nginx/tmp" "$S/nginx/logs"
    chmod -R a+rX "$S/www" "$S/nginx"
    cat >"$S/nginx.conf" <<NGINX
worker_processes $threads;
pid $S/nginx/nginx.pid;
error_log $S/nginx/logs/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
    types { text/html html; application/json json; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $S/nginx/tmp/body;
    proxy_temp_path $S/nginx/tmp/proxy;
    fastcgi_temp_path $S/nginx/tmp/fastcgi;
    uwsgi_temp_path $S/nginx/tmp/uwsgi;
    scgi_temp_path $S/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $S/www;
        # the headers isms sends with every answer, so both send about the same bytes
        add_header Content-Security-Policy "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        add_header X-Content-Type-Options nosniff;
        add_header Referrer-Policy same-origin;
        add_header X-Frame-Options DENY;
        add_header Cross-Origin-Opener-Policy same-origin;
        add_header Permissions-Policy "camera=(), microphone=(), geolocation=()";
        add_header Cache-Control no-store;
    }
}
NGINX
    "$NGINX" -p "$S/nginx/" -c "$S/nginx.conf" -e "$S/nginx/logs/error.log" 2>>"$S/nginx/stderr" &
    NGINX_PID=$!
    for ((i = 0; i < 100; i++)); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        alive "$NGINX_PID" || return 1
        sleep 0.05
    done
    return 1
}

# wrk_scripts: $S/done.lua (the BENCH line) and $S/patch.lua (every PATCH
# sets notes to "bench N", N different for every request)
wrk_scripts()
{
    cat >"$S/done.lua" <<'LUA'
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("BENCH %.2f %.3f %.3f %d %d %d\n",
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write, e.timeout))
end
LUA
    cat "$S/done.lua" - >"$S/patch.lua" <<'LUA'
local nthreads = 0
setup = function(thread)
   nthreads = nthreads + 1
   thread:set("id", nthreads)
end
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
   counter = counter + 1
   return wrk.format(nil, nil, nil,
      string.format('{"notes":"bench %d"}', counter * 64 + (id or 0)))
end
LUA
}

# wrk_run TAG SCRIPT URL [wrk options]: RES = the BENCH fields ("- …" when
# wrk failed; FAILED=1 then). WRK is the wrk command line without -s.
wrk_run()
{
    local tag=$1 script=$2 url=$3 line
    shift 3
    "${WRK[@]}" -s "$script" "$@" "$url" >"$S/wrk.$tag" 2>&1
    line=$(grep '^BENCH ' "$S/wrk.$tag")
    if [[ -z $line ]]; then
        echo "wrk failed on $url: $(tail -n 3 "$S/wrk.$tag")" >&2
        FAILED=1
        RES="- - - - - -"
        return 1
    fi
    RES=${line#BENCH }
}

fmt_ms() { awk -v v="$1" 'BEGIN{ if (v == "-") print "-"; else if (v >= 1000) printf "%.2f s", v / 1000;
    else if (v >= 10) printf "%.0f ms", v; else printf "%.2f ms", v }'; }
