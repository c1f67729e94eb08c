// 附件 (attachments.rs): the files of a record, sent as the raw request body.

import { api, query } from '../api'
import type { Attachment, QueryOf } from './types'

/** Whose files: a problem's evidence, an activity's photos. */
export type AttachmentOwner = 'problem' | 'activity'

export const listAttachments = (owner: AttachmentOwner, id: number) =>
  api.get<Attachment[]>('/attachments', { owner, id } satisfies QueryOf<'attachments_list'>)

/** One file, stored under `name`. */
export const uploadAttachment = (owner: AttachmentOwner, id: number, file: Blob, name: string) =>
  api.post<Attachment>(`/attachments${query({ owner, id, name } satisfies QueryOf<'upload'>)}`, file)
