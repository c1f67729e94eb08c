// Browser tests: the real zlc binary on a fresh demo database, driven through
// Debian's Chromium by playwright-core (browsers cannot be downloaded here).
//
//   ZLC_BIN=target/debug/zlc ZLC_SHOTS=target/screenshots node web/e2e/run.mjs
//
// The walk of issue 4 (walk.mjs), at a desktop size and again at a phone size
// (390×844): sign in; plan a walk and publish it; see it on the public page
// signed out; record a 坐窗口 activity with callbacks, a problem and a photo;
// file it; take the problem to 已销号 with a second account verifying; see it
// counted on the dashboard. Then the need and measure drawers (ledgers.mjs),
// and the seeds' tables and the statistics (office.mjs): a template filled
// in and imported, its errors, an export, the 统计 page's drill-down, charts
// and 通报. Then every screen in the office's words (words.mjs): a plan
// submitted by a liaison and published in a batch by the supervisor, 记录本次
// 活动 from it, a record with masked callbacks saved again untouched, and
// every role's pages free of record numbers and English words. Last, once at
// the desktop size (inject.mjs): hostile markup planted in every free-text
// field, and every role's pages, drawers and chart tooltips showing it as
// text only. Any console error or uncaught exception fails the run.
//
// Waits are on the application's signals (responses, element states). A
// busy machine (two cores, another build running) makes each of them
// slower, so the default wait is a minute rather than Playwright's 30 s.
// Screenshots of the main pages go to ZLC_SHOTS.
//
// For work on the front end, ZLC_BASE=http://127.0.0.1:5173 runs the walk
// against a server already running (e.g. `vite` proxying to `zlc serve
// --demo`) instead of starting one, and ZLC_DEVICES=desktop runs one size.
// ZLC_E2E_ONLY=inject (a comma-separated list of firstload, walk, ledgers,
// office, words, inject) runs only those parts; by default all run.

import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { walk } from './walk.mjs'

const bin = process.env.ZLC_BIN
const shots = process.env.ZLC_SHOTS || join(tmpdir(), 'zlc-screenshots')
const existing = process.env.ZLC_BASE
if (!bin && !existing) {
  console.error('ZLC_BIN must name the zlc binary (or ZLC_BASE a running server)')
  process.exit(2)
}
const PASSWORD = process.env.ZLC_DEMO_PASSWORD || 'Zlc-E2e-Demo-2024!'
const ADMIN_PASSWORD = process.env.ZLC_ADMIN_PASSWORD || 'Zlc-E2e-Admin-2024!'
/** How long any one wait for the application may take on a busy machine. */
const WAIT_MS = 60_000
/** The largest first load of the dashboard allowed (issue 4: under 1 MB gzipped). */
const FIRST_LOAD_LIMIT = 1024 * 1024

const DEVICES = [
  { name: 'desktop', viewport: { width: 1366, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
].filter((d) => !process.env.ZLC_DEVICES || process.env.ZLC_DEVICES.split(',').includes(d.name))

/** Whether this part of the run is wanted (ZLC_E2E_ONLY; all by default). */
const only = process.env.ZLC_E2E_ONLY ? process.env.ZLC_E2E_ONLY.split(',').map((p) => p.trim()) : null
const runs = (part) => !only || only.includes(part)

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function startServer() {
  if (existing) return { base: existing.replace(/\/$/, ''), proc: null, dir: null, log: () => '' }
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'zlc-e2e-'))
  const proc = spawn(bin, ['--data-dir', dir, 'serve', '--demo', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, ZLC_ADMIN_PASSWORD: ADMIN_PASSWORD, ZLC_DEMO_PASSWORD: PASSWORD, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  proc.stdout.on('data', (d) => (log += d))
  proc.stderr.on('data', (d) => (log += d))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`zlc exited early:\n${log}`)
    try {
      const r = await fetch(`${base}/healthz`)
      if (r.ok) return { base, proc, dir, log: () => log }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  proc.kill()
  throw new Error(`zlc did not start:\n${log}`)
}

/**
 * Total gzipped size of what the first load of the dashboard fetched, signed
 * in as the supervisor (whose dashboard draws the charts): every response
 * that is not the API, from a cold cache.
 */
async function firstLoadBytes(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } })
  const login = await ctx.request.post(`${base}/api/v1/auth/login`, {
    headers: { origin: base },
    data: { username: 'demo-supervisor', password: PASSWORD },
  })
  if (!login.ok()) throw new Error(`sign-in for the first-load measure failed: ${login.status()}`)
  const page = await ctx.newPage()
  const bodies = []
  page.on('response', (r) => {
    if (!r.url().startsWith(base) || r.url().includes('/api/')) return
    bodies.push(
      r.body().then(
        (b) => ({ url: r.url(), gz: gzipSync(b).length }),
        () => ({ url: r.url(), gz: 0 }), // redirects have no body
      ),
    )
  })
  await page.goto(`${base}/`)
  await page.locator('[data-test=dashboard-figures] [data-test=stat-activities]').waitFor()
  await page.waitForLoadState('networkidle')
  const files = await Promise.all(bodies)
  await ctx.close()
  return { total: files.reduce((a, f) => a + f.gz, 0), files }
}

/** A browser's note that the API answered 4xx: the server's refusal, which the page shows. */
function isApiRefusal(message, base) {
  const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(message.text())
  if (!m) return false
  const url = message.location().url || ''
  // 401 signed out, 409 a stale version or a rule, 422 a field, 423 locked.
  return url.startsWith(`${base}/api/v1/`) && ['401', '409', '422', '423'].includes(m[1])
}

