// The password rule of contract part 2 (signUp and changePassword): 8-256 code points (after
// trimming), not the username or display name, not a common password.
//
// SHARED WITH THE WEB CLIENT: web/src/features/account/AccountPage.tsx imports this file to give
// the same feedback as the server while the user types. Keep it free of Node and server imports
// (plain TypeScript, and the one dynamic import below, which Vite splits into its own chunk that
// only the account page loads).
//
// The common passwords are zxcvbn-ts's list (@zxcvbn-ts/language-common, "passwords-common":
// about 49,000 entries drawn from leaked password sets), loaded once, on the first check, into a
// Set of lower-cased entries: the server does not pay for it until someone signs up.

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

let common: Promise<Set<string>> | null = null

function commonPasswords(): Promise<Set<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())))
  // a failed load is tried again by the next check rather than cached
  common.catch(() => { common = null })
  return common
}

const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase()

/** Why the length is refused (counted in code points after trimming), or null. */
export function passwordLengthProblem(password: string): string | null {
  const n = [...password.trim()].length
  if (n < PASSWORD_MIN) return `password must be at least ${PASSWORD_MIN} characters`
  if (n > PASSWORD_MAX) return `password must be at most ${PASSWORD_MAX} characters`
  return null
}

/** Why a password of an acceptable length is refused, or null when it is fine. */
export async function passwordProblem(password: string, names: readonly unknown[]): Promise<string | null> {
  const p = fold(password)
  for (const name of names) {
    if (typeof name === 'string' && name.trim() && fold(name) === p) return 'password must not be your username or display name'
  }
  if ((await commonPasswords()).has(p)) return 'password is too common (it is on a list of leaked passwords): choose a longer or less predictable one'
  return null
}

/** how many common passwords the check knows (for tests and the docs) */
export async function commonPasswordCount(): Promise<number> {
  return (await commonPasswords()).size
}
