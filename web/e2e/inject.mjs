// Stored HTML and script (security issue item 5) in the browser: hostile
// text typed into every free-text field that reaches a screen is shown as
// text, never as markup, on every page of every role.
//
// 1. Through the API, as the accounts that may write them, each field gets
//    its own payload: a marker naming the field and the run (〔unit12345〕),
//    markup that makes an element carrying `data-zlc-injected` if rendered
//    as HTML (<img onerror>, <b>, <svg onload>, "><iframe src=javascript:>,
//    '><a href=javascript:>; a file's name, which the server strips of < >
//    " : *, gets quotes, an attribute and an entity), and 「{{7*7}}」, which
//    would read 「49」 if a template compiled it. Planted: a department (the
//    整改率 chart's tooltip case), a section (with a problem of its own), a
//    hall, an official's name and title, a service item's name, 联系方式
//    and the reason its figures changed, a plan's 备注 (published), an
//    activity's content, place and notes, a callback's name and note, an
//    activity's and a problem's attachment names, problems' descriptions
//    and cause, 整改措施/效果/佐证, a rejection's reason and the
//    verification's note, needs and an answer, a measure and its effect,
//    account names (one made, and the handler's, who works the problem), a
//    role, a token, a holiday, the active policy's name and a step's
//    detail, and a finding's review.
// 2. Each of the five demo accounts and the three administrators walks
//    every page of its menu with words.mjs's walkPages (each 系统 tab, an
//    audit entry expanded, a record of each list in its drawer — one of
//    this run's when there is one), and more where payloads show: the
//    dashboard's and 统计's charts hovered until the ECharts tooltip names
//    the planted unit (the department for the supervisor, the section for
//    the liaison) and the other charts' tooltips drawn, 统计's tables,
//    drill-down and 通报 with the reviewed finding opened, the plans'
//    calendar, the units in the tree with their officials, the item found
//    by search and its figures, the problem found by search in its drawer
//    with the whole life cycle, a need's cut-short cell's tooltip; then the
//    public pages signed out. After each: no element with
//    `data-zlc-injected` (the ECharts tooltip's DOM included), no
//    `javascript:` URL, no inline handler attribute, no 「49」, no dialog
//    (alert), no console error, no CSP violation (`securitypolicyviolation`).
// 3. Every payload is read as text at least once, and on each page named
//    for it in FIELDS (the unit in the 整改率 tooltip), so the data reached
//    the pages and an injection there would have been caught.
//
// It runs once, last, at a desktop size (run.mjs): its records would meet
// the other parts' checks. ZLC_E2E_DEBUG=1 prints where each payload was read.

import { MARKET, SECTION, addDays, check, field, quarterOf, ymd } from './ui.mjs'
import { ACCOUNTS, as, passwordOf, settled, walkPages } from './words.mjs'

/** The attribute every payload's element carries: found on a page, markup was injected. */
const ATTR = 'data-zlc-injected'

/** Markup for a field, by style: each would make an element carrying ATTR if rendered as HTML. */
const MARKUP = {
  img: (k) => `<img src=x ${ATTR}=${k} onerror=alert(1)>`,
  b: (k) => `<b ${ATTR}=${k}>粗体</b>`,
  svg: (k) => `<svg ${ATTR}=${k} onload=alert(1)>`,
  iframe: (k) => `"><iframe ${ATTR}=${k} src=javascript:alert(1)>`,
  a: (k) => `'><a ${ATTR}=${k} href=javascript:alert(1)>链接</a>`,
  // For a field of 50 characters (an official's or an account's name).
  i: () => `<i ${ATTR}>`,
  // For a file's name, which loses < > " : * | ? and what a path puts before it: quotes and an entity.
  file: (k) => `' ${ATTR}=${k} onerror='alert(1)' &lt;b&gt;`,
}

/**
 * The fields planted, each with its markup style. `[who, page]` pairs name
 * a page that lists the field: the payload must be read there as text.
 */