async function main() {
  rmSync(shots, { recursive: true, force: true })
  mkdirSync(shots, { recursive: true })
  const server = await startServer()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const failures = []
  const started = Date.now()
  /** Browsers of one device, watched: console errors and exceptions go to `errors`. */
  const session = (device) => {
    const errors = []
    const watch = (page) => {
      page.on('console', (m) => {
        if (m.type() !== 'error' || isApiRefusal(m, server.base)) return
        errors.push(`[${device.name}] console: ${m.text()} (${m.location().url || page.url()})`)
      })
      page.on('pageerror', (e) => errors.push(`[${device.name}] exception: ${e.message}`))
    }
    const contexts = []
    /** A fresh browser of this device: no cookies, watched like the first. */
    const newContext = async () => {
      const c = await browser.newContext({ viewport: device.viewport, isMobile: device.isMobile, hasTouch: device.hasTouch, locale: 'zh-CN' })
      c.setDefaultTimeout(WAIT_MS)
      c.on('page', watch)
      contexts.push(c)
      return c
    }
    /** A screenshot of the whole page, or of the screen while a drawer or dialog is open (it covers the screen only). */
    const shot = async (page, name) => {
      await page.waitForTimeout(300)
      const overlay = await page.locator('.el-overlay:visible').count()
      // A whole page from its top: scrolled, the fixed menu and header would be drawn part way down.
      if (!overlay) await page.evaluate(() => window.scrollTo(0, 0))
      await page.screenshot({ path: join(shots, `${device.name}-${name}.png`), fullPage: !overlay })
    }
    /** Records a failure with screenshots of every open page. */
    const failed = async (e) => {
      failures.push(`[${device.name}] ${e.stack || e}`)
      let n = 0
      for (const c of contexts) {
        for (const p of c.pages()) {
          await p.screenshot({ path: join(shots, `${device.name}-FAILED-${++n}.png`) }).catch(() => {})
        }
      }
    }
    const close = async () => {
      failures.push(...errors)
      for (const c of contexts) await c.close()
    }
    return { newContext, shot, failed, close }
  }
  try {
    if (runs('firstload')) {
      const load = await firstLoadBytes(browser, server.base)
      console.log(`first load of the dashboard (signed in, ${load.files.length} files), gzipped: ${(load.total / 1024).toFixed(0)} KiB`)
      if (load.total > FIRST_LOAD_LIMIT) {
        const big = load.files.sort((a, b) => b.gz - a.gz).slice(0, 5).map((f) => `${f.url} ${f.gz}`)
        failures.push(`first load of the dashboard is ${load.total} bytes gzipped, over 1 MB: ${big.join(', ')}`)
      }
    }
    const timed = async (name, part) => {
      const t0 = Date.now()
      const result = await part()
      console.log(`ok: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
      return result
    }
    for (const device of DEVICES.filter(() => ['walk', 'ledgers', 'office', 'words'].some(runs))) {
      const { newContext, shot, failed, close } = session(device)
      const tag = () => `${device.name}-${Date.now() % 100000}`
      const common = { newContext, base: server.base, device: device.name, password: PASSWORD, shot }
      try {
        if (runs('walk')) {
          const ctx = await newContext()
          await timed(`${device.name} walk`, () => walk({ ...common, ctx, adminPassword: ADMIN_PASSWORD, tag: tag() }))
        }
        // 需求清单 and 整改清单: the detail drawers, their timeline and next steps.
        if (runs('ledgers')) {
          const { ledgers } = await import('./ledgers.mjs')
          await timed(`${device.name} ledgers`, () => ledgers({ ...common, tag: tag() }))
        }
        // The seeds' tables in and out (template, import with its errors,
        // export) and 统计 with its drill-down, charts and 通报.
        if (runs('office')) {
          const { office } = await import('./office.mjs')
          await timed(`${device.name} office`, () => office({ ...common, tag: tag() }))
        }
        // Every screen in the office's words, every record by its name (issue 11 §4).
        if (runs('words')) {
          const { words } = await import('./words.mjs')
          const visited = await timed(`${device.name} words`, () => words({ ...common, adminPassword: ADMIN_PASSWORD, tag: tag() }))
          for (const [who, pages] of Object.entries(visited)) console.log(`   ${device.name} ${who}: ${pages.join('、')}`)
        }
      } catch (e) {
        await failed(e)
      }
      await close()
    }
    // Stored markup shown as text only (security item 5): last, once, at the
    // desktop size, so that its hostile records meet no other part's checks.
    if (runs('inject')) {
      const device = { name: 'inject', viewport: { width: 1366, height: 900 } }
      const { newContext, shot, failed, close } = session(device)
      try {
        const { inject } = await import('./inject.mjs')
        const { visited } = await timed('inject (desktop)', () =>
          inject({
            newContext,
            base: server.base,
            password: PASSWORD,
            adminPassword: ADMIN_PASSWORD,
            isApiRefusal: (m) => isApiRefusal(m, server.base),
            shot,
            tag: `inject-${Date.now() % 100000}`,
          }),
        )
        for (const [who, pages] of Object.entries(visited)) console.log(`   inject ${who}: ${pages.join('、')}`)
      } catch (e) {
        await failed(e)
      }
      await close()
    }
  } finally {
    await browser.close()
    if (server.proc) {
      server.proc.kill()
      writeFileSync(join(shots, 'server.log'), server.log())
      rmSync(server.dir, { recursive: true, force: true })
    }
  }
  console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (failures.length) {
    console.error(`browser tests failed:\n- ${failures.join('\n- ')}`)
    console.error(`screenshots in ${shots}`)
    process.exit(1)
  }
  console.log(`browser tests passed; screenshots in ${shots}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
