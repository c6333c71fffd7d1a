/**
 * A local HTTP server speaking the real wire protocols of Ollama (`/api/chat` with NDJSON streaming,
 * `/api/tags`), OpenAI (`/v1/chat/completions` with SSE chunks, usage chunk and `[DONE]`,
 * `/v1/models`) and Anthropic (`/v1/messages` with SSE events), for provider tests without any
 * model. Answers come from a handler; every request is recorded; faults (429 with Retry-After, 500,
 * hang, malformed body, truncated stream) can be queued for the next N requests.
 *
 * @module
 */
import type { Message } from "../lib/schemas/chat.ts";

/** Which API a request spoke. */
export type Protocol = "ollama" | "openai" | "anthropic";

/** A fault the server can inject. */
export type FaultMode = "rate_limit" | "server_error" | "hang" | "malformed" | "truncate";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The protocol of chat requests (undefined for listing endpoints and unknown paths). */
  protocol?: Protocol;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The parsed JSON body (undefined for GET or unparseable bodies). */
  body?: Record<string, unknown>;
  /** Whether the client asked for streaming. */
  stream: boolean;
  /** The fault applied to this request, if any. */
  fault?: FaultMode;
  /** The usage the server reported for this request, when it answered normally. */
  usage?: { inputTokens: number; outputTokens: number };
  /** The answer text the server sent, when it answered normally. */
  answer?: string;
}

/** What an answer handler is given. */
export interface HandlerInput {
  protocol: Protocol;
  model: string;
  /** The conversation, with Anthropic's `system` field as a leading system message. */
  messages: Message[];
  /** The raw JSON body. */
  body: Record<string, unknown>;
  stream: boolean;
}

/** Decides the answer text of a chat request. */
export type AnswerHandler = (input: HandlerInput) => string | Promise<string>;

/** Options for {@linkcode startProtocolServer}. */
export interface ProtocolServerOptions {
  /** Answer handler. @default echo: "Echo: <last user message>" */
  handler?: AnswerHandler;
  /** Key the OpenAI and Anthropic endpoints require (401 otherwise). @default undefined (no check) */
  apiKey?: string;
  /** Models `/api/tags` lists (chat with another model is a 404). @default ["llama3.2:latest"] */
  ollamaModels?: string[];
  /** Models `/v1/models` lists. @default ["gpt-4o-mini", "moonshot-v1-8k", "served-model"] */
  openaiModels?: string[];
}

/** Options of one queued fault. */
export interface FaultOptions {
  /** How many of the next requests get it. @default 1 */
  times?: number;
  /** `Retry-After` header of `rate_limit` faults. @default "1" */
  retryAfter?: string;
}

/** A running protocol server. */
export interface ProtocolServer {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Highest number of chat requests in flight at once. */
  readonly peakInFlight: number;
  /** Models listed by `/api/tags` (mutable). */
  ollamaModels: string[];
  /** Models listed by `/v1/models` (mutable). */
  openaiModels: string[];
  /** Replaces the answer handler. */
  setHandler(handler: AnswerHandler): void;
  /** Queues a fault for the next `times` requests (after already queued faults). */
  fault(mode: FaultMode, options?: FaultOptions): void;
  /** Drops queued faults. */
  clearFaults(): void;
  /** Chat requests of one protocol. */
  chatRequests(protocol?: Protocol): RecordedRequest[];
  /** Stops the server, releasing hung requests. */
  close(): Promise<void>;
}

/**
 * Counts whitespace-separated words (the server's token measure).
 *
 * @param text Any text.
 * @returns Number of words.
 */
export function countTokens(text: string): number {
  const t = text.trim();
  return t === "" ? 0 : t.split(/\s+/).length;
}

/**
 * Splits an answer into the chunks the server streams (each word with its following whitespace).
 *
 * @param text The answer.
 * @returns Chunks concatenating to `text`.
 */
export function chunkText(text: string): string[] {
  const chunks = text.match(/\s*\S+\s*/g);
  return chunks && chunks.length > 0 ? chunks : [text];
}

const encoder = new TextEncoder();

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorBody(protocol: Protocol | undefined, type: string, message: string): unknown {
  if (protocol === "ollama") return { error: message };
  if (protocol === "anthropic") return { type: "error", error: { type, message } };
  return { error: { message, type, code: null } };
}

/** A body that sends `parts` one per pull; with `cut`, only the first `cut` parts, then a cut connection. */
function streamBody(parts: string[], contentType: string, cut?: number): Response {
  const bytes = parts.map((p) => encoder.encode(p));
  const total = bytes.reduce((n, b) => n + b.length, 0);
  let i = 0;
  const limit = cut ?? bytes.length;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < limit) controller.enqueue(bytes[i++]);
      else controller.close();
    },
  });
  const headers: Record<string, string> = {
    "content-type": contentType,
    "cache-control": "no-cache",
  };
  // A declared length larger than what is sent makes the client see a connection cut mid-body.
  if (cut !== undefined) headers["content-length"] = String(total);
  return new Response(body, { headers });
}

