#!/usr/bin/python3
"""Live interop check: our Zyre node (zyre-ts) against pyre or the C reference Zyre.

Each suite gets two fresh network namespaces joined by a veth pair: ours (10.231.0.1/24, our node)
and peer (10.231.0.2/24, the other node). Beacons use UDP port 47811 and never leave the
namespaces, which are deleted afterwards, also on failure or Ctrl-C. Needs root and iproute2.

  sudo /usr/bin/python3 tools/live-interop/run.py --peer czyre --suite all [--out DIR]

See README.md next to this file for prerequisites, the checks and the output.
"""
import argparse, atexit, base64, json, os, secrets, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AGENTS = os.path.join(HERE, 'agents')

BEACON_PORT = 47811                  # never 5670, the IANA port real Zyre networks use
NS_PREFIX = 'zli-'                   # namespaces: zli-<our pid>-ours, zli-<our pid>-peer
OURS_IF, PEER_IF = 'zli-ours', 'zli-peer'   # veth ends, created inside the namespaces
OURS_IP, PEER_IP = '10.231.0.1', '10.231.0.2'
BURST = 65540                        # whispers in a wrap check: past 65,535 and 65,536

T0 = time.time()
LOG = None


def log(*a):
    line = '[%7.2f] ' % (time.time() - T0) + ' '.join(str(x) for x in a)
    print(line, flush=True)
    if LOG:
        LOG.write(line + '\n'); LOG.flush()


def sh(*a, check=True):
    return subprocess.run(list(a), check=check, capture_output=True, text=True)


def ev(kind, **fields):
    """Predicate: an event of this kind whose fields have these values."""
    return lambda e: e['ev'] == kind and all(e.get(k) == v for k, v in fields.items())


def dumps(x):
    return x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)


# ---------------------------------------------------------------- peers

class Peer:
    """How to run the node we check against: its agent and what to call it in check names.
    no_curve: why the curve suite cannot run against it, unless its agent's --check says 'CURVE: yes'."""
    def __init__(self, key, name, agent, opts, known, no_curve):
        self.key, self.name, self.agent, self.opts, self.known, self.no_curve = key, name, agent, opts, known, no_curve
        self.check_output = ''          # what the agent's --check printed (preflight)

    def argv(self, python, opts):
        return [python, os.path.join(AGENTS, self.agent), json.dumps(dict(self.opts, **opts))]


PEERS = {
    # pyre cannot pick an interface (set_interface is a no-op); its namespace has only lo and its veth end.
    'pyre': Peer('pyre', 'pyre', 'pyre_agent.py', {'port': BEACON_PORT}, {
        'E1 non-ASCII name/headers pyre->ours':
            "pyre's bug: it writes character counts as byte lengths, so non-ASCII strings from pyre are malformed",
        'E2 65540 whispers ours->pyre across the 16-bit sequence wrap':
            'pyre counts sequences modulo 65535: it drops us once per 65,535 messages and reconnects',
    }, 'pyre has no CURVE'),
    'czyre': Peer('czyre', 'C zyre', 'czyre_agent.py', {'port': BEACON_PORT, 'interface': PEER_IF}, {},
                  'the C driver has no CURVE: it was built without the DRAFT API (zyre_set_zcert), see build-driver.sh'),
}


# ---------------------------------------------------------------- harness

class Agent:
    """One node behind the JSON-lines agent protocol (agents/*): commands in, events out."""
    def __init__(self, net, label, argv, env=None, cwd=None):
        self.label = label
        self.events = []
        self.err = open(os.path.join(net.dir, label + '.stderr.log'), 'w')
        self.evlog = open(os.path.join(net.dir, label + '.events.jsonl'), 'w')
        self.p = net.spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
                           text=True, bufsize=1, env=env, cwd=cwd)
        threading.Thread(target=self._read, daemon=True).start()
        self.info = self.wait(ev('started'), 15)
        log(f'{label} started', self.info)

    def _read(self):
        for line in self.p.stdout:
            self.evlog.write(line); self.evlog.flush()
            try: e = json.loads(line)
            except Exception: continue
            e['_at'] = round(time.time() - T0, 3)
            self.events.append(e)

    def send(self, **c):
        try:
            self.p.stdin.write(json.dumps(c) + '\n'); self.p.stdin.flush()
        except (BrokenPipeError, ValueError):
            log(f'{self.label}: agent gone, cannot send {c.get("cmd")}')

    def mark(self):
        return len(self.events)

    def since(self, n, *kinds):
        return [e for e in self.events[n:] if not kinds or e['ev'] in kinds]

    def wait(self, pred, timeout, start=0):
        end = time.time() + timeout
        while True:
            found = next((e for e in self.events[start:] if pred(e)), None)
            if found or time.time() > end:
                return found
            if self.p.poll() is not None:      # agent exited: give its last lines a moment
                time.sleep(0.2)
                return next((e for e in self.events[start:] if pred(e)), None)
            time.sleep(0.05)

    def query(self, **c):
        n = self.mark()
        self.send(cmd='query', **c)
        return self.wait(ev('reply'), 5, start=n)

    def alive(self):
        return self.p.poll() is None and not any(e['ev'] in ('driver-exited', 'reader-error') for e in self.events)

    def finish(self):
        """Stops the node politely, then ends the agent."""
        self.send(cmd='stop'); time.sleep(0.5); self.send(cmd='exit')

    @property
    def uuid(self):
        if not self.info: raise RuntimeError(f'{self.label} did not start (see {self.err.name})')
        return self.info['uuid']


class Net:
    """Two namespaces joined by a veth pair; everything started in them dies with them."""
    live = set()        # Nets not yet taken down, for the atexit safety net

    def __init__(self, out, pcap):
        self.dir = out
        os.makedirs(out, exist_ok=True)
        self.ours, self.peer = f'{NS_PREFIX}{os.getpid()}-ours', f'{NS_PREFIX}{os.getpid()}-peer'
        self.procs = []
        self.tcpdump = None
        self.pcap = os.path.join(out, 'ours.pcap') if pcap else None
        Net.live.add(self)
        try:
            self.up()
            if self.pcap:
                self.tcpdump = self.spawn(['ip', 'netns', 'exec', self.ours, 'tcpdump', '-i', OURS_IF, '-s0', '-U', '-w', self.pcap],
                                          stdout=subprocess.DEVNULL, stderr=open(os.path.join(out, 'tcpdump.log'), 'w'))
                time.sleep(1)
        except BaseException:
            self.down()
            raise

    def up(self):
        try:
            for ns in (self.ours, self.peer):
                sh('ip', 'netns', 'add', ns)
            # Both veth ends are created inside the namespaces: they never exist in the root namespace.
            sh('ip', 'link', 'add', OURS_IF, 'netns', self.ours, 'type', 'veth', 'peer', 'name', PEER_IF, 'netns', self.peer)
            for ns, dev, ip in ((self.ours, OURS_IF, OURS_IP), (self.peer, PEER_IF, PEER_IP)):
                sh('ip', '-n', ns, 'addr', 'add', ip + '/24', 'brd', '10.231.0.255', 'dev', dev)
                sh('ip', '-n', ns, 'link', 'set', 'lo', 'up'); sh('ip', '-n', ns, 'link', 'set', dev, 'up')
        except subprocess.CalledProcessError as ex:
            raise RuntimeError(f'namespace setup failed: {" ".join(ex.cmd)}: {ex.stderr.strip()}')

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def down(self):
        """Ends every process started here (tcpdump politely, to flush its capture), then deletes both namespaces."""
        for p in self.procs:
            if p.poll() is None:
                try: os.killpg(p.pid, signal.SIGINT if p is self.tcpdump else signal.SIGKILL)
                except ProcessLookupError: pass
        for p in self.procs:
            try: p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                try: os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError: pass
        self.procs = []
        for ns in (self.ours, self.peer):
            sh('ip', 'netns', 'del', ns, check=False)
        Net.live.discard(self)

    def udp_elsewhere(self):
        """UDP datagrams in the capture on any port but the beacon port (there should be none)."""
        if not self.pcap or not os.path.exists(self.pcap): return None
        r = sh('tcpdump', '-n', '-r', self.pcap, f'udp and not port {BEACON_PORT}', check=False)
        return len([l for l in r.stdout.splitlines() if l.strip()])


