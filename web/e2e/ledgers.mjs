// 需求清单 and 整改清单 in the browser: a row opens its detail drawer with the
// fields, the 办理过程 timeline and the next steps the role may take.
//
// At a desktop size, as a liaison (who may write needs and measures): a need
// is registered, found by search and opened; the timeline shows its 登记;
// 无法满足 is refused without the explanation; an edit adds a timeline entry
// naming the changed field; a change made meanwhile elsewhere makes the next
// step answer 409, whose message shows before the drawer reloads; then
// 标记已满足 closes it and no step is left. A measure past its time limit is
// registered for a problem: marked 超期 in the table and the drawer, its
// problem opens in a drawer of its own; 开始推进, an edit of the time limit
// and 标记完成 (refused without the effect) each add an entry. At a phone
// size: a drawer opens full width, screenshot.

import { addDays, check, closeDrawer, date, field, message, nav, pick, signIn, signedIn, ymd } from './ui.mjs'

/** The record a drawer shows (its title names it; the id is for the API calls below). */
const drawerId = async (drawer) => Number(await drawer.getAttribute('data-id'))

/** Waits for the ElMessages to fade, so a screenshot shows the drawer itself. */
const quiet = (page) => page.waitForFunction(() => !document.querySelector('.el-message'), null, { timeout: 8000 })

/** The timeline's entries, once there are `n` of them. */
async function entries(drawer, n) {
  const items = drawer.locator('[data-test=history-entry]')
  await items.nth(n - 1).waitFor()
  const count = await items.count()
  check(count === n, `the timeline shows ${count} entries, expected ${n}`)
  return items
}

/** Searches the page's list by keyword and opens the row holding `text`. */
async function openRow(page, kind, text) {
  await field(page.locator(`[data-test=${kind}-search] [data-test=filter-q]`)).fill(text)
  await page.locator(`[data-test=${kind}-search-button]`).click()
  // The row may show already (a new record heads the list): wait for the list to be the search's.
  await page
    .waitForFunction((k) => document.querySelectorAll(`[data-test=${k}-row]`).length === 1, kind, { timeout: 10000 })
    .catch(() => {})
  const row = page.locator(`[data-test=${kind}-row]`, { hasText: text })
  await row.waitFor()
  check((await page.locator(`[data-test=${kind}-row]`).count()) === 1, `the search for ${text} finds one ${kind}`)
  await row.locator('td').nth(1).click()
  const drawer = page.locator(`[data-test=${kind}-drawer]`)
  await drawer.locator(`[data-test=${kind}-fields]`).waitFor()
  return { row, drawer }
}