function lastUser(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") return messages[i].content;
  }
  return "";
}

function toMessages(raw: unknown): Message[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((m) => {
    const r = m as { role?: unknown; content?: unknown };
    const role = r.role === "system" || r.role === "assistant" ? r.role : "user";
    const content = typeof r.content === "string"
      ? r.content
      : Array.isArray(r.content)
      ? r.content.map((b: { text?: unknown }) => (typeof b?.text === "string" ? b.text : "")).join(
        "",
      )
      : "";
    return { role, content };
  });
}

/**
 * Starts a protocol server on 127.0.0.1 and a free port.
 *
 * @param options Handler, required key and listed models.
 * @returns The running server; call `close()` when done.
 */
export function startProtocolServer(options: ProtocolServerOptions = {}): ProtocolServer {
  let handler: AnswerHandler = options.handler ??
    ((input) => `Echo: ${lastUser(input.messages)}`);
  const requests: RecordedRequest[] = [];
  const faults: { mode: FaultMode; remaining: number; retryAfter: string }[] = [];
  const closing = Promise.withResolvers<void>();
  let inFlight = 0;
  let peakInFlight = 0;
  const state = {
    ollamaModels: options.ollamaModels ?? ["llama3.2:latest"],
    openaiModels: options.openaiModels ?? ["gpt-4o-mini", "moonshot-v1-8k", "served-model"],
  };

  const takeFault = () => {
    const f = faults[0];
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) faults.shift();
    return f;
  };

  const serve = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const protocol: Protocol | undefined = path === "/api/chat"
      ? "ollama"
      : path === "/v1/chat/completions"
      ? "openai"
      : path === "/v1/messages"
      ? "anthropic"
      : undefined;
    let body: Record<string, unknown> | undefined;
    if (req.method === "POST") {
      try {
        body = JSON.parse(await req.text());
      } catch {
        body = undefined;
      }
    }
    const stream = body?.stream === true;
    const record: RecordedRequest = { method: req.method, path, protocol, headers, body, stream };
    requests.push(record);

    const fault = takeFault();
    if (fault) {
      record.fault = fault.mode;
      const errProto = protocol ?? (path.startsWith("/api/") ? "ollama" : "openai");
      switch (fault.mode) {
        case "rate_limit":
          return json(429, errorBody(errProto, "rate_limit_error", "rate limited: slow down"), {
            "retry-after": fault.retryAfter,
          });
        case "server_error":
          return json(500, errorBody(errProto, "api_error", "internal server error (injected)"));
        case "hang":
          // Never answers; released when the server closes (the client gives up on its own).
          await closing.promise;
          return json(503, errorBody(errProto, "api_error", "server closing"));
        case "malformed":
          if (stream && protocol === "ollama") {
            return streamBody(['{"model": "x", "message": {broken\n'], "application/x-ndjson");
          }
          if (stream) {
            return streamBody(
              ["event: content_block_delta\ndata: {broken json\n\n"],
              "text/event-stream",
            );
          }
          return new Response('{"choices": [ {broken json', {
            headers: { "content-type": "application/json" },
          });
        case "truncate":
          break; // handled below, after building the normal answer
      }
    }

    if (req.method === "GET" && path === "/api/tags") {
      return json(200, {
        models: state.ollamaModels.map((name) => ({
          name,
          model: name,
          modified_at: "2024-01-01T00:00:00Z",
          size: 1000,
          digest: "0".repeat(64),
          details: {
            format: "gguf",
            family: "llama",
            parameter_size: "1B",
            quantization_level: "Q4_0",
          },
        })),
      });
    }
    if (req.method === "GET" && path === "/v1/models") {
      if (options.apiKey && !authorized(headers, options.apiKey)) {
        return json(
          401,
          errorBody(
            headers["x-api-key"] ? "anthropic" : "openai",
            "authentication_error",
            "invalid api key",
          ),
        );
      }
      return json(200, {
        object: "list",
        data: state.openaiModels.map((id) => ({
          id,
          object: "model",
          type: "model",
          created: 0,
          owned_by: "test",
          display_name: id,
        })),
        has_more: false,
      });
    }
    if (!protocol || req.method !== "POST") {
      return json(
        404,
        errorBody(protocol ?? "openai", "not_found_error", `no route ${req.method} ${path}`),
      );
    }
    if (!body) return json(400, errorBody(protocol, "invalid_request_error", "body is not JSON"));
    if (protocol !== "ollama" && options.apiKey && !authorized(headers, options.apiKey)) {
      return json(401, errorBody(protocol, "authentication_error", "invalid api key"));
    }
    const model = String(body.model ?? "");
    if (
      protocol === "ollama" &&
      !state.ollamaModels.some((m) => m === model || m === `${model}:latest`)
    ) {
      return json(404, { error: `model "${model}" not found, try pulling it first` });
    }
    let messages = toMessages(body.messages);
    if (protocol === "anthropic" && typeof body.system === "string") {
      messages = [{ role: "system", content: body.system }, ...messages];
    }

    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let answer: string;
    try {
      answer = await handler({ protocol, model, messages, body, stream });
    } finally {
      inFlight--;
    }
    const chunks = chunkText(answer);
    const usage = {
      inputTokens: messages.reduce((n, m) => n + countTokens(m.content), 0),
      outputTokens: chunks.length,
    };
    const truncate = fault?.mode === "truncate";
    if (!truncate) {
      record.usage = usage;
      record.answer = answer;
    }
    const parts = protocol === "ollama"
      ? ollamaParts(model, answer, chunks, usage, stream)
      : protocol === "openai"
      ? openaiParts(model, answer, chunks, usage, stream, body)
      : anthropicParts(model, answer, chunks, usage, stream);
    const type = stream
      ? (protocol === "ollama" ? "application/x-ndjson" : "text/event-stream")
      : "application/json";
    if (truncate) {
      if (stream) return streamBody(parts, type, Math.max(1, Math.floor(parts.length / 2)));
      const whole = parts.join("");
      const half = whole.slice(0, Math.floor(whole.length / 2));
      return streamBody([half, whole.slice(half.length)], type, 1);
    }
    return stream
      ? streamBody(parts, type)
      : new Response(parts.join(""), { headers: { "content-type": type } });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, serve);
  const port = server.addr.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get peakInFlight() {
      return peakInFlight;
    },
    get ollamaModels() {
      return state.ollamaModels;
    },
    set ollamaModels(v: string[]) {
      state.ollamaModels = v;
    },
    get openaiModels() {
      return state.openaiModels;
    },
    set openaiModels(v: string[]) {
      state.openaiModels = v;
    },
    setHandler(h: AnswerHandler) {
      handler = h;
    },
    fault(mode: FaultMode, o: FaultOptions = {}) {
      faults.push({ mode, remaining: o.times ?? 1, retryAfter: o.retryAfter ?? "1" });
    },
    clearFaults() {
      faults.length = 0;
    },
    chatRequests(protocol?: Protocol) {
      return requests.filter((r) =>
        r.protocol !== undefined && (protocol === undefined || r.protocol === protocol)
      );
    },
    async close() {
      closing.resolve();
      await server.shutdown();
    },
  };
}

