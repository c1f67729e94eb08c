// The seeds' tables in and out (components/office/office.ts, the requests
// in api/office.ts): which tables a role is offered, the request paths, the
// import summary in words and the table of row errors built from a refusal.

import { describe, expect, it } from 'vitest'
import { ApiError, fileNameOf } from '../src/api'
import {
  allowed,
  errorRows,
  exportPermissions,
  importPermissions,
  isRowRefusal,
  summaryFigures,
  summarySentence,
  type ImportSummary,
  type SheetKind,
} from '../src/components/office/office'
import { exportPath, importPath, needsPeriod, needsUnit, templatePath } from '../src/api/office'

const ALL: SheetKind[] = ['items', 'ledger', 'window-schedule', 'window-stats', 'lists', 'units']

function summary(over: Partial<ImportSummary> = {}): ImportSummary {
  return {
    kind: 'ledger',
    dry_run: false,
    rows: 0,
    unchanged: 0,
    activities: 0,
    problems: 0,
    needs: 0,
    measures: 0,
    plans: 0,
    items: 0,
    items_updated: 0,
    units: 0,
    units_updated: 0,
    officials_added: 0,
    items_added: 0,
    sections_added: 0,
    sections_added_names: [],
    activities_updated: 0,
    problems_updated: 0,
    import_id: null,
    ...over,
  }
}

describe('which tables a role is offered', () => {
  it('offers an import only with every permission it needs', () => {
    // A liaison who records activities but may not touch the registry.
    const perms = new Set(['activity:write', 'problem:write', 'plan:write'])
    expect(allowed(ALL, importPermissions, (p) => perms.has(p))).toEqual(['ledger', 'window-schedule', 'window-stats', 'lists'])
    // Activities without problems is not enough for the ledger (it writes both).
    expect(allowed(['ledger', 'lists'], importPermissions, (p) => p === 'activity:write')).toEqual([])
  })

  it('offers exports by the read permissions, in the order asked', () => {
    const perms = new Set(['unit:read', 'item:read'])
    expect(allowed(['units', 'ledger', 'items'], exportPermissions, (p) => perms.has(p))).toEqual(['units', 'items'])
  })
})

describe('request paths', () => {
  it('needs a period for every table but the registry’s, and a unit for all but the unit list', () => {
    expect(ALL.filter(needsPeriod)).toEqual(['ledger', 'window-schedule', 'window-stats', 'lists'])
    expect(ALL.filter((k) => !needsUnit(k))).toEqual(['units'])
  })

  it('imports into the chosen unit, as a dry run when checking, with the file name', () => {
    expect(importPath('ledger', { unit: 12, dryRun: true, name: '台账 3月.xlsx' })).toBe(
      '/imports/ledger?unit=12&dry_run=true&name=%E5%8F%B0%E8%B4%A6+3%E6%9C%88.xlsx',
    )
    // No unit: the sheet's 填报单位 says; a real import sends no dry_run at all.
    expect(importPath('lists', { unit: null, dryRun: false })).toBe('/imports/lists')
    // The unit list spans units: the unit chosen on the page is not sent.
    expect(importPath('units', { unit: 3, dryRun: false, name: 'a.xlsx' })).toBe('/imports/units?name=a.xlsx')
    // 作为报送: the report and period go with it; none when not asked.
    expect(importPath('ledger', { unit: 12, dryRun: false, submit: { report: 'quarterly-lists', period: '2024Q3' } })).toBe(
      '/imports/ledger?unit=12&submit_report=quarterly-lists&submit_period=2024Q3',
    )
    expect(importPath('ledger', { unit: 12, dryRun: false, submit: null })).toBe('/imports/ledger?unit=12')
  })

  it('exports a period of a unit, without a period for the registry’s tables', () => {
    expect(exportPath('ledger', { period: '2024Q1', unit: 7 })).toBe('/exports/ledger?period=2024Q1&unit=7')
    expect(exportPath('window-stats', { period: '2024-03', unit: null })).toBe('/exports/window-stats?period=2024-03')
    expect(exportPath('items', { period: '2024Q1', unit: 7 })).toBe('/exports/items?unit=7')
    expect(templatePath('window-schedule')).toBe('/templates/window-schedule')
  })
})

