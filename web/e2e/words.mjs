// Issue 11 §4 in the browser: every screen in the office's words, every
// record by its name.
//
// 1. A liaison writes a plan and submits it (待发布); the supervisor sees
//    what waits, publishes it in a batch after the confirmation, and the
//    public page shows it without its internal 备注 (page and API).
// 2. The supervisor opens the published plan's 记录本次活动: the activity
//    form starts from the plan.
// 3. A liaison, who sees callbacks masked, saves a record with callbacks,
//    then saves it again without retyping them: accepted, and the sealed
//    originals are kept (read back by the supervisor through the API).
// 4. The supervisor reads the rules as a page; the TOML is not sent.
// 5. The audit administrator filters the log by day and kind of record
//    (actions in Chinese) and exports it as CSV.
// 6. Each role — the five demo accounts and the three administrators —
//    visits every page of its menu (and the first record of each list, and
//    each tab of 系统): no `#123` and no English action or record word.

import { addDays, check, closeDrawer, confirmBox, date, field, message, nav, pick, quarterOf, signIn, signedIn, submit, ymd } from './ui.mjs'

/** English words of the API that must never reach a page: actions, record kinds, statuses, empty values. */
const ENGLISH = /\b(create|update|delete|revoke|verify|submit|submitted|publish|published|cancelled|draft|pending|in-progress|awaiting-verification|closed|filed|attach|activate|user|plan|problem|activity|need|measure|unit|item|session|api_token|policy|calendar|import|demo|walk|window|self|proxy|accompany|undefined|null|NaN)\b/i
/** A record's number on screen: #123. */
const NUMBER_ID = /#\d+/

/**
 * The visible text of the page, less what people typed as identifiers:
 * login names (demo-liaison, e2e-desktop-123) and, on the roles tab, the
 * roles' codes (their 编码).
 */
async function screenText(page, { roleCodes = false } = {}) {
  let text = await page.locator('body').innerText()
  text = text.replace(/\b(?:demo|e2e)-[a-z0-9-]+/g, ' ').replace(/\b(sysadmin|secadmin|auditadmin)\b/g, ' ')
  if (roleCodes) text = text.replace(/\b(supervisor|liaison|official|handler)\b/g, ' ')
  return text
}

/** Fails naming the page and the words found, if any. */
async function inWords(page, where, options) {
  const text = await screenText(page, options)
  const id = NUMBER_ID.exec(text)
  const en = ENGLISH.exec(text)
  check(!id, `${where} shows a record number: …${id && text.slice(Math.max(0, id.index - 30), id.index + 10)}…`)
  check(!en, `${where} shows an English word: …${en && text.slice(Math.max(0, en.index - 30), en.index + 30)}…`)
}

/** Waits until the page has no loading mask and no request in flight. */
export async function settled(page) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask:not([style*="display: none"])'))
}

/** The menu entries of the signed-in account (the side menu, or the phone's drawer). */
export async function menu(page, device) {
  if (device === 'phone') {
    await page.locator('.menu-button').click()
    const titles = (await page.locator('.drawer-menu .el-button').allInnerTexts()).map((t) => t.trim())
    await page.keyboard.press('Escape')
    await page.locator('.drawer-menu').waitFor({ state: 'hidden' })
    return titles
  }
  return (await page.locator('.aside .el-menu-item').allInnerTexts()).map((t) => t.trim())
}

/**
 * Every page of the role's menu, each tab of 系统 (and the first entry of a
 * table that expands), and a record of each list in its drawer or dialog:
 * `look(page, where, options)` reads each of them (by default: in words).
 * `prefer` (text or regex): open the record whose row holds it rather than
 * the first; `opens(title)` false: the page's rows open nothing (or the
 * caller opens them itself), none is tried. `after(page, title)` runs last
 * on each page and returns the names of what else it visited.
 */
