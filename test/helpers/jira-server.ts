/**
 * A loopback Jira for tests: `node:http` on 127.0.0.1:0 speaking Jira Cloud (REST v3) or Jira Data
 * Center (REST v2) with their real paths and JSON shapes, checking credentials, evaluating JQL,
 * recording every request, with scriptable faults and barriers.
 *
 *   const startJira = loopbackJira();        // once per test file: stops (and verifies) its servers after each test
 *   const jira = await startJira({ issues: [fakeIssue("CLOUD-42", "The answer to everything")] });
 *   await cli(["branch", "CLOUD-42"], { cwd, env: baseEnv(jira.env) });
 *   expect(jira.count("GET", "/rest/api/3/issue/CLOUD-42")).toBe(1);
 *
 * Options (all optional):
 *   deployment   "cloud" (default) or "datacenter"; see the endpoints below.
 *   issues       FakeIssue[] (build with fakeIssue(key, summary, {...})): what the site holds. Beyond
 *                summary, type, status + category, assignee, points, description and updated, an issue
 *                may have id, labels, fixVersions (version ids), subtask, flagged, rank, created,
 *                resolutiondate, statusCategoryChangedDate, parent (a key), formerKeys, extraFields and
 *                history ([{ at, from, to, by? }] status changes, served as the changelog).
 *   versions     FakeVersion[] (fakeVersion(project, id, name, {...})): releaseDate, startDate,
 *                released, archived, description, overdue.
 *   projects     { key, name, id? }[]; projects named by an issue key or a version exist anyway, named
 *                after their key.
 *   statuses     { name, category, id? }[] beyond To Do, In Progress, Done and those the issues use.
 *   fields       FakeField[] for GET /field; default DEFAULT_FIELDS (Cloud: "Story point estimate",
 *                customfield_10016, the Jira Software story-points type) or DEFAULT_DC_FIELDS (Data
 *                Center: "Story Points", a number field, same id), both with Sprint and Flagged
 *                (customfield_10021). A FakeIssue's `points` is served under `pointsField` (default
 *                customfield_10016), `flagged` under customfield_10021 as [{ value: "Impediment" }].
 *   faults       FaultRule[]: answered before routing, in order, each `times` times (default 1):
 *                { status: 401 | 403 | 404 | 429 | 500 | 502 | 503, retryAfter?: "1" }, { hang: true }
 *                (never answers: for timeouts), { reset: true } (destroys the socket), each optionally
 *                limited to a `method` and a `path` (string prefix or RegExp). More with jira.fault(rule).
 *   credentials  what the site accepts: { email, apiToken } (basic, the default TEST_CREDENTIALS) or
 *                { bearer } (a Data Center personal access token). Anything else is answered 401.
 *   myself       the current user { displayName, accountId?, name?, key?, emailAddress?, timeZone? }:
 *                GET /myself, `currentUser()` in JQL, the author of history entries.
 *   barriers     BarrierRule[]: as jira.barrier(n, rule), set before the first request.
 *   allowBadJql  JQL that does not parse or names an unknown field is answered 400 as Jira does; without
 *                this it is also recorded as unexpected.
 *   allowUnknownPaths  (string prefix | RegExp)[]: requests to paths the site does not serve that are
 *                answered 404 without being recorded as unexpected (e.g. a probe of /rest/api/3 on DC).
 *   now          ISO time that relative JQL dates (`updated >= -2d`) count from; without it they are bad JQL.
 *   latencyMs    added before every answer (benchmarks only; tests use barriers).
 *
 * Endpoints; {v} is 3 on Cloud and 2 on Data Center, which answers every /rest/api/3 path 404:
 *   GET  /rest/api/2/serverInfo (both; also /rest/api/3/serverInfo on Cloud)  deploymentType "Cloud" or
 *        "DataCenter" (version 9.12.0); answered without credentials, as Jira does
 *   GET  /rest/api/{v}/myself                       Cloud: accountId…; DC: name, key…
 *   GET  /rest/api/{v}/field
 *   GET  /rest/api/{v}/status
 *   GET  /rest/api/{v}/issue/{keyOrId}?fields=a,b&expand=changelog   404 with Jira's body when unknown
 *   GET  /rest/api/{v}/project/{keyOrId}            404 "No project could be found with key 'X'."
 *   GET  /rest/api/{v}/project/{keyOrId}/version?startAt&maxResults&orderBy&status&query   a PageBean, ≤ 50 a page
 *   GET  /rest/api/{v}/project/{keyOrId}/versions   all of them, a plain array
 *   Cloud only:
 *   POST /rest/api/3/issue/bulkfetch                {issueIdsOrKeys ≤ 100, fields} → {issues, issueErrors}
 *   GET|POST /rest/api/3/search/jql                 {jql, fields, maxResults ≤ 100, nextPageToken, expand}
 *                                                   → {issues, nextPageToken?, isLast}; only ids without
 *                                                   fields; unbounded JQL is refused, as Cloud does
 *   POST /rest/api/3/changelog/bulkfetch            {issueIdsOrKeys ≤ 1000, fieldIds ≤ 10, maxResults ≤ 1000,
 *                                                   nextPageToken} → {issueChangeLogs, nextPageToken?}
 *   GET|POST /rest/api/3/search                     410 Gone, as Cloud answers the removed search (unexpected)
 *   Data Center only:
 *   GET|POST /rest/api/2/search                     {jql, startAt, maxResults ≤ 100, fields, expand,
 *                                                   validateQuery strict (default) | warn | none} →
 *                                                   {startAt, maxResults, total, issues, warningMessages?}
 * JQL: the subset jql.ts documents. Values that name nothing on the site (a missing key, an unknown
 * status) are a 400 like Jira's, or warningMessages with validateQuery=warn; neither is unexpected.
 *
 * startJiraServer(options) returns a JiraServer (below); loopbackJira() wraps it so every server a test
 * starts is stopped and verified after it. `env` holds JIRA_HOST and the credentials, for baseEnv().
 * `requests` records method, path, query, body, whether it was authorized and the status answered. A
 * request to any other path, a malformed body or parameter, bad JQL or too many keys lands in
 * `unexpected`; verify() throws if that is not empty, a fault was never used or a barrier never filled.
 *
 * Concurrency is counted, never timed: jira.barrier(n, { path }) holds the answers to matching requests
 * until n of them are in flight at once, then releases them all; maxInFlight(path) is the most matching
 * requests that were in flight together. A barrier that does not fill within its timeoutMs (default
 * 10 s, a safety net, not a measurement) releases what it holds and fails verify(). A filled barrier
 * proves "at least n at once" for certain; for "at most n", hold n and check maxInFlight(path) is n: a
 * correct client cannot send more while its n are held, and one that can is caught when its extra
 * request arrives before the release (likely, as it is sent together with the others, not certain).
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { compileJql, JqlError } from "./jql.js";
import { createSite, DEFAULT_DC_FIELDS, DEFAULT_FIELDS, type Api, type Deployment, type FakeField, type FakeIssue, type FakeProject, type FakeStatus, type FakeUser, type FakeVersion, type SiteIssue } from "./jira-site.js";

export {
  adf,
  adfToWiki,
  categoryOf,
  DEFAULT_DC_FIELDS,
  DEFAULT_FIELDS,
  fakeIssue,
  fakeVersion,
  FLAGGED_FIELD,
  READY_DESCRIPTION,
  readyIssue,
  type Deployment,
  type FakeField,
  type FakeIssue,
  type FakeProject,
  type FakeStatus,
  type FakeTransition,
  type FakeUser,
  type FakeVersion,
  type StatusCategoryKey,
} from "./jira-site.js";

export type Fault = { status: number; retryAfter?: string; body?: unknown } | { hang: true } | { reset: true };
export type FaultRule = Fault & { method?: "GET" | "POST"; path?: string | RegExp; times?: number };

export type Credentials = { email: string; apiToken: string } | { bearer: string };
export const TEST_CREDENTIALS = { email: "tester@example.com", apiToken: "test-api-token-5ecret" } as const;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorized: boolean;
  /** The status answered; undefined while held or when the socket was dropped. */
  status?: number;
}

