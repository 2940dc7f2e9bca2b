// The checked model: what the model reader produces and every emitter consumes (the "data" of GSL's
// model-oriented programming). Emitters never look at XML.

export const FIELD_TYPES = ['number', 'octets', 'string', 'longstr', 'strings', 'hash', 'chunk', 'uuid', 'frame', 'msg'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export interface Where {
  file: string
  line: number
}

export interface Field extends Where {
  /** Name as written in the model ("challenger id"). */
  name: string
  /** camelCase property name in the generated message type ("challengerId"). */
  prop: string
  type: FieldType
  /** Byte size for number (1, 2, 4, 8) and octets. */
  size?: number
  /** Constant value: written on encode, checked on decode, absent from the message object. */
  constant?: number | bigint | string
  description: string
  /** True if the field comes from the class <header>. */
  header: boolean
}

export interface Message extends Where {
  /** Name as written in the model ("PING-OK"). */
  name: string
  /** Discriminator and id-constant key ("PING_OK"). */
  key: string
  /** Interface name ("PingOk"). */
  typeName: string
  id: number
  /** Header fields first, then the message's own fields. */
  fields: Field[]
  description: string
}

export interface Define extends Where {
  name: string
  value: number | string
  description: string
}

export interface Model extends Where {
  /** Class name as written ("zre_msg"). */
  name: string
  /** PascalCase union type name ("ZreMsg"). */
  typeName: string
  /** File stem of the generated modules ("zre-msg"). */
  moduleName: string
  title: string
  signature: number
  description: string
  defines: Define[]
  header: Field[]
  messages: Message[]
}
