"""A raw protocol client run as another user by the end-to-end tests.

raw_client.py SOCKET many N            N connections at once, a hello on each; prints "answered K"
raw_client.py SOCKET ask LINE...       one connection: sends the lines, prints every message until
                                       each request has its final message
raw_client.py SOCKET stuck SECONDS LINE...  sends the lines, never reads, exits after SECONDS
raw_client.py SOCKET cancel-own LINE   sends the request, cancels it on its first progress message,
                                       prints every message until both have their final message
"""
import json
import socket
import sys
import threading
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def lines(s):
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)


def many(path, n):
    socks = [connect(path) for _ in range(n)]
    answered = []
    lock = threading.Lock()

    def one(i, s):
        s.sendall(json.dumps({"type": "hello", "id": "h%d" % i, "protocolVersion": 1}).encode() + b"\n")
        for m in lines(s):
            if m.get("type") in ("result", "error"):
                with lock:
                    answered.append(m.get("type"))
                return

    threads = [threading.Thread(target=one, args=(i, s)) for i, s in enumerate(socks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    print("answered %d results %d" % (len(answered), answered.count("result")))


def ask(path, requests):
    s = connect(path)
    waiting = set()
    for r in requests:
        waiting.add(json.loads(r)["id"])
        s.sendall(r.encode() + b"\n")
    for m in lines(s):
        print(json.dumps(m), flush=True)
        if m.get("type") in ("result", "error"):
            waiting.discard(m.get("id"))
            if not waiting:
                return


def cancel_own(path, request):
    s = connect(path)
    target = json.loads(request)["id"]
    s.sendall(request.encode() + b"\n")
    waiting = {target}
    for m in lines(s):
        print(json.dumps(m), flush=True)
        if m.get("type") == "progress" and m.get("id") == target and "cancel" not in waiting:
            waiting.add("cancel")
            s.sendall(json.dumps({"type": "cancel", "id": "cancel", "target": target}).encode() + b"\n")
        if m.get("type") in ("result", "error"):
            waiting.discard(m.get("id"))
            if not waiting:
                return


def stuck(path, seconds, requests):
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for r in requests:
        s.sendall(r.encode() + b"\n")
    print("sent", flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    path, mode = sys.argv[1], sys.argv[2]
    if mode == "many":
        many(path, int(sys.argv[3]))
    elif mode == "ask":
        ask(path, sys.argv[3:])
    elif mode == "cancel-own":
        cancel_own(path, sys.argv[3])
    elif mode == "stuck":
        stuck(path, float(sys.argv[3]), sys.argv[4:])
