// The seeds' Excel tables (office.rs): import a filled-in table, export a
// unit's table of a period, download an empty template.

import { download, query, upload } from '../api'
import type { ImportSummary } from './types'

/** The tables the server reads and writes (the `kind` of their paths). */
export type SheetKind = 'items' | 'ledger' | 'window-schedule' | 'window-stats' | 'lists' | 'units'

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Every table but the registry's is of a period (the server refuses one without). */
export function needsPeriod(kind: SheetKind): boolean {
  return kind !== 'items' && kind !== 'units'
}

/** The unit list spans several units; every other table is written into one. */
export function needsUnit(kind: SheetKind): boolean {
  return kind !== 'units'
}

/** 作为报送: the table counts as its unit's submission of a report of the policy for a period. */
export interface SubmitAs {
  report: string
  period: string
}

export function importPath(kind: SheetKind, o: { unit?: number | null; dryRun: boolean; name?: string; submit?: SubmitAs | null }): string {
  return `/imports/${kind}${query({
    unit: needsUnit(kind) ? o.unit : undefined,
    dry_run: o.dryRun ? 'true' : undefined,
    name: o.name,
    submit_report: o.submit?.report,
    submit_period: o.submit?.period,
  })}`
}

export function exportPath(kind: SheetKind, o: { period?: string; unit?: number | null }): string {
  return `/exports/${kind}${query({ period: needsPeriod(kind) ? o.period : undefined, unit: o.unit })}`
}

export function templatePath(kind: SheetKind): string {
  return `/templates/${kind}`
}

/** Sends the file (a dry run only checks it), reporting how much has gone up (0…1). */
export function importSheet(
  kind: SheetKind,
  o: { unit?: number | null; dryRun: boolean; submit?: SubmitAs | null },
  file: File,
  onProgress?: (sent: number) => void,
): Promise<ImportSummary> {
  return upload<ImportSummary>(importPath(kind, { ...o, name: file.name }), file, XLSX_MIME, onProgress)
}

/** Downloads the table under the server's name; returns the name saved. */
export function exportSheet(kind: SheetKind, o: { period?: string; unit?: number | null }, fallback: string): Promise<string> {
  return download('GET', exportPath(kind, o), undefined, fallback)
}

/** Downloads the empty table of a kind. */
export function downloadTemplate(kind: SheetKind, fallback: string): Promise<string> {
  return download('GET', templatePath(kind), undefined, fallback)
}