/** Which requests a barrier holds: a method and a path (string prefix or RegExp). */
export interface BarrierRule {
  n: number;
  method?: string;
  path?: string | RegExp;
  /** How long after the first matching request to give up and release; default 10 000. */
  timeoutMs?: number;
}

export interface Barrier {
  /** Settles when the barrier releases: "filled" when n were in flight at once, "timeout" otherwise. */
  released: Promise<"filled" | "timeout">;
  /** Matching requests held right now. */
  readonly waiting: number;
}

/** A path to count: exact when a string, or matching a RegExp, or starting with a prefix. */
export type PathSpec = string | RegExp | { prefix: string };

export interface JiraServerOptions {
  deployment?: Deployment;
  issues?: FakeIssue[];
  versions?: FakeVersion[];
  projects?: FakeProject[];
  statuses?: FakeStatus[];
  fields?: FakeField[];
  pointsField?: string;
  faults?: FaultRule[];
  credentials?: Credentials;
  myself?: FakeUser;
  barriers?: BarrierRule[];
  allowBadJql?: boolean;
  allowUnknownPaths?: (string | RegExp)[];
  /** ISO time for relative JQL dates. */
  now?: string;
  /** Added before every answer (benchmarks). */
  latencyMs?: number;
}

export interface JiraServer {
  url: string;
  deployment: Deployment;
  /** JIRA_HOST and the matching credentials, to spread into baseEnv(). */
  env: Record<string, string>;
  requests: RecordedRequest[];
  unexpected: string[];
  /** Requests with `method` ("*" for any) to `path` (exact string, RegExp or { prefix }). */
  count(method: string, path: PathSpec): number;
  /** The recorded requests count() counts. */
  matching(method: string, path: PathSpec): RecordedRequest[];
  /** "METHOD /path" of every request, in order. */
  calls(): string[];
  fault(rule: FaultRule): void;
  /** Hold matching answers until n are in flight at once; see the top of this file. */
  barrier(n: number, rule?: Omit<BarrierRule, "n">): Barrier;
  /** The most requests (to paths starting with a string, or matching a RegExp) in flight at once. */
  maxInFlight(path?: string | RegExp): number;
  /** Throws when a request was unexpected, a fault went unused or a barrier did not fill. */
  verify(): void;
  close(): Promise<void>;
  /** verify(), then close() even when verify() throws. */
  stop(): Promise<void>;
}

