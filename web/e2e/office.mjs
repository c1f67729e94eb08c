// The seeds' tables and the statistics in the browser, as people use them.
//
// At a desktop size, as the 市场监管局 liaison on 问题台账: 下载模板 gives the
// xlsx of 附件3 (title, 填报单位, the merged two-row header, 填报人); it is
// filled in with four rows (dates typed three ways, one walk that found
// nothing) of which one names a section that does not exist → 导入 shows
// the table of errors naming 行 8, 列 责任科室 with the closest name, and
// the list is unchanged; the row fixed → 检查 then 导入, the rows are in
// the list; the same file again changes nothing; 导出 downloads the ledger
// of the quarter holding the rows. Then as the supervisor on 统计: the
// period chosen, the table per unit with 合计; a figure opens the records
// it counts, as many as it says (one page, and the 合计's over several);
// the charts draw on a canvas, ECharts fetched only then; 通报 with the
// cases chosen and the issuer downloads a .docx saying 一、总体情况 and
// 二、主要问题 with them. At a phone size: the 统计 page, a figure's
// records in a drawer as wide as the screen, and the 通报 tab.
// Screenshots: import-errors, import-done, stats, stats-drill,
// stats-quarterly, stats-charts, stats-notice.

import { readFileSync } from 'node:fs'
import { HEAD, DEPUTY, ITEMS, MARKET, SECTION, addDays, check, closeDrawer, field, nav, pick, quarterOf, signIn, signedIn, ymd } from './ui.mjs'
import { findRow, findRowStarting, fillXlsx, openXlsx, rowTexts } from './xlsx.mjs'
import { unzip } from './zip.mjs'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** 附件3's header as the seed writes it: the first row, then the marks under 走流程形式. */
const LEDGER_HEADER = ['序号', '时间', '流程人员及职务', '体验事项', '走流程形式', '存在问题及原因', '整改及优化措施', '整改完成时间', '责任科室']
const LEDGER_MARKS = ['驻窗办', '亲身办', '陪同办', '检验办']

const quarterNames = ['一', '二', '三', '四']
const quarterLabel = (q) => `${q.slice(0, 4)}年第${quarterNames[Number(q.slice(5)) - 1]}季度`

/** What the browser saved when `action` started a download: its name and bytes. */
async function downloaded(page, action) {
  const [dl] = await Promise.all([page.waitForEvent('download'), action()])
  const failure = await dl.failure()
  check(!failure, `the download failed: ${failure}`)
  return { name: dl.suggestedFilename(), buf: readFileSync(await dl.path()) }
}

/** An Excel date serial (what a date cell holds) as YYYY-MM-DD. */
const serialDate = (n) => new Date(Date.UTC(1899, 11, 30) + Number(n) * 86400000).toISOString().slice(0, 10)

/**
 * Searches 问题台账 by keyword; waits for the list to show what the server
 * answered and returns how many rows it shows.
 */
async function listed(page, q) {
  await field(page.locator('[data-test=problem-search] [data-test=filter-q]')).fill(q)
  const answer = page.waitForResponse((r) => {
    const u = new URL(r.url())
    return u.pathname === '/api/v1/problems' && u.searchParams.get('q') === q
  })
  await page.locator('[data-test=problem-search-button]').click()
  const n = (await (await answer).json()).items.length
  await page.waitForFunction((k) => document.querySelectorAll('[data-test=problem-table] [data-test=problem-row]').length === k, n)
  return n
}

/** The texts of the rows of the import dialog's error table: [行, 列, 原因]. */
async function errorTable(dialog) {
  const rows = dialog.locator('[data-test=import-error-table] .el-table__body-wrapper tr.el-table__row')
  const out = []
  for (let i = 0; i < (await rows.count()); i++) {
    const r = rows.nth(i)
    out.push([
      (await r.locator('[data-test=import-error-row]').innerText()).trim(),
      (await r.locator('[data-test=import-error-column]').innerText()).trim(),
      (await r.locator('td').last().innerText()).trim(),
    ])
  }
  return out
}

/** A figure of the import summary, or null when it is not shown (zero). */
async function figure(dialog, key) {
  const f = dialog.locator(`[data-test=import-figure-${key}]`)
  return (await f.count()) ? Number(await f.innerText()) : null
}

