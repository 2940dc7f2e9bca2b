// What this stack supports, in the shape of zeromq.js' `capability` (libzmq's zmq_has): code that
// checks `capability.curve` or `capability.ipc` before using them works unchanged. Transports tcp,
// ipc and inproc; mechanisms NULL, PLAIN and CURVE; no DRAFT socket types.
export const capability: Readonly<Partial<Record<'ipc' | 'pgm' | 'tipc' | 'norm' | 'curve' | 'gssapi' | 'draft', boolean>>> = Object.freeze({
  ipc: true,
  pgm: false,
  tipc: false,
  norm: false,
  curve: true,
  gssapi: false,
  draft: false,
})
