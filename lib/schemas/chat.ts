/**
 * Schemas for chat messages, requests, responses and token usage: the records every provider speaks.
 *
 * @module
 */
import { z } from "zod";

/** One chat message. `role` follows the OpenAI convention; providers map it to their own. */
export const MessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});
/** One chat message. */
export type Message = z.infer<typeof MessageSchema>;

/** Token usage of one call. Providers that do not report usage give zeros. */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
/** Token usage of one call. */
export type Usage = z.infer<typeof UsageSchema>;

/** Sampling and output parameters of one chat call (everything that changes the answer). */
export const ChatParamsSchema = z.object({
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().optional(),
  /** JSON Schema the answer must follow (structured output). */
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
});
/** Sampling and output parameters of one chat call. */
export type ChatParams = z.infer<typeof ChatParamsSchema>;

/** A full chat request as recorded in traces and the record/replay cache. */
export const ChatRequestSchema = z.object({
  provider: z.string(),
  model: z.string(),
  messages: z.array(MessageSchema).min(1),
  params: ChatParamsSchema,
});
/** A full chat request. */
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** What a provider returns for one call. */
export const ChatResponseSchema = z.object({
  text: z.string(),
  model: z.string(),
  usage: UsageSchema,
  finishReason: z.string().optional(),
  /** True when the response came from the record/replay cache. */
  cached: z.boolean().optional(),
});
/** What a provider returns for one call. */
export type ChatResponse = z.infer<typeof ChatResponseSchema>;