/** Chooses the file in the open import dialog, as the file picker would. */
async function chooseFile(page, dialog, name, buf) {
  await dialog.locator('[data-test=import-file]').setInputFiles({ name, mimeType: XLSX, buffer: buf })
  await dialog.locator('[data-test=import-file-name]', { hasText: name }).waitFor()
}

/** Runs 检查 or 导入 and waits for its answer: the summary or the errors. */
async function runImport(dialog, button) {
  await dialog.locator(`[data-test=import-${button}]`).click()
  await dialog.locator('[data-test=import-summary], [data-test=import-errors]').first().waitFor()
}

export async function office({ newContext, base, device, password, shot, tag }) {
  const today = ymd(new Date())
  const quarter = quarterOf(today)
  if (device === 'phone') return phone({ newContext, base, password, shot, quarter })

  // ---- 问题台账: template, import, export ------------------------------------
  const ctx = await newContext()
  const page = await ctx.newPage()
  await signIn(page, base, 'demo-liaison', password)
  await signedIn(page)
  await nav(page, device, '问题台账')
  const mark = `E2E导入${tag}`
  check((await listed(page, mark)) === 0, 'no problem carries the mark before the import')

  // 下载模板: three tables are kept on this page; the ledger's template.
  await page.locator('[data-test=office-template] .el-button').click()
  const tpl = await downloaded(page, () => page.locator('[data-test=template-ledger]').click())
  check(tpl.name.endsWith('.xlsx') && tpl.name.includes('问题整改台账'), `the template is named ${tpl.name}`)
  const book = openXlsx(tpl.buf)
  check(rowTexts(book, 1)[0] === '“干部走流程”问题整改台账', `the template's title: ${rowTexts(book, 1)}`)
  const unitLine = findRowStarting(book, '填报单位')
  check(unitLine && rowTexts(book, unitLine)[0].includes(MARKET), `the 填报单位 line names the liaison's unit: ${unitLine && rowTexts(book, unitLine)}`)
  check(findRowStarting(book, '填报日期') !== null, 'the template has the 填报日期 line')
  const head = findRow(book, '序号')
  check(JSON.stringify(rowTexts(book, head)) === JSON.stringify(LEDGER_HEADER), `the header row: ${rowTexts(book, head)}`)
  check(JSON.stringify(rowTexts(book, head + 1)) === JSON.stringify(LEDGER_MARKS), `the marks under 走流程形式: ${rowTexts(book, head + 1)}`)
  // 走流程形式 spans its four marks; every other header spans the two rows.
  check(book.merges.includes(`E${head}:H${head}`) && book.merges.includes(`A${head}:A${head + 1}`), `the merged header cells: ${book.merges}`)
  const footer = findRowStarting(book, '填报人')
  check(footer !== null && findRowStarting(book, '联系方式') === footer + 1, 'the 填报人 and 联系方式 lines are below the table')
  // The numbered empty rows to fill in, between the header and the 填报人 line.
  const first = head + 2
  const blank = [...book.rows.keys()].filter((r) => r >= first && r < footer).length
  check(blank >= 1, 'the template has empty rows to fill in')

  // Four rows as a clerk types them; the third names a section that does not exist.
  const qStart = `${quarter.slice(0, 4)}-${String((Number(quarter.slice(5)) - 1) * 3 + 1).padStart(2, '0')}-01`
  const day = (n) => {
    const d = addDays(today, -n)
    return d < qStart ? qStart : d
  }
  const dotted = (d) => d.split('-').map(Number).join('.')
  const chinese = (d) => {
    const [y, m, dd] = d.split('-').map(Number)
    return `${y}年${m}月${dd}日`
  }
  const problems = [
    `${mark} 材料清单与网上公示不一致`,
    `${mark} 叫号等候时间过长`,
    `${mark} 窗口指引标识不清`,
  ]
  const rowsWith = (section) => [
    [1, day(6), `${HEAD} 局长`, ITEMS[0], null, '√', null, null, `${problems[0]}。原因：清单未及时更新`, '统一更新材料清单并在网上同步公示', today, SECTION],
    [2, dotted(day(4)), `${DEPUTY} 副局长`, ITEMS[1], null, null, '√', null, problems[1], null, null, SECTION],
    [3, chinese(day(2)), `${HEAD} 局长`, ITEMS[1], '√', null, null, null, problems[2], '增设导办指引标识', addDays(today, 20), section],
    [4, day(4), `${HEAD} 局长`, ITEMS[0], null, '√', null, null, '无', null, null, null],
  ]
  const fill = (section) =>
    fillXlsx(book, {
      first,
      blank,
      rows: rowsWith(section),
      replace: { 填报日期: `填报日期: ${chinese(today)}`, 填报人: '填报人: 市场监管局联络员', 联系方式: '联系方式: 0791-88888888' },
    })
  const wrongSection = SECTION.replace(/科$/, '处')
  const bad = fill(wrongSection)
  const good = fill(SECTION)
  const badRow = first + 2

  // 导入 the file with the bad row: the table of errors, nothing written.
  await page.locator('[data-test=office-import]').click()
  const dialog = page.locator('[data-test=import-dialog]')
  await dialog.waitFor()
  check((await dialog.locator('[data-test=import-kind]').innerText()).includes('问题整改台账'), 'the dialog imports the ledger')
  await chooseFile(page, dialog, '问题整改台账-填报.xlsx', bad)
  await runImport(dialog, 'run')
  await dialog.locator('[data-test=import-errors]').waitFor()
  check(!(await dialog.locator('[data-test=import-summary]').count()), 'a refused file shows no summary')
  const errors = await errorTable(dialog)
  check(errors.length === 1, `one error for the one bad row: ${JSON.stringify(errors)}`)
  const [row, column, reason] = errors[0]
  check(row === String(badRow) && column === '责任科室', `the error names row ${badRow}, column 责任科室: ${errors[0]}`)
  check(reason.includes(wrongSection) && reason.includes(SECTION), `the reason names the section and the closest one: ${reason}`)
  check((await dialog.locator('[data-test=import-errors] .el-alert').innerText()).includes('未导入任何数据'), 'the dialog says nothing was imported')
  await shot(page, 'import-errors')
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  check((await listed(page, mark)) === 0, 'the refused file wrote nothing: the list is unchanged')

  // 作为报送: with a report of the policy chosen, the check also says whether
  // the table would count as the unit's submission; nothing is written.
  await page.locator('[data-test=office-import]').click()
  await dialog.waitFor()
  await chooseFile(page, dialog, '问题整改台账-填报.xlsx', good)
  await pick(page, dialog.locator('[data-test=import-submit-report]'), '问题清单、需求清单和解决措施清单')
  await dialog.locator('[data-test=import-submit-period]').waitFor()
  await runImport(dialog, 'check')
  const asSubmission = await dialog.locator('[data-test=import-summary], [data-test=import-errors]').first().innerText()
  check(
    asSubmission.includes('作为该单位的报送') || asSubmission.includes('材料不完整'),
    `the check says whether the table would count as the unit's 报送: ${asSubmission}`,
  )
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  check((await listed(page, mark)) === 0, 'the check wrote nothing')

  // The row fixed: 检查 (nothing written), then 导入.
  await page.locator('[data-test=office-import]').click()
  await dialog.waitFor()
  await chooseFile(page, dialog, '问题整改台账-填报.xlsx', good)
  await runImport(dialog, 'check')
  check((await dialog.locator('[data-test=import-summary]').innerText()).includes('检查通过'), 'the check passes')
  check((await figure(dialog, 'problems')) === 3, 'the check would add three problems')
  const none = await ctx.request.get(`${base}/api/v1/problems?q=${encodeURIComponent(mark)}`)
  check((await none.json()).items.length === 0, 'a check writes nothing')
  await runImport(dialog, 'run')
  const done = dialog.locator('[data-test=import-summary]')
  check((await done.innerText()).includes('导入完成'), `the import is done: ${await done.innerText()}`)
  check((await figure(dialog, 'rows')) === 4, 'four rows read')
  check((await figure(dialog, 'problems')) === 3, 'three problems added (the fourth row found nothing)')
  await shot(page, 'import-done')
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  check((await listed(page, mark)) === 3, 'the three problems are in the list')
  const shown = await page.locator('[data-test=problem-table] [data-test=problem-row]').allInnerTexts()
  for (const p of problems) check(shown.some((t) => t.includes(p)), `the list shows ${p}`)
  // 整改完成时间 today with its measures: closed; a later date: 整改中 by it; none: 待整改.
  const statusOf = (p) => shown.find((t) => t.includes(p)) ?? ''
  check(statusOf(problems[0]).includes('已销号'), `a rectification done today closes the problem: ${statusOf(problems[0])}`)
  check(statusOf(problems[2]).includes(addDays(today, 20)), `a later 整改完成时间 is the deadline: ${statusOf(problems[2])}`)

  // The same file again: nothing new.
  await page.locator('[data-test=office-import]').click()
  await dialog.waitFor()
  await chooseFile(page, dialog, '问题整改台账-填报.xlsx', good)
  await runImport(dialog, 'run')
  check((await done.innerText()).includes('均已导入过'), `the same file again changes nothing: ${await done.innerText()}`)
  check((await figure(dialog, 'unchanged')) === 4 && (await figure(dialog, 'problems')) === null, 'every row is unchanged, no problem added')
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  check((await listed(page, mark)) === 3, 'nothing duplicated')

  // 导出: the ledger of the quarter, in the seed's layout, with the rows.
  await page.locator('[data-test=office-export]').click()
  const exportDialog = page.locator('[data-test=export-dialog]')
  await exportDialog.waitFor()
  check((await exportDialog.locator('[data-test=export-period] .el-select').innerText()).includes(quarterLabel(quarter)), 'the export is of this quarter')
  const out = await downloaded(page, () => exportDialog.locator('[data-test=export-run]').click())
  check(out.name.endsWith(`${quarter}.xlsx`) && out.name.includes(MARKET), `the export is named ${out.name}`)
  await exportDialog.waitFor({ state: 'hidden' })
  const ledger = openXlsx(out.buf)
  const outHead = findRow(ledger, '序号')
  // The seed's columns, then zlc's own (README: 整改时限, 整改状态, 单位) that a round trip needs.
  check(JSON.stringify(rowTexts(ledger, outHead)) === JSON.stringify([...LEDGER_HEADER, '整改时限', '整改状态', '单位']), `the export's header: ${rowTexts(ledger, outHead)}`)
  const exported = [...ledger.rows.keys()].map((r) => rowTexts(ledger, r)).filter((t) => t.some((c) => c.includes(mark)))
  check(exported.length === 3, `the export holds the three imported problems once each: ${JSON.stringify(exported)}`)
  const first0 = exported.find((t) => t.some((c) => c.startsWith(problems[0])))
  check(first0 && first0.includes(`${HEAD} 局长`) && first0.includes(ITEMS[0]) && first0.includes(SECTION), `the exported row keeps its person, item and section: ${first0}`)
  check(first0.some((c) => /^\d+$/.test(c) && serialDate(c) === day(6)), `the exported row keeps its date ${day(6)}: ${first0}`)
  check(first0.includes('统一更新材料清单并在网上同步公示'), 'the exported row keeps its measures')
  await ctx.close()

  // ---- 统计 ------------------------------------------------------------------
  const sctx = await newContext()
  const s = await sctx.newPage()
  const scripts = []
  s.on('response', (r) => {
    if (r.url().endsWith('.js')) scripts.push(r.url())
  })
  // Signed in without the dashboard (which draws charts of its own), then
  // straight to the page: what it fetches is its own.
  const login = await sctx.request.post(`${base}/api/v1/auth/login`, { headers: { origin: base }, data: { username: 'demo-supervisor', password } })
  check(login.ok(), `the supervisor signs in: ${login.status()}`)
  await s.goto(`${base}/stats`)
  await signedIn(s)
  await s.locator('[data-test=stats-title]').waitFor()
  const echarts = () => scripts.filter((u) => /\/echarts[-.][^/]*\.js$/.test(u)).length
  // Choose the period: a year, then back to the quarters and this one.
  const periodKind = s.locator('[data-test=stats-period] [data-test=period-kind]')
  await periodKind.getByText('年度', { exact: true }).click()
  await s.locator('[data-test=stats-title]', { hasText: `${today.slice(0, 4)}年 ` }).waitFor()
  await periodKind.getByText('季度', { exact: true }).click()
  await pick(s, '[data-test=stats-period] [data-test=period-value]', quarterLabel(quarter))
  await s.locator('[data-test=stats-title]', { hasText: quarterLabel(quarter) }).waitFor()
  const monthly = s.locator('[data-test=stat-table-monthly]')
  const units = (await monthly.locator('.el-table__body-wrapper [data-test=stat-unit]').allInnerTexts()).map((t) => t.trim())
  check(units.length > 3 && units.includes(MARKET) && units.at(-1) === '合计', `the table has a row per unit and 合计 last: ${units.join('、')}`)
  check(echarts() === 0, `the statistics tables fetch no ECharts: ${scripts.join(', ')}`)
  await shot(s, 'stats')

  // A figure → the records it counts, as many as it says.
  const marketRow = monthly.locator('.el-table__body-wrapper tr.el-table__row', { hasText: MARKET })
  const foundButton = marketRow.locator('[data-test=fig-problems_found]')
  const found = Number(await foundButton.innerText())
  check(found >= 3, `${MARKET} found at least the three imported problems this quarter: ${found}`)
  await foundButton.click()
  const drawer = s.locator('[data-test=drill-drawer]')
  const count = drawer.locator('[data-test=drill-count]')
  await s.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=drill-count]')?.textContent?.trim() ?? ''))
  check(Number(await count.innerText()) === found, `the drill-down counts ${await count.innerText()}, the table said ${found}`)
  await drawer.locator('[data-test=drill-listed]', { hasText: '已列出' }).waitFor()
  const drillRows = drawer.locator('[data-test=drill-row]')
  if (found <= 50) {
    await s.waitForFunction((n) => document.querySelectorAll('[data-test=drill-drawer] [data-test=drill-row]').length === n, found)
    const texts = await drillRows.allInnerTexts()
    for (const p of problems) check(texts.some((t) => t.includes(p)), `the drill-down lists the imported ${p}`)
  }
  await shot(s, 'stats-drill')
  await closeDrawer(s)

  // The 合计 of the quarterly summary's activities: more than a page, loaded to the end.
  await s.locator('[data-test=stats-tabs] .el-tabs__item', { hasText: '季度汇总表' }).click()
  const quarterly = s.locator('[data-test=stat-table-quarterly]')
  const totalRow = quarterly.locator('.el-table__body-wrapper tr.el-table__row', { hasText: '合计' })
  const totalButton = totalRow.locator('[data-test=fig-activities]')
  const total = Number(await totalButton.innerText())
  const figureTotal = Number(await s.locator('[data-test=stat-total-activities] .num').innerText())
  check(total === figureTotal && total > 0, `the 合计 row (${total}) and the key figure (${figureTotal}) agree`)
  await shot(s, 'stats-quarterly')
  await totalButton.click()
  await drawer.locator('.el-drawer__title', { hasText: '（合计）' }).waitFor()
  await s.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=drill-count]')?.textContent?.trim() ?? ''))
  check(Number(await count.innerText()) === total, `the 合计's drill-down counts ${await count.innerText()} activities, the table said ${total}`)
  for (let pages = 1; await drawer.locator('[data-test=drill-more]').count(); pages++) {
    check(pages < 100, 'the drill-down ends')
    const before = await drillRows.count()
    await drawer.locator('[data-test=drill-more]').click()
    await s.waitForFunction((n) => document.querySelectorAll('[data-test=drill-drawer] [data-test=drill-row]').length > n, before)
  }
  check((await drillRows.count()) === total, `the drill-down lists ${await drillRows.count()} activities, the table said ${total}`)
  await closeDrawer(s)

  // 图表: ECharts comes with the tab, and draws.
  await s.locator('[data-test=stats-tabs] .el-tabs__item', { hasText: '图表' }).click()
  await s.locator('[data-test=stats-charts] canvas').first().waitFor()
  check((await s.locator('[data-test=stats-charts] canvas').count()) >= 3, 'three charts draw')
  check(echarts() === 1, `the charts' tab fetched ECharts: ${scripts.filter((u) => u.includes('echarts')).join(', ')}`)
  await shot(s, 'stats-charts')

  // 通报: choose the cases, name the issuer, draft the notice.
  await s.locator('[data-test=stats-tabs] .el-tabs__item', { hasText: '通报' }).click()
  const panel = s.locator('[data-test=notice-panel]')
  const cases = await (await sctx.request.get(`${base}/api/v1/reports/cases?period=${quarter}`)).json()
  // The best three are chosen at first.
  await panel.locator('[data-test=cases-chosen]', { hasText: `已选 ${Math.min(3, cases.length)} / ${cases.length} 条` }).waitFor()
  const caseRows = panel.locator('[data-test=case-row]')
  await s.waitForFunction((n) => document.querySelectorAll('[data-test=notice-panel] [data-test=case-row]').length === n, cases.length)
  let chosen = cases.slice(0, 3)
  let dropped = null
  if (cases.length >= 4) {
    // The supervisor drops the first case the page offers and takes the fourth.
    await caseRows.nth(0).locator('.el-checkbox').click()
    await caseRows.nth(3).locator('.el-checkbox').click()
    dropped = cases[0]
    chosen = cases.slice(1, 4)
  }
  await panel.locator('[data-test=cases-chosen]', { hasText: `已选 ${chosen.length} / ${cases.length} 条` }).waitFor()
  const findings = Number(/共 (\d+) 条/.exec(await panel.locator('[data-test=findings-count]').innerText())?.[1])
  const issuer = '示范区优化营商环境工作领导小组办公室'
  await field(panel.locator('[data-test=notice-issuer]')).fill(issuer)
  await shot(s, 'stats-notice')
  const notice = await downloaded(s, () => panel.locator('[data-test=notice-generate]').click())
  check(notice.name.endsWith('.docx') && notice.name.includes('通报'), `the notice is named ${notice.name}`)
  const docx = unzip(notice.buf)
  const body = docx.get('word/document.xml')?.toString('utf8').replace(/<[^>]+>/g, '') ?? ''
  for (const h of ['一、总体情况', '二、主要问题', '三、下步工作要求']) check(body.includes(h), `the notice has ${h}`)
  check(body.includes(issuer), 'the notice is signed by the issuer named')
  for (const c of chosen) check(body.includes(c.measures), `the notice cites the chosen case of ${c.unit}: ${c.measures}`)
  if (dropped && !chosen.some((c) => c.measures === dropped.measures)) {
    check(!body.includes(dropped.measures), 'the case left out is not cited')
  }
  check(findings === 0 || body.indexOf('二、主要问题') < body.indexOf('三、下步工作要求'), 'the problems come before the requirements')
  await sctx.close()
}

