// Name conversions from model names (free text like "PING-OK", "challenger id", "zre_msg") to identifiers.

function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '')
}

export function upperSnake(name: string): string {
  return words(name).join('_').toUpperCase()
}

export function pascal(name: string): string {
  return words(name).map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join('')
}

export function camel(name: string): string {
  const p = pascal(name)
  return p === '' ? p : p[0]!.toLowerCase() + p.slice(1)
}

export function kebab(name: string): string {
  return words(name).join('-').toLowerCase()
}
