// The API's records as the server describes them: generated from its
// OpenAPI document into schema.d.ts (scripts/gen-api.sh; the test command
// fails when the two differ). Pages name these instead of declaring their
// own shapes; the names below are the ones the pages speak of.
import type { components, operations } from './schema'

export type Schemas = components['schemas']

/** Names the server sends beside a record, keyed `kind:id` (`unit:12`). */
export type Names = Record<string, string>

/** The query string an operation takes (its parameters, all optional or not as the server says). */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>

/** The filters of the campaign lists (plans, activities, problems, needs, measures): the same query for each. */
export type LedgerQuery = QueryOf<'problems_list'>

/** 办事流程要素 the figures of a service item's process. */
export type Figures = Schemas['Figures']

/** 权限 a permission code: a misspelt one fails the type check. */
export type Permission = Schemas['Permission']

// The signed-in account.
export type Me = Schemas['Me']

// The ledgers.
export type Problem = Schemas['ProblemOut']
export type ProblemBody = Schemas['ProblemBody']
export type ProblemAction = Schemas['ActionBody']
/** 整改过程 one step of a problem's timeline. */
export type ProblemEvent = Schemas['EventOut']
export type Need = Schemas['NeedOut']
export type NeedBody = Schemas['NeedBody']
export type NeedPatch = Schemas['NeedPatch']
export type Measure = Schemas['MeasureOut']
export type MeasureBody = Schemas['MeasureBody']
export type MeasurePatch = Schemas['MeasurePatch']
/** What a need's or measure's ids stand for, by name. */
export type LedgerNames = Schemas['LedgerNames']
/** 办理过程 one write in a need's or measure's history: the changed fields as name → [before, after]. */
export type HistoryStep = Schemas['HistoryStep']
export type Attachment = Schemas['AttachmentOut']

// Plans and activities.
export type Plan = Schemas['PlanOut']
export type PlanBody = Schemas['PlanBody']
export type PlanPatch = Schemas['PlanPatch']
/** 扎堆提示 that a save answers. */
export type PlanWarning = Schemas['WarningOut']
export type Activity = Schemas['ActivityOut']
export type ActivityBody = Schemas['ActivityBody']
/** 回访 as answered (name and phone masked without `official:phone`). */
export type Callback = Schemas['CallbackOut']
export type CallbackBody = Schemas['CallbackBody']
/** 报备检查 of a draft. */
export type Filing = Schemas['FilingOut']

// The registry.
export type Unit = Schemas['UnitOut']
export type UnitBody = Schemas['UnitBody']
export type UnitPatch = Schemas['UnitPatch']
/** A unit's id and name, nothing else (`/units/names`). */
export type UnitName = Schemas['UnitName']
export type Item = Schemas['ItemOut']
export type ItemBody = Schemas['ItemBody']
export type ItemPatch = Schemas['ItemPatch']
/** One entry of an item's figures history. */
export type FiguresRecord = Schemas['FiguresOut']
export type Official = Schemas['OfficialOut']
export type OfficialBody = Schemas['OfficialBody']
export type OfficialPatch = Schemas['OfficialPatch']

// Reports.
export type Report = Schemas['Report']
export type ReportUnitRow = Schemas['UnitRow']
export type ScorePart = Schemas['ScorePart']
export type ProblemBreakdown = Schemas['ProblemBreakdown']
export type StatTable = Schemas['StatTable']
export type TableRow = Schemas['TableRow']
/** Activities counted per kind; the keys are the kind codes. */
export type ByKind = Schemas['ByKind']
export type Finding = Schemas['Finding']
/** 溯源记录 a record behind a finding. */
export type FindingRecord = Schemas['RecordRef']
/** 审核意见 a supervisor's decision on a finding. */
export type FindingReview = Schemas['Review']
export type ReviewBody = Schemas['ReviewBody']
/** 典型做法候选 */
export type Case = Schemas['CaseOut']
export type NoticeBody = Schemas['NoticeBody']

// The public page.
export type PublicPlan = Schemas['PublicPlanOut']
export type PublicRectification = Schemas['PublicRectificationOut']

// Administration.
export type User = Schemas['UserOut']
export type UserBody = Schemas['UserBody']
export type UserPatch = Schemas['UserPatch']
export type CreatedUser = Schemas['CreatedUser']
export type Role = Schemas['RoleOut']
export type RoleBody = Schemas['RoleBody']
export type RolePatch = Schemas['RolePatch']
export type PermissionInfo = Schemas['PermissionOut']
export type Token = Schemas['TokenOut']
export type TokenBody = Schemas['TokenBody']
export type CreatedToken = Schemas['CreatedToken']
export type Session = Schemas['SessionOut']
export type LoginEntry = Schemas['LoginOut']
/** One entry of the audit log: the record before and after, and the names they refer to. */
export type AuditEntry = Schemas['AuditOut']
export type Verification = Schemas['VerificationOut']
export type YearOut = Schemas['YearOut']
/** 特殊日 as sent: a holiday (放假) or a make-up workday (调休上班). */
export type Day = Schemas['DayBody']
export type Preset = Schemas['PresetOut']
/** 规则版本 */
export type PolicyVersion = Schemas['VersionOut']
export type ActivateBody = Schemas['ActivateBody']

// 督办: the signed-in account's to-do list, inbox and digest address.
/** 待办 one thing to do, with the app path of its record (`link`). */
export type Todo = Schemas['Todo']
/** 待办状态: overdue, due-soon, normal. */
export type TodoState = Schemas['TodoState']
/** The to-do list with its counts of overdue and due-soon entries. */
export type TodoList = Schemas['TodosOut']
/** 站内消息 one reminder (提醒 / 催办 / 督办) in the inbox. */
export type Message = Schemas['Message']
/** One page of the inbox, with its total and unread counts. */
export type MessagePage = Schemas['MessagesOut']
export type UnreadCount = Schemas['UnreadOut']
/** 督办邮件 the address the daily digest goes to (masked when read). */
export type MyEmail = Schemas['EmailBody']

// 报送: who has handed in which report of a period.
/** 报送情况 one report of one period: a row per unit in the caller's scope, the counts, the due date. */
export type SubmissionBoard = Schemas['BoardOut']
/** 报送状态 one unit's row on the board. */
export type SubmissionRow = Schemas['BoardRow']
/** 报送 a unit's package of a report and period. */
export type SubmitBody = Schemas['SubmitBody']
/** 退回 at the version read, with the reason. */
export type ReturnBody = Schemas['ReturnBody']
/** 催报 one report of one period. */
export type UrgeBody = Schemas['UrgeBody']
/** 催报 what was sent: the units still missing and the messages left them. */
export type UrgeResult = Schemas['UrgeOut']

// Spreadsheets.
/** 导入结果 what an import wrote (or, in a dry run, would write). */
export type ImportSummary = Schemas['ImportSummary']