const FIELDS = {
  unit: ['img', [['demo-supervisor', '工作台 · 整改率提示'], ['demo-supervisor', '统计'], ['demo-supervisor', '统计 · 图表提示'], ['demo-supervisor', '单位与人员']]],
  section: ['b', [['demo-liaison', '工作台 · 整改率提示'], ['demo-liaison', '问题台账 · 详情'], ['demo-supervisor', '单位与人员 · 人员']]],
  hall: ['svg', [['demo-supervisor', '计划'], ['public', '公示']]],
  official: ['i', [['demo-supervisor', '计划'], ['demo-liaison', '活动记录'], ['demo-supervisor', '单位与人员 · 人员'], ['public', '公示']]],
  title: ['iframe', [['demo-supervisor', '单位与人员 · 人员'], ['public', '公示']]],
  item: ['a', [['demo-supervisor', '事项清单 · 搜索'], ['demo-liaison', '计划 · 详情'], ['public', '公示']]],
  contact: ['b', [['demo-supervisor', '事项清单 · 搜索']]],
  figures: ['i', [['demo-supervisor', '事项清单 · 要素变化']]],
  plannote: ['iframe', [['demo-liaison', '计划 · 详情']]],
  content: ['img', [['demo-liaison', '活动记录 · 详情']]],
  place: ['b', [['demo-liaison', '活动记录 · 详情']]],
  notes: ['svg', [['demo-liaison', '活动记录 · 详情']]],
  // The liaison is shown a callback's name masked; the supervisor reads it.
  callee: ['a', [['demo-supervisor', '活动记录 · 详情']]],
  callnote: ['iframe', [['demo-liaison', '活动记录 · 详情']]],
  photo: ['file', [['demo-liaison', '活动记录 · 详情']]],
  problem: ['b', [['demo-handler', '问题台账'], ['demo-liaison', '活动记录 · 详情'], ['public', '公示 · 整改进展']]],
  cause: ['svg', [['demo-handler', '问题台账 · 整改全过程']]],
  measures: ['iframe', [['demo-handler', '问题台账 · 整改全过程'], ['demo-supervisor', '统计 · 通报'], ['public', '公示 · 整改进展']]],
  effect: ['a', [['demo-handler', '问题台账 · 整改全过程'], ['public', '公示 · 整改进展']]],
  evidence: ['img', [['demo-handler', '问题台账 · 整改全过程']]],
  reject: ['b', [['demo-handler', '问题台账 · 整改全过程']]],
  verify: ['svg', [['demo-supervisor', '问题台账 · 整改全过程']]],
  evidencefile: ['file', [['demo-handler', '问题台账 · 整改全过程']]],
  problem2: ['iframe', [['demo-supervisor', '问题台账'], ['demo-supervisor', '统计 · 明细']]],
  problem3: ['a', [['demo-liaison', '问题台账']]],
  need: ['b', [['demo-liaison', '需求清单'], ['demo-liaison', '需求清单 · 提示'], ['demo-liaison', '活动记录 · 详情']]],
  response: ['svg', [['demo-liaison', '需求清单']]],
  need2: ['iframe', [['demo-liaison2', '需求清单']]],
  measure: ['a', [['demo-liaison', '整改清单']]],
  measureeffect: ['img', [['demo-liaison', '整改清单']]],
  user: ['i', [['sysadmin', '系统 · 账号']]],
  handler: ['i', [['demo-handler', '工作台'], ['demo-supervisor', '问题台账 · 整改全过程'], ['secadmin', '系统 · 账号']]],
  role: ['i', [['secadmin', '系统 · 角色'], ['secadmin', '系统 · 账号']]],
  token: ['i', [['sysadmin', '系统 · 接口令牌']]],
  holiday: ['i', [['sysadmin', '系统 · 工作日历']]],
  policy: ['b', [['demo-supervisor', '系统 · 活动规则']]],
  step: ['svg', [['sysadmin', '系统 · 活动规则']]],
  review: ['iframe', [['demo-supervisor', '统计 · 通报']]],
}

