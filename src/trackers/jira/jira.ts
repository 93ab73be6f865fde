/**
 * Narrow Jira client: the few questions the commands ask Jira, over jira.js (REST v3).
 *
 * connectJira reads the host and credentials from the environment and config and fails fast, before
 * loading anything heavy, when they are missing. jira.js, zod and the method implementations are
 * imported only then, so `cloud --help` and `cloud branch --title` never load them.
 *
 * Environment: JIRA_HOST (wins over jira.host), JIRA_EMAIL + JIRA_API_TOKEN (basic auth), or
 * JIRA_API_TOKEN with JIRA_AUTH_TYPE=bearer (Data Center personal access token), and
 * CLOUD_HTTP_TIMEOUT_MS (per-request timeout, default 30000).
 */
import type { Config } from "../../config/schema.js";
import type { LinkedIssue } from "../refs.js";
import type { Tracker } from "../tracker.js";
import type { Config as JiraJsConfig } from "jira.js";
import type { Deployment } from "./jira-api.js";
import type { JiraIssue, JiraStatus, JiraVersion, StatusChange } from "./jira-schemas.js";

export type { Deployment } from "./jira-api.js";
export type { JiraIssue, JiraStatus, JiraVersion, StatusChange } from "./jira-schemas.js";
import { UsageError } from "../../errors.js";
import type { Env } from "../../io/streams.js";
import type { RetryPolicy } from "../retry.js";
import { requestTimeoutMs } from "../timeout.js";
import { importPackage } from "../../package.js";

export interface JiraIssueSummary {
  key: string;
  summary: string;
  /** Issue type name, e.g. "Story". */
  type: string;
}

export interface JiraClient extends Tracker<"jira"> {
  /** The site's base URL, without a trailing slash. */
  readonly host: string;
  /** Summary and type of one issue; a key Jira does not know is a RemoteError (exit 3) naming it. */
  getIssue(key: string): Promise<JiraIssueSummary>;
  /**
   * Facts for the gates, keyed by issue key (upper-case); missing issues have found: false.
   * One POST /rest/api/3/issue/bulkfetch per 100 keys, several in parallel, plus one GET
   * /rest/api/3/field per run to find the story points field unless jira.storyPointsField is an id.
   */
  getLinkedIssues(keys: readonly string[]): Promise<Map<string, LinkedIssue>>;
  /**
   * The issues with these keys (upper-case, each a valid key), with these fields, keyed by the key
   * asked for; a key Jira does not have is absent, never an error, and a moved issue is filed under
   * the key asked for (its `key` is the new one). Jira Cloud: POST /rest/api/3/issue/bulkfetch;
   * Data Center: POST /rest/api/2/search `key in (…)` with validateQuery=warn. 100 keys a request.
   */
  issuesByKeys(keys: readonly string[], fields: string[]): Promise<Map<string, JiraIssue>>;
  /** Open issues assigned to the current user, most recently updated first. */
  myOpenIssues(): Promise<JiraIssueSummary[]>;
  /** The deployment in use, decided once a run, on the first request. */
  deployment(): Promise<Deployment>;
  /** Every issue a JQL query selects, paged to the end (or to `limit`), with these fields. */
  search(jql: string, fields: string[], options?: SearchOptions): Promise<JiraIssue[]>;
  /** The ids of the fields that may hold story points, best first (one field list a run, shared with flaggedField). */
  storyPointsFields(): Promise<string[]>;
  /** The id of Jira Software's Flagged field, or null when the site has none (one field list a run). */
  flaggedField(): Promise<string | null>;
  /** Every status of the site with its category (one GET /status a run). */
  statuses(): Promise<JiraStatus[]>;
  /** The user of the credentials. */
  myself(): Promise<{ id: string; name: string; timeZone: string | null }>;
  /** A project by key; one Jira does not have is a RemoteError (exit 3) naming it. */
  project(key: string): Promise<{ key: string; name: string; url: string }>;
  /** Every version (fix version) of a project, paged to the end. */
  versions(key: string): Promise<JiraVersion[]>;
  /**
   * The status changes of each issue, oldest first (bulk on Cloud, one request an issue on Data Center).
   * `ids`: each key's issue id, when a search already gave them; Cloud then skips the search for them.
   */
  statusChanges(keys: readonly string[], options?: { ids?: ReadonlyMap<string, string> }): Promise<Map<string, StatusChange[]>>;
}

export interface SearchOptions {
  /** Stop after this many issues. */
  limit?: number;
  /** Data Center: "warn" makes keys that do not exist warnings rather than a 400. */
  validateQuery?: "strict" | "warn";
}

export interface ConnectJiraOptions {
  env: Env;
  config: Config;
  /** Override the retry policy (tests of give-up behaviour). */
  retry?: Partial<RetryPolicy>;
  /** Told before each wait between attempts, e.g. to say so on stderr. */
  onRetry?: (message: string) => void;
  /** Aborts requests in flight and waits between attempts (Ctrl-C). */
  signal?: AbortSignal;
}

export type JiraAuth = { kind: "basic"; email: string; apiToken: string } | { kind: "bearer"; token: string };

export interface JiraSettings {
  /** Base URL without a trailing slash. */
  host: string;
  auth: JiraAuth;
  timeoutMs: number;
  storyPointsField: string | null;
  /** jira.deployment: auto asks the server once a run unless the host is Atlassian's. */
  deployment: "auto" | Deployment;
}


