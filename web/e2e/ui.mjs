// What the browser scripts share: the demo data's names, dates, and the
// moves through Element Plus that a person makes (pick from a select, type
// a date, open a page from the menu, sign in).

export const MARKET = '区市场监督管理局'
export const SECTION = '登记注册科'
export const HALL = '区政务服务中心'
export const HEAD = '宋超'
export const DEPUTY = '黄丽华'
export const ITEMS = ['个体工商户登记', '企业变更登记']

export const pad = (n) => String(n).padStart(2, '0')
export const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number)
  return ymd(new Date(y, m - 1, d + n))
}
const quarterNames = ['一', '二', '三', '四']
/** A period as the period picker names it: 2024Q1 → 2024年第一季度. */
export function periodText(p) {
  const m = /^(\d{4})Q([1-4])$/.exec(p)
  return m ? `${m[1]}年第${quarterNames[Number(m[2]) - 1]}季度` : p
}
export const quarterOf = (date) => `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`

export function check(cond, message) {
  if (!cond) throw new Error(message)
}

/** The visible option of the open el-select (or el-time-select) with this text, clicked. */
export async function option(page, text) {
  const item = page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item:visible', { hasText: text }).first()
  await item.click()
}

/** Whether an el-select dropdown is open (its popper shown). */
const dropdownOpen = (page) => page.locator('.el-select__popper[aria-hidden=false]').count().then((n) => n > 0)
/** Waits until no el-select dropdown is open; false after `timeout` ms. */
const dropdownClosed = (page, timeout) =>
  page.waitForFunction(() => !document.querySelector('.el-select__popper[aria-hidden="false"]'), null, { timeout }).then(
    () => true,
    () => false,
  )

/**
 * Chooses `texts` in the el-select found by `sel`; a filterable one is typed
 * into first. A list of texts is a multiple select (MultiSelect.vue): each
 * pick shows as a tag, then its dropdown's 确定 closes it; a single pick
 * closes the dropdown itself. Each pick is confirmed by that signal — on a
 * busy machine a click can land while the filtered options are redrawn and
 * be lost, so an option still offered is clicked again. Returns once the
 * dropdown has closed, so the next pick cannot take its options.
 */
export async function pick(page, sel, texts, { type = false } = {}) {
  const select = typeof sel === 'string' ? page.locator(sel) : sel
  const multiple = Array.isArray(texts)
  const list = multiple ? texts : [texts]
  await select.click()
  for (const t of list) {
    if (type) await select.locator('input').first().fill(t)
    for (let attempt = 1; ; attempt++) {
      await option(page, t)
      // A multiple select marks the option chosen (and draws its tag); a single one closes.
      const chosen = page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item.is-selected', { hasText: t }).first()
      const taken = multiple ? await chosen.waitFor({ timeout: 5000 }).then(() => true, () => false) : await dropdownClosed(page, 5000)
      if (taken) break
      if (multiple && (await chosen.count())) break // marked just after the wait: clicking again would undo it
      if (!multiple && !(await dropdownOpen(page))) break // closed just after the wait
      if (attempt === 5) throw new Error(`pick(): 「${t}」 was not taken after ${attempt} clicks`)
    }
  }
  if (multiple) {
    for (const t of list) await select.locator('.el-tag', { hasText: t }).first().waitFor()
    await page.locator('.el-select__popper[aria-hidden=false] [data-test=select-done]').click()
  }
  if (!(await dropdownClosed(page, 60_000))) throw new Error('pick(): the dropdown stayed open')
}

/**
 * Clicks `button` and waits for the API's answer to the write it makes (a
 * request to `path`, or below it when `path` ends with `/`, with `method`);
 * fails with the server's refusal. The app's own signal, not a pause.
 */
export async function submit(page, button, path, method = 'POST') {
  // `/activities` is that path exactly; `/problems/` any path below it.
  const wanted = `/api/v1${path}`
  const matches = (url) => {
    const p = new URL(url).pathname
    return wanted.endsWith('/') ? p.startsWith(wanted) : p === wanted
  }
  const answer = page.waitForResponse((r) => matches(r.url()) && r.request().method() === method)
  await button.click()
  const r = await answer
  if (!r.ok()) throw new Error(`${method} ${path} answered ${r.status()}: ${await r.text()}`)
  return r.json().catch(() => null)
}

/** Types a date into an el-date-picker (its `data-test` lands on the input itself). */
export async function date(page, sel, value) {
  const input = field(typeof sel === 'string' ? page.locator(sel) : sel)
  await input.click()
  await input.fill(value)
  await input.press('Enter')
}

/**
 * The text box of an el-input or el-input-number (Element Plus puts the
 * `data-test` of an el-input on its input or textarea, of others on a wrapper).
 */
export function field(loc) {
  return loc.locator('xpath=self::input | self::textarea | .//input | .//textarea').first()
}

/** Waits for an ElMessage with this text (success, warning or error). */
export async function message(page, text) {
  await page.locator('.el-message', { hasText: text }).first().waitFor()
}

/** Confirms the open ElMessageBox with the button named `button`. */
export async function confirmBox(page, button) {
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  await box.getByRole('button', { name: button }).click()
  await box.waitFor({ state: 'hidden' })
}

/** Opens a page from the menu: the side menu on a desktop, the ☰ drawer on a phone. */
export async function nav(page, device, title) {
  if (device === 'phone') {
    await page.locator('.menu-button').click()
    await page.locator('.drawer-menu').getByRole('button', { name: title, exact: true }).click()
    await page.locator('.drawer-menu').waitFor({ state: 'hidden' })
  } else {
    await page.locator('.aside .el-menu-item', { hasText: title }).first().click()
  }
  await page.locator('.header .title', { hasText: title }).waitFor()
}

/** The menu entries the signed-in account is shown. */
export async function menuTitles(page, device) {
  if (device === 'phone') {
    await page.locator('.menu-button').click()
    const titles = await page.locator('.drawer-menu .el-button').allInnerTexts()
    await page.keyboard.press('Escape')
    await page.locator('.drawer-menu').waitFor({ state: 'hidden' })
    return titles.map((t) => t.trim())
  }
  return (await page.locator('.aside .el-menu-item').allInnerTexts()).map((t) => t.trim())
}

export async function signIn(page, base, username, password, { from = '/login' } = {}) {
  if (from) await page.goto(`${base}${from}`)
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

export async function signedIn(page) {
  await page.locator('[data-test=who]').waitFor({ state: 'attached' })
}

export async function closeDrawer(page) {
  await page.keyboard.press('Escape')
  await page.locator('.el-drawer:visible').first().waitFor({ state: 'hidden' })
}
