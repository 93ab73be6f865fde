/**
 * A loopback Jira Cloud for tests: `node:http` on 127.0.0.1:0 serving the REST v3 paths and JSON shapes
 * the client uses, checking credentials, recording every request, with scriptable faults.
 *
 *   const startJira = loopbackJira();        // once per test file: stops (and verifies) its servers after each test
 *   const jira = await startJira({ issues: [fakeIssue("CLOUD-42", "The answer to everything")] });
 *   await cli(["branch", "CLOUD-42"], { cwd, env: baseEnv(jira.env) });
 *   expect(jira.count("GET", "/rest/api/3/issue/CLOUD-42")).toBe(1);
 *
 * Options (all optional):
 *   issues       FakeIssue[] (build with fakeIssue(key, summary, {...})): what the site holds
 *   fields       FakeField[] for GET /field; default DEFAULT_FIELDS ("Story point estimate",
 *                customfield_10016, the Jira Software story-points type). A FakeIssue's `points` is
 *                served under `pointsField` (default customfield_10016).
 *   faults       FaultRule[]: answered before routing, in order, each `times` times (default 1):
 *                { status: 401 | 403 | 404 | 429 | 500 | 502 | 503, retryAfter?: "1" }, { hang: true }
 *                (never answers: for timeouts), { reset: true } (destroys the socket), each optionally
 *                limited to a `method` and a `path` (string prefix or RegExp). More with jira.fault(rule).
 *   credentials  what the site accepts: { email, apiToken } (basic, the default TEST_CREDENTIALS) or
 *                { bearer }. Anything else is answered 401 as Jira does.
 *   myself       the current user (GET /myself; `assignee = currentUser()` in search/jql).
 *
 * The server answers:
 *   GET  /rest/api/3/myself
 *   GET  /rest/api/3/field
 *   GET  /rest/api/3/issue/{key}?fields=a,b         404 with Jira's body when the key is unknown
 *   POST /rest/api/3/issue/bulkfetch                {issueIdsOrKeys ≤ 100, fields} → {issues, issueErrors}
 *   GET|POST /rest/api/3/search/jql                 only the client's "my open issues" JQL
 *
 * startJiraServer(options) returns { url, env, requests, unexpected, count(method, path), fault(rule),
 * verify(), close(), stop() }; loopbackJira() wraps it so every server a test starts is stopped after it.
 * `env` holds JIRA_HOST and the credentials, for baseEnv(). `requests` records method, path, query,
 * body and whether it was authorized. A request to any other path, a malformed body, an unknown JQL or
 * more than 100 keys lands in `unexpected`; verify() throws if that is not empty or a fault was never used.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface FakeIssue {
  key: string;
  summary: string;
  /** Issue type name; default "Story". */
  type: string;
  /** Status name; its category comes from `category`. */
  status: string;
  category: "new" | "indeterminate" | "done";
  /** Display name of the assignee, or null. */
  assignee: string | null;
  points: number | null;
  /** Atlassian Document Format (see adf below), a string, or null. */
  description: unknown;
  /** ISO time, for ORDER BY updated DESC. */
  updated: string;
  /** Keys the issue had before it moved to another project; Jira still answers them with this issue. */
  formerKeys?: string[];
  /** Raw extra fields, merged into `fields` (e.g. a second story-points field). */
  extraFields?: Record<string, unknown>;
}

export function fakeIssue(key: string, summary: string, rest: Partial<Omit<FakeIssue, "key" | "summary">> = {}): FakeIssue {
  return {
    key,
    summary,
    type: "Story",
    status: "To Do",
    category: "new",
    assignee: null,
    points: null,
    description: null,
    updated: "2026-01-01T10:00:00.000+0000",
    ...rest,
  };
}

/** Builders for Atlassian Document Format descriptions. */
export const adf = {
  doc: (...content: unknown[]) => ({ type: "doc", version: 1, content }),
  heading: (level: number, text: string) => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] }),
  paragraph: (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] }),
  bold: (text: string) => ({ type: "paragraph", content: [{ type: "text", text, marks: [{ type: "strong" }] }] }),
  bullets: (...items: string[]) => ({
    type: "bulletList",
    content: items.map((text) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })),
  }),
};

