/**
 * One GraphQL request to GitHub, done properly: a named operation, a timeout, bounded retries
 * (502/503/504, secondary rate limits, a primary rate limit that resets within a minute), the answer
 * checked with zod, and every failure turned into one of our errors with a sentence a person can act on.
 * @octokit/graphql is imported here, lazily, so `cloud --help` never loads it.
 */
import type { z } from "../../text/zod.js";
import { CliError, RemoteError } from "../../errors.js";
import { defaultRetryPolicy, parseRetryAfter, type RetryDecision, type RetryPolicy } from "../retry.js";
import { send } from "../request.js";
import { DEFAULT_TIMEOUT_MS } from "../timeout.js";
import { displayUrl, type Token } from "./github-token.js";
import { importPackage } from "../../package.js";

/** A named GraphQL query and the zod schema its `data` must match. */
export interface Operation<T> {
  readonly name: string;
  readonly text: string;
  readonly data: z.ZodMiniType<T>;
}

/**
 * Declare an operation; its name is read from the text, so every operation is necessarily named.
 * Runs of white space are collapsed (the text goes out with every page); our queries hold no string
 * literals, whose spaces would matter.
 */
export function operation<T>(text: string, data: z.ZodMiniType<T>): Operation<T> {
  const name = /^\s*query\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(text)?.[1];
  if (!name || text.includes('"')) throw new Error(`GraphQL operations must be named queries without string literals: ${text.slice(0, 40)}`);
  return { name, text: text.replace(/\s+/g, " ").trim(), data };
}

/** One entry of a GraphQL response's `errors`, as GitHub sends it. */
export interface GraphQLErrorInfo {
  type?: string;
  message: string;
  path?: (string | number)[];
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * GraphQL errors that still leave the data usable, such as NOT_FOUND for one aliased lookup
   * (GitHub answers those with null at that path). Any other error fails the call.
   */
  tolerate?: (error: GraphQLErrorInfo) => boolean;
  /** Told, in one sentence, when the call waits before retrying. */
  onWait?: (message: string) => void;
}

export interface Answer<T> {
  data: T;
  /** The tolerated errors. */
  errors: GraphQLErrorInfo[];
}

export interface Transport {
  readonly endpoint: URL;
  request<T>(op: Operation<T>, variables: Record<string, unknown>, options?: CallOptions): Promise<Answer<T>>;
}

export interface TransportOptions {
  endpoint: URL;
  token: Token;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}


/** Wait for a primary rate limit only when it resets within this long. */
const PRIMARY_RESET_WAIT_MS = 60_000;

/**
 * Retry-After on a secondary rate limit is typically up to 60 s, so single waits may be that long;
 * the total stays bounded.
 */
const GITHUB_RETRY_POLICY: RetryPolicy = { ...defaultRetryPolicy, maxDelayMs: PRIMARY_RESET_WAIT_MS + 1_000, maxTotalMs: 120_000 };

/** What went wrong with one attempt, in our terms. */
type Failure =
  | { kind: "timeout" }
  | { kind: "network"; message: string; transient: boolean }
  | { kind: "http"; status: number; message: string }
  | { kind: "secondary-rate-limit"; status: number; retryAfterMs: number | undefined }
  | { kind: "primary-rate-limit"; resetAt: number | undefined }
  | { kind: "graphql"; errors: GraphQLErrorInfo[] }
  | { kind: "unexpected"; message: string };

/** Socket-level failures worth one more try; a refused connection or a bad host name is not. */
const TRANSIENT_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

/** Split the endpoint the way @octokit/graphql wants it: it appends `url` to `baseUrl`. */
export function splitEndpoint(endpoint: URL): { baseUrl: string; url: string } {
  const path = endpoint.pathname;
  const cut = path.lastIndexOf("/");
  return { baseUrl: `${endpoint.origin}${path.slice(0, cut)}`, url: path.slice(cut) || "/" };
}

