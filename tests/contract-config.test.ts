// The documented configuration is the real one: every variable src/config.ts reads is listed in
// .env.example and the README, and the values .env.example gives are the actual defaults.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8')

const source = read('src/config.ts')
const readVars = [...new Set([...source.matchAll(/env, '([A-Z0-9_]+)'|env\.([A-Z0-9_]+)/g)].map((m) => m[1] ?? m[2]))].sort()

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (m) out[m[1]] = m[2]
  }
  return out
}

describe('documented configuration', () => {
  it('finds the variables config.ts reads', () => {
    expect(readVars).toContain('DATABASE_URL')
    expect(readVars.length).toBeGreaterThan(20)
  })

  it('.env.example lists exactly the variables config.ts reads', () => {
    expect(Object.keys(parseEnvFile(read('.env.example'))).sort()).toEqual(readVars)
  })

  it('the README configuration table names every variable', () => {
    const readme = read('README.md')
    expect(readVars.filter((v) => !readme.includes('`' + v + '`'))).toEqual([])
  })

  it('WEB_DIST_DIR: unset serves web/dist, set but empty serves no web client (as the README says)', () => {
    expect(loadConfig({}).webDistDir).toBe('web/dist')
    expect(loadConfig({ WEB_DIST_DIR: '' }).webDistDir).toBeNull()
    expect(loadConfig({ WEB_DIST_DIR: '  ' }).webDistDir).toBeNull()
    expect(loadConfig({ WEB_DIST_DIR: '/srv/hearth-web' }).webDistDir).toBe('/srv/hearth-web')
  })

  it('the values in .env.example are the defaults', () => {
    const example = parseEnvFile(read('.env.example'))
    expect(loadConfig(example)).toEqual(loadConfig({}))
  })
})
