import { describe, expect, it } from 'vitest'
import { BOM, csvCell, toCsv, type CsvColumn } from '../src/components/ledgers/csv'

interface Row {
  name: string
  note: string | null
  urgent: boolean
  count: number
}

const columns: CsvColumn<Row>[] = [
  { header: '名称', value: (r) => r.name },
  { header: '备注', value: (r) => r.note },
  { header: '急难愁盼', value: (r) => r.urgent },
  { header: '数量', value: (r) => r.count },
]

describe('csv', () => {
  it('starts with the BOM and ends lines with CRLF', () => {
    const text = toCsv(columns, [{ name: '企业开办', note: null, urgent: false, count: 3 }])
    expect(text.startsWith(BOM)).toBe(true)
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text).toBe(`${BOM}名称,备注,急难愁盼,数量\r\n企业开办,,否,3\r\n`)
  })

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('他说"好"')).toBe('"他说""好"""')
    expect(csvCell('第一行\n第二行')).toBe('"第一行\n第二行"')
    expect(csvCell('x\r\ny')).toBe('"x\r\ny"')
    expect(csvCell('平常文字')).toBe('平常文字')
  })

  it('writes empty cells for missing values and 是/否 for booleans', () => {
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(null)).toBe('')
    expect(csvCell(true)).toBe('是')
    expect(csvCell(0)).toBe('0')
  })

  it('keeps a row with a multi-line quoted cell as one record', () => {
    const text = toCsv(columns, [{ name: '材料,多', note: '原因："模糊"\n待查', urgent: true, count: 1 }])
    const body = text.slice(BOM.length).split('\r\n')
    expect(body[1]).toBe('"材料,多","原因：""模糊""\n待查",是,1')
    expect(body).toHaveLength(3)
  })
})