/** A tiny PDF: an attachment the pages list by its name as a link. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64')

/** Signs in through the API; calls as that account (writes carry the Origin the server wants). */
async function client(newContext, base, username, password) {
  const ctx = await newContext()
  const login = await ctx.request.post(`${base}/api/v1/auth/login`, { headers: { origin: base }, data: { username, password } })
  check(login.ok(), `${username} signs in: ${login.status()} ${await login.text()}`)
  const call = async (method, path, data, headers = {}) => {
    const r = await ctx.request.fetch(`${base}/api/v1${path}`, { method, headers: { origin: base, ...headers }, data })
    if (!r.ok()) throw new Error(`${username}: ${method} ${path} answered ${r.status()}: ${await r.text()}`)
    return r.status() === 204 ? null : r.json()
  }
  return {
    get: (path) => call('GET', path),
    post: (path, data) => call('POST', path, data),
    patch: (path, data) => call('PATCH', path, data),
    put: (path, data) => call('PUT', path, data),
    upload: (owner, id, name, bytes) =>
      call('POST', `/attachments?owner=${owner}&id=${id}&name=${encodeURIComponent(name)}`, bytes, { 'content-type': 'application/octet-stream' }),
    close: () => ctx.close(),
  }
}

/** The unit of this name (one of the demo tree's). */
async function unitNamed(api, name) {
  const found = (await api.get(`/units?q=${encodeURIComponent(name)}&limit=50`)).items.find((u) => u.name === name)
  check(found, `the demo tree has ${name}`)
  return found
}

