import crypto from 'node:crypto'

export const newId = () => crypto.randomUUID()

// Crockford-style alphabet without look-alikes (0/O, 1/I/L): 31 symbols, 10 of them ≈ 49.5 bits.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'

export function newJoinCode(length = 10): string {
  const out: string[] = []
  while (out.length < length) {
    const b = crypto.randomBytes(length * 2)
    for (const x of b) {
      // rejection sampling keeps the distribution uniform
      if (x < 248 && out.length < length) out.push(CODE_ALPHABET[x % 31])
    }
  }
  return out.join('')
}

export const newToken = () => crypto.randomBytes(32).toString('base64url')
export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')
