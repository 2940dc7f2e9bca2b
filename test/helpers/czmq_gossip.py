#!/usr/bin/python3
# One czmq zgossip actor (libczmq4, through ctypes), driven by JSON lines on stdin, for interop
# tests of our gossip nodes against the C implementation:
#   {"cmd": "bind", "endpoint": E}         -> {"done": "bind", "port": N}
#   {"cmd": "connect", "endpoint": E}      -> {"done": "connect"}
#   {"cmd": "publish", "key": K, "value": V} -> {"done": "publish"}
#   {"cmd": "set", "path": P, "value": V}  -> {"done": "set"} (e.g. server/timeout)
#   {"cmd": "status"}                      -> {"done": "status", "status": N} (tuples held)
# Every tuple the actor delivers is printed as {"deliver": [K, V]}. Prints {"ready": true} first;
# the end of stdin destroys the actor and exits.
import ctypes
import json
import select
import sys

czmq = ctypes.CDLL('libczmq.so.4')
P = ctypes.c_void_p
for name, restype, argtypes in [
    ('zactor_new', P, [P, P]),
    ('zactor_destroy', None, [ctypes.POINTER(P)]),
    ('zactor_sock', P, [P]),
    ('zsock_set_rcvtimeo', None, [P, ctypes.c_int]),
    ('zstr_send', ctypes.c_int, [P, ctypes.c_char_p]),
    ('zstr_sendm', ctypes.c_int, [P, ctypes.c_char_p]),
    ('zmsg_recv', P, [P]),
    ('zmsg_popstr', P, [P]),
    ('zmsg_destroy', None, [ctypes.POINTER(P)]),
    ('zstr_free', None, [ctypes.POINTER(P)]),
]:
    fn = getattr(czmq, name)
    fn.restype, fn.argtypes = restype, argtypes

actor = czmq.zactor_new(ctypes.cast(czmq.zgossip, P), ctypes.c_char_p(b'czmq-gossip'))
czmq.zsock_set_rcvtimeo(czmq.zactor_sock(actor), 20)


def out(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def send(*frames):
    for f in frames[:-1]:
        czmq.zstr_sendm(actor, f.encode())
    czmq.zstr_send(actor, frames[-1].encode())


def recv():
    """One message from the actor as a list of strings, or None after the receive timeout."""
    msg = czmq.zmsg_recv(actor)
    if not msg:
        return None
    frames = []
    while True:
        s = czmq.zmsg_popstr(msg)
        if not s:
            break
        frames.append(ctypes.string_at(s).decode())
        czmq.zstr_free(ctypes.byref(ctypes.c_void_p(s)))
    czmq.zmsg_destroy(ctypes.byref(ctypes.c_void_p(msg)))
    return frames


def reply(name):
    """Waits for the actor's reply `name`, printing the deliveries that come first."""
    while True:
        frames = recv()
        if frames is None:
            continue
        if frames[0] == 'DELIVER':
            out({'deliver': frames[1:3]})
        elif frames[0] == name:
            return frames[1:]


out({'ready': True})
while True:
    frames = recv()
    while frames is not None:
        if frames[0] == 'DELIVER':
            out({'deliver': frames[1:3]})
        frames = recv()
    if not select.select([sys.stdin], [], [], 0)[0]:
        continue
    line = sys.stdin.readline()
    if not line:
        break
    cmd = json.loads(line)
    op = cmd['cmd']
    if op == 'bind':
        send('BIND', cmd['endpoint'])
        send('PORT')
        out({'done': op, 'port': int(reply('PORT')[0])})
    elif op == 'status':
        send('STATUS')
        out({'done': op, 'status': int(reply('STATUS')[0])})
    else:
        if op == 'connect':
            send('CONNECT', cmd['endpoint'])
        elif op == 'publish':
            send('PUBLISH', cmd['key'], cmd['value'])
        elif op == 'set':
            send('SET', cmd['path'], cmd['value'])
        out({'done': op})
czmq.zactor_destroy(ctypes.byref(ctypes.c_void_p(actor)))
