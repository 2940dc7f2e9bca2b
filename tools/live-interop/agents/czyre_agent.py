# The C reference Zyre as a live-interop agent: wraps the zyre-peer driver (zyre-peer.c, built by
# ../build-driver.sh) behind the same JSON-lines protocol as pyre_agent.py and ts_agent.mts.
# Started by ../run.py inside a network namespace:
#   python3 czyre_agent.py '{"name": .., "headers": {..}, "groups": [..], "interface": .., "port": 47811,
#                           "evasive": ms, "expired": ms, "interval": ms, "verbose": true,
#                           "curve": {"publicKey": "<Z85>", "secretKey": "<Z85>"},
#                           "endpoint": .., "gossip": {"bind": .., "connect": ..}, "contest": [..]}'
#   python3 czyre_agent.py --check    (prints the driver's path and whether it has CURVE, or fails if
#                                      the driver is missing)
# "curve" has the shape of our ZyreOptions.curve, but the C node needs both keys (zyre_set_zcert).
# The driver is $ZYRE_PEER, else tools/live-interop/build/zyre-peer.
import json, os, queue, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get('ZYRE_PEER') or os.path.join(HERE, '..', 'build', 'zyre-peer')

if sys.argv[1:] == ['--check']:
    if not os.access(DRIVER, os.X_OK):
        sys.exit('no executable C driver at %s: run tools/live-interop/build-driver.sh or set ZYRE_PEER' % DRIVER)
    features = subprocess.run([DRIVER, '--features'], capture_output=True, text=True).stdout.split()
    yes = lambda f: 'yes' if f in features else 'no, built without the DRAFT API'
    print('C driver %s (CURVE: %s; election: %s)' % (os.path.normpath(DRIVER), yes('curve'), yes('contest')))
    sys.exit(0)
opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
argv = [DRIVER]
for opt in ('interface', 'port', 'evasive', 'expired', 'interval', 'endpoint'):
    if opt in opts: argv += ['--' + opt, str(opts[opt])]
for k, v in opts.get('headers', {}).items(): argv += ['--header', f'{k}={v}']
if 'curve' in opts: argv += ['--curve-public', opts['curve']['publicKey'], '--curve-secret', opts['curve']['secretKey']]
for g in opts.get('contest', []): argv += ['--contest', g]
for opt, flag in (('bind', '--gossip-bind'), ('connect', '--gossip-connect')):
    if opt in opts.get('gossip', {}): argv += [flag, opts['gossip'][opt]]
if opts.get('verbose'): argv += ['--verbose']
argv += [opts.get('name', 'c-node')]
p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

lock = threading.Lock()
def out(o):
    with lock:
        sys.stdout.write(json.dumps(o) + '\n'); sys.stdout.flush()

replies = queue.Queue()   # PEERS, BYGROUP and PEERINFO lines answer the driver's query commands in order
burst_rx = [0]
def reader():
    for line in p.stdout:
        try: e = json.loads(line)
        except Exception:
            out({'ev': 'raw', 'line': line.rstrip()}); continue
        t = e.get('type')
        if t == 'READY':
            out({'ev': 'started', 'uuid': e['peer'], 'name': e.get('name')}); continue
        if t in ('PEERS', 'BYGROUP', 'PEERINFO'):
            replies.put(e); continue
        o = {'ev': t, 't': int(time.time() * 1000)}
        for k in ('peer', 'name', 'group', 'headers', 'address', 'message'):
            if k in e: o[k] = e[k]
        if 'hex' in e: o['content'] = [bytes.fromhex(h).decode('latin1') for h in e['hex']]
        if t == 'WHISPER' and o.get('content') and o['content'][0].startswith('burst'):
            burst_rx[0] += 1
            if burst_rx[0] % 1000 == 0: out({'ev': 'burstcount', 'n': burst_rx[0], 'last': o['content'][0]})
            continue
        out(o)
    out({'ev': 'driver-exited', 'rc': p.wait()})
threading.Thread(target=reader, daemon=True).start()

def cmd(line):
    p.stdin.write(line + '\n'); p.stdin.flush()
def hexframes(frames): return ','.join(f.encode('latin1').hex() for f in frames)

for g in opts.get('groups', []):
    cmd(f'join {g}')
for line in sys.stdin:
    if not line.strip(): continue
    c = json.loads(line)
    try:
        k = c['cmd']
        if k in ('join', 'leave'): cmd(f"{k} {c['group']}")
        elif k == 'shout': cmd(f"shoutx {c['group']} {hexframes(c['frames'])}")
        elif k == 'whisper': cmd(f"whisperx {c['peer']} {hexframes(c['frames'])}")
        elif k == 'query':
            r = {'ev': 'reply'}
            cmd('peers'); r['peers'] = replies.get(timeout=5)['peers']
            if c.get('group'):
                cmd(f"bygroup {c['group']}"); r['byGroup'] = replies.get(timeout=5)['peers']
            if c.get('peer'):
                header = c.get('header', 'X-TS')
                cmd(f"peerinfo {c['peer']} {header}"); pi = replies.get(timeout=5)
                r['address'] = pi.get('address'); r['headers'] = {header: pi.get('header')}
            out(r)
        elif k == 'burst':
            for i in range(1, c['n'] + 1):
                cmd(f"whisperx {c['peer']} {('burst-%d' % i).encode().hex()}")
                if i % 200 == 0: time.sleep(0.02)
            out({'ev': 'burstdone', 'n': c['n']})
        elif k == 'burstcount': out({'ev': 'burstcount', 'n': burst_rx[0]})
        elif k == 'stop':
            cmd('quit'); p.wait(timeout=10); out({'ev': 'stopped'})
        elif k == 'exit':
            try: p.kill()
            except Exception: pass
            os._exit(0)
        else: out({'ev': 'error', 'cmd': k, 'message': 'unknown command'})
    except Exception as ex:
        out({'ev': 'error', 'cmd': c.get('cmd'), 'message': repr(ex)})
p.kill(); os._exit(0)   # stdin closed: the orchestrator is gone
