#!/usr/bin/python3
# The C reference beacon, czmq's zbeacon actor (libczmq4, through ctypes), for interop tests.
# Driven over stdin/stdout JSON lines, one command or event per line, payloads in hex:
#   {"op": "configure", "port": n}           -> {"event": "configured", "hostname": "10.x.y.z"}
#   {"op": "publish", "payload": h, "interval": ms} / {"op": "silence"}
#   {"op": "subscribe", "filter": h} / {"op": "unsubscribe"}
#   {"op": "listen", "address": a}           -> {"event": "listening", "port": n}
# and, unasked: {"event": "beacon", "address": a, "payload": h} for every beacon zbeacon passes on,
# {"event": "accepted", "address": a, "greeting": h} for a TCP connection to the listener (the
# first bytes it sent). Exits when stdin closes. `--check` prints the library version and exits.
# The caller pins the interface (ZSYS_INTERFACE): with none, zbeacon takes the first broadcast
# interface of the host.
import ctypes
import json
import os
import select
import socket
import sys

czmq = ctypes.CDLL('libczmq.so.4')
P = ctypes.c_void_p
for name, restype, argtypes in [
    ('zsys_init', P, []),
    ('zsys_interface', ctypes.c_char_p, []),
    ('zsys_ipv6', ctypes.c_bool, []),
    ('zsys_version', None, [ctypes.POINTER(ctypes.c_int)] * 3),
    ('zactor_new', P, [P, P]),
    ('zactor_destroy', None, [ctypes.POINTER(P)]),
    ('zstr_recv', P, [P]),
    ('zstr_free', None, [ctypes.POINTER(P)]),
    ('zsock_set_rcvtimeo', None, [P, ctypes.c_int]),
    ('zmsg_recv', P, [P]),
    ('zmsg_popstr', P, [P]),
    ('zmsg_pop', P, [P]),
    ('zmsg_destroy', None, [ctypes.POINTER(P)]),
    ('zframe_data', P, [P]),
    ('zframe_size', ctypes.c_size_t, [P]),
    ('zframe_destroy', None, [ctypes.POINTER(P)]),
]:
    fn = getattr(czmq, name)
    fn.restype = restype
    fn.argtypes = argtypes
# zsock_send and zstr_sendx are variadic: their arguments are passed with explicit ctypes types.
czmq.zsock_send.restype = ctypes.c_int
czmq.zstr_sendx.restype = ctypes.c_int


def out(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def version():
    v = [ctypes.c_int() for _ in range(3)]
    czmq.zsys_version(*[ctypes.byref(x) for x in v])
    return '.'.join(str(x.value) for x in v)


def take_str(ptr):
    """A char * czmq allocated, as a Python str; frees it."""
    if not ptr:
        return None
    s = ctypes.string_at(ptr).decode()
    p = P(ptr)
    czmq.zstr_free(ctypes.byref(p))
    return s


def take_frame(ptr):
    if not ptr:
        return None
    data = ctypes.string_at(czmq.zframe_data(ptr), czmq.zframe_size(ptr))
    f = P(ptr)
    czmq.zframe_destroy(ctypes.byref(f))
    return data


if '--check' in sys.argv:
    out({'version': version()})
    sys.exit(0)

czmq.zsys_init()
actor = czmq.zactor_new(ctypes.cast(czmq.zbeacon, P), None)
# Short receive waits so the loop also serves stdin and the TCP listener.
czmq.zsock_set_rcvtimeo(actor, 20)
out({'event': 'ready', 'version': version(), 'interface': czmq.zsys_interface().decode(), 'ipv6': bool(czmq.zsys_ipv6())})

listener = None
conns = {}


def handle(req):
    global listener
    op = req['op']
    if op == 'configure':
        # As the C Zyre does: zsock_send (beacon, "si", "CONFIGURE", port); the actor replies with
        # the interface address it chose, or "" when it found none.
        czmq.zsock_send(P(actor), b'si', b'CONFIGURE', ctypes.c_int(req['port']))
        czmq.zsock_set_rcvtimeo(actor, 5000)
        hostname = take_str(czmq.zstr_recv(actor))
        czmq.zsock_set_rcvtimeo(actor, 20)
        out({'event': 'configured', 'hostname': hostname})
    elif op == 'publish':
        data = bytes.fromhex(req['payload'])
        czmq.zsock_send(P(actor), b'sbi', b'PUBLISH', data, ctypes.c_size_t(len(data)), ctypes.c_int(req['interval']))
    elif op == 'subscribe':
        data = bytes.fromhex(req['filter'])
        czmq.zsock_send(P(actor), b'sb', b'SUBSCRIBE', data, ctypes.c_size_t(len(data)))
    elif op in ('silence', 'unsubscribe'):
        czmq.zstr_sendx(P(actor), op.upper().encode(), ctypes.c_char_p(None))
    elif op == 'listen':
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((req['address'], 0))
        listener.listen(8)
        out({'event': 'listening', 'port': listener.getsockname()[1]})
    else:
        raise ValueError(f'unknown op {op}')
    out({'event': 'done', 'op': op})


def serve_tcp(ready):
    if listener is not None and listener in ready:
        conn, (host, _) = listener.accept()
        conns[conn] = host
    for conn in [c for c in ready if c in conns]:
        # A ZMTP peer sends its 10-byte signature first: enough to tell who is calling.
        data = conn.recv(64)
        out({'event': 'accepted', 'address': conns.pop(conn), 'greeting': data.hex()})
        conn.close()


def receive_beacon():
    msg = czmq.zmsg_recv(actor)
    if not msg:
        return
    address = take_str(czmq.zmsg_popstr(msg))
    payload = take_frame(czmq.zmsg_pop(msg))
    m = P(msg)
    czmq.zmsg_destroy(ctypes.byref(m))
    out({'event': 'beacon', 'address': address, 'payload': payload.hex() if payload is not None else None})


pending = b''
stdin_open = True
while stdin_open:
    watched = [0] + ([listener] if listener is not None else []) + list(conns)
    ready, _, _ = select.select(watched, [], [], 0)
    if 0 in ready:
        chunk = os.read(0, 65536)
        stdin_open = bool(chunk)
        pending += chunk
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            if line.strip():
                handle(json.loads(line))
    serve_tcp(ready)
    receive_beacon()

a = P(actor)
czmq.zactor_destroy(ctypes.byref(a))
if listener is not None:
    listener.close()
