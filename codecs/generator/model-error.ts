// Error for an invalid model file: always says where (file:line) so the author can fix the XML.

export class ModelError extends Error {
  readonly file: string
  readonly line: number

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`)
    this.name = 'ModelError'
    this.file = file
    this.line = line
  }
}
