# Reference answers for the CURVE primitive tests, from libsodium (through Debian's PyNaCl and
# ctypes) and pyzmq. Reads a JSON list of [op, arg, ...] from stdin (bytes as hex), writes a JSON
# list of results (bytes as hex; null where libsodium refuses).
import ctypes
import json
import sys

_sodium = None


def sodium():
    global _sodium
    if _sodium is None:
        import nacl.bindings  # noqa: F401  (loads and initialises libsodium)
        lib = ctypes.CDLL('libsodium.so.23')
        if lib.sodium_init() < 0:
            raise RuntimeError('sodium_init failed')
        _sodium = lib
    return _sodium


def call(name, out_len, *args):
    out = ctypes.create_string_buffer(out_len)
    rc = getattr(sodium(), name)(out, *args)
    return None if rc != 0 else out.raw.hex()


def nacl_or_none(fn, *args):
    import nacl.exceptions
    try:
        return fn(*args).hex()
    except (nacl.exceptions.CryptoError, nacl.exceptions.RuntimeError, ValueError):
        return None


def run(op, args):
    import nacl.bindings as b
    if op == 'hsalsa20':  # key, in16
        k, i = map(bytes.fromhex, args)
        return call('crypto_core_hsalsa20', 32, i, k, None)
    if op == 'salsa20':  # key, in16
        k, i = map(bytes.fromhex, args)
        return call('crypto_core_salsa20', 64, i, k, None)
    if op == 'xsalsa20_xor':  # key, nonce, message
        k, n, m = map(bytes.fromhex, args)
        return call('crypto_stream_xsalsa20_xor', len(m), m, ctypes.c_ulonglong(len(m)), n, k)
    if op == 'poly1305':  # key, message
        k, m = map(bytes.fromhex, args)
        return call('crypto_onetimeauth_poly1305', 16, m, ctypes.c_ulonglong(len(m)), k)
    if op == 'beforenm':  # their public, our secret
        pk, sk = map(bytes.fromhex, args)
        return nacl_or_none(b.crypto_box_beforenm, pk, sk)
    if op == 'scalarmult_base':
        return b.crypto_scalarmult_base(bytes.fromhex(args[0])).hex()
    if op == 'afternm':  # message, nonce, key
        m, n, k = map(bytes.fromhex, args)
        return b.crypto_box_afternm(m, n, k).hex()
    if op == 'secretbox':  # message, nonce, key
        m, n, k = map(bytes.fromhex, args)
        return b.crypto_secretbox(m, n, k).hex()
    if op == 'open_afternm':  # box, nonce, key
        c, n, k = map(bytes.fromhex, args)
        return nacl_or_none(b.crypto_box_open_afternm, c, n, k)
    if op == 'z85_encode':
        from zmq.utils import z85
        return z85.encode(bytes.fromhex(args[0])).decode('ascii')
    if op == 'z85_decode':
        from zmq.utils import z85
        return z85.decode(args[0].encode('ascii')).hex()
    if op == 'curve_public':  # secret as Z85
        import zmq
        return zmq.curve_public(args[0].encode('ascii')).decode('ascii')
    if op == 'curve_keypair':
        import zmq
        public, secret = zmq.curve_keypair()
        return [public.decode('ascii'), secret.decode('ascii')]
    raise ValueError('unknown op ' + op)


requests = json.load(sys.stdin)
json.dump([run(r[0], r[1:]) for r in requests], sys.stdout)