export const MAX_JIRA_RESPONSE_BYTES = 32 * 1024 * 1024;

export async function connectJira(options: ConnectJiraOptions): Promise<JiraClient> {
  const settings = jiraSettings(options.env, options.config);
  const [{ Version2Client }, { Version3Client }, { cloudApi, dataCenterApi }, { createJiraClient, detectDeployment }] = await Promise.all([
    importPackage<typeof import("jira.js/version2")>("jira.js/version2"),
    importPackage<typeof import("jira.js/version3")>("jira.js/version3"),
    import("./jira-api.js"),
    import("./jira-client.js"),
  ]);
  const { auth } = settings;
  const common = {
    host: settings.host,
    // axios waits forever by default; the run's signal (Ctrl-C) aborts what is in flight.
    baseRequestConfig: {
      timeout: settings.timeoutMs,
      // No answer we ask for comes near this; a larger one is not Jira's data.
      maxContentLength: MAX_JIRA_RESPONSE_BYTES,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  };
  const config: JiraJsConfig =
    auth.kind === "basic"
      ? { ...common, authentication: { basic: { email: auth.email, apiToken: auth.apiToken } } }
      : // A bearer token is what jira.js sends for an OAuth 2.0 access token: `Authorization: Bearer <token>`.
        { ...common, authentication: { oauth2: { accessToken: auth.token } } };
  const clientOptions = { retry: options.retry, onRetry: options.onRetry, signal: options.signal };
  return createJiraClient(
    async () => {
      const deployment =
        settings.deployment === "auto"
          ? await detectDeployment(new Version2Client(config), settings, clientOptions, new Version2Client(common))
          : settings.deployment;
      return deployment === "cloud" ? cloudApi(new Version3Client(config)) : dataCenterApi(new Version2Client(config));
    },
    settings,
    clientOptions,
  );
}

/** Host, credentials and timeout from the environment and config; a UsageError (exit 2) naming what to set. */
export function jiraSettings(env: Env, config: Config): JiraSettings {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const host = value("JIRA_HOST") ?? config.jira.host ?? undefined;
  const authType = (value("JIRA_AUTH_TYPE") ?? "basic").toLowerCase();
  if (authType !== "basic" && authType !== "bearer") {
    throw new UsageError(`JIRA_AUTH_TYPE must be 'basic' or 'bearer', not '${env.JIRA_AUTH_TYPE}'`, {
      hint: "Unset it for Jira Cloud (JIRA_EMAIL + JIRA_API_TOKEN), or set it to bearer for a Data Center personal access token.",
    });
  }
  const token = value("JIRA_API_TOKEN");
  const email = value("JIRA_EMAIL");

  const missing = [
    ...(host ? [] : ["JIRA_HOST (or jira.host in cloud.config.yaml)"]),
    ...(authType === "basic" && !email ? ["JIRA_EMAIL"] : []),
    ...(token ? [] : ["JIRA_API_TOKEN"]),
  ];
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
    throw new UsageError(`Jira is not set up: set ${list}`, {
      hint:
        authType === "basic"
          ? "For a Data Center personal access token, set JIRA_API_TOKEN and JIRA_AUTH_TYPE=bearer instead of JIRA_EMAIL."
          : "JIRA_AUTH_TYPE=bearer takes a personal access token in JIRA_API_TOKEN.",
    });
  }

  return {
    host: normalizeHost(host!, value("JIRA_HOST") ? "JIRA_HOST" : "jira.host in cloud.config.yaml"),
    auth: authType === "basic" ? { kind: "basic", email: email!, apiToken: token! } : { kind: "bearer", token: token! },
    timeoutMs: requestTimeoutMs(env),
    storyPointsField: config.jira.storyPointsField,
    deployment: config.jira.deployment,
  };
}

/** The base URL without a trailing slash; `source` names where it came from, for the message. */
function normalizeHost(host: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(host);
  } catch {
    // reported below
  }
  // Never echo a value with credentials in it: the part before @ may be a password.
  const shown = host.includes("@") ? "" : ` ('${host}')`;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new UsageError(`${source} is not an http(s) URL${shown}`, {
      hint: "Set it to the Jira site's address, such as https://example.atlassian.net.",
    });
  }
  if (url.username || url.password) {
    throw new UsageError(`${source} must not contain credentials`, {
      hint: "Put the address alone there, and the credentials in JIRA_EMAIL and JIRA_API_TOKEN.",
    });
  }
  refuseUnencrypted(url, source);
  // Trailing slashes, counted from the end: /\/+$/ would retry every start of a long run of them.
  let end = url.pathname.length;
  while (end > 0 && url.pathname.charCodeAt(end - 1) === 0x2f) end--;
  return `${url.origin}${url.pathname.slice(0, end)}`;
}

/**
 * Credentials go out with every request, so plain http is refused unless the host is this machine
 * (127.0.0.0/8, ::1, localhost: the loopback servers of tests and local proxies).
 */
export function refuseUnencrypted(url: URL, source: string): void {
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new UsageError(`${source} is http://${url.host}: credentials would be sent unencrypted; use https`, {
      hint: `Set it to https://${url.host}${url.pathname === "/" ? "" : url.pathname}. Plain http is allowed only for localhost.`,
    });
  }
}

/** A URL's hostname (as WHATWG URL normalises it: `127.1` → `127.0.0.1`, `[0::1]` → `[::1]`) is this machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

