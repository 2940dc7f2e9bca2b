// zyre-ts/zmtp: ZeroMQ sockets over ZMTP 3.1 in pure TypeScript, shaped like zeromq.js v6 (api.ts).
export * from './api.ts'

// `import zmq from 'zeromq'` works because zeromq.js is CommonJS; the same line naming this module
// gets the same members, so that form of the import switches over too.
import * as api from './api.ts'
export default api
