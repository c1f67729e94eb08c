// Browser tests: the real zlc binary on a fresh demo database, driven through
// Debian's Chromium by playwright-core (browsers cannot be downloaded here).
//
//   ZLC_BIN=target/debug/zlc ZLC_SHOTS=target/screenshots node web/e2e/run.mjs
//
// The walk of issue 4, at a desktop size and again at a phone size (390×844):
// sign in; plan a walk and publish it; see it on the public page signed out;
// record a 坐窗口 activity with a callback, a problem and a photo; file it;
// take the problem to 已销号 with a second account verifying; see it counted
// on the dashboard. Any console error or uncaught exception fails the run.
// Screenshots of the main pages go to ZLC_SHOTS.

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
if (!bin) {
  console.error('ZLC_BIN must name the zlc binary')
  process.exit(2)
}
const PASSWORD = 'Zlc-E2e-Demo-2024!'
const ADMIN_PASSWORD = 'Zlc-E2e-Admin-2024!'

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

/** Total gzipped size of what the first load of a page fetched. */
async function firstLoadBytes(browser, base) {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  const bodies = []
  page.on('response', async (r) => {
    if (!r.url().startsWith(base) || r.url().includes('/api/')) return
    try {
      bodies.push(gzipSync(await r.body()).length)
    } catch {
      // redirects have no body
    }
  })
  await page.goto(`${base}/login`)
  await page.waitForLoadState('networkidle')
  await ctx.close()
  return bodies.reduce((a, b) => a + b, 0)
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
  try {
    const gz = await firstLoadBytes(browser, server.base)
    console.log(`first load (login + app shell), gzipped: ${(gz / 1024).toFixed(0)} KiB`)
    if (gz > 1024 * 1024) failures.push(`first load is ${gz} bytes gzipped, over 1 MB`)
    for (const device of [
      { name: 'desktop', viewport: { width: 1366, height: 900 } },
      { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    ]) {
      const errors = []
      const ctx = await browser.newContext({ viewport: device.viewport, isMobile: device.isMobile, hasTouch: device.hasTouch, locale: 'zh-CN' })
      const watch = (page) => {
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(`[${device.name}] console: ${m.text()}`)
        })
        page.on('pageerror', (e) => errors.push(`[${device.name}] exception: ${e.message}`))
      }
      ctx.on('page', watch)
      const shot = async (page, name) => {
        await page.waitForTimeout(300)
        await page.screenshot({ path: join(shots, `${device.name}-${name}.png`), fullPage: true })
      }
      try {
        await walk({ ctx, base: server.base, device: device.name, password: PASSWORD, shot, tag: `${device.name}-${Date.now() % 100000}` })
        console.log(`ok: ${device.name} walk`)
      } catch (e) {
        failures.push(`[${device.name}] ${e.stack || e}`)
        for (const p of ctx.pages()) {
          await p.screenshot({ path: join(shots, `${device.name}-FAILED.png`), fullPage: true }).catch(() => {})
        }
      }
      failures.push(...errors)
      await ctx.close()
    }
  } finally {
    await browser.close()
    server.proc.kill()
    writeFileSync(join(shots, 'server.log'), server.log())
    rmSync(server.dir, { recursive: true, force: true })
  }
  if (failures.length) {
    console.error(`browser tests failed:\n- ${failures.join('\n- ')}`)
    process.exit(1)
  }
  console.log(`browser tests passed; screenshots in ${shots}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
