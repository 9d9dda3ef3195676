# Sourced by the comparison scripts: a free loopback port, and a fresh understudy-server or
# redis-server started on one and stopped again. Needs $server, understudy-server's path; the
# running server's pid is in $pid, and it is killed if the script exits early.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

start() {  # kind port: starts a fresh server of that kind (understudy or redis), sets pid
  case $1 in
    understudy) "$server" --port "$2" --bind 127.0.0.1 --loglevel warning >/dev/null & ;;
    redis) redis-server --port "$2" --bind 127.0.0.1 --save "" --appendonly no \
             --loglevel warning >/dev/null & ;;
  esac
  pid=$!
  wait_ready "$2"
}

stop() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}