/** Data Center's validateQuery: strict (400 on values that name nothing), warn (warningMessages) or none. */
const VALIDATE_QUERY: Record<string, "strict" | "warn" | "none"> = { strict: "strict", true: "strict", warn: "warn", none: "none", false: "none" };

const SEARCH_CAP = 100;
const VERSIONS_CAP = 50;
const CHANGELOG_CAP = 1000;

const matchesPath = (pattern: string | RegExp, path: string) => (typeof pattern === "string" ? path.startsWith(pattern) : pattern.test(path));
const matchesSpec = (spec: PathSpec, path: string) =>
  typeof spec === "string" ? path === spec : spec instanceof RegExp ? spec.test(path) : path.startsWith(spec.prefix);
const describePattern = (pattern: string | RegExp | undefined) => (pattern === undefined ? "any path" : String(pattern));

/** A refused request: answered 400 and recorded as unexpected. */
class Refusal extends Error {}

/** A query or body parameter as a non-negative integer; jira.js sends `false` for some it leaves out. */
function intParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === "" || value === false || value === "false") return undefined;
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new Refusal(`${name} ${JSON.stringify(value)} is not a count`);
  return n;
}

/** A list parameter: comma-separated in a query, an array in a body. */
function listParam(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null || value === false || value === "false") return undefined;
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  throw new Refusal(`${name} ${JSON.stringify(value)} is not a list of strings`);
}

