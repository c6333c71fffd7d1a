/**
 * Schemas for chat messages, requests, responses and token usage: the records every provider speaks.
 *
 * @module
 */
import { z } from "zod";
import type { Equals } from "./schema.ts";

/** One chat message. `role` follows the OpenAI convention; providers map it to their own. */
export const MessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});
/** One chat message. */
export interface Message {
  /** Who speaks. */
  role: "system" | "user" | "assistant";
  /** The text. */
  content: string;
}
const _message: Equals<z.infer<typeof MessageSchema>, Message> = true;

/** Token usage of one call. Providers that do not report usage give zeros. */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
/** Token usage of one call. */
export interface Usage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
}
const _usage: Equals<z.infer<typeof UsageSchema>, Usage> = true;

/** Sampling and output parameters of one chat call (everything that changes the answer). */
export const ChatParamsSchema = z.object({
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().optional(),
  /** JSON Schema the answer must follow (structured output). */
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
});
/** Sampling and output parameters of one chat call. */
export interface ChatParams {
  /** Sampling temperature in [0, 2]. */
  temperature?: number;
  /** Sampling seed. */
  seed?: number;
  /** Output token limit. */
  maxTokens?: number;
  /** JSON Schema the answer must follow (structured output). */
  jsonSchema?: Record<string, unknown>;
}
const _params: Equals<z.infer<typeof ChatParamsSchema>, ChatParams> = true;

/** A full chat request as recorded in traces and the record/replay cache. */
export const ChatRequestSchema = z.object({
  provider: z.string(),
  model: z.string(),
  messages: z.array(MessageSchema).min(1),
  params: ChatParamsSchema,
});
/** A full chat request. */
export interface ChatRequest {
  /** Provider name. */
  provider: string;
  /** Model name. */
  model: string;
  /** The conversation. */
  messages: Message[];
  /** Sampling and output parameters. */
  params: ChatParams;
}
const _request: Equals<z.infer<typeof ChatRequestSchema>, ChatRequest> = true;

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
export interface ChatResponse {
  /** The answer text. */
  text: string;
  /** The model that answered. */
  model: string;
  /** Token usage. */
  usage: Usage;
  /** Why generation stopped, as the provider says. */
  finishReason?: string;
  /** True when the response came from the record/replay cache. */
  cached?: boolean;
}
const _response: Equals<z.infer<typeof ChatResponseSchema>, ChatResponse> = true;