describe('the import summary', () => {
  it('lists the rows read and only the figures that are not zero, with the dry run’s future tense', () => {
    const s = summary({ rows: 5, activities: 3, problems: 4, officials_added: 1, unchanged: 1 })
    expect(summaryFigures(s).map((f) => [f.key, f.value])).toEqual([
      ['rows', 5],
      ['activities', 3],
      ['problems', 4],
      ['officials_added', 1],
      ['unchanged', 1],
    ])
    expect(summaryFigures(s)[1].label).toBe('新增活动（次）')
    expect(summaryFigures({ ...s, dry_run: true })[1].label).toBe('将新增活动（次）')
    expect(summaryFigures(summary({ rows: 0 }))).toEqual([{ key: 'rows', label: '读取行数', value: 0 }])
  })

  it('says what was written, or that a file imported before changed nothing', () => {
    expect(summarySentence(summary({ rows: 3, problems: 3, import_id: 9 }))).toBe('导入完成：共 3 行已写入，已记入导入日志。')
    // Sections the rows named and the unit lacked are created, and named.
    expect(
      summarySentence(summary({ rows: 2, problems: 2, sections_added: 1, sections_added_names: ['医保经办科（区医疗保障局）'], import_id: 11 })),
    ).toBe('导入完成：共 2 行已写入，已记入导入日志。新增科室 1：医保经办科（区医疗保障局）。')
    // A table that only completed records already there says so.
    expect(summarySentence(summary({ rows: 4, unchanged: 3, activities_updated: 1 }))).not.toContain('均已导入过')
    expect(summarySentence(summary({ rows: 3, unchanged: 3, import_id: 10 }))).toBe('导入完成：共 3 行，均已导入过，没有新增或改变任何数据。')
    expect(summarySentence(summary({ dry_run: true, rows: 3, problems: 2 }))).toBe('检查通过：共 3 行，没有错误，可以导入。此次检查未写入任何数据。')
    expect(summarySentence(summary({ dry_run: true, rows: 2, unchanged: 2 }))).toBe('检查通过：共 2 行，均已导入过，再次导入不会改变任何数据。')
  })

  it('says when the table counted as its unit’s submission, or would', () => {
    expect(summarySentence(summary({ rows: 1, problems: 1, import_id: 12, submitted: true }))).toBe(
      '导入完成：共 1 行已写入，已记入导入日志。已作为该单位的报送，相应期间的记录已锁定。',
    )
    expect(summarySentence(summary({ dry_run: true, rows: 1, problems: 1, submitted: true }))).toBe(
      '检查通过：共 1 行，没有错误，可以导入。此次检查未写入任何数据。材料完整，导入时将作为该单位的报送。',
    )
    expect(summarySentence(summary({ rows: 1, problems: 1, import_id: 13, submitted: false }))).not.toContain('报送')
  })
})

describe('the table of errors', () => {
  it('places each row error by sheet, row and column, in the order of the file', () => {
    const e = new ApiError(422, {
      detail: '表格有 3 处错误，未导入任何数据',
      errors: [
        { field: '第 9 行「时间」', message: '无法识别的日期「下周三」', row: 9, column: '时间' },
        { field: '第 7 行「责任科室」', message: '未找到科室「登记注册处」，最接近：登记注册科', row: 7, column: '责任科室' },
        { field: '第 8 行', message: '与第 7 行重复', row: 8, column: '' },
      ],
    })
    expect(errorRows(e)).toEqual([
      { sheet: '', row: 7, column: '责任科室', reason: '未找到科室「登记注册处」，最接近：登记注册科' },
      { sheet: '', row: 8, column: '', reason: '与第 7 行重复' },
      { sheet: '', row: 9, column: '时间', reason: '无法识别的日期「下周三」' },
    ])
    expect(isRowRefusal(e)).toBe(true)
  })

  it('keeps the sheets in the order of the file, each by row', () => {
    // The server reads the sheets in order, then checks names against the
    // registry: the second pass's errors come after the first's.
    const e = new ApiError(422, {
      errors: [
        { field: 'x', message: 'read', row: 9, column: '完成时限', sheet: '乙' },
        { field: 'x', message: 'read', row: 2, column: '发现问题', sheet: '甲' },
        { field: 'x', message: 'registry', row: 3, column: '填报单位', sheet: '乙' },
        { field: 'x', message: 'registry', row: 7, column: '发现问题', sheet: '甲' },
      ],
    })
    expect(errorRows(e).map((r) => `${r.sheet}${r.row}`)).toEqual(['乙3', '乙9', '甲2', '甲7'])
  })

  it('shows a refusal of the whole file as one row without a place, naming the field in Chinese', () => {
    const notXlsx = new ApiError(422, { detail: '参数错误', errors: [{ field: 'file', message: '不是 xlsx 文件' }] })
    expect(errorRows(notXlsx)).toEqual([{ sheet: '', row: null, column: '文件', reason: '不是 xlsx 文件' }])
    const refused = new ApiError(403, { detail: '没有导入该表格的权限' })
    expect(errorRows(refused)).toEqual([{ sheet: '', row: null, column: '', reason: '没有导入该表格的权限' }])
    expect(isRowRefusal(refused)).toBe(false)
    expect(errorRows(new Error('网络中断'))).toEqual([{ sheet: '', row: null, column: '', reason: '网络中断' }])
  })
})

describe('download names', () => {
  it('reads the UTF-8 name the server sends for Chinese file names', () => {
    const cd = `attachment; filename="download"; filename*=UTF-8''${encodeURIComponent('问题整改台账-模板.xlsx')}`
    expect(fileNameOf(cd, 'x.xlsx')).toBe('问题整改台账-模板.xlsx')
  })

  it('falls back to the plain name, then to the name given', () => {
    expect(fileNameOf('attachment; filename="report.docx"', 'x')).toBe('report.docx')
    expect(fileNameOf('attachment; filename="download"', '通报.docx')).toBe('通报.docx')
    expect(fileNameOf("attachment; filename*=UTF-8''%E0%A4", '表.xlsx')).toBe('表.xlsx')
    expect(fileNameOf(null, '表.xlsx')).toBe('表.xlsx')
  })
})