/** A description with an "Acceptance criteria" heading and content under it. */
export const READY_DESCRIPTION = adf.doc(adf.paragraph("Why we do this."), adf.heading(2, "Acceptance criteria"), adf.bullets("It works", "It is tested"));

/** An issue that meets issues-ready: assignee, Fibonacci points, acceptance criteria. */
export function readyIssue(key: string, summary = `Issue ${key}`): FakeIssue {
  return fakeIssue(key, summary, { assignee: "Alice Example", points: 3, description: READY_DESCRIPTION, status: "In Progress", category: "indeterminate" });
}

export interface FakeField {
  id: string;
  name: string;
  /** schema.custom, e.g. com.pyxis.greenhopper.jira:jsw-story-points */
  custom?: string;
  /** schema.type; default "number" for custom fields. */
  type?: string;
}

export const DEFAULT_FIELDS: FakeField[] = [
  { id: "summary", name: "Summary", type: "string" },
  { id: "description", name: "Description", type: "string" },
  { id: "customfield_10016", name: "Story point estimate", custom: "com.pyxis.greenhopper.jira:jsw-story-points" },
  { id: "customfield_10020", name: "Sprint", custom: "com.pyxis.greenhopper.jira:gh-sprint", type: "array" },
];

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
}

export interface JiraServerOptions {
  issues?: FakeIssue[];
  fields?: FakeField[];
  pointsField?: string;
  faults?: FaultRule[];
  credentials?: Credentials;
  myself?: { accountId: string; displayName: string; emailAddress?: string };
  /** Added before every answer, to make parallel requests observable (benchmarks). */
  latencyMs?: number;
}

export interface JiraServer {
  url: string;
  /** JIRA_HOST and the matching credentials, to spread into baseEnv(). */
  env: Record<string, string>;
  requests: RecordedRequest[];
  unexpected: string[];
  /** Requests made to `path` (exact) with `method`. */
  count(method: string, path: string): number;
  fault(rule: FaultRule): void;
  /** Throws when a request was unexpected or a fault went unused. */
  verify(): void;
  close(): Promise<void>;
  /** verify(), then close() even when verify() throws. */
  stop(): Promise<void>;
  /** The most requests that were being answered at the same time. */
  maxInFlight(): number;
}

/** The JQL of "my open issues"; any other query is unexpected. */
const MY_OPEN_ISSUES = /^assignee\s*=\s*currentUser\(\)\s+AND\s+statusCategory\s*!=\s*Done\s+ORDER\s+BY\s+updated\s+DESC$/i;

const CATEGORY = {
  new: { id: 2, key: "new", colorName: "blue-gray", name: "To Do" },
  indeterminate: { id: 4, key: "indeterminate", colorName: "yellow", name: "In Progress" },
  done: { id: 3, key: "done", colorName: "green", name: "Done" },
} as const;

