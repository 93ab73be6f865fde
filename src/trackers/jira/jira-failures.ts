/**
 * What jira.js throws, read once here: which failures are worth another attempt, and the RemoteError
 * (exit 3) a user sees for the rest. Messages name the host and the status, never a credential: the
 * cause we keep for --debug is a summary we write ourselves, not the axios error (whose config holds the
 * Authorization header).
 */
import { STATUS_CODES } from "node:http";
import { RemoteError } from "../../errors.js";
import type { TimedOut } from "../request.js";
import { parseRetryAfter, type RetryDecision } from "../retry.js";

/** One request, as messages describe it. */
export interface RequestLabel {
  method: "GET" | "POST";
  path: string;
  /** The issue a GET of one issue asks for, so a 404 can name it. */
  key?: string;
  /** The project a request is about, so a 404 can name it. */
  project?: string;
}

export interface FailureContext {
  /** The host as shown to people: example.atlassian.net */
  host: string;
  auth: "basic" | "bearer";
  /** The deployment assumed, so a refusal can say so; unknown while it is being asked. */
  deployment: "cloud" | "datacenter" | "unknown";
  timeoutMs: number;
  attempts: number;
}

interface HttpAnswer {
  status: number;
  headers: unknown;
  data: unknown;
}

/** One failed attempt, read once from what jira.js threw. */
export type JiraFailure =
  | { kind: "http"; answer: HttpAnswer }
  | { kind: "network"; code: string | undefined; message: string };

/**
 * jira.js wraps an HTTP error answer in its HttpException, with the axios error (and its response) as
 * the cause; without an answer it rethrows the axios error, whose code says what went wrong on the wire.
 */