export async function walkPages(page, device, who, { look = inWords, prefer = null, opens = () => true, after = null } = {}) {
  const visited = []
  /** The first of `rows`, or the first holding `prefer` when one does. */
  const chosen = async (rows) => {
    if (prefer) {
      const held = rows.filter({ hasText: prefer }).first()
      if (await held.count()) return held
    }
    return rows.first()
  }
  for (const title of await menu(page, device)) {
    await nav(page, device, title)
    await settled(page)
    await look(page, `${who} · ${title}`)
    visited.push(title)
    if (title === '系统') {
      for (const tab of await page.locator('[data-test^=tab-]').all()) {
        const name = (await tab.innerText()).trim()
        await tab.click()
        await settled(page)
        await look(page, `${who} · 系统 · ${name}`, { roleCodes: name === '角色' })
        const row = await chosen(page.locator('.el-tab-pane:visible .el-table__row', { has: page.locator('.el-table__expand-icon') }))
        if (await row.count()) {
          await row.locator('.el-table__expand-icon').click()
          await page.locator('.el-tab-pane:visible [data-test=audit-changes]').first().waitFor()
          await look(page, `${who} · 系统 · ${name} · 展开`)
        }
        visited.push(`系统·${name}`)
      }
    } else if (opens(title)) {
      // A record of the page's main list, in its drawer or dialog.
      const row = await chosen(page.locator('.page-card .el-table__body-wrapper .el-table__row'))
      if (await row.count()) {
        await row.locator('td').nth(1).click()
        const overlay = page.locator('.el-drawer:visible, .el-dialog:visible').first()
        if (await overlay.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
          await settled(page)
          await look(page, `${who} · ${title} · 详情`)
          visited.push(`${title}·详情`)
          await page.keyboard.press('Escape')
          await overlay.waitFor({ state: 'hidden' })
        }
      }
    }
    if (after) visited.push(...((await after(page, title)) ?? []))
  }
  return visited
}

/** A signed-in page of a fresh browser of this device. */
export async function as(newContext, base, username, password) {
  const ctx = await newContext()
  const page = await ctx.newPage()
  await signIn(page, base, username, password)
  await signedIn(page)
  return page
}

/** The accounts whose pages are walked: the five demo accounts, then the three administrators. */
export const ACCOUNTS = ['demo-supervisor', 'demo-liaison', 'demo-liaison2', 'demo-official', 'demo-handler', 'sysadmin', 'secadmin', 'auditadmin']
/** The password of an account of ACCOUNTS. */
export const passwordOf = (who, password, adminPassword) => (who.startsWith('demo-') ? password : adminPassword)

