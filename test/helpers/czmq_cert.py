#!/usr/bin/python3
# czmq's zcert (libczmq4, through ctypes), for certificate file interop tests:
#   czmq_cert.py save PATH   makes a new certificate with zcert_new and zcert_save (PATH holds the
#                            public certificate, PATH_secret the secret one)
#   czmq_cert.py load PATH   loads PATH with zcert_load (which also reads PATH_secret when there)
# Either prints {"public": Z85, "secret": Z85} of the certificate as czmq sees it; a load that
# fails prints {"error": ...} and exits 1.
import ctypes
import json
import sys

czmq = ctypes.CDLL('libczmq.so.4')
P = ctypes.c_void_p
for name, restype, argtypes in [
    ('zcert_new', P, []),
    ('zcert_load', P, [ctypes.c_char_p]),
    ('zcert_save', ctypes.c_int, [P, ctypes.c_char_p]),
    ('zcert_public_txt', ctypes.c_char_p, [P]),
    ('zcert_secret_txt', ctypes.c_char_p, [P]),
    ('zcert_destroy', None, [ctypes.POINTER(P)]),
]:
    fn = getattr(czmq, name)
    fn.restype, fn.argtypes = restype, argtypes

op, path = sys.argv[1], sys.argv[2].encode()
cert = czmq.zcert_new() if op == 'save' else czmq.zcert_load(path)
if not cert:
    print(json.dumps({'error': 'zcert_load failed'}))
    sys.exit(1)
if op == 'save' and czmq.zcert_save(cert, path) != 0:
    print(json.dumps({'error': 'zcert_save failed'}))
    sys.exit(1)
print(json.dumps({'public': czmq.zcert_public_txt(cert).decode(), 'secret': czmq.zcert_secret_txt(cert).decode()}))
czmq.zcert_destroy(ctypes.byref(ctypes.c_void_p(cert)))
