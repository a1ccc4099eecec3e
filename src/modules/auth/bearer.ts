/**
 * The token of an `Authorization` value, from an HTTP header or a connection_init payload.
 *
 * - null: no credential was sent. Missing, null, empty or blank, or a bare "Bearer" all count
 *   as none, so a client that always sends `Bearer ${token ?? ''}` can still sign up or sign in,
 *   and the web client's cookie still applies.
 * - '': a credential was sent that cannot be used (another scheme, a token with no scheme, a
 *   value that is not a string). It is a rejected token: UNAUTHENTICATED over HTTP, 4403 over
 *   the socket.
 * - otherwise the token.
 */
export function bearerToken(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') return ''
  const v = value.trim()
  if (v === '' || /^Bearer$/i.test(v)) return null
  const m = /^Bearer\s+(\S+)$/i.exec(v)
  return m ? m[1] : ''
}
