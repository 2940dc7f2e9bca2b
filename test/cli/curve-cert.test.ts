// Reading CURVE certificates in czmq's ZPL layout (the CLI's --curve-cert): where the keys may
// be, how they may be quoted, and what is not a key.
import t from 'tap'
import { certText, parseCert } from '../../bin/commands/curve-cert.ts'
import { curveKeyPair } from '../../lib/index.ts'

const pub = 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'
const sec = 'JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6'

t.test('keys in the curve section, quoted either way or not, with comments and CRLF', async (t) => {
  const text = ['#   comment', 'metadata', '    name = "x"', 'curve', `    public-key = "${pub}"   # trailing`, `    secret-key = '${sec}'`, ''].join('\r\n')
  t.same(parseCert(text), { publicKey: pub, secretKey: sec })
  t.same(parseCert(`curve\n    public-key = ${pub}\n`), { publicKey: pub }, 'unquoted, and a public certificate has no secret key')
})

t.test('keys outside the curve section, or not indented under it, are not keys', async (t) => {
  t.same(parseCert(`metadata\n    public-key = "${pub}"\ncurve\npublic-key = "${pub}"\n`), {})
  t.same(parseCert(`curve\n    public-key = "${pub}"\nother\n    secret-key = "${sec}"\n`), { publicKey: pub })
  t.same(parseCert(''), {})
  t.same(parseCert('\u0000\u00ff garbage =\n  = "'), {})
})

t.test('what certText writes reads back', async (t) => {
  const keys = curveKeyPair()
  t.same(parseCert(certText(keys)), keys)
})