/** Writes every payload where it belongs, as the account that may. Returns the ids the walk needs. */
async function plant({ newContext, base, password, adminPassword, P }) {
  const today = ymd(new Date())
  const quarter = quarterOf(today)
  // Days of this quarter: the pages open on it.
  const within = (d) => (quarterOf(d) === quarter ? d : today)
  /** Fields this day gives no record for (a year without a calendar, a quarter without findings). */
  const skipped = new Set()
  const sup = await client(newContext, base, 'demo-supervisor', password)
  const lia = await client(newContext, base, 'demo-liaison', password)
  const lia2 = await client(newContext, base, 'demo-liaison2', password)
  const han = await client(newContext, base, 'demo-handler', password)
  const sys = await client(newContext, base, 'sysadmin', adminPassword)
  const sec = await client(newContext, base, 'secadmin', adminPassword)
  try {
    const root = (await sup.get('/me')).unit_id
    const market = await unitNamed(sup, MARKET)
    const registration = await unitNamed(sup, SECTION)

    // ---- the registry (the supervisor) --------------------------------------
    const unit = await sup.post('/units', { name: P.unit, kind: 'department', parent_id: root, categories: ['approval'] })
    const section = await sup.post('/units', { name: P.section, kind: 'section', parent_id: market.id })
    const hall = await sup.post('/units', { name: P.hall, kind: 'hall', parent_id: root, categories: ['approval'] })
    const official = await sup.post('/officials', { unit_id: market.id, name: P.official, title: P.title, rank: 'deputy', phone: '13700002222' })
    const figures = { materials: 4, time_limit_days: 5, steps: 3, trips: 2, online: false }
    let item = await sup.post('/items', {
      unit_id: market.id,
      section_id: section.id,
      name: P.item,
      contact: P.contact,
      item_type: 'high-frequency',
      power_category: 'licensing',
      service_object: 'both',
      handling_mode: 'both',
      figures,
    })
    item = await sup.patch(`/items/${item.id}`, { version: item.version, figures: { ...figures, materials: 3 }, figures_source: P.figures })

    // ---- a plan: written and submitted by the liaison, published ----------
    const plan = await lia.post('/plans', {
      unit_id: market.id,
      official_ids: [official.id],
      kind: 'window',
      mode: 'window',
      date: within(addDays(today, 3)),
      slot: 'am',
      place: 'window',
      window_unit_id: hall.id,
      item_ids: [item.id],
      place_note: P.plannote,
    })
    const submitted = await lia.post(`/plans/${plan.id}/submit`, { version: plan.version })
    await sup.post(`/plans/${plan.id}/publish`, { version: submitted.version })

    // ---- an activity (a draft: the dashboard lists it) with a file --------
    const day = within(addDays(today, -1))
    const activity = await lia.post('/activities', {
      unit_id: market.id,
      official_ids: [official.id],
      kind: 'window',
      mode: 'window',
      channel: 'window',
      date: day,
      started: '09:00',
      ended: '11:30',
      place: P.place,
      content: P.content,
      notes: P.notes,
      item_ids: [item.id],
      visitors: 6,
      checked_items: 1,
      steps_done: ['approval-service', 'callback'],
      callbacks: [{ name: P.callee, phone: '13700003333', remarks: P.callnote, satisfaction: '满意', called_on: day, served_on: addDays(day, -10), valid: true }],
    })
    const photo = await lia.upload('activity', activity.id, `${P.photo}.pdf`, PDF)
    check(photo.name === `${P.photo}.pdf`, `the file keeps its name: ${photo.name}`)

    // ---- problems: one through its whole life, one of the new department, one of the new section
    // The section's own problem: its handler works it.
    const problem = await lia.post('/problems', {
      unit_id: registration.id,
      activity_id: activity.id,
      item_id: item.id,
      source: 'walk',
      category: 'materials',
      disposition: 'deadline',
      deadline: addDays(today, 10),
      found_on: day,
      description: P.problem,
      cause: P.cause,
    })
    const act = async (api, body) => {
      const now = await api.get(`/problems/${problem.id}`)
      return api.post(`/problems/${problem.id}/actions`, { version: now.version, ...body })
    }
    await act(han, { action: 'start' })
    const evidence = await han.upload('problem', problem.id, `${P.evidencefile}.png`, PNG)
    check(evidence.name === `${P.evidencefile}.png`, `the file keeps its name: ${evidence.name}`)
    const fix = { action: 'submit', measures: P.measures, effect: P.effect, evidence: [P.evidence] }
    await act(han, fix)
    await act(sup, { action: 'reject', reason: P.reject })
    await act(han, fix)
    await act(sup, { action: 'verify', note: P.verify })
    await sup.post('/problems', {
      unit_id: unit.id,
      source: 'public',
      category: 'process',
      disposition: 'deadline',
      deadline: addDays(today, 20),
      description: P.problem2,
    })
    const third = await lia.post('/problems', {
      unit_id: section.id,
      source: 'staff',
      category: 'coordination',
      disposition: 'deadline',
      deadline: addDays(today, 5),
      description: P.problem3,
    })

    // ---- needs and a measure --------------------------------------------------
    const need = await lia.post('/needs', { unit_id: market.id, activity_id: activity.id, raised_by: 'enterprise', raised_on: day, content: P.need })
    await lia.patch(`/needs/${need.id}`, { version: need.version, status: 'answered', response: P.response })
    const own2 = (await lia2.get('/me')).unit_id
    await lia2.post('/needs', { unit_id: own2, raised_by: 'citizen', raised_on: today, content: P.need2 })
    const measure = await lia.post('/measures', { unit_id: market.id, problem_id: third.id, content: P.measure, deadline: addDays(today, 15) })
    await lia.patch(`/measures/${measure.id}`, { version: measure.version, status: 'done', done_on: today, effect: P.measureeffect })

    // ---- accounts, a role, a token, the calendar, the policy --------------
    const user = await sys.post('/users', { username: `e2e-inject-${P.n}`, display_name: P.user, unit_id: market.id })
    const handler = (await sys.get('/users')).items.find((u) => u.username === 'demo-handler')
    check(handler, 'the system administrator lists demo-handler')
    await sys.patch(`/users/${handler.id}`, { version: handler.version, display_name: P.handler })
    const role = await sec.post('/roles', { code: `e2e-inject-${P.n}`, name: P.role, permissions: ['unit:read'] })
    const made = await sec.get(`/users/${user.id ?? user.user?.id}`)
    await sec.patch(`/users/${made.id}`, { version: made.version, roles: [role.code] })
    await sys.post('/tokens', { user_id: made.id, name: P.token, expires_days: 30 })
    const year = Number(today.slice(0, 4))
    const calendar = await sys.get(`/calendar?year=${year}`)
    const holiday = calendar.days.findIndex((d) => d.kind === 'holiday')
    // A year the calendar does not cover has no holiday to rename: nothing planted there.
    if (holiday >= 0) {
      await sys.put('/calendar', {
        year,
        days: calendar.days.map((d, i) => ({ date: d.date, kind: d.kind, holiday: i === holiday ? P.holiday : d.holiday })),
      })
    } else skipped.add('holiday')
    const policy = await sys.get('/policy')
    const source = policy.source
      .replace(/^name = ".*"$/m, `name = ${JSON.stringify(P.policy)}`)
      .replace(/^detail = ".*"$/m, `detail = ${JSON.stringify(P.step)}`)
    check(source !== policy.source, 'the policy has a name and a step detail to replace')
    await sys.post('/policy', { source })

    // ---- a finding reviewed, with its reason ----------------------------------
    const findings = await sup.get(`/reports/findings?period=${quarter}`)
    const list = Array.isArray(findings) ? findings : findings.items
    // None yet on a quarter's first days: nothing to review.
    const finding = list.find((f) => f.unit === P.unit) ?? list[0] ?? null
    if (finding) await sup.post('/reports/findings/review', { period: quarter, key: finding.key, decision: 'confirmed', reason: P.review })
    else skipped.add('review')

    // The unit each account's charts must name in a tooltip: the region's new department, the department's new section.
    const charted = { 'demo-supervisor': P.unit, 'demo-liaison': P.section }
    return { finding, charted, skipped }
  } finally {
    for (const api of [sup, lia, lia2, han, sys, sec]) await api.close()
  }
}

