/**
 * Call recording: a wrapper reporting one `CallRecord` (role, provider, model, usage, duration,
 * cached, error) per call, from which the loop builds traces.
 *
 * @module
 */
import type { ChatResponse, Message } from "../schemas/chat.ts";
import type { CallRecord } from "../schemas/trace.ts";
import type { ChatOptions, Provider } from "./types.ts";

/** Options for {@linkcode withCallRecording}. */
export interface CallRecordingOptions {
  /** Role recorded when a call does not set `options.role`. @default "unknown" */
  defaultRole?: string;
  /** Clock in milliseconds. @default performance.now */
  now?: () => number;
}

/**
 * Wraps a provider so `onRecord` receives a {@linkcode CallRecord} after every call, successful or
 * not (failures carry `error` and zero usage, and are rethrown unchanged). Records never contain
 * messages or credentials.
 *
 * @param provider The provider to wrap.
 * @param onRecord Receives one record per call.
 * @param options Default role and clock.
 * @returns A provider with the same name and model.
 *
 * @example Record one call
 * ```ts
 * import { withCallRecording } from "./record.ts";
 * import { createScriptedProvider } from "./scripted.ts";
 * import type { CallRecord } from "../schemas/trace.ts";
 * const records: CallRecord[] = [];
 * const p = withCallRecording(createScriptedProvider(), (r) => records.push(r));
 * await p.chat([{ role: "user", content: "hi there" }], { role: "student" });
 * if (records.length !== 1 || records[0].role !== "student" || records[0].usage.inputTokens !== 2) {
 *   throw new Error();
 * }
 * ```
 */
export function withCallRecording(
  provider: Provider,
  onRecord: (record: CallRecord) => void,
  options: CallRecordingOptions = {},
): Provider {
  if (typeof onRecord !== "function") {
    throw new TypeError(`withCallRecording: onRecord must be a function, got ${typeof onRecord}`);
  }
  const now = options.now ?? (() => performance.now());
  const defaultRole = options.defaultRole ?? "unknown";
  const report = onRecord;
  return {
    name: provider.name,
    model: provider.model,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      const start = now();
      const role = chatOptions.role ?? defaultRole;
      try {
        const response = await provider.chat(messages, chatOptions);
        report({
          role,
          provider: provider.name,
          model: response.model || provider.model,
          usage: { ...response.usage },
          ms: Math.max(0, now() - start),
          cached: response.cached === true,
        });
        return response;
      } catch (error) {
        report({
          role,
          provider: provider.name,
          model: provider.model,
          usage: { inputTokens: 0, outputTokens: 0 },
          ms: Math.max(0, now() - start),
          cached: false,
          error: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    },
  };
}
