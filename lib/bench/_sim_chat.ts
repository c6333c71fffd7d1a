/**
 * What every simulated model shares: the chat wrapper (abort, streamed tokens, word-count usage)
 * around a function that writes the answer text, and reading the last user message.
 *
 * @module
 */
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { type ChatOptions, type Provider, ProviderError } from "../providers/types.ts";

/**
 * The last user message of a conversation ("" when there is none).
 *
 * @param messages The conversation.
 * @returns Its last user message.
 *
 * @example
 * ```ts
 * import { lastUser } from "./_sim_chat.ts";
 * if (lastUser([{ role: "user", content: "a" }, { role: "assistant", content: "b" }]) !== "a") throw new Error();
 * ```
 */
export function lastUser(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") return messages[i].content;
  }
  return "";
}

function usageOf(messages: readonly Message[], text: string) {
  const words = (s: string) => (s.trim() ? s.trim().split(/\s+/).length : 0);
  return {
    inputTokens: messages.reduce((n, m) => n + words(m.content), 0),
    outputTokens: words(text),
  };
}

/**
 * A provider's `chat` around a function that writes the answer: rejects an aborted call, turns a
 * thrown error into a rejection, streams the text word by word through `onToken`, and counts usage
 * in words.
 *
 * @param model The model name reported.
 * @param answer Writes the answer text for a call.
 * @returns The `chat` function.
 *
 * @example
 * ```ts
 * import { simulatedChat } from "./_sim_chat.ts";
 * const chat = simulatedChat("sim", () => "two words");
 * const r = await chat([{ role: "user", content: "hi" }]);
 * if (r.text !== "two words" || r.usage.outputTokens !== 2) throw new Error();
 * ```
 */
export function simulatedChat(
  model: string,
  answer: (messages: Message[], o: ChatOptions) => string,
): Provider["chat"] {
  return (messages: Message[], o: ChatOptions = {}): Promise<ChatResponse> => {
    if (o.signal?.aborted) {
      return Promise.reject(new ProviderError("sim", "aborted", "the call was aborted"));
    }
    let text: string;
    try {
      text = answer(messages, o);
    } catch (error) {
      return Promise.reject(error);
    }
    if (o.onToken) { for (const part of text.match(/\S+\s*/g) ?? []) o.onToken(part); }
    return Promise.resolve({ text, model, usage: usageOf(messages, text), finishReason: "stop" });
  };
}