/** At a phone size: the statistics and the notice panel fit the screen. */
async function phone({ newContext, base, password, shot, quarter }) {
  const ctx = await newContext()
  const page = await ctx.newPage()
  await signIn(page, base, 'demo-supervisor', password)
  await signedIn(page)
  await nav(page, 'phone', '统计')
  await page.locator('[data-test=stats-title]', { hasText: quarterLabel(quarter) }).waitFor()
  const units = await page.locator('[data-test=stat-table-monthly] .el-table__body-wrapper [data-test=stat-unit]').allInnerTexts()
  check(units.at(-1)?.trim() === '合计', 'the phone shows the table with 合计')
  const width = page.viewportSize().width
  const wide = await page.evaluate(() => document.documentElement.scrollWidth)
  check(wide <= width, `the page does not scroll sideways on a phone: ${wide} > ${width}`)
  await shot(page, 'stats')
  // A figure's records in a drawer as wide as the screen.
  const row = page.locator('[data-test=stat-table-monthly] .el-table__body-wrapper tr.el-table__row', { hasText: MARKET })
  const found = Number(await row.locator('[data-test=fig-problems_found]').innerText())
  await row.locator('[data-test=fig-problems_found]').click()
  const drawer = page.locator('[data-test=drill-drawer]')
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=drill-count]')?.textContent?.trim() ?? ''))
  check(Number(await drawer.locator('[data-test=drill-count]').innerText()) === found, 'the drill-down counts what the table said')
  const box = await drawer.boundingBox()
  check(box && box.width >= width - 1, `the drawer is full width on a phone: ${box?.width} of ${width}`)
  await shot(page, 'stats-drill')
  await closeDrawer(page)
  await page.locator('[data-test=stats-tabs] .el-tabs__item', { hasText: '通报' }).click()
  await page.locator('[data-test=notice-panel] [data-test=cases-chosen]', { hasText: /已选 \d+ \/ \d+ 条/ }).waitFor()
  await shot(page, 'stats-notice')
  await ctx.close()
}
