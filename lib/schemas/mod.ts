/**
 * Every record that crosses a boundary — chat messages, traces, events, dataset rows — as a documented
 * interface and a validator for it.
 *
 * @module
 */
export type { SafeParseResult, Schema, SchemaIssue } from "./schema.ts";
export { toJsonSchema } from "./schema.ts";
export type { ChatParams, ChatRequest, ChatResponse, Message, Usage } from "./chat.ts";
export type {
  CallRecord,
  Candidate,
  Critique,
  CritiqueList,
  Pairwise,
  RatchetDecision,
  Score,
  Severity,
  Trace,
  Verdict,
} from "./trace.ts";
export type { DistributiveOmit, Event, EventBase, EventInput, EventSink } from "./events.ts";
export type { Manifest, ManifestRole } from "./manifest.ts";
export { ManifestRoleSchema, ManifestSchema } from "./manifest.ts";
export { emit } from "./events.ts";
export type { Item } from "./item.ts";
export type { CodingItem, TestCase } from "./coding.ts";
export * from "./schemas_public.ts";