atexit.register(lambda: [n.down() for n in list(Net.live)])


def sweep_stale():
    """Deletes namespaces left by an earlier run that was killed with SIGKILL (its pid is gone),
    with the agents and tcpdump still running in them."""
    for line in sh('ip', 'netns', 'list', check=False).stdout.splitlines():
        name = line.split(' ')[0]
        if not name.startswith(NS_PREFIX): continue
        pid = name[len(NS_PREFIX):].split('-')[0]
        if pid.isdigit() and int(pid) != os.getpid() and not os.path.exists(f'/proc/{pid}'):
            for p in sh('ip', 'netns', 'pids', name, check=False).stdout.split():
                try: os.kill(int(p), signal.SIGKILL)
                except (ProcessLookupError, ValueError): pass
            sh('ip', 'netns', 'del', name, check=False)
            log('removed stale namespace', name)


class Run:
    """One suite against one peer: the network, the agents and the check results."""
    def __init__(self, args, suite, results):
        self.args, self.suite, self.results = args, suite, results
        self.peer = PEERS[args.peer]
        self.P = self.peer.name
        self.net = None

    def __enter__(self):
        self.net = Net(os.path.join(self.args.out, self.suite), self.args.pcap)
        return self

    def __exit__(self, *exc):
        # No signal may cut the teardown short: it would leave namespaces behind.
        sigs = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
        try:
            self.net.down()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, sigs)
        n = self.net.udp_elsewhere()
        if n is not None: log(f'{self.suite}: UDP datagrams on ports other than {BEACON_PORT} in the capture: {n}')
        return False

    def check(self, name, ok, detail=''):
        self.results.append({'suite': self.suite, 'check': name, 'ok': bool(ok), 'detail': dumps(detail)})
        log('PASS' if ok else 'FAIL', name, dumps(detail))

    def ours(self, label, **opts):
        o = {'interface': OURS_IF, 'port': BEACON_PORT, 'interval': 1000}; o.update(opts)
        env = dict(os.environ, NODE_DEBUG='zyre')
        argv = ['ip', 'netns', 'exec', self.net.ours, self.args.node, '--import', 'tsx',
                os.path.join(AGENTS, 'ts_agent.mts'), json.dumps(o)]
        return Agent(self.net, label, argv, env=env, cwd=REPO)   # tsx is resolved from the repository

    def other(self, label, **opts):
        return Agent(self.net, label, ['ip', 'netns', 'exec', self.net.peer] + self.peer.argv(self.args.python, opts))


def relay(sender, command, receiver, pred, timeout=10):
    """Sends a command to one agent and waits for the event it should cause at another."""
    n = receiver.mark()
    sender.send(**command)
    return receiver.wait(pred, timeout, start=n)


# ---------------------------------------------------------------- CURVE keys and capture reading

Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'