// ------------------------------------------------------------------- looking

/** What a page holds: injected elements, script URLs, inline handlers, its text and values. */
function scan(attr) {
  const hits = [...document.querySelectorAll(`[${attr}]`)].map((e) => e.outerHTML.slice(0, 200))
  const scripts = []
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      const n = a.name.toLowerCase()
      const v = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase()
      if (/^on/.test(n) || (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(n) && v.startsWith('javascript:'))) {
        scripts.push(`<${e.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 80)}">`)
      }
    }
  }
  const values = [...document.querySelectorAll('input, textarea')].filter((i) => i.checkVisibility()).map((i) => i.value)
  // The violations since the last scan, taken.
  const violations = window.__zlcViolations?.splice(0) ?? []
  return { hits, scripts, text: [document.body.innerText, ...values].join('\n'), violations }
}

/** Watches a page for CSP violations (kept for scan, and said as console errors). */
function watchCsp() {
  window.__zlcViolations = []
  document.addEventListener('securitypolicyviolation', (e) => {
    const v = `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} ${e.sample || ''}`.trim()
    window.__zlcViolations.push(v)
    console.error(`CSP violation: ${v}`)
  })
}

/** The ECharts tooltip of a chart (its DOM: the chart's div that holds no canvas). */
const tooltipOf = (chart) => chart.locator('.chart > div:not(:has(canvas))')

/**
 * Moves the mouse over the chart until its tooltip holds `wanted` (any
 * text when none): down the middle of a chart whose categories are rows,
 * along it when they are columns, round the ring of a pie. Returns whether
 * it did.
 */
async function hover(page, chart, { wanted = null, shape = 'rows' } = {}) {
  const canvas = chart.locator('canvas').first()
  await canvas.waitFor()
  await canvas.scrollIntoViewIfNeeded()
  const box = await canvas.boundingBox()
  const tip = tooltipOf(chart)
  const points = []
  // Bottom up: the planted unit, with one problem and none solved, is drawn low.
  if (shape === 'rows') for (let y = box.height - 6; y > 4; y -= 10) points.push([box.width * 0.6, y])
  else if (shape === 'columns') for (let x = box.width * 0.1; x < box.width - 4; x += 12) points.push([x, box.height * 0.6])
  else {
    const r = (0.485 * Math.min(box.width, box.height)) / 2
    for (let a = 0; a < 360; a += 30) points.push([box.width / 2 + r * Math.cos((a * Math.PI) / 180), box.height * 0.45 + r * Math.sin((a * Math.PI) / 180)])
  }
  for (const [x, y] of points) {
    await page.mouse.move(box.x + x, box.y + y)
    // Shown as text, or as markup (then the look that follows finds it).
    const [text, markup] = await tip
      .evaluate((e, attr) => [getComputedStyle(e).display === 'none' ? '' : e.innerText, !!e.querySelector(`[${attr}]`)], ATTR)
      .catch(() => ['', false])
    if (markup || (wanted ? text.includes(wanted) : text.trim())) return true
  }
  return false
}

