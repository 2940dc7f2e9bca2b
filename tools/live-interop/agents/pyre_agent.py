# pyre (Python Zyre) as a live-interop agent: JSON commands on stdin, JSON events on stdout, pyre's log on
# stderr. Started by ../run.py inside a network namespace:
#   python3 pyre_agent.py '{"name": .., "headers": {..}, "groups": [..], "port": 47811, "loglevel": "DEBUG"}'
#   python3 pyre_agent.py --check     (prints where pyre is imported from, or fails)
# pyre is imported from $PYRE_PATH when set (the directory holding the `pyre` package, or the package
# directory itself), else from sys.path (`pip install pyre`).
import json, logging, os, sys, threading, time, uuid

CHECK = sys.argv[1:] == ['--check']
opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 and not CHECK else {}
pyre_path = os.environ.get('PYRE_PATH')
if pyre_path:
    pyre_path = os.path.abspath(pyre_path)
    if os.path.basename(pyre_path) == 'pyre' and os.path.exists(os.path.join(pyre_path, '__init__.py')):
        pyre_path = os.path.dirname(pyre_path)
    sys.path.insert(0, pyre_path)
logging.basicConfig(level=getattr(logging, opts.get('loglevel', 'DEBUG')), stream=sys.stderr,
                    format='%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s')
import pyre
from pyre import Pyre, PyreEvent
if CHECK:
    print('pyre %s from %s' % (getattr(pyre, '__version__', '?'), os.path.dirname(pyre.__file__))); sys.exit(0)

lock = threading.Lock()
def out(o):
    with lock:
        sys.stdout.write(json.dumps(o) + '\n'); sys.stdout.flush()

def latin1(frames): return [f.encode('latin1') for f in frames]

n = Pyre(opts.get('name'))
if 'port' in opts:
    n.set_port(str(opts['port']).encode())   # pyre's node parses the frame with int()
for k, v in opts.get('headers', {}).items():
    n.set_header(k, v)
for g in opts.get('groups', []):
    n.join(g)
n.start()
out({'ev': 'started', 'uuid': n.uuid().hex.upper(), 'name': n.name(), 'endpoint': n.endpoint()})

# Whispers whose first frame starts with b'burst' are only counted (65,540 of them cross the sequence wrap).
burst_rx = [0]
def reader():
    while True:
        try:
            e = PyreEvent(n)
        except Exception as ex:
            out({'ev': 'reader-error', 'message': repr(ex)}); return
        if not hasattr(e, 'type'):
            return
        if e.type == 'WHISPER' and e.msg and e.msg[0].startswith(b'burst'):
            burst_rx[0] += 1
            if burst_rx[0] % 1000 == 0: out({'ev': 'burstcount', 'n': burst_rx[0], 'last': e.msg[0].decode()})
            continue
        o = {'ev': e.type, 't': int(time.time() * 1000), 'peer': e.peer_uuid_bytes.hex().upper(), 'name': e.peer_name}
        if e.headers is not None: o['headers'] = e.headers
        if e.peer_addr is not None: o['address'] = e.peer_addr
        if e.group is not None: o['group'] = e.group
        if e.msg is not None: o['content'] = [m.decode('latin1') for m in e.msg]
        out(o)
        if e.type == 'STOP':
            return
threading.Thread(target=reader, daemon=True).start()

for line in sys.stdin:
    if not line.strip(): continue
    c = json.loads(line)
    try:
        cmd = c['cmd']
        if cmd == 'join': n.join(c['group'])
        elif cmd == 'leave': n.leave(c['group'])
        elif cmd == 'shout': n.shout(c['group'], latin1(c['frames']))
        elif cmd == 'whisper': n.whisper(uuid.UUID(hex=c['peer']), latin1(c['frames']))
        elif cmd == 'query':
            r = {'ev': 'reply', 'peers': [p.hex.upper() for p in n.peers()], 'peerGroups': n.peer_groups(), 'ownGroups': n.own_groups()}
            if c.get('group'): r['byGroup'] = [p.hex.upper() for p in n.peers_by_group(c['group'])]
            if c.get('peer'):
                r['headers'] = n.peer_headers(uuid.UUID(hex=c['peer']))
                r['address'] = n.peer_address(uuid.UUID(hex=c['peer']))
            out(r)
        elif cmd == 'burst':
            for i in range(1, c['n'] + 1):
                n.whisper(uuid.UUID(hex=c['peer']), [('burst-%d' % i).encode()])
                if i % 200 == 0: time.sleep(0.02)
            out({'ev': 'burstdone', 'n': c['n']})
        elif cmd == 'burstcount': out({'ev': 'burstcount', 'n': burst_rx[0]})
        elif cmd == 'stop':
            n.stop(); out({'ev': 'stopped'})
        elif cmd == 'exit':
            os._exit(0)
        else: out({'ev': 'error', 'cmd': cmd, 'message': 'unknown command'})
    except Exception as ex:
        import traceback; traceback.print_exc()
        out({'ev': 'error', 'cmd': c.get('cmd'), 'message': repr(ex)})
os._exit(0)   # stdin closed: the orchestrator is gone (pyre's own threads would keep us alive)