export async function createTransport(options: TransportOptions): Promise<Transport> {
  const { graphql } = await importPackage<typeof import("@octokit/graphql")>("@octokit/graphql");
  const { endpoint, token } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...GITHUB_RETRY_POLICY, ...options.retry };
  // A GITHUB_GRAPHQL_URL such as http://127.0.0.1:PORT/graphql must not become …/graphql/graphql.
  const gql = graphql.defaults({
    ...splitEndpoint(endpoint),
    headers: { authorization: `bearer ${token.value}` },
    request: { fetch: boundedFetch },
  });

  /** One attempt; GraphQL errors the caller tolerates leave the (partial) data usable. */
  async function attempt<T>(op: Operation<T>, variables: Record<string, unknown>, call: CallOptions, signal: AbortSignal): Promise<Answer<T>> {
    try {
      const data = await gql<unknown>(op.text, { ...variables, operationName: op.name, request: { signal } });
      return { data: checkAnswer(op.name, op.data, data), errors: [] };
    } catch (error) {
      const failure = error instanceof CliError ? undefined : classify(error);
      const partial = (error as { data?: unknown }).data;
      // Partial data is kept when every error is one the caller expects (GitHub nulls those paths).
      if (failure?.kind !== "graphql" || call.tolerate === undefined || !failure.errors.every(call.tolerate) || partial === null || partial === undefined) throw error;
      return { data: checkAnswer(op.name, op.data, partial), errors: failure.errors };
    }
  }

  return {
    endpoint,
    request(op, variables, call = {}) {
      return send(
        {
          attempt: (signal) => attempt(op, variables, call, signal),
          classify,
          decide,
          explain: (failure, attempts, cause) => toCliError(failure, { op, endpoint, token, attempts, timeoutMs, cause }),
          onWait: (failure, delayMs, next, of) => call.onWait?.(waitMessage(failure, delayMs, next, of)),
        },
        { signal: call.signal, timeoutMs, policy },
      );
    },
  };
}

/** No answer we ask for comes near this; a larger one is a misconfigured endpoint, not data. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** fetch, reading at most MAX_RESPONSE_BYTES of an answer's body. */
async function boundedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new RemoteError(`GitHub's answer is ${Math.round(declared / 2 ** 20)} MiB, more than the ${MAX_RESPONSE_BYTES / 2 ** 20} MiB a request may return`, {
      hint: "Check GITHUB_GRAPHQL_URL: it should be GitHub's GraphQL API.",
    });
  }
  if (!response.body) return response;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      throw new RemoteError(`GitHub's answer is more than the ${MAX_RESPONSE_BYTES / 2 ** 20} MiB a request may return`, {
        hint: "Check GITHUB_GRAPHQL_URL: it should be GitHub's GraphQL API.",
      });
    }
    chunks.push(chunk);
  }
  return new Response(Buffer.concat(chunks), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Check (part of) an answer with zod; a mismatch is a RemoteError naming the operation and the path. */
export function checkAnswer<T>(operationName: string, schema: z.ZodMiniType<T>, data: unknown, at: (string | number)[] = []): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [...at, ...issue.path];
  throw new RemoteError(`GitHub sent an unexpected answer to ${operationName}: ${path.length > 0 ? path.join(".") : "data"}: ${issue.message}`, {
    hint: "GITHUB_GRAPHQL_URL may point at something that is not GitHub's GraphQL API.",
    cause: parsed.error,
  });
}

type Headers = Record<string, string | number | undefined>;

function header(headers: Headers | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(value);
}

