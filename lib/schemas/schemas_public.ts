/**
 * The public validators of the shared records: the same zod schemas the library uses, typed through
 * the stable {@linkcode Schema} interface.
 *
 * @module
 */
import type { Schema } from "./schema.ts";
import * as chat from "./chat.ts";
import * as trace from "./trace.ts";
import * as events from "./events.ts";
import * as item from "./item.ts";
import * as coding from "./coding.ts";

/** Validates a {@linkcode chat.Message}. */
export const MessageSchema: Schema<chat.Message> = chat.MessageSchema;
/** Validates {@linkcode chat.Usage}. */
export const UsageSchema: Schema<chat.Usage> = chat.UsageSchema;
/** Validates {@linkcode chat.ChatParams}. */
export const ChatParamsSchema: Schema<chat.ChatParams> = chat.ChatParamsSchema;
/** Validates a {@linkcode chat.ChatRequest}. */
export const ChatRequestSchema: Schema<chat.ChatRequest> = chat.ChatRequestSchema;
/** Validates a {@linkcode chat.ChatResponse}. */
export const ChatResponseSchema: Schema<chat.ChatResponse> = chat.ChatResponseSchema;
/** Validates a {@linkcode trace.Severity}. */
export const SeveritySchema: Schema<trace.Severity> = trace.SeveritySchema;
/** Validates a {@linkcode trace.Critique}. */
export const CritiqueSchema: Schema<trace.Critique> = trace.CritiqueSchema;
/** Validates a {@linkcode trace.CritiqueList} (the Critic's structured output). */
export const CritiqueListSchema: Schema<trace.CritiqueList> = trace.CritiqueListSchema;
/** Validates a {@linkcode trace.Verdict} (the Judge's structured output). */
export const VerdictSchema: Schema<trace.Verdict> = trace.VerdictSchema;
/** Validates a {@linkcode trace.Pairwise} comparison. */
export const PairwiseSchema: Schema<trace.Pairwise> = trace.PairwiseSchema;
/** Validates a {@linkcode trace.Score}. */
export const ScoreSchema: Schema<trace.Score> = trace.ScoreSchema;
/** Validates a {@linkcode trace.RatchetDecision}. */
export const RatchetDecisionSchema: Schema<trace.RatchetDecision> = trace.RatchetDecisionSchema;
/** Validates a {@linkcode trace.Candidate}. */
export const CandidateSchema: Schema<trace.Candidate> = trace.CandidateSchema;
/** Validates a {@linkcode trace.CallRecord}. */
export const CallRecordSchema: Schema<trace.CallRecord> = trace.CallRecordSchema;
/** Validates a {@linkcode trace.Trace}. */
export const TraceSchema: Schema<trace.Trace> = trace.TraceSchema;
/** Validates an {@linkcode events.Event} (every JSON line of `--ui json`). */
export const EventSchema: Schema<events.Event> = events.EventSchema;
/** Validates a dataset {@linkcode item.Item}. */
export const ItemSchema: Schema<item.Item> = item.ItemSchema;
/** Validates a {@linkcode coding.TestCase}. */
export const TestCaseSchema: Schema<coding.TestCase> = coding.TestCaseSchema;
/** Validates a {@linkcode coding.CodingItem} (a row of `datasets/*.jsonl`). */
export const CodingItemSchema: Schema<coding.CodingItem> = coding.CodingItemSchema;