export async function startJiraServer(options: JiraServerOptions = {}): Promise<JiraServer> {
  const issues = new Map((options.issues ?? []).map((issue) => [issue.key, issue]));
  const ids = new Map((options.issues ?? []).map((issue, i) => [issue.key, String(10_000 + i)]));
  const fields = options.fields ?? DEFAULT_FIELDS;
  const pointsField = options.pointsField ?? "customfield_10016";
  const credentials = options.credentials ?? TEST_CREDENTIALS;
  const myself = options.myself ?? { accountId: "5b10a2844c20165700ede21g", displayName: "Alice Example", emailAddress: TEST_CREDENTIALS.email };
  const faults = (options.faults ?? []).map((rule) => ({ rule, left: rule.times ?? 1 }));
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  let url = "";

  const expectedAuthorization =
    "bearer" in credentials
      ? `Bearer ${credentials.bearer}`
      : `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString("base64")}`;

  /** As Jira finds an issue: by its key, case-insensitively, or by a key it had before it moved. */
  const lookup = (key: string) => {
    const upper = key.toUpperCase();
    return issues.get(upper) ?? [...issues.values()].find((i) => i.formerKeys?.includes(upper));
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json;charset=UTF-8", ...headers });
    res.end(JSON.stringify(body));
  };
  const jiraError = (res: ServerResponse, status: number, message: string) => send(res, status, { errorMessages: [message], errors: {} });
  const refuse = (res: ServerResponse, what: string) => {
    unexpected.push(what);
    jiraError(res, 400, `unexpected request: ${what}`);
  };

  /** The issue as Jira's REST v3 sends it, with only the fields asked for (all when none are named). */
  const issueJson = (issue: FakeIssue, wanted: string[] | undefined) => {
    const id = ids.get(issue.key) ?? "10999";
    const all: Record<string, unknown> = {
      summary: issue.summary,
      issuetype: { self: `${url}/rest/api/3/issuetype/10001`, id: "10001", name: issue.type, subtask: false },
      status: {
        self: `${url}/rest/api/3/status/3`,
        name: issue.status,
        id: "3",
        statusCategory: { self: `${url}/rest/api/3/statuscategory/${CATEGORY[issue.category].id}`, ...CATEGORY[issue.category] },
      },
      assignee: issue.assignee === null ? null : { accountId: `acc-${issue.assignee.replace(/\W/g, "")}`, displayName: issue.assignee, active: true },
      description: issue.description,
      updated: issue.updated,
      [pointsField]: issue.points,
      ...issue.extraFields,
    };
    const some = wanted === undefined || wanted.includes("*all") || wanted.includes("*navigable");
    const picked = some ? all : Object.fromEntries(wanted.filter((f) => f in all).map((f) => [f, all[f]]));
    return { expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations", id, self: `${url}/rest/api/3/issue/${id}`, key: issue.key, fields: picked };
  };

  const fieldJson = (f: FakeField) => ({
    id: f.id,
    key: f.id,
    name: f.name,
    custom: f.id.startsWith("customfield_"),
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [f.name],
    schema: f.custom ? { type: f.type ?? "number", custom: f.custom, customId: Number(f.id.replace(/\D/g, "")) } : { type: f.type ?? "string", system: f.id },
  });

  const search = (res: ServerResponse, jql: unknown, maxResults: unknown, wanted: string[] | undefined) => {
    if (typeof jql !== "string" || !MY_OPEN_ISSUES.test(jql.trim())) return refuse(res, `search/jql with JQL ${JSON.stringify(jql)}`);
    const limit = typeof maxResults === "number" ? maxResults : 50;
    const found = [...issues.values()]
      .filter((i) => i.assignee === myself.displayName && i.category !== "done")
      .sort((a, b) => b.updated.localeCompare(a.updated))
      .slice(0, limit);
    send(res, 200, { issues: found.map((i) => issueJson(i, wanted)), isLast: true });
  };

  /** The paths served, each with what it answers. */
  type Handler = (res: ServerResponse, record: RecordedRequest, match: RegExpExecArray) => void;
  const routes: [method: string, path: RegExp, handler: Handler][] = [
    ["GET", /^\/rest\/api\/3\/myself$/, (res) => send(res, 200, { self: `${url}/rest/api/3/user?accountId=${myself.accountId}`, active: true, timeZone: "UTC", ...myself })],
    ["GET", /^\/rest\/api\/3\/field$/, (res) => send(res, 200, fields.map(fieldJson))],
    [
      "GET",
      /^\/rest\/api\/3\/issue\/(?!bulkfetch$)([^/]+)$/,
      (res, { query }, match) => {
        const issue = lookup(decodeURIComponent(match[1]!));
        if (!issue) return jiraError(res, 404, "Issue does not exist or you do not have permission to see it.");
        send(res, 200, issueJson(issue, query.fields?.split(",")));
      },
    ],
    [
      "POST",
      /^\/rest\/api\/3\/issue\/bulkfetch$/,
      (res, { body }) => {
        const { issueIdsOrKeys: keys, fields: wanted } = (body ?? {}) as { issueIdsOrKeys?: unknown; fields?: unknown };
        if (!Array.isArray(keys) || keys.length === 0 || keys.length > 100 || !keys.every((k) => typeof k === "string")) {
          return refuse(res, `bulkfetch with issueIdsOrKeys ${JSON.stringify(keys)?.slice(0, 80)}`);
        }
        if (wanted !== undefined && (!Array.isArray(wanted) || !wanted.every((f) => typeof f === "string"))) {
          return refuse(res, `bulkfetch with fields ${JSON.stringify(wanted)}`);
        }
        const found = [...new Set(keys.map((k: string) => lookup(k)))]
          .filter((i): i is FakeIssue => i !== undefined)
          // Jira answers in ascending id order, not in the order asked.
          .sort((x, y) => Number(ids.get(x.key)) - Number(ids.get(y.key)));
        send(res, 200, { expand: "schema,names", issues: found.map((i) => issueJson(i, wanted as string[] | undefined)), issueErrors: [] });
      },
    ],
    [
      "GET",
      /^\/rest\/api\/3\/search\/jql$/,
      (res, { query }) => search(res, query.jql, query.maxResults === undefined ? undefined : Number(query.maxResults), query.fields?.split(",")),
    ],
    [
      "POST",
      /^\/rest\/api\/3\/search\/jql$/,
      (res, { body }) => {
        const b = (body ?? {}) as { jql?: unknown; maxResults?: unknown; fields?: unknown };
        search(res, b.jql, b.maxResults, Array.isArray(b.fields) ? (b.fields as string[]) : undefined);
      },
    ],
  ];

  const takeFault = (method: string, path: string): Fault | undefined => {
    const entry = faults.find(
      ({ rule, left }) =>
        left > 0 &&
        (rule.method === undefined || rule.method === method) &&
        (rule.path === undefined || (typeof rule.path === "string" ? path.startsWith(rule.path) : rule.path.test(path))),
    );
    if (!entry) return undefined;
    entry.left--;
    return entry.rule;
  };

  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => (options.latencyMs ? setTimeout(answer, options.latencyMs) : answer()));
    const answer = () => {
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

      const fault = takeFault(record.method, record.path);
      if (fault && "hang" in fault) return; // the client's timeout has to end it
      if (fault && "reset" in fault) return req.socket.destroy();
      if (fault) {
        const body = fault.body ?? { errorMessages: [`Scripted ${fault.status}`], errors: {} };
        return send(res, fault.status, body, fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter });
      }
      if (malformed) return refuse(res, `${record.method} ${record.path} with a body that is not JSON`);
      const route = routes
        .map(([method, pattern, handler]) => ({ handler, match: method === record.method ? pattern.exec(record.path) : null }))
        .find((r) => r.match !== null);
      if (!route) {
        unexpected.push(`${record.method} ${record.path}`);
        return jiraError(res, 404, `No route for ${record.method} ${record.path} in the loopback Jira`);
      }
      if (!record.authorized) {
        // What Jira Cloud says to a wrong email or token.
        return send(res, 401, { errorMessages: ["You are not authenticated. Authentication required to perform this operation."], errors: {} }, { "www-authenticate": 'Basic realm="protected-area"' });
      }
      route.handler(res, record, route.match!);
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
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const verify = () => {
    const unused = faults.filter((f) => f.left > 0).map((f) => JSON.stringify({ ...f.rule, path: String(f.rule.path ?? "") }));
    const problems = [
      ...unexpected.map((u) => `unexpected request: ${u}`),
      ...unused.map((u) => `fault never used: ${u}`),
    ];
    if (problems.length > 0) throw new Error(`loopback Jira:\n  ${problems.join("\n  ")}`);
  };

  return {
    url,
    env,
    requests,
    unexpected,
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    fault: (rule) => faults.push({ rule, left: rule.times ?? 1 }),
    maxInFlight: () => maxInFlight,
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
