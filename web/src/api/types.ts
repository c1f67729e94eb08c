// The API's records as the server describes them: generated from its
// OpenAPI document into schema.d.ts (scripts/gen-api.sh; the test command
// fails when the two differ). Pages name these instead of declaring their
// own shapes.
import type { components } from './schema'

export type Schemas = components['schemas']

/** 办事流程要素 the figures of a service item's process. */
export type Figures = Schemas['Figures']