export function classifyJira(error: unknown): JiraFailure {
  const response = (error as { cause?: { response?: Partial<HttpAnswer> } } | null)?.cause?.response;
  if (typeof response?.status === "number" && response.status >= 400) return { kind: "http", answer: response as HttpAnswer };
  const axiosError = error as { isAxiosError?: unknown; code?: unknown } | null;
  const code = axiosError?.isAxiosError === true && typeof axiosError.code === "string" ? axiosError.code : undefined;
  // An answer that began (even 200 OK) and broke off before its end is a dropped connection.
  return { kind: "network", code: code ?? (response ? "ECONNRESET" : undefined), message: error instanceof Error ? error.message : String(error) };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const getter = (headers as { get?: unknown }).get;
  const value = typeof getter === "function" ? getter.call(headers, name) : (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** The connection dropped under us; a new one will likely do. (A timeout is not retried: we already waited.) */
const RETRY_CODES = new Set(["ECONNRESET", "EPIPE", "EAI_AGAIN", "ERR_SOCKET_CONNECTION_TIMEOUT"]);
const TIMEOUT_CODES = new Set(["ECONNABORTED", "ETIMEDOUT"]);

export function retryDecision(failure: JiraFailure): RetryDecision {
  if (failure.kind === "http") {
    const { answer } = failure;
    if (!RETRY_STATUSES.has(answer.status)) return { retry: false };
    const afterMs = parseRetryAfter(header(answer.headers, "retry-after"));
    return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
  }
  return { retry: failure.code !== undefined && RETRY_CODES.has(failure.code) };
}

/** "503 Service Unavailable" */
export function describeFailure(failure: JiraFailure): string {
  if (failure.kind === "http") return `${failure.answer.status} ${STATUS_CODES[failure.answer.status] ?? ""}`.trim();
  return failure.code ?? "an error";
}

/** Jira's own words, from `{ errorMessages: [...], errors: {...} }`, if it sent any. */
function jiraMessage(data: unknown): string | undefined {
  if (!data || typeof data !== "object") return undefined;
  const { errorMessages, errors } = data as { errorMessages?: unknown; errors?: unknown };
  const messages = [
    ...(Array.isArray(errorMessages) ? errorMessages : []),
    ...(errors && typeof errors === "object" ? Object.values(errors) : []),
  ].filter((m): m is string => typeof m === "string" && m.trim() !== "");
  return messages.length > 0 ? messages.join("; ").slice(0, 300) : undefined;
}

export function toRemoteError(failure: JiraFailure | TimedOut, label: RequestLabel, context: FailureContext): RemoteError {
  const { host } = context;
  const request = `${label.method} ${label.path}`;
  if (failure.kind === "timeout") return timeoutError(request, context);
  if (failure.kind === "http") {
    const { answer } = failure;
    const status = describeFailure(failure);
    const said = jiraMessage(answer.data);
    const tries = context.attempts === 1 ? "1 attempt" : `${context.attempts} attempts`;
    const cause = new Error(`${request} → ${status}${said ? `: ${said}` : ""} (${tries})`);
    const options = { status: answer.status, cause };
    const credentials =
      context.auth === "basic"
        ? "Check JIRA_EMAIL and JIRA_API_TOKEN (an Atlassian API token for that email); for a Data Center personal access token, set JIRA_AUTH_TYPE=bearer instead."
        : context.deployment === "cloud"
          ? "Check JIRA_API_TOKEN and JIRA_AUTH_TYPE=bearer: on Jira Cloud a bearer token is a service account's, which must call https://api.atlassian.com/ex/jira/<cloudId> as JIRA_HOST, not the site's address; for a person's API token, unset JIRA_AUTH_TYPE and set JIRA_EMAIL."
          : "Check JIRA_API_TOKEN (a personal access token) and JIRA_AUTH_TYPE=bearer; for Jira Cloud, unset JIRA_AUTH_TYPE and set JIRA_EMAIL with an API token.";
    // Which deployment was assumed and which kind of credentials went out (never their values).
    const assumed = { cloud: "assumed Jira Cloud", datacenter: "assumed Jira Data Center", unknown: "asking for the deployment" }[context.deployment];
    const sent = `${assumed}, ${context.auth === "basic" ? "basic auth with JIRA_EMAIL and JIRA_API_TOKEN" : "a bearer token from JIRA_API_TOKEN"}`;
    switch (answer.status) {
      case 401:
        return new RemoteError(`Jira at ${host} refused the credentials (${status}; ${sent})`, { ...options, hint: credentials });
      case 403:
        return new RemoteError(`Jira at ${host} denied access to ${request} (${status}; ${sent})`, {
          ...options,
          hint: `${credentials} The account may also lack permission to browse the project.`,
        });
      case 404:
        if (label.project) {
          return new RemoteError(`Jira project ${label.project} was not found at ${host} (${status})`, {
            ...options,
            hint: "Check the project key (--project or jira.project), and that your Jira account can browse it.",
          });
        }
        if (label.key) {
          return new RemoteError(`Jira issue ${label.key} was not found at ${host} (${status})`, {
            ...options,
            hint: "Check the key, and that your Jira account can see the issue's project.",
          });
        }
        return new RemoteError(`Jira at ${host} has no ${label.path} (${status}; ${context.deployment === "cloud" ? "assumed Jira Cloud, REST v3" : "assumed Jira Data Center, REST v2"})`, {
          ...options,
          hint:
            context.deployment === "cloud"
              ? "Check JIRA_HOST (the site's address, such as https://example.atlassian.net); for Jira Data Center or Server, set jira.deployment: datacenter."
              : "Check JIRA_HOST: it should be the Jira server's base URL.",
        });
      default: {
        const after = context.attempts > 1 ? ` after ${context.attempts} attempts` : "";
        const retried = RETRY_STATUSES.has(answer.status);
        // A Retry-After longer than we wait is why we gave up; "in a minute" would be wrong advice then.
        const askedMs = retried ? parseRetryAfter(header(answer.headers, "retry-after")) : undefined;
        const hint =
          askedMs !== undefined && askedMs > 60_000
            ? `Jira asks to wait ${Math.ceil(askedMs / 1000)} s; try again after that.`
            : retried
              ? "Jira is busy or unavailable; try again in a minute."
              : "Run again with --debug for details.";
        return new RemoteError(`Jira at ${host} answered ${status} to ${request}${after}${said ? `: ${said}` : ""}`, { ...options, hint });
      }
    }
  }
  const { code } = failure;
  const cause = new Error(`${request} → ${code ?? "no answer"}: ${failure.message}`);
  if (code !== undefined && TIMEOUT_CODES.has(code)) return timeoutError(request, context);
  const after = context.attempts > 1 ? ` after ${context.attempts} attempts` : "";
  return new RemoteError(`cannot reach Jira at ${host} (${code ?? "connection failed"})${after}`, {
    cause,
    hint: "Check JIRA_HOST and the network connection.",
  });
}

function timeoutError(request: string, context: FailureContext): RemoteError {
  return new RemoteError(`Jira at ${context.host} did not answer ${request} within ${context.timeoutMs / 1000}s`, {
    hint: "Try again; if Jira is just slow, raise CLOUD_HTTP_TIMEOUT_MS (milliseconds).",
  });
}