function resetAt(headers: Headers | undefined): number | undefined {
  const reset = Number(header(headers, "x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/** Read an error from @octokit/request (`HttpError`) or @octokit/graphql (`GraphqlResponseError`). */
function classify(error: unknown): Failure {
  if (!(error instanceof Error)) return { kind: "unexpected", message: String(error) };
  const e = error as Error & {
    status?: number;
    response?: { headers?: Headers; data?: unknown };
    headers?: Headers;
    errors?: GraphQLErrorInfo[];
  };
  if (e.name === "GraphqlResponseError" && Array.isArray(e.errors)) {
    if (e.errors.some((x) => x.type === "RATE_LIMITED")) return { kind: "primary-rate-limit", resetAt: resetAt(e.headers) };
    return { kind: "graphql", errors: e.errors };
  }
  if (e.name === "HttpError" && typeof e.status === "number") {
    if (!e.response) {
      // No response at all: DNS, refused connection, reset socket.
      const cause = e.cause as (Error & { code?: string; cause?: { code?: string } }) | undefined;
      const code = cause?.code ?? cause?.cause?.code;
      return { kind: "network", message: e.message, transient: code !== undefined && TRANSIENT_CODES.has(code) };
    }
    const headers = e.response.headers;
    const body = e.response.data;
    const message = typeof body === "object" && body !== null && "message" in body ? String(body.message) : answerText(body, e.message);
    if (e.status === 403 || e.status === 429) {
      if (header(headers, "x-ratelimit-remaining") === "0") return { kind: "primary-rate-limit", resetAt: resetAt(headers) };
      const retryAfter = header(headers, "retry-after");
      if (retryAfter !== undefined || /secondary rate limit/i.test(message)) {
        return { kind: "secondary-rate-limit", status: e.status, retryAfterMs: parseRetryAfter(retryAfter) };
      }
    }
    return { kind: "http", status: e.status, message };
  }
  return { kind: "unexpected", message: e.message };
}

function decide(failure: Failure): RetryDecision {
  switch (failure.kind) {
    case "http":
      return { retry: failure.status === 502 || failure.status === 503 || failure.status === 504 };
    case "network":
      return { retry: failure.transient };
    case "secondary-rate-limit":
      // Without Retry-After, GitHub's guidance is to wait at least a minute.
      return { retry: true, afterMs: failure.retryAfterMs ?? 60_000 };
    case "primary-rate-limit": {
      if (failure.resetAt === undefined) return { retry: false };
      const wait = failure.resetAt - Date.now();
      return wait <= PRIMARY_RESET_WAIT_MS ? { retry: true, afterMs: Math.max(1_000, wait + 1_000) } : { retry: false };
    }
    default:
      return { retry: false };
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function waitMessage(failure: Failure, delayMs: number, next: number, of: number): string {
  const why =
    failure.kind === "http"
      ? `GitHub answered HTTP ${failure.status}`
      : failure.kind === "secondary-rate-limit"
        ? "GitHub's secondary rate limit was hit"
        : failure.kind === "primary-rate-limit"
          ? "GitHub's rate limit is used up until it resets"
          : "the connection to GitHub failed";
  return `${why}; trying again in ${seconds(delayMs)} (attempt ${next} of ${of}).`;
}

function clock(at: number): string {
  return `${new Date(at).toISOString().slice(11, 16)} UTC`;
}

interface ErrorContext {
  op: Operation<unknown>;
  endpoint: URL;
  token: Token;
  attempts: number;
  timeoutMs: number;
  cause: unknown;
}

function toCliError(failure: Failure, c: ErrorContext): CliError {
  const cause = { cause: c.cause };
  const tried = c.attempts > 1 ? ` after ${c.attempts} attempts` : "";
  switch (failure.kind) {
    case "timeout":
      return new RemoteError(`GitHub did not answer ${c.op.name} within ${seconds(c.timeoutMs)}`, {
        ...cause,
        hint: "Try again; if it keeps happening, check the network and GITHUB_GRAPHQL_URL.",
      });
    case "network":
      return new RemoteError(`could not reach GitHub at ${displayUrl(c.endpoint)}: ${failure.message}`, {
        ...cause,
        hint: "Check the network connection and GITHUB_GRAPHQL_URL.",
      });
    case "secondary-rate-limit": {
      const asks = failure.retryAfterMs === undefined ? "" : `; it asks to wait ${seconds(failure.retryAfterMs)}`;
      return new RemoteError(`GitHub's secondary rate limit refused the request${tried}${asks}`, {
        ...cause,
        status: failure.status,
        hint: asks ? "Wait that long and try again." : "Wait a few minutes and try again.",
      });
    }
    case "primary-rate-limit": {
      const when = failure.resetAt === undefined ? "" : `; it resets at ${clock(failure.resetAt)} (in about ${Math.max(1, Math.ceil((failure.resetAt - Date.now()) / 60_000))} min)`;
      return new RemoteError(`GitHub's API rate limit for this token is used up${when}`, {
        ...cause,
        status: 403,
        hint: "Try again after the reset, or use another token.",
      });
    }
    case "graphql": {
      const [first] = failure.errors;
      const others = failure.errors.length - 1;
      const more = others > 0 ? ` (and ${others} more error${others > 1 ? "s" : ""})` : "";
      const scopes = failure.errors.some((e) => e.type === "INSUFFICIENT_SCOPES");
      return new RemoteError(`GitHub could not answer ${c.op.name}: ${oneLine(first?.message ?? "unknown error").replace(/\.$/, "")}${more}`, {
        ...cause,
        hint: scopes ? `The token from ${c.token.source} needs the read:project scope (and repo for private repositories).` : "Run again with --debug for details.",
      });
    }
    case "http":
      return httpError(failure, c, tried);
    case "unexpected":
      return new RemoteError(`the request to GitHub failed: ${oneLine(failure.message)}`, cause);
  }
}

function httpError(failure: Extract<Failure, { kind: "http" }>, c: ErrorContext, tried: string): RemoteError {
  const options = { cause: c.cause, status: failure.status };
  switch (failure.status) {
    case 401:
      return new RemoteError(`GitHub rejected the token from ${c.token.source} as bad credentials (HTTP 401)`, {
        ...options,
        hint: "Check GH_TOKEN and GITHUB_TOKEN (GH_TOKEN wins): the token may be mistyped, expired or revoked; or unset both and run `gh auth login`.",
      });
    case 403:
      return new RemoteError(`GitHub refused the request (HTTP 403): ${oneLine(failure.message)}`, {
        ...options,
        hint: `The token from ${c.token.source} needs the read:project scope (and repo for private repositories).`,
      });
    case 404:
      return new RemoteError(`GitHub answered HTTP 404 at ${displayUrl(c.endpoint)}`, {
        ...options,
        hint: "Check GITHUB_GRAPHQL_URL: it is https://api.github.com/graphql, or https://HOST/api/graphql on GitHub Enterprise Server.",
      });
    case 429:
      // Neither Retry-After nor a rate-limit header said how long (those are retried above); GitHub's
      // guidance is then to wait at least a minute, which is the user's call, not a hidden wait.
      return new RemoteError(`GitHub is limiting requests (HTTP 429)${tried}: ${oneLine(failure.message)}`, {
        ...options,
        hint: "Wait a minute and try again.",
      });
    default:
      return new RemoteError(`GitHub failed with HTTP ${failure.status}${tried}: ${oneLine(failure.message)}`, {
        ...options,
        hint: failure.status >= 500 ? "GitHub may be having trouble; try again in a few minutes." : "Run again with --debug for details.",
      });
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

/** What an error answer said, when it is not GitHub's JSON: an HTML error page is named, never inlined. */
function answerText(body: unknown, fallback: string): string {
  if (typeof body !== "string") return fallback;
  const text = body.trim();
  if (/^<(!doctype|html|head|body)\b/i.test(text)) {
    const title = /<title>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
    return title ? `an HTML page titled '${title}'` : "an HTML page";
  }
  return text === "" ? fallback : text;
}