def z85_encode(raw):
    return ''.join(Z85[int.from_bytes(raw[i:i + 4], 'big') // 85 ** k % 85] for i in range(0, len(raw), 4) for k in (4, 3, 2, 1, 0))


def z85_decode(text):
    out = b''
    for i in range(0, len(text), 5):
        v = 0
        for c in text[i:i + 5]: v = v * 85 + Z85.index(c)
        out += v.to_bytes(4, 'big')
    return out


NODE_KEYGEN = ("const k = require('crypto').generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' });"
               "console.log(k.x + ' ' + k.d)")


def curve_keypair(node):
    """A CURVE key pair as {'publicKey', 'secretKey'} in Z85, from pyzmq (libzmq) or else from Node's
    crypto. The public key's first byte is never 0: a C node with keys drops beacons whose key starts with 0."""
    while True:
        try:
            import zmq
            pub, sec = (k.decode() for k in zmq.curve_keypair())
        except ImportError:
            b64 = lambda t: base64.urlsafe_b64decode(t + '=' * (-len(t) % 4))
            x, d = sh(node, '-e', NODE_KEYGEN).stdout.split()
            pub, sec = z85_encode(b64(x)), z85_encode(b64(d))
        if z85_decode(pub)[0]:
            return {'publicKey': pub, 'secretKey': sec}


def pcap_packets(path):
    """The IPv4 TCP and UDP packets in a tcpdump -w capture (Ethernet) as dicts: t, proto, src, sport,
    dst, dport, flags (TCP), seq (TCP), payload. A record still being written is left out."""
    with open(path, 'rb') as f: data = f.read()
    if len(data) < 24: return []
    magic = data[:4]
    order = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    frac = 1e9 if magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d') else 1e6
    if struct.unpack(order + 'I', data[20:24])[0] != 1: raise ValueError(f'{path}: not an Ethernet capture')
    out, i = [], 24
    while i + 16 <= len(data):
        sec, sub, incl, _ = struct.unpack(order + 'IIII', data[i:i + 16])
        frame = data[i + 16:i + 16 + incl]
        i += 16 + incl
        if len(frame) < incl: break
        if len(frame) < 34 or frame[12:14] != b'\x08\x00': continue
        ip = frame[14:]
        total = int.from_bytes(ip[2:4], 'big') or len(ip)
        l4 = ip[(ip[0] & 15) * 4:total]
        p = {'t': sec + sub / frac, 'src': socket.inet_ntoa(ip[12:16]), 'dst': socket.inet_ntoa(ip[16:20]),
             'sport': int.from_bytes(l4[0:2], 'big'), 'dport': int.from_bytes(l4[2:4], 'big')}
        if ip[9] == 6:
            out.append(dict(p, proto='tcp', flags=l4[13], seq=int.from_bytes(l4[4:8], 'big'), payload=l4[(l4[12] >> 4) * 4:]))
        elif ip[9] == 17:
            out.append(dict(p, proto='udp', payload=l4[8:]))
    return out


def tcp_connections(packets):
    """Each TCP connection opened in the capture: (client, server, first bytes client->server, first
    bytes server->client), the bytes put in order from the SYN on (enough for the ZMTP greetings)."""
    isn, segs, opened = {}, {}, []
    for p in packets:
        if p['proto'] != 'tcp': continue
        k = (p['src'], p['sport'], p['dst'], p['dport'])
        if p['flags'] & 0x02:                               # SYN: the stream starts after it
            isn[k] = (p['seq'] + 1) & 0xffffffff
            if not p['flags'] & 0x10: opened.append(k)      # SYN without ACK: a connection opens
        elif p['payload'] and k in isn:
            segs.setdefault(k, {}).setdefault((p['seq'] - isn[k]) & 0xffffffff, p['payload'])

    def stream(k):
        buf = b''
        for off, data in sorted(segs.get(k, {}).items()):
            if off > len(buf): break
            buf += data[len(buf) - off:]
        return buf
    return [(f'{k[0]}:{k[1]}', f'{k[2]}:{k[3]}', stream(k), stream((k[2], k[3], k[0], k[1]))) for k in opened]


def zmtp_mechanism(stream):
    """The security mechanism a ZMTP 3 greeting names, None for no data, '?' for no ZMTP 3 greeting."""
    if not stream: return None
    if len(stream) < 32 or stream[0] != 0xff or stream[9] != 0x7f or stream[10] < 3: return '?'
    return stream[12:32].rstrip(b'\0').decode('ascii', 'replace')


# ---------------------------------------------------------------- suites

def suite_main(r):
    P, key = r.P, r.peer.key
    check = r.check

    # Phase A: default timers on both sides.
    peer = r.other('peerA', name=f'{key}-b', headers={'X-PEER': 'hello-from-peer'})
    ts = r.ours('oursA', name='ts-a', headers={'X-TS': 'hello-from-ts'})
    e = ts.wait(ev('ENTER', peer=peer.uuid), 15)
    check(f'ENTER {P}->ours (we see {P})', e and e['name'] == f'{key}-b' and e.get('headers', {}).get('X-PEER') == 'hello-from-peer'
          and e.get('address', '').startswith(f'tcp://{PEER_IP}:'), e)
    e = peer.wait(ev('ENTER', peer=ts.uuid), 15)
    check(f'ENTER ours->{P} ({P} sees us)', e and e['name'] == 'ts-a' and e.get('headers', {}).get('X-TS') == 'hello-from-ts'
          and e.get('address', '').startswith(f'tcp://{OURS_IP}:'), e)
    q = peer.query(peer=ts.uuid, header='X-TS')
    check(f'{P} peer header and address of ours', q and q.get('headers', {}).get('X-TS') == 'hello-from-ts'
          and (q.get('address') or '').startswith(f'tcp://{OURS_IP}:'), q)
    q = ts.query(peer=peer.uuid, header='X-PEER')
    check(f'our peerHeaderValue and peerAddress of {P}', q and q.get('header') == 'hello-from-peer'
          and (q.get('address') or '').startswith(f'tcp://{PEER_IP}:'), q)

    both_ways = ((ts, peer, 'ours', P), (peer, ts, P, 'ours'))
    for a, b, la, lb in both_ways:
        e = relay(a, dict(cmd='join', group='G1'), b, ev('JOIN', group='G1', peer=a.uuid))
        check(f'JOIN {la}->{lb}', e, e)
    time.sleep(0.5)
    q = peer.query(group='G1'); check(f'{P} peers_by_group(G1) == [ours]', q and q.get('byGroup') == [ts.uuid], q)
    q = ts.query(group='G1'); check(f'our peersByGroup(G1) == [{P}]', q and q.get('byGroup') == [peer.uuid], q)

    # Multi-frame SHOUT and WHISPER, any byte value, empty frames included.
    for a, b, la, lb, cmd, frames, what in (
            (ts, peer, 'ours', P, 'shout', ['shout-1', 'sh\u00ffout\u0000-2', ''], '3 frames incl. empty'),
            (peer, ts, P, 'ours', 'shout', ['peer-shout-1', 'peer-shout-2'], '2 frames'),
            (peer, ts, P, 'ours', 'shout', ['single'], '1 frame'),
            (ts, peer, 'ours', P, 'whisper', ['w-1', 'w-2'], '2 frames'),
            (peer, ts, P, 'ours', 'whisper', ['pw-1', 'pw-2', 'pw-3'], '3 frames')):
        to = {'group': 'G1'} if cmd == 'shout' else {'peer': b.uuid}
        seen = {'group': 'G1'} if cmd == 'shout' else {}
        e = relay(a, dict(cmd=cmd, frames=frames, **to), b, ev(cmd.upper(), peer=a.uuid, content=frames, **seen))
        check(f'{cmd.upper()} {la}->{lb} ({what})', e, e or b.since(0, cmd.upper())[-1:])

    for a, b, la, lb in both_ways:
        e = relay(a, dict(cmd='leave', group='G1'), b, ev('LEAVE', group='G1', peer=a.uuid))
        check(f'LEAVE {la}->{lb}', e, e)
    # Re-join after LEAVE: the group status counter must keep counting on both sides.
    n_ts, n_peer = ts.mark(), peer.mark()
    ts.send(cmd='join', group='G2'); peer.send(cmd='join', group='G2')
    e1 = peer.wait(ev('JOIN', group='G2'), 10, start=n_peer)
    e2 = ts.wait(ev('JOIN', group='G2'), 10, start=n_ts)
    check('JOIN G2 after LEAVE both ways', e1 and e2, [e1, e2])

    n_ts, n_peer = ts.mark(), peer.mark()
    log('idle 12 s ...'); time.sleep(12)
    check(f'idle 12 s: we keep {P} (no SILENT/EXIT)', not ts.since(n_ts, 'EXIT', 'SILENT'),
          f'{dumps(ts.since(n_ts, "EXIT", "SILENT"))} EVASIVE events: {len(ts.since(n_ts, "EVASIVE"))}')
    check(f'idle 12 s: {P} keeps us (no EXIT)', not peer.since(n_peer, 'EXIT'), peer.since(n_peer, 'EXIT'))
    q = peer.query(); check(f'after idle: {P} peers == [ours]', q and q.get('peers') == [ts.uuid], q)
    q = ts.query(); check(f'after idle: our peers == [{P}]', q and q.get('peers') == [peer.uuid], q)
    for a, b, la, lb in both_ways:
        frames = [f'after-idle-from-{a.label}']
        e = relay(a, dict(cmd='whisper', peer=b.uuid, frames=frames), b, ev('WHISPER', content=frames), 5)
        check(f'after idle: WHISPER {la}->{lb}', e, e)

    t = time.time()
    e = relay(ts, dict(cmd='stop'), peer, ev('EXIT', peer=ts.uuid))
    check(f'our stop -> {P} EXIT', e, f'{dumps(e)} after {time.time() - t:.2f}s' if e else 'no EXIT within 10 s')
    ts.send(cmd='exit'); time.sleep(0.5)

    # Phase B: a new node of ours with short timers; the other node stops -> we report EXIT.
    ts2 = r.ours('oursB', name='ts-b', headers={'X-TS': '2'}, evasiveTimeout=1000, expiredTimeout=4000)
    e = ts2.wait(ev('ENTER', peer=peer.uuid), 15); check(f'B: we see {P} again (ENTER)', e, e)
    e = peer.wait(ev('ENTER', peer=ts2.uuid), 15); check(f'B: {P} sees new ours (ENTER)', e, e)
    n = ts2.mark()
    log('B: idle 6 s with our short timers (evasive 1 s, expired 4 s)'); time.sleep(6)
    check(f'B: short our timers, {P} answers PINGs (no EXIT in 6 s)', not ts2.since(n, 'EXIT'),
          f'{dumps(ts2.since(n, "EXIT"))} EVASIVE={len(ts2.since(n, "EVASIVE"))} SILENT={len(ts2.since(n, "SILENT"))}')
    t = time.time()
    e = relay(peer, dict(cmd='stop'), ts2, ev('EXIT', peer=peer.uuid))
    check(f'{P} stop -> our EXIT', e, f'{dumps(e)} after {time.time() - t:.2f}s' if e else 'no EXIT within 10 s')
    peer.send(cmd='exit'); time.sleep(0.5)

    # Phase K: the other node is killed hard -> EVASIVE, SILENT, EXIT at ours.
    peer2 = r.other('peerC', name=f'{key}-c')
    e = ts2.wait(ev('ENTER', peer=peer2.uuid), 15); check(f'K: we see {key}-c (ENTER)', e, e)
    e = peer2.wait(ev('ENTER', peer=ts2.uuid), 15); check(f'K: {key}-c sees us (ENTER)', e, e)
    time.sleep(1)
    n = ts2.mark()
    t = time.time(); os.killpg(peer2.p.pid, signal.SIGKILL)
    e = ts2.wait(ev('EXIT', peer=peer2.uuid), 15, start=n)
    seq = [(x['ev'], round(x['_at'] - (t - T0), 2)) for x in ts2.since(n) if x.get('peer') == peer2.uuid]
    kinds = [s[0] for s in seq]
    check(f'K: kill -9 {P} -> EVASIVE, SILENT, EXIT at ours', e and kinds[:1] == ['EVASIVE'] and 'SILENT' in kinds, seq)
    ts2.finish()


def wrap(r, tag, sender, receiver, ls, lr):
    """BURST whispers from sender to receiver: the 16-bit sequence wraps and no peer may be lost."""
    n_s, n_r = sender.mark(), receiver.mark()
    t = time.time()
    sender.send(cmd='burst', peer=receiver.uuid, n=BURST)
    d = sender.wait(lambda e: e['ev'] in ('burstdone', 'error'), 240, start=n_s)
    log(f'{tag} burst sent', d, f'{time.time() - t:.1f}s')
    # The receiver may still be working through its queue (pyre is slow): poll until all arrived or
    # the count stands still for 3 s.
    last, still_since, end = -1, time.time(), time.time() + 120
    while time.time() < end:
        m = receiver.mark()
        receiver.send(cmd='burstcount')
        got = receiver.wait(ev('burstcount'), 5, start=m)
        now = got['n'] if got else last
        if now == BURST or (now == last and time.time() - still_since >= 3): break
        if now != last: last, still_since = now, time.time()
        time.sleep(0.5)
    time.sleep(1)   # room for a late EXIT or warning
    cnt = receiver.since(n_r, 'burstcount')
    bad = receiver.since(n_r, 'EXIT', 'ENTER', 'warning', 'error')
    r.check(f'{tag} {BURST} whispers {ls}->{lr} across the 16-bit sequence wrap', cnt and cnt[-1]['n'] == BURST and not bad,
            f'{lr} received {cnt[-1] if cnt else None}; {lr} EXIT/ENTER/warning events: {dumps(bad)[:1500]}')
    time.sleep(3)
    log(f'{tag} {ls} events after burst:', dumps([x for x in sender.since(n_s) if x['ev'] != 'burstcount'])[:3000])
    q1, q2 = sender.query(), receiver.query()
    r.check(f'{tag} after wrap: both still list each other',
            q1 and q1.get('peers') == [receiver.uuid] and q2 and q2.get('peers') == [sender.uuid], [q1, q2])


def suite_edge(r):
    P, key = r.P, r.peer.key
    # E1: non-ASCII names and headers, both ways.
    peer = r.other('peerE1', name=f'{key}-é-ü', headers={'X-PEER': 'wört', 'X-Ü': 'v'})
    ts = r.ours('oursE1', name='ts-ä', headers={'X-TS': 'größe', 'X-Ö': 'v'})
    e = peer.wait(ev('ENTER', peer=ts.uuid), 10)
    r.check(f'E1 non-ASCII name/headers ours->{P}', e and e['name'] == 'ts-ä' and e['headers'] == {'X-TS': 'größe', 'X-Ö': 'v'}, e)
    e = ts.wait(ev('ENTER', peer=peer.uuid), 10)
    r.check(f'E1 non-ASCII name/headers {P}->ours', e and e['name'] == f'{key}-é-ü' and e['headers'] == {'X-PEER': 'wört', 'X-Ü': 'v'},
            f'{dumps(e)} warnings={dumps(ts.since(0, "warning")[:3])}')
    for a in (ts, peer): a.finish()
    time.sleep(1)

    # E2, E3: the 16-bit sequence wrap, each way, between fresh nodes.
    for tag, ours_sends in (('E2', True), ('E3', False)):
        peer = r.other(f'peer{tag}', name=f'{key}-{tag}', loglevel='INFO')
        ts = r.ours(f'ours{tag}', name=f'ts-{tag}')
        met = ts.wait(ev('ENTER', peer=peer.uuid), 10) and peer.wait(ev('ENTER', peer=ts.uuid), 10)
        if not met:
            r.check(f'{tag} nodes meet', False, 'no ENTER within 10 s')
        elif ours_sends:
            wrap(r, tag, ts, peer, 'ours', P)
        else:
            wrap(r, tag, peer, ts, P, 'ours')
        for a in (ts, peer): a.finish()
        time.sleep(1)


def suite_status(r):
    """Groups joined before two nodes meet travel in HELLO, with the status that counts them; later
    JOIN/LEAVE must continue that count (the C node asserts on a status it does not expect)."""
    P = r.P
    ts = r.ours('oursS', name='ts-s')
    for g in ('A', 'B', 'C'): ts.send(cmd='join', group=g)
    ts.send(cmd='leave', group='B')
    time.sleep(0.3)
    peer = r.other('peerS', name=f'{r.peer.key}-s', groups=['A'])
    peer.send(cmd='join', group='Z'); peer.send(cmd='leave', group='Z'); peer.send(cmd='join', group='Y')
    e = peer.wait(ev('ENTER', peer=ts.uuid), 15)
    r.check(f'S: {P} sees us', e, e)
    time.sleep(1)
    joins = sorted(x['group'] for x in peer.since(0, 'JOIN') if x.get('peer') == ts.uuid)
    r.check(f'S: {P} learned our groups A, C from HELLO', joins == ['A', 'C'], joins)
    n = peer.mark()
    ts.send(cmd='join', group='D'); ts.send(cmd='leave', group='A'); ts.send(cmd='join', group='B')
    time.sleep(1)
    seen = [(x['ev'], x.get('group')) for x in peer.since(n, 'JOIN', 'LEAVE') if x.get('peer') == ts.uuid]
    r.check(f'S: later JOIN/LEAVE accepted by {P} (no abort)', seen == [('JOIN', 'D'), ('LEAVE', 'A'), ('JOIN', 'B')] and peer.alive(), seen)
    q = peer.query(group='B'); r.check(f'S: {P} peers_by_group(B) == [ours]', q and q.get('byGroup') == [ts.uuid], q)
    ours = sorted((x['ev'], x['group']) for x in ts.since(0, 'JOIN', 'LEAVE') if x.get('peer') == peer.uuid)
    r.check(f'S: we learned {P} groups A, Y from HELLO and later changes', ('JOIN', 'A') in ours and ('JOIN', 'Y') in ours, ours)
    r.check('S: no warnings on our side', not ts.since(0, 'warning'), ts.since(0, 'warning'))
    for a in (ts, peer): a.finish()


def suite_curve(r):
    """CURVE: our node with the curve option against the C node with zyre_set_zcert (DRAFT API)."""
    P, key, check = r.P, r.peer.key, r.check
    kO, kO2, kC, kX = (curve_keypair(r.args.node) for _ in range(4))
    marker = 'CURVE-SECRET-MARKER-' + secrets.token_hex(6)
    log('curve: public keys: ours', kO['publicKey'], 'ours (V2)', kO2['publicKey'], P, kC['publicKey'], '; marker', marker)
    pub = lambda e: (e or {}).get('headers', {}).get('X-PUBLICKEY')

    # V: both nodes with keys. The marker is in headers (HELLO) and in every message: it must never be on the wire.
    peer = r.other('peerV', name=f'{key}-v', curve=kC, headers={'X-MARK': f'{marker}-hdr-{key}'}, verbose=True)
    ts = r.ours('oursV', name='ts-v', curve=kO, headers={'X-MARK': f'{marker}-hdr-ours'}, debug=True)
    e1 = ts.wait(ev('ENTER', peer=peer.uuid), 15)
    check(f'V: ENTER {P}->ours with X-PUBLICKEY = {P} key', e1 and pub(e1) == kC['publicKey'] and e1['name'] == f'{key}-v'
          and e1.get('address', '').startswith(f'tcp://{PEER_IP}:'), e1)
    e2 = peer.wait(ev('ENTER', peer=ts.uuid), 15)
    check(f'V: ENTER ours->{P} with X-PUBLICKEY = our key', e2 and pub(e2) == kO['publicKey'] and e2['name'] == 'ts-v'
          and e2.get('address', '').startswith(f'tcp://{OURS_IP}:'), e2)

    both_ways = ((ts, peer, 'ours', P), (peer, ts, P, 'ours'))
    if e1 and e2:
        for a, b, la, lb in both_ways:
            e = relay(a, dict(cmd='join', group='GC'), b, ev('JOIN', group='GC', peer=a.uuid))
            check(f'V: JOIN {la}->{lb}', e, e)
        time.sleep(0.3)
        for a, b, la, lb in both_ways:
            for cmd in ('shout', 'whisper'):
                frames = [f'{marker}-{cmd}-{a.label}', 'second \xff\x00 frame', '']
                to, seen = ({'group': 'GC'}, {'group': 'GC'}) if cmd == 'shout' else ({'peer': b.uuid}, {})
                e = relay(a, dict(cmd=cmd, frames=frames, **to), b, ev(cmd.upper(), peer=a.uuid, content=frames, **seen))
                check(f'V: {cmd.upper()} {la}->{lb} (3 frames with the marker, one empty)', e, e or b.since(0, cmd.upper())[-1:])
        # Large frames: 200,000 bytes towards the C node; 30,000 back (the C driver reads commands of up to 64 KB as hex).
        for a, b, la, lb, size in ((ts, peer, 'ours', P, 200000), (peer, ts, P, 'ours', 30000)):
            frames = [(f'{marker}-big-' + ''.join(map(chr, range(256))) * (size // 256 + 1))[:size]]
            e = relay(a, dict(cmd='whisper', peer=b.uuid, frames=frames), b, ev('WHISPER', peer=a.uuid, content=frames))
            got = b.since(0, 'WHISPER')[-1:]
            check(f'V: WHISPER {la}->{lb} (one {size:,}-byte frame)', e,
                  'received' if e else [{'content bytes': [len(c) for c in x.get('content', [])]} for x in got])
    else:
        check('V: JOIN, SHOUT and WHISPER both ways', False, 'not tried: the nodes did not meet')

    t = time.time()
    e = relay(ts, dict(cmd='stop'), peer, ev('EXIT', peer=ts.uuid))
    check(f'V: our stop -> {P} EXIT', e, f'{dumps(e)} after {time.time() - t:.2f}s' if e else 'no EXIT within 10 s')
    ts.send(cmd='exit'); time.sleep(0.5)

    # V2: a new node of ours with other keys meets the same C node; then the C node stops.
    ts2 = r.ours('oursV2', name='ts-v2', curve=kO2, headers={'X-MARK': f'{marker}-hdr-ours2'}, debug=True)
    e1, e2 = ts2.wait(ev('ENTER', peer=peer.uuid), 15), peer.wait(ev('ENTER', peer=ts2.uuid), 15)
    check(f'V2: a new node of ours with other keys and {P} meet (ENTER both ways, X-PUBLICKEY)',
          e1 and e2 and pub(e1) == kC['publicKey'] and pub(e2) == kO2['publicKey'], [e1, e2])
    t = time.time()
    e = relay(peer, dict(cmd='stop'), ts2, ev('EXIT', peer=peer.uuid))
    check(f'V2: {P} stop -> our EXIT', e, f'{dumps(e)} after {time.time() - t:.2f}s' if e else 'no EXIT within 10 s')
    peer.send(cmd='exit'); ts2.finish()
    warnings = ts.since(0, 'warning') + ts2.since(0, 'warning')
    check('V: no warnings on our side', not warnings, warnings)
    time.sleep(0.5)     # tcpdump writes each packet at once (-U); room for the last ones
    t_secure = time.time()

    # What went over the wire while both nodes had keys.
    if r.net.pcap and os.path.exists(r.net.pcap):
        packets = [p for p in pcap_packets(r.net.pcap) if p['t'] < t_secure]
        between = lambda p: {p['src'], p['dst']} == {OURS_IP, PEER_IP}
        tcp = [p for p in packets if p['proto'] == 'tcp' and between(p)]
        tcp_bytes = sum(len(p['payload']) for p in tcp)
        with open(r.net.pcap, 'rb') as f: hits = f.read().count(marker.encode())
        check('V: the marker is in no captured packet (and the capture holds the traffic)', hits == 0 and tcp_bytes > 230000,
              f'marker found {hits} times in the capture; TCP payload between the nodes: {tcp_bytes} bytes in {len(tcp)} segments')
        conns = [(c, s, zmtp_mechanism(up), zmtp_mechanism(down)) for c, s, up, down in tcp_connections(tcp)]
        used = [x for x in conns if x[2] or x[3]]
        check('V: every TCP connection between the nodes greets with mechanism CURVE, both ways',
              used and all(m == 'CURVE' for x in used for m in x[2:])
              and {x[0].split(':')[0] for x in used} == {OURS_IP, PEER_IP},
              f'{len(conns)} connections, {len(used)} with data: {dumps(used)}')
        want = {ts.uuid: (kO, 'oursV'), ts2.uuid: (kO2, 'oursV2'), peer.uuid: (kC, 'peerV')}
        beacons = {}
        for p in packets:
            if p['proto'] == 'udp' and p['dport'] == BEACON_PORT and p['src'] in (OURS_IP, PEER_IP):
                beacons.setdefault(p['payload'][4:20].hex().upper(), []).append(p['payload'])
        seen, ok = {}, True
        for uuid, got in beacons.items():
            k, label = want.get(uuid, (None, uuid))
            good = [b for b in got if k and len(b) == 54 and b[:4] == b'ZRE\x03' and b[22:] == z85_decode(k['publicKey'])]
            seen[label] = {'beacons': len(got), 'good': len(good), 'stop (port 0)': sum(b[20:22] == b'\0\0' for b in got)}
            if len(good) != len(got): ok = False; seen[label]['first bad'] = next(b for b in got if b not in good).hex()
        check('V: beacons are 54 bytes, version 3, with the sender\'s public key (all of them, both nodes)',
              ok and all(w[1] in seen for w in want.values()), seen)
    else:
        log('curve: no packet capture (tcpdump missing or --no-pcap): the wire checks are skipped')

    # M1, M2: one node with keys, the other without: they must not meet.
    # W: the C node beacons a public key that is not its own (its secret key is another pair's): our CURVE
    # client cannot open its server, and our CURVE server must refuse its client (the vouch in INITIATE
    # does not open with the public key it claims). Both handshakes fail: no ENTER either side.
    wrong = {'publicKey': kC['publicKey'], 'secretKey': kX['secretKey']}
    for tag, ours_keys, peer_keys, what in (('M1', kO, None, f'ours with keys, {P} without'),
                                            ('M2', None, kC, f'ours without keys, {P} with'),
                                            ('W', kO, wrong, f'{P} advertises a public key that is not its own')):
        t0 = time.time()
        peer = r.other(f'peer{tag}', name=f'{key}-{tag.lower()}', verbose=True, **({'curve': peer_keys} if peer_keys else {}))
        ts = r.ours(f'ours{tag}', name=f'ts-{tag.lower()}', debug=True, **({'curve': ours_keys} if ours_keys else {}))
        time.sleep(3.5)      # three beacons each way (interval 1 s)
        enters = ts.since(0, 'ENTER') + peer.since(0, 'ENTER')
        with open(peer.err.name, errors='replace') as f: tossed = sum('tossing beacon' in line for line in f)
        conns = None
        if r.net.pcap and os.path.exists(r.net.pcap):
            conns = [(c, s, zmtp_mechanism(up), zmtp_mechanism(down))
                     for c, s, up, down in tcp_connections([p for p in pcap_packets(r.net.pcap) if t0 <= p['t']])]
            conns = {'opened': len(conns), 'first': conns[:4]}
        q = ts.query()
        check(f'{tag}: {what}: no ENTER on either side in 3.5 s, our node still answers', not enters and q and q.get('peers') == [],
              f'ENTER: {dumps(enters)}; our peers: {q and q.get("peers")}; beacons the {P} node tossed: {tossed}; '
              f'TCP connections: {dumps(conns)}; our warnings: {dumps(ts.since(0, "warning")[:5])}')
        for a in (ts, peer): a.finish()


def suite_gossip(r):
    """Gossip discovery (zyre_gossip_bind/connect) instead of beacons: the C node serving gossip and ours
    joining it, ours serving and two C nodes joining (the second after more than CZMQ's 1 s client expiry),
    and with CURVE keys in the tuples when the C driver has them."""
    P, key, check = r.P, r.peer.key, r.check
    fast = {'evasive': 1000, 'expired': 3000}                  # the C node's presence timers
    ours_fast = {'evasiveTimeout': 1000, 'expiredTimeout': 3000}
    t_start = time.time()
    ours_agents = []

    def met(a, b, la, lb, ip_a, ip_b, tag):
        e1 = a.wait(ev('ENTER', peer=b.uuid), 15)
        e2 = b.wait(ev('ENTER', peer=a.uuid), 15)
        check(f'{tag}: ENTER {lb}->{la} and {la}->{lb}, each with the other\'s address',
              e1 and e2 and e1.get('address', '').startswith(f'tcp://{ip_b}:') and e2.get('address', '').startswith(f'tcp://{ip_a}:'),
              [e1, e2])
        return bool(e1 and e2)

    # G1: the C node serves gossip, ours connects to it.
    peer = r.other('peerG1', name=f'{key}-g1', endpoint=f'tcp://{PEER_IP}:*',
                   gossip={'bind': f'tcp://{PEER_IP}:47901'}, verbose=True, **fast)
    ts = r.ours('oursG1', name='ts-g1', gossip={'connect': f'tcp://{PEER_IP}:47901'}, debug=True, **ours_fast)
    ours_agents.append(ts)
    if met(ts, peer, 'ours', P, OURS_IP, PEER_IP, 'G1 (C serves gossip)'):
        for a, b, la, lb in ((ts, peer, 'ours', P), (peer, ts, P, 'ours')):
            e = relay(a, dict(cmd='join', group='GG'), b, ev('JOIN', group='GG', peer=a.uuid))
            check(f'G1: JOIN {la}->{lb}', e, e)
        time.sleep(0.3)
        for a, b, la, lb in ((ts, peer, 'ours', P), (peer, ts, P, 'ours')):
            for cmd in ('shout', 'whisper'):
                frames = [f'gossip-{cmd}-{a.label}', '']
                to, seen = ({'group': 'GG'}, {'group': 'GG'}) if cmd == 'shout' else ({'peer': b.uuid}, {})
                e = relay(a, dict(cmd=cmd, frames=frames, **to), b, ev(cmd.upper(), peer=a.uuid, content=frames, **seen))
                check(f'G1: {cmd.upper()} {la}->{lb}', e, e or b.since(0, cmd.upper())[-1:])
    t = time.time()
    e = relay(peer, dict(cmd='stop'), ts, ev('EXIT', peer=peer.uuid), timeout=8)
    check(f'G1: {P} stops (it says nothing in gossip mode) -> our EXIT after our expiry', e,
          f'{dumps(e)} after {time.time() - t:.2f}s' if e else 'no EXIT within 8 s')
    peer.send(cmd='exit'); ts.finish()

    # G2: ours serves gossip; one C node joins, and a second one more than 2 s later.
    ts = r.ours('oursG2', name='ts-g2', gossip={'bind': f'tcp://{OURS_IP}:47902'}, debug=True, **ours_fast)
    ours_agents.append(ts)
    c1 = r.other('peerG2a', name=f'{key}-g2a', endpoint=f'tcp://{PEER_IP}:*',
                 gossip={'connect': f'tcp://{OURS_IP}:47902'}, verbose=True, **fast)
    met(ts, c1, 'ours', f'{P} #1', OURS_IP, PEER_IP, 'G2 (ours serves gossip)')
    log('gossip: 2.5 s of quiet on the gossip connection ...'); time.sleep(2.5)
    c2 = r.other('peerG2b', name=f'{key}-g2b', endpoint=f'tcp://{PEER_IP}:*',
                 gossip={'connect': f'tcp://{OURS_IP}:47902'}, verbose=True, **fast)
    met(ts, c2, 'ours', f'{P} #2', OURS_IP, PEER_IP, 'G2')
    e1, e2 = c1.wait(ev('ENTER', peer=c2.uuid), 15), c2.wait(ev('ENTER', peer=c1.uuid), 15)
    check(f'G2: the two {P} nodes meet through our gossip server (the first one quiet on it for 2.5 s)', e1 and e2, [e1, e2])
    t = time.time()
    ts.send(cmd='stop')
    e1, e2 = c1.wait(ev('EXIT', peer=ts.uuid), 8), c2.wait(ev('EXIT', peer=ts.uuid), 8)
    check(f'G2: our stop (GOODBYE, which {P} does not know) -> EXIT at both {P} nodes, which keep running',
          e1 and e2 and c1.alive() and c2.alive(), f'{dumps([e1, e2])} after {time.time() - t:.2f}s')
    for a in (c1, c2): a.finish()
    ts.send(cmd='exit')

    # G3: CURVE keys in the tuples (endpoint|key), the C node serving gossip.
    if 'CURVE: yes' in r.peer.check_output:
        kO, kC = curve_keypair(r.args.node), curve_keypair(r.args.node)
        peer = r.other('peerG3', name=f'{key}-g3', curve=kC, endpoint=f'tcp://{PEER_IP}:*',
                       gossip={'bind': f'tcp://{PEER_IP}:47903'}, verbose=True, **fast)
        ts = r.ours('oursG3', name='ts-g3', curve=kO, gossip={'connect': f'tcp://{PEER_IP}:47903'}, debug=True, **ours_fast)
        ours_agents.append(ts)
        e1, e2 = ts.wait(ev('ENTER', peer=peer.uuid), 15), peer.wait(ev('ENTER', peer=ts.uuid), 15)
        pub = lambda e: (e or {}).get('headers', {}).get('X-PUBLICKEY')
        check(f'G3: nodes with keys meet through gossip (ENTER both ways, X-PUBLICKEY)',
              e1 and e2 and pub(e1) == kC['publicKey'] and pub(e2) == kO['publicKey'], [e1, e2])
        if e1 and e2:
            frames = ['gossip-curve-whisper']
            e = relay(ts, dict(cmd='whisper', peer=peer.uuid, frames=frames), peer, ev('WHISPER', peer=ts.uuid, content=frames))
            check(f'G3: WHISPER ours->{P} over CURVE', e, e)
        for a in (ts, peer): a.finish()
    else:
        log('gossip: G3 (CURVE) skipped: the C driver has no CURVE')

    warnings = [w for a in ours_agents for w in a.since(0, 'warning')]
    check('G: no warnings on our side', not warnings, warnings)
    time.sleep(0.5)
    if r.net.pcap and os.path.exists(r.net.pcap):
        beacons = [p for p in pcap_packets(r.net.pcap)
                   if p['t'] >= t_start and p['proto'] == 'udp' and p['dport'] == BEACON_PORT and p['src'] in (OURS_IP, PEER_IP)]
        check('G: no beacon from either side in the whole suite', not beacons, f'{len(beacons)} beacons')


def suite_election(r):
    """Leader election in a group (zyre_set_contest_in_group; ELECT and LEADER): our node and two C nodes,
    all contesting, join one by one; after each join every member must report the same leader, the lowest
    id among the members that were there before (those are the challengers). Then the leader leaves the
    group and the others elect the next one."""
    P, key, check = r.P, r.peer.key, r.check
    fast = {'evasive': 2000, 'expired': 6000}
    c1 = r.other('peerE1', name=f'{key}-e1', contest=['EL'], verbose=True, **fast)
    ts = r.ours('oursE', name='ts-e', contest=['EL'], debug=True, evasiveTimeout=2000, expiredTimeout=6000)
    c2 = r.other('peerE2', name=f'{key}-e2', contest=['EL'], verbose=True, **fast)
    nodes = {c1: f'{P} #1', ts: 'ours', c2: f'{P} #2'}
    ok = all(a.wait(ev('ENTER', peer=b.uuid), 15) for a in nodes for b in nodes if a is not b)
    check(f'E: the three nodes (ours, two {P}) see each other', ok, {nodes[a]: a.uuid for a in nodes})
    if not ok:
        for a in nodes: a.finish()
        return
    short = lambda uuid: next((f'{nodes[a]} ({uuid[:6]})' for a in nodes if a.uuid == uuid), uuid)

    def round_(members, action):
        """Runs `action`, then waits for a LEADER event for EL at each of `members`; returns their leaders."""
        marks = {a: a.mark() for a in members}
        action()
        got = [a.wait(ev('LEADER', group='EL'), 15, start=marks[a]) for a in members]
        return [g and g.get('peer') for g in got]

    members = []
    for joiner in (c1, ts, c2):
        earlier = list(members)
        members.append(joiner)
        if not earlier:
            joiner.send(cmd='join', group='EL')
            for a in nodes:
                if a is not joiner: a.wait(ev('JOIN', peer=joiner.uuid, group='EL'), 10)
            continue
        expected = min(a.uuid for a in earlier)
        leaders = round_(members, lambda: joiner.send(cmd='join', group='EL'))
        check(f'E: {nodes[joiner]} joins -> all {len(members)} members report LEADER {short(expected)} (lowest challenger)',
              all(l == expected for l in leaders), {nodes[a]: short(l) if l else None for a, l in zip(members, leaders)})
        for a in nodes:
            if a is not joiner: a.wait(ev('JOIN', peer=joiner.uuid, group='EL'), 10)
        time.sleep(0.5)
    leader = next(a for a in members if a.uuid == min(x.uuid for x in (c1, ts)))
    rest = [a for a in members if a is not leader]
    expected = min(a.uuid for a in rest)
    leaders = round_(rest, lambda: leader.send(cmd='leave', group='EL'))
    check(f'E: the leader ({nodes[leader]}) leaves -> the other two report LEADER {short(expected)}',
          all(l == expected for l in leaders), {nodes[a]: short(l) if l else None for a, l in zip(rest, leaders)})
    check(f'E: both {P} nodes still running', c1.alive() and c2.alive(), '')
    check('E: no warnings on our side', not ts.since(0, 'warning'), ts.since(0, 'warning'))
    for a in nodes: a.finish()


def suite_require(r):
    """requirePeer (zyre_require_peer) instead of discovery: the other node where our beacons do not reach
    it (the C node in endpoint mode, without beacons, at a known endpoint; pyre beaconing on another port,
    at the endpoint it reports), ours beaconing on a port of its own; ours is told the other's id and
    endpoint, sends HELLO, and the other, which never heard of us, must dial back from that HELLO alone."""
    P, key, check = r.P, r.peer.key, r.check
    if key == 'czyre':
        endpoint = f'tcp://{PEER_IP}:47904'
        peer = r.other('peerR', name=f'{key}-r', endpoint=endpoint, verbose=True, evasive=1000, expired=3000)
    else:
        peer = r.other('peerR', name=f'{key}-r', port=BEACON_PORT + 2, verbose=True, evasive=1000, expired=3000)
        endpoint = peer.info.get('endpoint', '')
    ts = r.ours('oursR', name='ts-r', port=BEACON_PORT + 1, debug=True, evasiveTimeout=1000, expiredTimeout=3000)
    time.sleep(1.5)
    check(f'R: no discovery either way before requirePeer', not ts.since(0, 'ENTER') and not peer.since(0, 'ENTER'),
          [ts.since(0, 'ENTER'), peer.since(0, 'ENTER')])
    ts.send(cmd='require', peer=peer.uuid, endpoint=endpoint)
    e1 = ts.wait(ev('ENTER', peer=peer.uuid), 10)
    e2 = peer.wait(ev('ENTER', peer=ts.uuid), 10)
    check(f'R: ours requires {P} by id and endpoint -> ENTER both ways, each with the other\'s address',
          e1 and e2 and e1.get('address') == endpoint and e2.get('address', '').startswith(f'tcp://{OURS_IP}:'), [e1, e2])
    if e1 and e2:
        for a, b, la, lb in ((ts, peer, 'ours', P), (peer, ts, P, 'ours')):
            frames = [f'required-{a.label}', '']
            e = relay(a, dict(cmd='whisper', peer=b.uuid, frames=frames), b, ev('WHISPER', peer=a.uuid, content=frames))
            check(f'R: WHISPER {la}->{lb}', e, e or b.since(0, 'WHISPER')[-1:])
    check('R: no warnings on our side', not ts.since(0, 'warning'), ts.since(0, 'warning'))
    check(f'R: {P} still running', peer.alive(), '')
    peer.send(cmd='exit'); ts.finish()


SUITES = {'main': suite_main, 'edge': suite_edge, 'status': suite_status, 'curve': suite_curve, 'gossip': suite_gossip,
          'election': suite_election, 'require': suite_require}
# Why a suite cannot run against a peer (it is then skipped, not failed), or None.
SKIP = {'curve': lambda peer: None if 'CURVE: yes' in peer.check_output else peer.no_curve,
        'gossip': lambda peer: 'pyre has no gossip discovery' if peer.key == 'pyre' else None,
        'election': lambda peer: 'pyre has no leader election' if peer.key == 'pyre'
        else None if 'election: yes' in peer.check_output else 'the C driver has no leader election: built without the DRAFT API'}


# ---------------------------------------------------------------- main

def preflight(args):
    """Everything that can be missing, checked before any namespace exists."""
    problems = []
    if os.geteuid() != 0: problems.append('needs root (network namespaces)')
    if not shutil.which('ip'): problems.append('ip (iproute2) not found')
    if not shutil.which(args.node): problems.append(f'node not found: {args.node}')
    if not os.path.isdir(os.path.join(REPO, 'node_modules', 'tsx')): problems.append(f'tsx not installed in {REPO} (npm install)')
    r = sh(args.python, os.path.join(AGENTS, PEERS[args.peer].agent), '--check', check=False)
    if r.returncode: problems.append(f'{PEERS[args.peer].name} agent: ' + ((r.stderr or r.stdout).strip().splitlines() or ['failed'])[-1])
    else: log(r.stdout.strip()); PEERS[args.peer].check_output = r.stdout
    if args.pcap and not shutil.which('tcpdump'):
        log('tcpdump not found: no packet capture'); args.pcap = False
    return problems


def main():
    global LOG
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--peer', choices=sorted(PEERS), required=True, help='the node to check against')
    ap.add_argument('--suite', choices=sorted(SUITES) + ['all'], default='main')
    ap.add_argument('--out', help='directory for logs and captures (default: a new temporary directory)')
    ap.add_argument('--python', default=sys.executable, help='Python for the pyre/C agents (needs pyzmq for pyre; default: this one)')
    ap.add_argument('--node', default='node', help='Node.js 20+ for our agent')
    ap.add_argument('--no-pcap', dest='pcap', action='store_false', help='no tcpdump capture')
    args = ap.parse_args()

    args.out = os.path.abspath(args.out or tempfile.mkdtemp(prefix='zyre-live-interop-'))
    if (os.path.realpath(args.out) + os.sep).startswith(os.path.realpath(REPO) + os.sep):
        sys.exit(f'--out must be outside the repository ({REPO})')
    os.makedirs(args.out, exist_ok=True)
    LOG = open(os.path.join(args.out, 'run.log'), 'w')
    peer = PEERS[args.peer]
    log(f'live interop: ours vs {peer.name}, suite {args.suite}, beacon port {BEACON_PORT}, logs in {args.out}')
    problems = preflight(args)
    if problems:
        for p in problems: log('cannot run:', p)
        return 2

    # Ctrl-C and kill end the run through SystemExit, so every Net is taken down on the way out.
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, lambda *a: sys.exit(130))
    sweep_stale()
    results, skipped = [], []
    interrupted = False
    for suite in (list(SUITES) if args.suite == 'all' else [args.suite]):
        why = SKIP.get(suite, lambda peer: None)(peer)
        if why:
            log(f'==== suite {suite} skipped: {why} ====')
            skipped.append({'suite': suite, 'why': why})
            continue
        log(f'==== suite {suite} ====')
        try:
            with Run(args, suite, results) as r:
                SUITES[suite](r)
        except (KeyboardInterrupt, SystemExit):
            results.append({'suite': suite, 'check': 'interrupted', 'ok': False, 'detail': ''})
            interrupted = True
            break
        except Exception as ex:
            import traceback; traceback.print_exc()
            results.append({'suite': suite, 'check': 'orchestrator', 'ok': False, 'detail': repr(ex)})
            log('FAIL orchestrator', repr(ex))

    with open(os.path.join(args.out, 'summary.json'), 'w') as f:
        json.dump({'peer': args.peer, 'suite': args.suite, 'results': results, 'skipped': skipped}, f, indent=1, ensure_ascii=False)
    failed = [x for x in results if not x['ok']]
    log(f'==== SUMMARY: ours vs {peer.name}, suite {args.suite} ====')
    for x in results:
        note = peer.known.get(x['check'])
        log(f"{'PASS' if x['ok'] else 'FAIL'} [{x['suite']}] {x['check']}" + (f'  (known: {note})' if note and not x['ok'] else ''))
    for x in skipped: log(f"SKIPPED [{x['suite']}] {x['why']}")
    log(f'{len(results) - len(failed)} passed, {len(failed)} failed' + (f', {len(skipped)} suite(s) skipped' if skipped else '')
        + f'; logs in {args.out}')
    return 130 if interrupted else 1 if failed or not (results or skipped) else 0


if __name__ == '__main__':
    sys.exit(main())
