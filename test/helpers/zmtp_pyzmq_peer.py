#!/usr/bin/python3
# A libzmq peer (pyzmq, libzmq 4.3.4) for interop tests, driven over stdin/stdout JSON lines.
# Request: {"id": n, "op": ..., ...}; reply: {"id": n, "ok": ...} or {"id": n, "error": code}.
# Receives wait in the poll loop, so one blocked receive never stalls other commands.
import base64
import json
import os
import sys
import time

import zmq
import zmq.utils.z85

ctx = zmq.Context()
socks = {}
pending = {}  # sid -> [(request id, deadline)]
next_sid = 1
zap = None
zap_users = {}
zap_curve_keys = set()

TYPES = {
    'Router': zmq.ROUTER, 'Dealer': zmq.DEALER, 'Request': zmq.REQ, 'Reply': zmq.REP,
    'Publisher': zmq.PUB, 'Subscriber': zmq.SUB, 'XPublisher': zmq.XPUB, 'XSubscriber': zmq.XSUB,
    'Push': zmq.PUSH, 'Pull': zmq.PULL, 'Pair': zmq.PAIR,
}
OPTIONS = {
    'routingId': zmq.ROUTING_ID, 'linger': zmq.LINGER, 'sendTimeout': zmq.SNDTIMEO,
    'heartbeatInterval': zmq.HEARTBEAT_IVL, 'heartbeatTimeout': zmq.HEARTBEAT_TIMEOUT,
    'heartbeatTimeToLive': zmq.HEARTBEAT_TTL, 'plainServer': zmq.PLAIN_SERVER,
    'plainUsername': zmq.PLAIN_USERNAME, 'plainPassword': zmq.PLAIN_PASSWORD,
    'mandatory': zmq.ROUTER_MANDATORY, 'sendHighWaterMark': zmq.SNDHWM,
    'receiveHighWaterMark': zmq.RCVHWM, 'immediate': zmq.IMMEDIATE,
    'curveServer': zmq.CURVE_SERVER, 'curvePublicKey': zmq.CURVE_PUBLICKEY,
    'curveSecretKey': zmq.CURVE_SECRETKEY, 'curveServerKey': zmq.CURVE_SERVERKEY,
}
recv_timeouts = {}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def enc(frames):
    return [base64.b64encode(f).decode() for f in frames]


def dec(frames):
    return [base64.b64decode(f) for f in frames]


def handle(req):
    global next_sid, zap, zap_users, zap_curve_keys
    op = req['op']
    if op == 'socket':
        s = ctx.socket(TYPES[req['type']])
        for k, v in req.get('options', {}).items():
            if k == 'receiveTimeout':
                continue
            if isinstance(v, str):
                v = v.encode()
            if isinstance(v, bool):
                v = int(v)
            s.setsockopt(OPTIONS[k], v)
        sid = next_sid
        next_sid += 1
        socks[sid] = s
        recv_timeouts[sid] = req.get('options', {}).get('receiveTimeout', 5000)
        return {'sid': sid}
    if op == 'zap':
        zap_users = req.get('users', {})
        zap_curve_keys = set(req.get('curveKeys', []))
        zap = ctx.socket(zmq.ROUTER)
        zap.bind('inproc://zeromq.zap.01')
        return {}
    s = socks[req['sid']]
    if op == 'bind':
        s.bind(req['endpoint'])
        return {'endpoint': s.getsockopt(zmq.LAST_ENDPOINT).decode()}
    if op == 'connect':
        s.connect(req['endpoint'])
        return {}
    if op == 'subscribe':
        for t in dec(req['topics']):
            s.setsockopt(zmq.SUBSCRIBE, t)
        return {}
    if op == 'send':
        s.send_multipart(dec(req['frames']))
        return {}
    if op == 'recv':
        t = recv_timeouts[req['sid']]
        pending.setdefault(req['sid'], []).append((req['id'], time.monotonic() + t / 1000.0))
        return None
    if op == 'close':
        for rid, _ in pending.pop(req['sid'], []):
            reply({'id': rid, 'error': 'ETERM'})
        s.close(0)
        del socks[req['sid']]
        return {}
    raise ValueError('unknown op ' + op)


def serve_zap():
    while zap.getsockopt(zmq.EVENTS) & zmq.POLLIN:
        f = zap.recv_multipart()
        # [id, '', version, request id, domain, address, identity, mechanism, credentials...]
        if f[7] == b'CURVE':
            # one credential: the client's 32-byte public key
            user = zmq.utils.z85.encode(f[8]).decode()
            ok = user in zap_curve_keys
        else:
            user, password = f[8].decode(), f[9].decode()
            ok = zap_users.get(user) == password
        zap.send_multipart([f[0], b'', f[2], f[3], b'200' if ok else b'400', b'OK' if ok else b'denied',
                            user.encode() if ok else b'', b''])


def main():
    buf = b''
    while True:
        poller = zmq.Poller()
        poller.register(0, zmq.POLLIN)
        if zap is not None:
            poller.register(zap, zmq.POLLIN)
        now = time.monotonic()
        timeout = 1000
        for sid, q in pending.items():
            if q:
                poller.register(socks[sid], zmq.POLLIN)
                timeout = min(timeout, max(0, int((q[0][1] - now) * 1000) + 1))
        events = dict(poller.poll(timeout))
        if events.get(0):
            data = os.read(0, 1 << 20)
            if not data:
                break
            buf += data
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                req = json.loads(line)
                try:
                    res = handle(req)
                    if res is not None:
                        res['id'] = req['id']
                        reply(res)
                except zmq.ZMQError as e:
                    reply({'id': req['id'], 'error': zmq.strerror(e.errno), 'errno': e.errno})
        if zap is not None:
            serve_zap()
        now = time.monotonic()
        for sid, q in list(pending.items()):
            s = socks.get(sid)
            while q and s is not None and s.getsockopt(zmq.EVENTS) & zmq.POLLIN:
                rid, _ = q.pop(0)
                reply({'id': rid, 'frames': enc(s.recv_multipart())})
            while q and q[0][1] <= now:
                rid, _ = q.pop(0)
                reply({'id': rid, 'error': 'EAGAIN'})
    for s in socks.values():
        s.close(0)
    if zap is not None:
        zap.close(0)
    ctx.term()


main()