export async function startJiraServer(options: JiraServerOptions = {}): Promise<JiraServer> {
  const deployment = options.deployment ?? "cloud";
  const cloud = deployment === "cloud";
  const site = createSite(options);
  const fields = options.fields ?? (cloud ? DEFAULT_FIELDS : DEFAULT_DC_FIELDS);
  const credentials = options.credentials ?? TEST_CREDENTIALS;
  const jql = site.jqlSchema(deployment, options.now === undefined ? undefined : Date.parse(options.now));
  const faults = (options.faults ?? []).map((rule) => ({ rule, left: rule.times ?? 1 }));
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const problems: string[] = [];
  let url = "";
  const api = (): Api => ({ url, deployment });
  const v = cloud ? 3 : 2;

  const expectedAuthorization =
    "bearer" in credentials
      ? `Bearer ${credentials.bearer}`
      : `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString("base64")}`;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json;charset=UTF-8", ...headers });
    res.end(JSON.stringify(body));
  };
  const jiraError = (res: ServerResponse, status: number, ...messages: string[]) => send(res, status, { errorMessages: messages, errors: {} });
  const refuse = (res: ServerResponse, what: string) => {
    unexpected.push(what);
    jiraError(res, 400, `unexpected request: ${what}`);
  };
  /** JQL Jira would refuse: a 400 with its message, and unexpected unless the test sends bad JQL on purpose. */
  const badJql = (res: ServerResponse, query: string, message: string) => {
    if (!options.allowBadJql) unexpected.push(`JQL ${JSON.stringify(query)}: ${message}`);
    jiraError(res, 400, message);
  };

  /** Issues a query selects, in its order; undefined when it was answered with an error. */
  const evaluate = (res: ServerResponse, query: unknown, validate: "strict" | "warn" | "none", bounded: boolean) => {
    if (typeof query !== "string" && query !== undefined) throw new Refusal(`jql ${JSON.stringify(query)} is not a string`);
    const text = query ?? "";
    let compiled;
    try {
      compiled = compileJql(text, jql);
    } catch (error) {
      if (error instanceof JqlError) return badJql(res, text, error.message);
      throw error;
    }
    if (bounded && !compiled.bounded) return badJql(res, text, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
    if (validate === "strict" && compiled.problems.length > 0) return jiraError(res, 400, ...compiled.problems);
    const found = site.issues.filter((i) => compiled.matches(i)).sort((a, b) => compiled.compare(a, b) || a.order - b.order);
    return { found, warnings: validate === "warn" ? compiled.problems : [] };
  };

  // Page tokens: opaque to the client, a position in one query (or body) to the server.
  const tokens = new Map<string, { scope: string; offset: number }>();
  const tokenFor = (scope: string, offset: number) => {
    const existing = [...tokens].find(([, t]) => t.scope === scope && t.offset === offset);
    if (existing) return existing[0];
    const token = Buffer.from(`page ${tokens.size + 1} ${offset}`).toString("base64url");
    tokens.set(token, { scope, offset });
    return token;
  };
  const offsetOf = (token: unknown, scope: string) => {
    if (token === undefined || token === null || token === "") return 0;
    const entry = typeof token === "string" ? tokens.get(token) : undefined;
    if (!entry || entry.scope !== scope) throw new Refusal(`nextPageToken ${JSON.stringify(token)} is not one this server gave for that request`);
    return entry.offset;
  };

  // --- searches

  /** Search parameters, from a query string or a JSON body. */
  type Params<K extends string> = Partial<Record<K, unknown>>;
  const searchJql = (res: ServerResponse, p: Params<"jql" | "fields" | "maxResults" | "nextPageToken" | "expand">) => {
    const wanted = listParam(p.fields, "fields");
    const expand = listParam(p.expand, "expand") ?? [];
    const limit = Math.min(intParam(p.maxResults, "maxResults") ?? 50, SEARCH_CAP);
    const offset = offsetOf(p.nextPageToken, `search/jql ${String(p.jql)}`);
    const result = evaluate(res, p.jql, "strict", true);
    if (!result) return;
    const page = result.found.slice(offset, offset + limit);
    const more = offset + limit < result.found.length;
    send(res, 200, {
      // Without fields, Cloud's search/jql sends only each issue's id.
      issues: page.map((i) => (wanted === undefined ? { id: i.id } : site.issueJson(i, api(), wanted, expand))),
      ...(more ? { nextPageToken: tokenFor(`search/jql ${String(p.jql)}`, offset + limit) } : {}),
      isLast: !more,
    });
  };

  const searchDc = (res: ServerResponse, p: Params<"jql" | "fields" | "maxResults" | "startAt" | "validateQuery" | "expand">) => {
    const wanted = listParam(p.fields, "fields");
    const expand = listParam(p.expand, "expand") ?? [];
    const startAt = intParam(p.startAt, "startAt") ?? 0;
    const maxResults = Math.min(intParam(p.maxResults, "maxResults") ?? 50, SEARCH_CAP);
    const validate = VALIDATE_QUERY[String(p.validateQuery ?? "strict")];
    if (validate === undefined) throw new Refusal(`validateQuery ${JSON.stringify(p.validateQuery)}`);
    const result = evaluate(res, p.jql, validate, false);
    if (!result) return;
    send(res, 200, {
      expand: "schema,names",
      startAt,
      maxResults,
      total: result.found.length,
      issues: result.found.slice(startAt, startAt + maxResults).map((i) => site.issueJson(i, api(), wanted, expand)),
      ...(result.warnings.length > 0 ? { warningMessages: result.warnings } : {}),
    });
  };

  // --- versions

  const VERSION_ORDER: Record<string, (x: FakeVersion) => string | undefined> = {
    sequence: () => undefined,
    name: (x) => x.name.toLowerCase(),
    description: (x) => x.description?.toLowerCase(),
    releasedate: (x) => x.releaseDate,
    startdate: (x) => x.startDate,
  };
  const versionPage = (res: ServerResponse, record: RecordedRequest, keyOrId: string) => {
    const project = site.project(keyOrId);
    if (!project) return jiraError(res, 404, `No project could be found with key '${keyOrId}'.`);
    const q = record.query;
    const startAt = intParam(q.startAt, "startAt") ?? 0;
    const maxResults = Math.min(intParam(q.maxResults, "maxResults") ?? VERSIONS_CAP, VERSIONS_CAP);
    const statuses = listParam(q.status, "status") ?? [];
    if (statuses.some((s) => !["released", "unreleased", "archived"].includes(s))) throw new Refusal(`status ${q.status}`);
    const orderBy = listParam(q.orderBy, "orderBy")?.[0];
    const order = orderBy?.replace(/^[-+]/, "").toLowerCase();
    if (order !== undefined && !(order in VERSION_ORDER)) throw new Refusal(`orderBy ${orderBy}`);
    const text = typeof q.query === "string" && q.query !== "false" ? q.query.toLowerCase() : "";
    const state = (x: FakeVersion) => (x.archived ? "archived" : x.released ? "released" : "unreleased");
    const chosen = site.versions
      .filter((x) => site.project(x.project)?.key === project.key)
      .filter((x) => statuses.length === 0 || statuses.includes(state(x)))
      .filter((x) => text === "" || x.name.toLowerCase().includes(text) || (x.description ?? "").toLowerCase().includes(text));
    if (order !== undefined && order !== "sequence") {
      const key = VERSION_ORDER[order]!;
      const sign = orderBy!.startsWith("-") ? -1 : 1;
      chosen.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : (x < y ? -1 : 1) * sign;
      });
    }
    const values = chosen.slice(startAt, startAt + maxResults);
    const isLast = startAt + maxResults >= chosen.length;
    const pageUrl = (at: number) => {
      const params = new URLSearchParams(Object.entries(q).filter(([, value]) => value !== "false"));
      params.set("maxResults", String(maxResults));
      params.set("startAt", String(at));
      return `${url}${record.path}?${params}`;
    };
    send(res, 200, {
      self: pageUrl(startAt),
      ...(isLast ? {} : { nextPage: pageUrl(startAt + maxResults) }),
      maxResults,
      startAt,
      total: chosen.length,
      isLast,
      values: values.map((x) => site.versionJson(x, api())),
    });
  };

  // --- changelogs

  const bulkChangelog = (res: ServerResponse, body: unknown) => {
    const b = (body ?? {}) as { issueIdsOrKeys?: unknown; fieldIds?: unknown; maxResults?: unknown; nextPageToken?: unknown };
    const keys = b.issueIdsOrKeys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 1000 || !keys.every((k) => typeof k === "string")) {
      throw new Refusal(`changelog/bulkfetch with issueIdsOrKeys ${JSON.stringify(keys)?.slice(0, 80)}`);
    }
    const fieldIds = listParam(b.fieldIds, "fieldIds");
    if (fieldIds && fieldIds.length > 10) throw new Refusal(`changelog/bulkfetch with ${fieldIds.length} fieldIds (at most 10)`);
    const limit = Math.min(intParam(b.maxResults, "maxResults") ?? CHANGELOG_CAP, CHANGELOG_CAP);
    const scope = `changelog ${JSON.stringify([keys, fieldIds])}`;
    const offset = offsetOf(b.nextPageToken, scope);
    const found = [...new Set((keys as string[]).map((k) => site.lookup(k)))].filter((i): i is SiteIssue => i !== undefined);
    // Oldest change first, then the smallest issue id, as Jira pages them.
    const entries = found
      .flatMap((issue) => (fieldIds === undefined || fieldIds.includes("status") ? issue.history.map((h) => ({ issue, h })) : []))
      .sort((x, y) => Date.parse(x.h.at) - Date.parse(y.h.at) || Number(x.issue.id) - Number(y.issue.id));
    const page = entries.slice(offset, offset + limit);
    const byIssue = new Map<string, unknown[]>();
    for (const { issue, h } of page) byIssue.set(issue.id, [...(byIssue.get(issue.id) ?? []), site.historyJson(h, api(), "millis")]);
    send(res, 200, {
      issueChangeLogs: [...byIssue].map(([issueId, changeHistories]) => ({ issueId, changeHistories })),
      ...(offset + limit < entries.length ? { nextPageToken: tokenFor(scope, offset + limit) } : {}),
    });
  };

  const fieldJson = (f: FakeField) => ({
    id: f.id,
    key: f.id,
    name: f.name,
    custom: f.id.startsWith("customfield_"),
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: f.id.startsWith("customfield_") ? [`cf[${f.id.replace(/\D/g, "")}]`, f.name] : [f.id],
    schema: f.custom
      ? { type: f.type ?? "number", ...(f.items ? { items: f.items } : {}), custom: f.custom, customId: Number(f.id.replace(/\D/g, "")) }
      : { type: f.type ?? "string", system: f.id },
  });

  // No serverTime: it would be the clock.
  const serverInfo = () => ({
    baseUrl: url,
    ...(cloud
      ? { version: "1001.0.0-SNAPSHOT", versionNumbers: [1001, 0, 0], deploymentType: "Cloud", buildNumber: 100289, buildDate: "2026-01-05T00:00:00.000+0000" }
      : { version: "9.12.0", versionNumbers: [9, 12, 0], deploymentType: "DataCenter", buildNumber: 9120000, buildDate: "2023-11-23T00:00:00.000+0000" }),
    scmInfo: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
    serverTitle: "Jira",
  });

  const issueNotFound = cloud ? "Issue does not exist or you do not have permission to see it." : "Issue Does Not Exist";

  /** The paths served, each with what it answers. `{x}` in a path is one segment. */
  type Handler = (res: ServerResponse, record: RecordedRequest, params: string[]) => void;
  interface Route {
    method: string;
    path: RegExp;
    handler: Handler;
    anonymous?: boolean;
  }
  const at = (path: string) => new RegExp(`^${path.replace(/\{v\}/g, String(v)).replace(/\{\w+\}/g, "([^/]+)")}$`);
  const routes: Route[] = [
    { method: "GET", path: at("/rest/api/2/serverInfo"), handler: (res) => send(res, 200, serverInfo()), anonymous: true },
    { method: "GET", path: at("/rest/api/{v}/myself"), handler: (res) => send(res, 200, site.myselfJson(api())) },
    { method: "GET", path: at("/rest/api/{v}/field"), handler: (res) => send(res, 200, fields.map(fieldJson)) },
    { method: "GET", path: at("/rest/api/{v}/status"), handler: (res) => send(res, 200, site.statuses().map((s) => site.statusJson(s.name, s.category, api()))) },
    {
      method: "GET",
      path: at("/rest/api/{v}/issue/{key}"),
      handler: (res, { query }, [key]) => {
        const issue = site.lookup(key!);
        if (!issue) return jiraError(res, 404, issueNotFound);
        send(res, 200, site.issueJson(issue, api(), listParam(query.fields, "fields"), listParam(query.expand, "expand")));
      },
    },
    {
      method: "GET",
      path: at("/rest/api/{v}/project/{key}"),
      handler: (res, _, [key]) => {
        const project = site.project(key!);
        if (!project) return jiraError(res, 404, `No project could be found with key '${key}'.`);
        send(res, 200, site.projectJson(project, api()));
      },
    },
    { method: "GET", path: at("/rest/api/{v}/project/{key}/version"), handler: (res, record, [key]) => versionPage(res, record, key!) },
    {
      method: "GET",
      path: at("/rest/api/{v}/project/{key}/versions"),
      handler: (res, _, [key]) => {
        const project = site.project(key!);
        if (!project) return jiraError(res, 404, `No project could be found with key '${key}'.`);
        send(res, 200, site.versions.filter((x) => site.project(x.project)?.key === project.key).map((x) => site.versionJson(x, api())));
      },
    },
    ...(cloud ? cloudRoutes() : dataCenterRoutes()),
  ];

  function cloudRoutes(): Route[] {
    const removedSearch: Handler = (res, record) => {
      unexpected.push(`${record.method} ${record.path} (removed from Jira Cloud; use /rest/api/3/search/jql)`);
      jiraError(res, 410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.");
    };
    return [
      { method: "GET", path: at("/rest/api/3/serverInfo"), handler: (res) => send(res, 200, serverInfo()), anonymous: true },
      {
        method: "POST",
        path: at("/rest/api/3/issue/bulkfetch"),
        handler: (res, { body }) => {
          const { issueIdsOrKeys: keys, fields: wanted } = (body ?? {}) as { issueIdsOrKeys?: unknown; fields?: unknown };
          if (!Array.isArray(keys) || keys.length === 0 || keys.length > 100 || !keys.every((k) => typeof k === "string")) {
            return refuse(res, `bulkfetch with issueIdsOrKeys ${JSON.stringify(keys)?.slice(0, 80)}`);
          }
          if (wanted !== undefined && (!Array.isArray(wanted) || !wanted.every((f) => typeof f === "string"))) {
            return refuse(res, `bulkfetch with fields ${JSON.stringify(wanted)}`);
          }
          const found = [...new Set(keys.map((k: string) => site.lookup(k)))]
            .filter((i): i is SiteIssue => i !== undefined)
            // Jira answers in ascending id order, not in the order asked.
            .sort((x, y) => Number(x.id) - Number(y.id));
          send(res, 200, { expand: "schema,names", issues: found.map((i) => site.issueJson(i, api(), wanted as string[] | undefined)), issueErrors: [] });
        },
      },
      { method: "GET", path: at("/rest/api/3/search/jql"), handler: (res, { query }) => searchJql(res, query) },
      {
        method: "POST",
        path: at("/rest/api/3/search/jql"),
        handler: (res, { body }) => searchJql(res, (body ?? {}) as Parameters<typeof searchJql>[1]),
      },
      { method: "POST", path: at("/rest/api/3/changelog/bulkfetch"), handler: (res, { body }) => bulkChangelog(res, body) },
      { method: "GET", path: at("/rest/api/3/search"), handler: removedSearch },
      { method: "POST", path: at("/rest/api/3/search"), handler: removedSearch },
    ];
  }

  function dataCenterRoutes(): Route[] {
    return [
      { method: "GET", path: at("/rest/api/2/search"), handler: (res, { query }) => searchDc(res, query) },
      { method: "POST", path: at("/rest/api/2/search"), handler: (res, { body }) => searchDc(res, (body ?? {}) as Parameters<typeof searchDc>[1]) },
    ];
  }

  const takeFault = (method: string, path: string): Fault | undefined => {
    const entry = faults.find(
      ({ rule, left }) => left > 0 && (rule.method === undefined || rule.method === method) && (rule.path === undefined || matchesPath(rule.path, path)),
    );
    if (!entry) return undefined;
    entry.left--;
    return entry.rule;
  };

  // --- barriers

  interface ActiveBarrier {
    rule: BarrierRule;
    held: { release: () => void }[];
    arrived: number;
    outcome?: "filled" | "timeout";
    timer?: NodeJS.Timeout;
    settle: (outcome: "filled" | "timeout") => void;
  }
  const barriers: ActiveBarrier[] = [];
  const describeBarrier = (b: ActiveBarrier) => `barrier(${b.rule.n}, ${b.rule.method ?? "any method"} ${describePattern(b.rule.path)})`;
  const release = (b: ActiveBarrier, outcome: "filled" | "timeout") => {
    if (b.outcome) return;
    b.outcome = outcome;
    clearTimeout(b.timer);
    for (const h of b.held.splice(0)) h.release();
    b.settle(outcome);
  };
  const addBarrier = (rule: BarrierRule): Barrier => {
    if (!Number.isInteger(rule.n) || rule.n < 1) throw new Error(`loopback Jira: barrier(${rule.n}) needs a count of at least 1`);
    let settle!: (outcome: "filled" | "timeout") => void;
    const released = new Promise<"filled" | "timeout">((resolve) => (settle = resolve));
    const b: ActiveBarrier = { rule, held: [], arrived: 0, settle };
    barriers.push(b);
    return {
      released,
      get waiting() {
        return b.held.length;
      },
    };
  };
  for (const rule of options.barriers ?? []) addBarrier(rule);
  /** Resolves when the request may be answered: at once, or when its barrier releases. */
  const passBarrier = (record: RecordedRequest, res: ServerResponse) => {
    const b = barriers.find(
      (x) => !x.outcome && (x.rule.method === undefined || x.rule.method === record.method) && (x.rule.path === undefined || matchesPath(x.rule.path, record.path)),
    );
    if (!b) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = { release: resolve };
      b.held.push(entry);
      b.arrived++;
      // A request the client gave up on is no longer in flight.
      res.on("close", () => (b.held = b.held.filter((h) => h !== entry)));
      if (b.arrived === 1) {
        const timeoutMs = b.rule.timeoutMs ?? 10_000;
        b.timer = setTimeout(() => {
          problems.push(`${describeBarrier(b)} released after ${timeoutMs} ms with only ${b.held.length} of ${b.rule.n} requests in flight`);
          release(b, "timeout");
        }, timeoutMs);
      }
      if (b.held.length >= b.rule.n) release(b, "filled");
    });
  };

  // --- in flight: a logical clock of arrivals and departures, so any subset can be counted afterwards

  let clock = 0;
  const flights: { path: string; start: number; end?: number }[] = [];
  const maxInFlight = (path?: string | RegExp) => {
    const events = flights
      .filter((f) => path === undefined || matchesPath(path, f.path))
      .flatMap((f) => [
        { at: f.start, step: 1 },
        { at: f.end ?? Infinity, step: -1 },
      ])
      .sort((x, y) => x.at - y.at);
    let now = 0;
    let most = 0;
    for (const e of events) most = Math.max(most, (now += e.step));
    return most;
  };

  const notServed = (res: ServerResponse, record: RecordedRequest) => {
    if (!(options.allowUnknownPaths ?? []).some((p) => matchesPath(p, record.path))) unexpected.push(`${record.method} ${record.path}`);
    if (!cloud && record.path.startsWith("/rest/api/3/")) {
      // Data Center has no REST v3: its web server answers with a page, not Jira's JSON.
      res.writeHead(404, { "content-type": "text/html;charset=UTF-8" });
      return res.end("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>");
    }
    jiraError(res, 404, `No route for ${record.method} ${record.path} in the loopback Jira`);
  };

  const server = createServer((req, res) => {
    const flight: (typeof flights)[number] = { path: new URL(req.url ?? "/", "http://127.0.0.1").pathname, start: clock++ };
    flights.push(flight);
    res.on("close", () => (flight.end = clock++));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => (options.latencyMs ? setTimeout(answer, options.latencyMs) : void answer()));
    const answer = async () => {
      const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      let malformed = false;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        malformed = true;
      }
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        body,
        authorized: req.headers.authorization === expectedAuthorization,
      };
      requests.push(record);
      res.on("finish", () => (record.status = res.statusCode));

      await passBarrier(record, res);
      if (res.destroyed) return;
      const fault = takeFault(record.method, record.path);
      if (fault && "hang" in fault) return; // the client's timeout has to end it
      if (fault && "reset" in fault) return req.socket.destroy();
      if (fault) {
        const body = fault.body ?? { errorMessages: [`Scripted ${fault.status}`], errors: {} };
        return send(res, fault.status, body, fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter });
      }
      if (malformed) return refuse(res, `${record.method} ${record.path} with a body that is not JSON`);
      let params: string[] = [];
      const route = routes.find((r) => {
        const match = r.method === record.method ? r.path.exec(record.path) : null;
        if (match) params = match.slice(1).map(decodeURIComponent);
        return match !== null;
      });
      if (!route) return notServed(res, record);
      const anonymous = route.anonymous && req.headers.authorization === undefined;
      if (!record.authorized && !anonymous) {
        // What Jira says to a wrong email, token or personal access token.
        return send(res, 401, { errorMessages: ["You are not authenticated. Authentication required to perform this operation."], errors: {} }, { "www-authenticate": 'Basic realm="protected-area"' });
      }
      try {
        route.handler(res, record, params);
      } catch (error) {
        if (error instanceof Refusal) return refuse(res, `${record.method} ${record.path}: ${error.message}`);
        unexpected.push(`${record.method} ${record.path} broke the loopback Jira: ${error instanceof Error ? error.stack : String(error)}`);
        jiraError(res, 500, "The loopback Jira failed on this request.");
      }
    };
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const env: Record<string, string> =
    "bearer" in credentials
      ? { JIRA_HOST: url, JIRA_API_TOKEN: credentials.bearer, JIRA_AUTH_TYPE: "bearer" }
      : { JIRA_HOST: url, JIRA_EMAIL: credentials.email, JIRA_API_TOKEN: credentials.apiToken };

  const close = () =>
    new Promise<void>((resolve) => {
      for (const b of barriers) release(b, "timeout");
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const verify = () => {
    const unused = faults.filter((f) => f.left > 0).map((f) => JSON.stringify({ ...f.rule, path: String(f.rule.path ?? "") }));
    const unfilled = barriers
      .filter((b) => !b.outcome)
      .map((b) => (b.arrived === 0 ? `${describeBarrier(b)} never used` : `${describeBarrier(b)} holds ${b.held.length} of ${b.rule.n} requests`));
    const all = [
      ...unexpected.map((u) => `unexpected request: ${u}`),
      ...unused.map((u) => `fault never used: ${u}`),
      ...problems,
      ...unfilled,
    ];
    if (all.length > 0) throw new Error(`loopback Jira:\n  ${all.join("\n  ")}`);
  };
  const matching = (method: string, path: PathSpec) => requests.filter((r) => (method === "*" || r.method === method) && matchesSpec(path, r.path));

  return {
    url,
    deployment,
    env,
    requests,
    unexpected,
    count: (method, path) => matching(method, path).length,
    matching,
    calls: () => requests.map((r) => `${r.method} ${r.path}`),
    fault: (rule) => faults.push({ rule, left: rule.times ?? 1 }),
    barrier: (n, rule = {}) => addBarrier({ ...rule, n }),
    maxInFlight,
    verify,
    close,
    async stop() {
      try {
        verify();
      } finally {
        await close();
      }
    },
  };
}

/**
 * For a test file: a start function whose servers are verified and closed after each test, so an
 * unexpected request or an unused fault fails the test that caused it.
 */
export function loopbackJira(): (options?: JiraServerOptions) => Promise<JiraServer> {
  const running: JiraServer[] = [];
  afterEach(async () => {
    const problems: unknown[] = [];
    for (const server of running.splice(0)) await server.stop().catch((e: unknown) => problems.push(e));
    if (problems.length > 0) throw problems[0];
  });
  return async (options) => {
    const server = await startJiraServer(options);
    running.push(server);
    return server;
  };
}
