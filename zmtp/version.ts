// zeromq.js exports `version`, the libzmq release its addon was built with, and code gates features
// on it (`semver.gte(version, '4.2.0')` before heartbeats, say). This stack follows the socket and
// wire behaviour of libzmq 4.3.5, the release it is tested against, so that is what it reports.
export const version = '4.3.5'