function authorized(headers: Record<string, string>, key: string): boolean {
  return headers["authorization"] === `Bearer ${key}` || headers["x-api-key"] === key;
}

type Usage = { inputTokens: number; outputTokens: number };

function ollamaParts(
  model: string,
  answer: string,
  chunks: string[],
  usage: Usage,
  stream: boolean,
): string[] {
  const created_at = "2024-01-01T00:00:00Z";
  const final = {
    model,
    created_at,
    message: { role: "assistant", content: stream ? "" : answer },
    done: true,
    done_reason: "stop",
    total_duration: 1000,
    load_duration: 10,
    prompt_eval_count: usage.inputTokens,
    prompt_eval_duration: 100,
    eval_count: usage.outputTokens,
    eval_duration: 500,
  };
  if (!stream) return [JSON.stringify(final)];
  return [
    ...chunks.map((c) =>
      JSON.stringify({
        model,
        created_at,
        message: { role: "assistant", content: c },
        done: false,
      }) + "\n"
    ),
    JSON.stringify(final) + "\n",
  ];
}

function openaiParts(
  model: string,
  answer: string,
  chunks: string[],
  usage: Usage,
  stream: boolean,
  body: Record<string, unknown>,
): string[] {
  const wireUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  const base = { id: "chatcmpl-test", created: 1700000000, model, system_fingerprint: "fp_test" };
  if (!stream) {
    return [JSON.stringify({
      ...base,
      object: "chat.completion",
      choices: [{
        index: 0,
        message: { role: "assistant", content: answer, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      }],
      usage: wireUsage,
    })];
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices, ...extra })}\n\n`;
  const includeUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  return [
    chunk([{
      index: 0,
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: null,
    }]),
    ...chunks.map((c) =>
      chunk([{ index: 0, delta: { content: c }, logprobs: null, finish_reason: null }])
    ),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }]),
    ...(includeUsage ? [chunk([], { usage: wireUsage })] : []),
    "data: [DONE]\n\n",
  ];
}

function anthropicParts(
  model: string,
  answer: string,
  chunks: string[],
  usage: Usage,
  stream: boolean,
): string[] {
  if (!stream) {
    return [JSON.stringify({
      id: "msg_test",
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: answer }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
    })];
  }
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event("message_start", {
      message: {
        id: "msg_test",
        type: "message",
        role: "assistant",
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
      },
    }),
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    event("ping", {}),
    ...chunks.map((c) =>
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text: c } })
    ),
    event("content_block_stop", { index: 0 }),
    event("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    }),
    event("message_stop", {}),
  ];
}