export async function ledgers({ newContext, base, device, password, shot, tag }) {
  const ctx = await newContext()
  const page = await ctx.newPage()
  await signIn(page, base, 'demo-liaison', password)
  await signedIn(page)

  if (device === 'phone') {
    await nav(page, device, '需求清单')
    await page.locator('[data-test=need-row]').first().locator('td').first().click()
    const drawer = page.locator('[data-test=need-drawer]')
    await drawer.locator('[data-test=need-fields]').waitFor()
    await drawer.locator('[data-test=need-timeline], [data-test=need-timeline-empty]').first().waitFor()
    const box = await drawer.boundingBox()
    const width = page.viewportSize().width
    check(box && box.width >= width - 1, `the drawer is full width on a phone: ${box?.width} of ${width}`)
    await shot(page, 'need-drawer')
    // The activity it came from, when it has one, opens over it.
    const link = drawer.locator('[data-test=need-activity-link]')
    if (await link.count()) {
      await link.click()
      const activity = page.locator('[data-test=activity-drawer]')
      await activity.locator('.el-drawer__title').waitFor()
      await page.keyboard.press('Escape')
      await activity.waitFor({ state: 'hidden' })
      check(await drawer.isVisible(), 'closing the activity leaves the need open')
    }
    await closeDrawer(page)
    await ctx.close()
    return
  }

  // ---- 需求清单 -----------------------------------------------------------
  await nav(page, device, '需求清单')
  const needText = `E2E ${tag} 希望证照到期前短信提醒`
  await page.locator('[data-test=need-new]').click()
  await field(page.locator('[data-test=need-form] [data-test=need-content]')).fill(needText)
  await page.locator('[data-test=need-save]').click()
  await message(page, '需求已保存')
  // The new need opens at once; close it and find it as anyone would.
  await page.locator('[data-test=need-drawer] [data-test=need-fields]').waitFor()
  await closeDrawer(page)
  let { drawer } = await openRow(page, 'need', needText)
  const needId = await drawerId(drawer)
  let items = await entries(drawer, 1)
  check((await items.first().innerText()).includes('登记'), 'the first entry is the 登记')
  check((await items.first().locator('[data-test=change-content]').innerText()).includes(needText), 'the 登记 shows the content')
  for (const a of ['answer', 'met', 'cannot-meet', 'edit']) await drawer.locator(`[data-test=need-action-${a}]`).waitFor()

  // 无法满足 wants its reason.
  await drawer.locator('[data-test=need-action-cannot-meet]').click()
  const stepForm = page.locator('[data-test=need-action-form]')
  await field(stepForm.locator('[data-test=need-action-response]')).fill('')
  await page.locator('[data-test=need-action-confirm]').click()
  await stepForm.locator('.el-form-item__error', { hasText: '无法满足的需求须说明理由' }).waitFor()
  await page.keyboard.press('Escape')
  await stepForm.waitFor({ state: 'hidden' })

  // An edit through the form: the timeline gains an entry naming the field.
  await drawer.locator('[data-test=need-action-edit]').click()
  const form = page.locator('[data-test=need-form]')
  await field(form.locator('[data-test=need-content]')).fill(`${needText}（含营业执照）`)
  await page.locator('[data-test=need-save]').click()
  await message(page, '需求已保存')
  await form.waitFor({ state: 'hidden' })
  items = await entries(drawer, 2)
  const edited = items.nth(1)
  check((await edited.innerText()).includes('修改'), 'the edit is a 修改')
  const contentChange = await edited.locator('[data-test=change-content]').innerText()
  check(contentChange.includes('需求内容') && contentChange.includes('→') && contentChange.includes('（含营业执照）'), `the edit names the field: ${contentChange}`)

  // Someone answers meanwhile: the next step meets a stale version.
  const api = (path, init = {}) =>
    ctx.request.fetch(`${base}/api/v1${path}`, { ...init, headers: { origin: base, ...(init.headers || {}) } })
  const current = await (await api(`/needs/${needId}`)).json()
  const answered = await api(`/needs/${needId}`, {
    method: 'PATCH',
    data: { version: current.version, status: 'answered', response: '已转交信息中心评估' },
  })
  check(answered.ok(), `the change meanwhile: ${answered.status()}`)
  await drawer.locator('[data-test=need-action-met]').click()
  await field(page.locator('[data-test=need-action-response]')).fill('已开通到期短信提醒')
  await page.locator('[data-test=need-action-confirm]').click()
  await message(page, '记录已被他人修改')
  items = await entries(drawer, 3)
  await drawer.locator('[data-test=need-drawer-status]', { hasText: '已回应' }).waitFor()
  check((await items.nth(2).locator('[data-test=change-status]').innerText()).includes('待回应 → 已回应'), 'the reload shows the change meanwhile')
  check(!(await drawer.locator('[data-test=need-action-answer]').count()), 'an answered need offers no 回应')

  // Now 标记已满足 goes through, and the need is closed.
  await drawer.locator('[data-test=need-action-met]').click()
  await field(page.locator('[data-test=need-action-response]')).fill('已开通到期短信提醒')
  await page.locator('[data-test=need-action-confirm]').click()
  await message(page, '已标记为已满足')
  await drawer.locator('[data-test=need-drawer-status]', { hasText: '已满足' }).waitFor()
  items = await entries(drawer, 4)
  const met = await items.nth(3).innerText()
  check(met.includes('状态：') && met.includes('已回应 → 已满足') && met.includes('办结日期'), `the 已满足 entry: ${met}`)
  await drawer.locator('[data-test=no-actions]', { hasText: '已办结' }).waitFor()
  check(!(await drawer.locator('[data-test=need-action-met], [data-test=need-action-cannot-meet]').count()), 'a met need offers no status step')
  await quiet(page)
  await shot(page, 'need-drawer')
  await closeDrawer(page)
  await page.locator('[data-test=need-row]', { hasText: needText }).locator('.el-tag', { hasText: '已满足' }).waitFor()

  // ---- 整改清单 -----------------------------------------------------------
  // A problem of the liaison's own units (a co-unit out of scope would be a 404 the page logs).
  const problems = await (await api('/problems?limit=50')).json()
  // One whose words no other problem shares, so the search finds it alone.
  const problem = problems.items.find(
    (p) => !p.other_units.length && problems.items.filter((q) => q.description === p.description).length === 1,
  )
  check(problem, 'the liaison sees a problem to link the measure to')
  await nav(page, device, '整改清单')
  const today = ymd(new Date())
  const measureText = `E2E ${tag} 推行证照到期短信提醒`
  await page.locator('[data-test=measure-new]').click()
  const mform = page.locator('[data-test=measure-form]')
  await field(mform.locator('[data-test=measure-content]')).fill(measureText)
  // The problem is found by its words, never typed as a number.
  const words = problem.description.slice(0, 12)
  await pick(page, mform.locator('[data-test=measure-problem]'), words, { type: true })
  check((await mform.locator('[data-test=measure-problem]').innerText()).includes(words), 'the problem is chosen by its words')
  await date(page, mform.locator('[data-test=measure-deadline]'), addDays(today, -2))
  await page.locator('[data-test=measure-save]').click()
  await message(page, '整改措施已保存')
  await page.locator('[data-test=measure-drawer] [data-test=measure-fields]').waitFor()
  await closeDrawer(page)
  let row
  ;({ row, drawer } = await openRow(page, 'measure', measureText))
  await row.locator('[data-test=measure-overdue]').waitFor()
  await drawer.locator('[data-test=measure-overdue]').waitFor()
  // The problem it was linked to, as the server holds it.
  const linked = (await (await api(`/measures/${await drawerId(drawer)}`)).json()).problem_id
  const linkedProblem = await (await api(`/problems/${linked}`)).json()
  check(linkedProblem.description.startsWith(words), `the measure is linked to the problem chosen: ${linkedProblem.description}`)
  items = await entries(drawer, 1)
  const created = await items.first().innerText()
  check(created.includes('登记') && created.includes(`针对问题：${problem.description.slice(0, 12)}`) && !/#\d/.test(created), `the 登记 of the measure: ${created}`)

  // Its problem opens in a drawer of its own, over this one.
  await drawer.locator('[data-test=measure-problem-link]').click()
  const problemDrawer = page.locator('[data-test=problem-drawer]')
  await problemDrawer.locator('.el-drawer__title', { hasText: problem.description.slice(0, 12) }).waitFor()
  check(Number(await problemDrawer.getAttribute('data-id')) === linked, 'the linked problem opens')
  await problemDrawer.locator('[data-test=problem-timeline]').waitFor()
  await shot(page, 'measure-problem-drawer')
  await page.keyboard.press('Escape')
  await problemDrawer.waitFor({ state: 'hidden' })
  check(await drawer.isVisible(), 'closing the problem leaves the measure open')

  await drawer.locator('[data-test=measure-action-start]').click()
  await page.locator('[data-test=measure-action-confirm]').click()
  await message(page, '已开始推进')
  await drawer.locator('[data-test=measure-drawer-status]', { hasText: '推进中' }).waitFor()
  items = await entries(drawer, 2)
  check((await items.nth(1).locator('[data-test=change-status]').innerText()).includes('计划中 → 推进中'), 'the start names the status')

  // A later time limit through the edit form: no longer overdue.
  const later = addDays(today, 10)
  await drawer.locator('[data-test=measure-action-edit]').click()
  await date(page, mform.locator('[data-test=measure-deadline]'), later)
  await page.locator('[data-test=measure-save]').click()
  await message(page, '整改措施已保存')
  await mform.waitFor({ state: 'hidden' })
  items = await entries(drawer, 3)
  const moved = await items.nth(2).locator('[data-test=change-deadline]').innerText()
  check(moved.includes('完成时限') && moved.includes(`${addDays(today, -2)} → ${later}`), `the edit names the time limit: ${moved}`)
  await drawer.locator('[data-test=measure-overdue]').waitFor({ state: 'detached' })

  // Emptying the time limit in the form clears it, and the timeline says so.
  await drawer.locator('[data-test=measure-action-edit]').click()
  await date(page, mform.locator('[data-test=measure-deadline]'), '')
  await page.locator('[data-test=measure-save]').click()
  await mform.waitFor({ state: 'hidden' })
  items = await entries(drawer, 4)
  const cleared = await items.nth(3).locator('[data-test=change-deadline]').innerText()
  check(cleared.includes(`${later} → （空）`), `emptying the time limit clears it: ${cleared}`)

  // 标记完成 wants the effect.
  await drawer.locator('[data-test=measure-action-done]').click()
  const doneForm = page.locator('[data-test=measure-action-form]')
  await field(doneForm.locator('[data-test=measure-action-effect]')).fill('')
  await page.locator('[data-test=measure-action-confirm]').click()
  await doneForm.locator('.el-form-item__error', { hasText: '整改效果' }).waitFor()
  await field(doneForm.locator('[data-test=measure-action-effect]')).fill('到期前 30 天自动短信提醒，已覆盖 1,200 户')
  await page.locator('[data-test=measure-action-confirm]').click()
  await message(page, '已标记完成')
  await drawer.locator('[data-test=measure-drawer-status]', { hasText: '已完成' }).waitFor()
  items = await entries(drawer, 5)
  const done = await items.nth(4).innerText()
  check(done.includes('推进中 → 已完成') && done.includes('整改效果') && done.includes('完成日期'), `the 完成 entry: ${done}`)
  check(!(await drawer.locator('[data-test=measure-action-done]').count()), 'a done measure offers no 标记完成')
  await quiet(page)
  await shot(page, 'measure-drawer')
  await closeDrawer(page)
  await ctx.close()
}