export async function inject({ newContext, base, password, adminPassword, isApiRefusal = () => false, shot, tag }) {
  const n = (tag.match(/\d+/g) ?? ['0']).join('').slice(-5)
  /** The payload of each field: its marker, its markup, a template expression. */
  const P = { n }
  // The marker holds the run's number: a second run on one database finds its own records.
  // A callback's name and a file's may hold no * (the first would read as masked): their expression adds.
  for (const [key, [style]] of Object.entries(FIELDS)) {
    const expression = key === 'callee' || style === 'file' ? '{{42+7}}' : '{{7*7}}'
    P[key] = `〔${key}${n}〕${MARKUP[style](key)}「${expression}」`
  }
  const marker = new RegExp(`〔[a-z0-9]+${n}〕`)
  /** The marker of a field's payload: what a search finds it by. */
  const mark = (key) => P[key].slice(0, P[key].indexOf('〕') + 1)
  const planted = await plant({ newContext, base, password, adminPassword, P })

  /** What failed, each once (an injected tooltip stays in the page for the looks after). */
  const failures = new Set()
  /** Where each payload was read as text. */
  const seen = Object.fromEntries(Object.keys(FIELDS).map((k) => [k, new Set()]))
  /** What the browser reported since the last look: dialogs, console errors, exceptions. */
  let reported = []

  /** A fresh browser that reports dialogs and CSP violations. */
  const watched = async () => {
    const ctx = await newContext()
    await ctx.addInitScript(watchCsp)
    ctx.on('page', (page) => {
      page.on('dialog', (d) => {
        reported.push(`a dialog (${d.type()}) opened: ${d.message()}`)
        d.dismiss().catch(() => {})
      })
      page.on('console', (m) => {
        if (m.type() === 'error' && !isApiRefusal(m)) reported.push(`console error: ${m.text()}`)
      })
      page.on('pageerror', (e) => reported.push(`exception: ${e.message}`))
    })
    return ctx
  }

  /** Reads the page: fails on anything injected or reported, notes the payloads shown as text. */
  const look = async (page, where) => {
    const s = await page.evaluate(scan, ATTR)
    for (const h of s.hits) failures.add(`${where}: an injected element: ${h}`)
    for (const j of s.scripts) failures.add(`${where}: script in markup: ${j}`)
    if (s.text.includes('「49」')) failures.add(`${where}: a template expression was evaluated (「49」)`)
    for (const v of s.violations) failures.add(`${where}: CSP violation: ${v}`)
    for (const r of reported) failures.add(`${where}: ${r}`)
    reported = []
    const at = where.replace(/^\S+ · /, '')
    const who = where.split(' · ')[0]
    for (const key of Object.keys(FIELDS)) if (s.text.includes(P[key])) seen[key].add(`${who} · ${at}`)
  }

  /** Hovers the chart and reads the page while its tooltip shows; `wanted` must show in it. */
  const tooltip = async (page, where, chart, opts = {}) => {
    if (!(await chart.locator('canvas').count())) return []
    const shown = await hover(page, chart, opts)
    await look(page, where)
    if (opts.wanted && !shown) failures.add(`${where}: the tooltip never showed ${opts.wanted}`)
    return shown ? [where.replace(/^\S+ · /, '').replaceAll(' · ', '·')] : []
  }

  /** What else each page shows that the walk of words.mjs does not open. */
  const after = (who) => async (page, title) => {
    const more = []
    if (title === '工作台') {
      const rates = page.locator('[data-test=chart-rates]')
      if (await page.locator('[data-test=dashboard-figures]').count()) {
        await rates.locator('canvas, .el-empty').first().waitFor()
        more.push(...(await tooltip(page, `${who} · 工作台 · 整改率提示`, rates, { wanted: planted.charted[who] })))
        for (const [key, shape] of [['monthly', 'columns'], ['statuses', 'columns'], ['categories', 'pie']]) {
          more.push(...(await tooltip(page, `${who} · 工作台 · 图表提示`, page.locator(`[data-test=chart-${key}]`), { shape })))
        }
      }
    }
    if (title === '统计') {
      const tabs = page.locator('[data-test=stats-tabs] .el-tabs__item')
      // A figure of the planted unit opens the records it counts.
      const row = page.locator('[data-test=stat-table-monthly] .el-table__body-wrapper tr.el-table__row', { hasText: P.unit })
      if (await row.count()) {
        await row.locator('[data-test=fig-problems_found]').click()
        const drawer = page.locator('[data-test=drill-drawer]')
        await drawer.locator('[data-test=drill-row]').first().waitFor()
        await settled(page)
        await look(page, `${who} · 统计 · 明细`)
        more.push('统计·明细')
        await page.keyboard.press('Escape')
        await drawer.waitFor({ state: 'hidden' })
      }
      await tabs.filter({ hasText: '季度汇总表' }).click()
      await page.locator('[data-test=stat-table-quarterly]').waitFor()
      await look(page, `${who} · 统计 · 季度汇总表`)
      await tabs.filter({ hasText: '图表' }).click()
      await page.locator('[data-test=stats-charts] canvas, [data-test=stats-charts] .el-empty').first().waitFor()
      more.push(...(await tooltip(page, `${who} · 统计 · 图表提示`, page.locator('[data-test=chart-problems]'), { wanted: planted.charted[who] })))
      more.push(...(await tooltip(page, `${who} · 统计 · 图表提示`, page.locator('[data-test=chart-kinds]'))))
      more.push(...(await tooltip(page, `${who} · 统计 · 图表提示`, page.locator('[data-test=chart-mix]'), { shape: 'pie' })))
      await tabs.filter({ hasText: '通报' }).click()
      const panel = page.locator('[data-test=notice-panel]')
      await panel.locator('[data-test=cases-chosen]').waitFor()
      await settled(page)
      // The finding reviewed, opened: its review's reason shows in the row's expansion.
      if (who === 'demo-supervisor' && planted.finding) {
        const { detail, unit } = planted.finding
        const reviewed = panel.locator('.el-table__row', { hasText: detail }).filter({ hasText: unit }).first()
        await reviewed.locator('.el-table__expand-icon').click()
        await panel.getByText(P.review).waitFor()
      }
      await look(page, `${who} · 统计 · 通报`)
      more.push('统计·季度汇总表', '统计·通报')
    }
    if (title === '计划') {
      await page.locator('[data-test=plan-view]').getByText('日历').click()
      await page.locator('.el-calendar').first().waitFor()
      await look(page, `${who} · 计划 · 日历`)
      await page.locator('[data-test=plan-view]').getByText('表格').click()
      more.push('计划·日历')
    }
    if (title === '单位与人员') {
      for (const name of [P.unit, MARKET]) {
        const node = page.locator('[data-test=unit-tree] .el-tree-node__content', { hasText: name }).first()
        if (!(await node.count())) continue
        await node.click()
        await page.locator('[data-test=unit-title]', { hasText: name }).waitFor()
        await settled(page)
        await look(page, `${who} · 单位与人员 · 人员`)
      }
      more.push('单位与人员·人员')
    }
    if (title === '事项清单') {
      // The planted item, found by its marker as anyone would search for it.
      await field(page.locator('[data-test=items-filter-q]')).fill(mark('item'))
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/items' && new URL(r.url()).searchParams.get('q') === mark('item'))
      await page.locator('[data-test=items-search]').click()
      await answer
      await settled(page)
      await look(page, `${who} · 事项清单 · 搜索`)
      more.push('事项清单·搜索')
      const row = page.locator('[data-test=items-table] .el-table__row', { hasText: P.item }).first()
      if (await row.count()) {
        await row.locator('[data-test^=item-history-]').click()
        await page.locator('[data-test=figures-table] .el-table__row').nth(1).waitFor()
        await look(page, `${who} · 事项清单 · 要素变化`)
        await page.keyboard.press('Escape')
        await page.locator('[data-test=figures-table]').waitFor({ state: 'hidden' })
        more.push('事项清单·要素变化')
      }
    }
    if (title === '需求清单') {
      // A cell cut short shows the whole text in Element Plus's tooltip when hovered.
      const cell = page.locator('.el-table__body-wrapper td', { hasText: P.need }).locator('.cell').first()
      if ((await cell.count()) && (await cell.evaluate((e) => e.scrollWidth > e.clientWidth))) {
        await cell.hover()
        await page.locator('.el-popper:visible', { hasText: mark('need') }).waitFor()
        await look(page, `${who} · 需求清单 · 提示`)
        await page.mouse.move(0, 0)
        more.push('需求清单·提示')
      }
    }
    if (title === '问题台账') {
      // The problem that went through its whole life, found by its marker: its timeline and files.
      await field(page.locator('[data-test=problem-search] [data-test=filter-q]')).fill(mark('problem'))
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/problems' && new URL(r.url()).searchParams.get('q') === mark('problem'))
      await page.locator('[data-test=problem-search-button]').click()
      await answer
      await settled(page)
      const row = page.locator('[data-test=problem-row]', { hasText: P.problem }).first()
      if (await row.count()) {
        await row.click()
        const drawer = page.locator('[data-test=problem-drawer]')
        await drawer.locator('[data-test=problem-timeline]').waitFor()
        await settled(page)
        await look(page, `${who} · 问题台账 · 整改全过程`)
        await page.keyboard.press('Escape')
        await drawer.waitFor({ state: 'hidden' })
        more.push('问题台账·整改全过程')
      }
    }
    return more
  }

  const visited = {}
  for (const who of ACCOUNTS) {
    const page = await as(watched, base, who, passwordOf(who, password, adminPassword))
    await look(page, `${who} · 登录后`)
    // The rows of 事项清单 and 单位与人员 open nothing (after() opens the item's figures and the units).
    const opens = (title) => !['事项清单', '单位与人员'].includes(title)
    visited[who] = [...new Set(await walkPages(page, 'desktop', who, { look, prefer: marker, opens, after: after(who) }))]
    await page.context().close()
  }

  // ---- the public pages, signed out -----------------------------------------
  {
    const page = await (await watched()).newPage()
    await page.goto(`${base}/public/`)
    await page.locator('[data-test=public-page]').waitFor()
    await field(page.locator('[data-test=public-plan-search]')).fill(mark('item'))
    await page.locator('[data-test=public-plan]').first().waitFor()
    await look(page, 'public · 公示')
    await page.locator('.el-tabs__item', { hasText: '整改进展公示' }).click()
    const list = page.locator('[data-test=public-rectifications]')
    await list.locator('[data-test=public-status-filter]').waitFor()
    // The closed ones (the planted problem is closed), page after page until it shows.
    await list.locator('.el-radio-button', { hasText: '已销号' }).click()
    await list.locator('[data-test=public-rectification-closed]').first().waitFor()
    for (let n = 1; ; n++) {
      await look(page, 'public · 公示 · 整改进展')
      const next = list.locator('.el-pagination .btn-next')
      if ((await list.innerText()).includes(P.problem) || !(await next.count()) || (await next.isDisabled())) break
      await next.click()
      await list.locator('.el-pager .is-active', { hasText: String(n + 1) }).waitFor()
    }
    await shot(page, 'public')
    visited.public = ['公示', '公示·整改进展']
    await page.context().close()
  }

  // ---- every payload read as text, and where its page lists it ------------------
  for (const [key, [, where]] of Object.entries(FIELDS)) {
    if (planted.skipped.has(key)) {
      console.log(`   inject: nothing to plant ${key} in today`)
      continue
    }
    if (!seen[key].size) failures.add(`the payload of ${key} was never read as text on any page: ${P[key]}`)
    for (const [who, at] of where) {
      if (!seen[key].has(`${who} · ${at}`)) failures.add(`${who} · ${at} does not show the payload of ${key} as text (${P[key]}); read at: ${[...seen[key]].join('；') || 'nowhere'}`)
    }
  }
  if (process.env.ZLC_E2E_DEBUG) for (const [key, at] of Object.entries(seen)) console.log(`   ${key}: ${[...at].join('；')}`)
  if (failures.size) throw new Error(`stored markup reached a page or a payload was not read:\n  ${[...failures].join('\n  ')}`)
  return { visited, seen: Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v]])) }
}