export async function words({ newContext, base, device, password, adminPassword, shot, tag }) {
  const today = ymd(new Date())
  const visited = {}

  // ---- 1. a liaison submits a plan, the supervisor publishes it -----------
  const note = `E2E ${tag} 内部备注：请办公室协调车辆`
  // A few days ahead, within this quarter (the pages open on it).
  const planDate = quarterOf(addDays(today, 3)) === quarterOf(today) ? addDays(today, 3) : today
  const liaison = await as(newContext, base, 'demo-liaison', password)
  await nav(liaison, device, '计划')
  await liaison.locator('[data-test=plan-new]').click()
  const dialog = liaison.locator('[data-test=plan-dialog]')
  await dialog.waitFor()
  await pick(liaison, dialog.locator('[data-test=plan-officials]'), ['宋超'])
  await pick(liaison, dialog.locator('[data-test=plan-kind]'), '走流程')
  await date(liaison, dialog.locator('[data-test=plan-date]'), planDate)
  await field(dialog.locator('[data-test=plan-note]')).fill(note)
  const saved = await submit(liaison, dialog.locator('[data-test=plan-save]'), '/plans')
  check(!(await dialog.locator('[data-test=plan-publish]').count()), 'a liaison may not publish')
  await submit(liaison, dialog.locator('[data-test=plan-submit]'), `/plans/${saved.id}/submit`)
  await dialog.locator('[data-test=plan-status]', { hasText: '待发布' }).waitFor()
  await message(liaison, '已提交发布')
  await shot(liaison, 'plan-submitted')
  await dialog.getByRole('button', { name: '关闭', exact: true }).click()
  await dialog.waitFor({ state: 'hidden' })

  const sup = await as(newContext, base, 'demo-supervisor', password)
  await nav(sup, device, '计划')
  await sup.locator('[data-test=plan-waiting]', { hasText: '等待发布' }).waitFor()
  await sup.locator('[data-test=plan-waiting-open]').click()
  const waiting = sup.locator('[data-test=plan-waiting-dialog]')
  const row = waiting.locator('.el-table__row', { has: sup.locator(`[data-test=plan-waiting-row][data-id="${saved.id}"]`) })
  await row.locator('.el-checkbox').click()
  await waiting.locator('[data-test=plan-publish-chosen]', { hasText: '（1）' }).waitFor()
  await shot(sup, 'plan-waiting')
  await waiting.locator('[data-test=plan-publish-chosen]').click()
  // Publishing is public and final: it asks first, and says so.
  const box = sup.locator('.el-message-box:visible')
  check((await box.innerText()).includes('不能再修改'), 'the confirmation says publishing is final')
  const published = sup.waitForResponse((r) => r.url().endsWith('/api/v1/plans/publish') && r.request().method() === 'POST')
  await confirmBox(sup, '确定发布')
  check((await published).ok(), 'the batch is published')
  await message(sup, '已发布 1 项计划')
  await waiting.waitFor({ state: 'hidden' })
  {
    const r = await sup.request.get(`${base}/api/v1/plans/${saved.id}`)
    check((await r.json()).status === 'published', 'the plan is published')
    const pub = await (await newContext()).newPage()
    const api = await pub.request.get(`${base}/api/v1/public/plans?period=${planDate.slice(0, 7)}`)
    const all = (await api.json()).items
    check(all.some((p) => p.id === saved.id), 'the published plan is public')
    check(!JSON.stringify(all).includes(note), 'the 备注 is not in /public/plans')
    await pub.goto(`${base}/public/`)
    await pub.locator('[data-test=public-page]').waitFor()
    await pub.locator('[data-test=public-plan]', { hasText: planDate }).first().waitFor()
    check(!(await pub.locator('body').innerText()).includes(note), 'the 备注 is not on the public page')
    await pub.context().close()
  }

  // ---- 2. 记录本次活动 from the published plan ------------------------------
  await sup.locator(`[data-test=plan-row][data-id="${saved.id}"]`).click()
  const planDialog = sup.locator('[data-test=plan-dialog]')
  await planDialog.locator('[data-test=plan-status]', { hasText: '已发布' }).waitFor()
  await planDialog.locator('[data-test=plan-record-activity]').click()
  const fromPlan = sup.locator('[data-test=activity-drawer]')
  await fromPlan.locator('[data-test=activity-plan]', { hasText: '宋超' }).waitFor()
  await fromPlan.locator('[data-test=activity-unit]', { hasText: '区市场监督管理局' }).waitFor()
  await fromPlan.locator('[data-test=activity-officials] .el-tag', { hasText: '宋超' }).waitFor()
  check((await field(fromPlan.locator('[data-test=activity-date]')).inputValue()) === planDate, 'the record starts on the plan’s day')
  await shot(sup, 'activity-from-plan')
  // Nothing typed yet: it closes without asking.
  await sup.keyboard.press('Escape')
  await fromPlan.waitFor({ state: 'hidden' })
  await planDialog.getByRole('button', { name: '关闭', exact: true }).click()
  await planDialog.waitFor({ state: 'hidden' })

  // ---- 3. masked callbacks saved again, untouched --------------------------
  await nav(liaison, device, '活动记录')
  await liaison.locator('[data-test=activity-new]').click()
  const drawer = liaison.locator('[data-test=activity-drawer]')
  await drawer.waitFor()
  await pick(liaison, drawer.locator('[data-test=activity-officials]'), ['宋超'])
  await pick(liaison, drawer.locator('[data-test=activity-kind]'), '坐窗口')
  await date(liaison, drawer.locator('[data-test=activity-date]'), addDays(today, -1))
  await drawer.locator('[data-test=step-callback]').click()
  // The hint follows the form before anything is saved.
  await drawer.locator('[data-test=filing-missing]').waitFor()
  await drawer.locator('[data-test=callback-add]').click()
  const cb = drawer.locator('[data-test=callback-row]').first()
  await field(cb.locator('[data-test=callback-name]')).fill('欧阳明')
  await field(cb.locator('[data-test=callback-phone]')).fill('13712345678')
  await date(liaison, cb.locator('[data-test=callback-served]'), addDays(today, -20))
  // Closing now would lose what was typed: it asks first.
  await liaison.keyboard.press('Escape')
  await confirmBox(liaison, '继续编辑')
  const first = await submit(liaison, drawer.locator('[data-test=activity-save]'), '/activities')
  check(first.callbacks[0].name === '欧**' && first.callbacks[0].phone === '137****5678', `the liaison sees the callback masked: ${JSON.stringify(first.callbacks[0])}`)
  await drawer.locator('[data-test=callbacks-masked]').waitFor()
  await field(drawer.locator('[data-test=activity-content]')).fill(`E2E ${tag} 第二次保存，回访对象不重填`)
  const second = await submit(liaison, drawer.locator('[data-test=activity-save]'), `/activities/${first.id}`, 'PUT')
  check(second.callbacks[0].id === first.callbacks[0].id, 'the callback is kept, not replaced')
  check(!(await drawer.locator('.el-form-item__error', { hasText: '脱敏' }).count()), 'no field asks for a retyped name')
  {
    const r = await sup.request.get(`${base}/api/v1/activities/${first.id}`)
    const c = (await r.json()).callbacks[0]
    check(c.name === '欧阳明' && c.phone === '13712345678', `the sealed originals are kept: ${JSON.stringify(c)}`)
  }
  await shot(liaison, 'activity-masked-saved')
  await closeDrawer(liaison)
  await liaison.context().close()
  await sup.context().close()

  // ---- 4. the rules in words for the supervisor, the TOML for sysadmin only --
  {
    const page = await as(newContext, base, 'demo-supervisor', password)
    await nav(page, device, '系统')
    await page.locator('[data-test=tab-policy]').click()
    await page.locator('[data-test=policy-rules] [data-test=policy-kind-window]').waitFor()
    check(!(await page.locator('[data-test=policy-source]').count()), 'the supervisor is shown the rules, not the TOML')
    const r = await page.request.get(`${base}/api/v1/policy`)
    check((await r.json()).source === '', 'the server does not send the TOML to the supervisor')
    await page.context().close()
  }

  // ---- 5. the audit log: a day, a kind of record, an export ----------------
  {
    const page = await as(newContext, base, 'auditadmin', adminPassword)
    await nav(page, device, '系统')
    await page.locator('[data-test=tab-audit]').click()
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor()
    await pick(page, '[data-test=audit-filter-entity]', '计划')
    const days = page.locator('[data-test=audit-filter-days] input')
    await days.first().fill(today)
    await days.nth(1).fill(today)
    await days.nth(1).press('Enter')
    const listed = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes('entity=plan') && r.url().includes(`from=${today}`))
    await page.locator('[data-test=audit-search]').click()
    check((await listed).ok(), 'the audit log is filtered by day and kind')
    await page.locator('[data-test=audit-table] [data-test=audit-action]', { hasText: '发布' }).first().waitFor()
    const actions = await page.locator('[data-test=audit-table] [data-test=audit-action]').allInnerTexts()
    check(actions.length && actions.every((a) => /^[\u4e00-\u9fa5]+$/.test(a.trim())), `actions in Chinese: ${actions.join('、')}`)
    const download = page.waitForEvent('download')
    await page.locator('[data-test=audit-export]').click()
    const file = await download
    check(/^审计日志-\d{8}\.csv$/.test(file.suggestedFilename()), `the export's name: ${file.suggestedFilename()}`)
    const csv = (await (await file.createReadStream()).toArray()).map(String).join('')
    check(csv.includes('操作,对象类型,对象,变更内容') && csv.includes('发布') && csv.includes('计划'), `the export in Chinese: ${csv.slice(0, 200)}`)
    await shot(page, 'system-audit-filtered')
    await page.context().close()
  }

  // ---- 6. every role, every page, in the office's words --------------------
  for (const who of ACCOUNTS) {
    const page = await as(newContext, base, who, passwordOf(who, password, adminPassword))
    visited[who] = await walkPages(page, device, who)
    await page.context().close()
  }
  return visited
}
