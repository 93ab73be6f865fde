/**
 * A loopback GitHub GraphQL API for tests: `node:http` on 127.0.0.1, port chosen by the OS.
 *
 * Every request is parsed, validated and executed against GitHub's published schema
 * (@octokit/graphql-schema), with resolvers over an in-memory model. On top of the schema it enforces
 * what GitHub enforces: a token (else 401 "Bad credentials"), `first` or `last` on every connection and
 * at most 100 of them (else GitHub's MISSING_PAGINATION_BOUNDARIES / EXCESSIVE_PAGINATION errors), and
 * our own rule that every operation is named. Anything invalid is answered the way GitHub would AND
 * recorded as a problem that fails the running test (an `afterEach` registered by this module calls
 * `verify()`); set `allowInvalid` for a test that sends bad queries on purpose. Not-found lookups are
 * GitHub behaviour, not problems: null plus an error of type NOT_FOUND, with the rest of the data.
 *
 *   const gh = await startGitHubServer();          // gh.url = http://127.0.0.1:PORT/graphql
 *   // options: { tokens: [...] (first one is gh.token), path: "/api/graphql" (GHES), latencyMs }
 *   const acme = gh.organization("acme");          // or gh.user("alice")
 *   const api = acme.repository("api");
 *   const issue = api.issue({ number: 1, state: "closed", stateReason: "COMPLETED", assignees: ["bob"],
 *                             body: "## Acceptance criteria\n- works" });
 *   const pr = api.pullRequest({ number: 2, state: "merged" });
 *   const project = acme.project({ number: 7, title: "Cloud" });   // fields: Title, Status, Milestone, Estimate
 *   project.addItem({ content: issue, values: { Status: "Done", Estimate: 3, Milestone: { title: "M1", dueOn: "2026-12-15" } } });
 *   project.addItem({ content: { draft: "Write the RFC" } });
 *   project.addItem({ content: "redacted" });  project.addItem({ content: pr, archived: true });
 *
 *   await cli(["milestone", "report", ...], { cwd, env: baseEnv(gh.env()) });   // GITHUB_GRAPHQL_URL + GH_TOKEN
 *   gh.requests            // every request: operationName, query, variables, authorization, status, timings
 *   gh.maxInFlight         // most requests in flight at once (parallel batches, sequential paging)
 *   gh.barrier(3)          // hold the next answers until 3 are waiting together, then release them:
 *                          // parallel requests shown without a clock; one that never fills is a problem
 *   gh.latencyMs = 20;     // each answer leaves no sooner than this after its request arrived
 *   gh.failNext({ status: 502 }, { secondaryRateLimit: { retryAfter: 1 } }, { primaryRateLimit: { resetInSeconds: 3600 } },
 *               { graphqlErrors: [{ type: "INSUFFICIENT_SCOPES", message: "…" }] });
 *   gh.problems; gh.verify()   // what was invalid so far; verify() throws and clears (afterEach does it)
 *   await gh.close();
 *
 * Values by field type: MILESTONE `{ title, dueOn: "YYYY-MM-DD" | null }`, SINGLE_SELECT the option name,
 * ITERATION the iteration title, NUMBER a number, TEXT / DATE a string. Unknown options, iterations or
 * fields throw when the item is added, so a typo in a test fails loudly.
 */
import { readFileSync, existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  execute,
  getNamedType,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { afterEach } from "vitest";

// ---------------------------------------------------------------------------------------------
// The model

export type IssueState = "open" | "closed";
export type PullRequestState = "open" | "closed" | "merged";

export interface IssueInit {
  number: number;
  title?: string;
  body?: string;
  state?: IssueState;
  /** COMPLETED, NOT_PLANNED, DUPLICATE or REOPENED; defaults to COMPLETED when closed. */
  stateReason?: string | null;
  assignees?: string[];
}

export interface PullRequestInit {
  number: number;
  title?: string;
  body?: string;
  state?: PullRequestState;
  assignees?: string[];
}

export interface FakeIssue extends Required<Omit<IssueInit, "stateReason">> {
  kind: "Issue";
  stateReason: string | null;
  repository: FakeRepository;
}

export interface FakePullRequest extends Required<PullRequestInit> {
  kind: "PullRequest";
  repository: FakeRepository;
}

export interface FakeRepository {
  owner: FakeOwner;
  name: string;
  issues: Map<number, FakeIssue | FakePullRequest>;
  issue(init: IssueInit): FakeIssue;
  pullRequest(init: PullRequestInit): FakePullRequest;
}

export type FieldSpec =
  | { name: string; dataType: "SINGLE_SELECT"; options: string[] }
  | { name: string; dataType: "ITERATION"; iterations: { title: string; startDate: string; duration: number }[] }
  | { name: string; dataType: "MILESTONE" | "NUMBER" | "TEXT" | "DATE" | "TITLE" };

export interface MilestoneInit {
  title: string;
  /** YYYY-MM-DD or null. */
  dueOn: string | null;
}

export type FieldValueInit = string | number | MilestoneInit;

export type ItemContentInit = FakeIssue | FakePullRequest | { draft: string; body?: string } | "redacted";

export interface ItemInit {
  content: ItemContentInit;
  archived?: boolean;
  /** By field name. */
  values?: Record<string, FieldValueInit | null | undefined>;
}

export interface FakeItem {
  id: string;
  content: ItemContentInit;
  archived: boolean;
  values: Map<string, FieldValueInit>;
}

export interface FakeProject {
  owner: FakeOwner;
  number: number;
  title: string;
  url: string;
  fields: FieldSpec[];
  items: FakeItem[];
  addItem(init: ItemInit): FakeItem;
}

export interface FakeOwner {
  kind: "Organization" | "User";
  login: string;
  repositories: Map<string, FakeRepository>;
  projects: Map<number, FakeProject>;
  repository(name: string): FakeRepository;
  project(init: { number: number; title?: string; fields?: FieldSpec[] }): FakeProject;
}

/** The fields a new project has unless told otherwise. */
export const DEFAULT_FIELDS: FieldSpec[] = [
  { name: "Title", dataType: "TITLE" },
  { name: "Status", dataType: "SINGLE_SELECT", options: ["Todo", "In Progress", "Done"] },
  { name: "Milestone", dataType: "MILESTONE" },
  { name: "Estimate", dataType: "NUMBER" },
];

// ---------------------------------------------------------------------------------------------
// Faults and the request log

export type Fault =
  /** Answer with this HTTP status (e.g. 502) and a small body. */
  | { status: number; body?: string }
  /** 403 (or 429) with Retry-After and GitHub's secondary-rate-limit message. */
  | { secondaryRateLimit: { retryAfter?: number; status?: 403 | 429 } }
  /** x-ratelimit-remaining: 0 and a reset this far ahead; GraphQL's RATE_LIMITED error (200) or a 403. */
  | { primaryRateLimit: { resetInSeconds: number; status?: 200 | 403 } }
  /** 200 with these GraphQL errors and no data, e.g. { type: "INSUFFICIENT_SCOPES", message }. */
  | { graphqlErrors: { type?: string; message: string }[] };

export interface RecordedRequest {
  method: string;
  path: string;
  operationName: string | undefined;
  query: string;
  variables: Record<string, unknown>;
  authorization: string | undefined;
  status: number;
  receivedAt: number;
  answeredAt: number;
}

export interface StartOptions {
  /** Accepted bearer tokens; the first is what `env()` hands out. */
  tokens?: string[];
  /** Where the API answers; GitHub Enterprise Server uses /api/graphql. */
  path?: string;
  latencyMs?: number;
}

export interface GitHubServer {
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  readonly token: string;
  readonly requests: RecordedRequest[];
  /** Each answer leaves no sooner than this after its request arrived (the fake's own work happens within). */
  latencyMs: number;
  /** Let invalid queries through without failing the test (for tests of the enforcement itself). */
  allowInvalid: boolean;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  /**
   * Hold the next answers until `n` of them wait together, then send them all: proof that the client
   * had n requests out at once. Not filled within `timeoutMs` (a safety net, default 10 000), it lets
   * them go and records a problem. Resolves when released.
   */
  barrier(n: number, timeoutMs?: number): Promise<"filled" | "timeout">;
  organization(login: string): FakeOwner;
  user(login: string): FakeOwner;
  /** Answer the next requests with these faults, one each, in order. */
  failNext(...faults: Fault[]): void;
  /** GITHUB_GRAPHQL_URL and GH_TOKEN for this server. */
  env(): Record<string, string>;
  /** Problems seen (invalid queries, resolver failures); `verify()` throws if there are any. */
  readonly problems: readonly string[];
  verify(): void;
  close(): Promise<void>;
}

const live = new Set<GitHubServer>();

// Fail the test during which an invalid query arrived. (Outside vitest, e.g. in the benchmarks,
// there is no test to fail; callers use verify() themselves.)
if (process.env.VITEST) {
  afterEach(() => {
    for (const server of live) server.verify();
  });
}

// ---------------------------------------------------------------------------------------------
// The schema

let cachedSchema: GraphQLSchema | undefined;

function schemaFile(): string {
  // The package exports only its JS entry, so find the SDL file on disk.
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", "@octokit", "graphql-schema", "schema.graphql");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error("@octokit/graphql-schema is not installed");
  }
}

/** GitHub's published schema. The SDL repeats two fields, hence assumeValidSDL. */
export function githubSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(readFileSync(schemaFile(), "utf8"), { assumeValidSDL: true });
  return cachedSchema;
}

const checkedQueries = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[]; syntax: boolean }>();

/** Parse and validate a query text once: clients send the same text for every page. */
function checkQuery(schema: GraphQLSchema, query: string) {
  let checked = checkedQueries.get(query);
  if (!checked) {
    try {
      const document = parse(query);
      const errors = validate(schema, document, [...specifiedRules, namedOperationsRule]);
      checked = errors.length > 0 ? { errors, syntax: false } : { document };
    } catch (error) {
      checked = { errors: [error as GraphQLError], syntax: true };
    }
    checkedQueries.set(query, checked);
  }
  return checked;
}

/** A NOT_FOUND error as GitHub reports it: null at the path, `type: "NOT_FOUND"`. */
class NotFound extends Error {
  readonly type = "NOT_FOUND";
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startGitHubServer(options: StartOptions = {}): Promise<GitHubServer> {
  const tokens = options.tokens ?? ["test-token-0123456789"];
  const apiPath = options.path ?? "/graphql";
  const owners = new Map<string, FakeOwner>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const problems: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let nextId = 1;
  const schema = githubSchema();

  const addOwner = (kind: FakeOwner["kind"], login: string): FakeOwner => {
    if (owners.has(login.toLowerCase())) throw new Error(`owner ${login} exists`);
    const owner: FakeOwner = {
      kind,
      login,
      repositories: new Map(),
      projects: new Map(),
      repository(name) {
        let repo = owner.repositories.get(name.toLowerCase());
        if (!repo) {
          repo = makeRepository(owner, name);
          owner.repositories.set(name.toLowerCase(), repo);
        }
        return repo;
      },
      project(init) {
        if (owner.projects.has(init.number)) throw new Error(`project ${init.number} of ${login} exists`);
        const project = makeProject(owner, init, () => `PVTI_${nextId++}`);
        owner.projects.set(init.number, project);
        return project;
      },
    };
    owners.set(login.toLowerCase(), owner);
    return owner;
  };

  const root = rootResolvers(owners);

  // Answers held by barrier(n): released together once n wait, or by its safety timeout.
  let held: { n: number; waiting: (() => void)[]; settle: (outcome: "filled" | "timeout") => void; timer: NodeJS.Timeout } | undefined;
  const releaseHeld = (outcome: "filled" | "timeout") => {
    const current = held;
    if (!current) return;
    held = undefined;
    clearTimeout(current.timer);
    for (const go of current.waiting) go();
    current.settle(outcome);
  };
  const passBarrier = () => {
    const current = held;
    if (!current) return undefined;
    return new Promise<void>((resolve) => {
      current.waiting.push(resolve);
      if (current.waiting.length >= current.n) releaseHeld("filled");
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      problems.push(`server failure: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) send(res, 500, { message: "Server Error" });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const receivedAt = performance.now();
    // Latency is the time from arrival to answer, like a remote server's: our own work happens inside it.
    const latency = self.latencyMs > 0 ? sleep(self.latencyMs) : undefined;
    const body = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      operationName: undefined,
      query: "",
      variables: {},
      authorization: req.headers.authorization,
      status: 0,
      receivedAt,
      answeredAt: 0,
    };
    requests.push(record);
    const answer = async (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      await latency;
      await passBarrier();
      record.status = status;
      record.answeredAt = performance.now();
      inFlight--;
      send(res, status, payload, headers);
    };

    let parsedBody: { query?: unknown; variables?: unknown; operationName?: unknown } = {};
    try {
      parsedBody = JSON.parse(body) as typeof parsedBody;
    } catch {
      // answered below
    }
    record.query = typeof parsedBody.query === "string" ? parsedBody.query : "";
    record.variables = isRecord(parsedBody.variables) ? parsedBody.variables : {};
    record.operationName = typeof parsedBody.operationName === "string" ? parsedBody.operationName : undefined;

    if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== apiPath) {
      problems.push(`unexpected request: ${req.method} ${req.url} (the API is POST ${apiPath})`);
      return answer(404, { message: "Not Found", documentation_url: "https://docs.github.com/graphql" });
    }

    const fault = faults.shift();
    if (fault) return applyFault(fault, answer);

    const presented = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!presented || !tokens.includes(presented)) {
      return answer(401, { message: presented ? "Bad credentials" : "This endpoint requires you to be authenticated.", documentation_url: "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql", status: "401" });
    }

    const invalid = (message: string, errors: readonly GraphQLError[] | { message: string }[]) => {
      if (!self.allowInvalid) problems.push(`${message} in ${record.operationName ?? "an anonymous operation"}:\n${errors.map((e) => `  ${e.message}`).join("\n")}\n${record.query}`);
      return answer(200, { errors: errors.map((e) => (e instanceof GraphQLError ? formatError(e) : e)) });
    };

    if (!record.query) return invalid("no query", [{ message: "A query attribute must be specified and must be a string." }]);
    const checked = checkQuery(schema, record.query);
    if ("errors" in checked) return invalid(checked.syntax ? "unparsable query" : "invalid query", checked.errors);
    const document = checked.document;
    // Pagination bounds depend on the variables, so this rule runs on every request.
    const paginationErrors = validate(schema, document, [paginationRule(record.variables)]);
    if (paginationErrors.length > 0) return invalid("invalid query", paginationErrors);

    const result = await execute({
      schema,
      document,
      rootValue: root,
      variableValues: record.variables,
      ...(record.operationName ? { operationName: record.operationName } : {}),
    });
    const errors = (result.errors ?? []).filter((e) => !(e.originalError instanceof NotFound));
    if (errors.length > 0 && !self.allowInvalid) {
      problems.push(`execution errors in ${record.operationName}:\n${errors.map((e) => `  ${e.message} at ${e.path?.join(".")}`).join("\n")}`);
    }
    const payload: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) payload.errors = result.errors.map(formatError);
    return answer(200, payload, rateLimitHeaders(4999));
  }

  function applyFault(fault: Fault, answer: (status: number, payload: unknown, headers?: Record<string, string>) => Promise<void>): Promise<void> {
    if ("status" in fault) return answer(fault.status, fault.body ?? `${fault.status} from the fake GitHub`, {});
    if ("graphqlErrors" in fault) return answer(200, { data: null, errors: fault.graphqlErrors }, rateLimitHeaders(4999));
    if ("secondaryRateLimit" in fault) {
      const { retryAfter = 1, status = 403 } = fault.secondaryRateLimit;
      return answer(
        status,
        {
          message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
          documentation_url: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: String(status),
        },
        { "retry-after": String(retryAfter), ...rateLimitHeaders(4000) },
      );
    }
    const { resetInSeconds, status = 200 } = fault.primaryRateLimit;
    const headers = rateLimitHeaders(0, resetInSeconds);
    if (status === 200) return answer(200, { errors: [{ type: "RATE_LIMITED", message: "API rate limit already exceeded for user ID 1." }] }, headers);
    return answer(403, { message: "API rate limit exceeded for user ID 1.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", status: "403" }, headers);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const self: GitHubServer = {
    url: `http://127.0.0.1:${port}${apiPath}`,
    token: tokens[0]!,
    requests,
    latencyMs: options.latencyMs ?? 0,
    allowInvalid: false,
    get maxInFlight() {
      return maxInFlight;
    },
    problems,
    organization: (login) => addOwner("Organization", login),
    user: (login) => addOwner("User", login),
    failNext: (...more) => void faults.push(...more),
    barrier(n, timeoutMs = 10_000) {
      if (held) throw new Error("the fake GitHub holds a barrier already");
      return new Promise((settle) => {
        const timer = setTimeout(() => {
          problems.push(`barrier(${n}) released after ${timeoutMs} ms with only ${held?.waiting.length ?? 0} answers waiting`);
          releaseHeld("timeout");
        }, timeoutMs);
        held = { n, waiting: [], settle, timer };
      });
    },
    env: () => ({ GITHUB_GRAPHQL_URL: self.url, GH_TOKEN: self.token }),
    verify() {
      if (problems.length === 0) return;
      const all = problems.splice(0);
      throw new Error(`the fake GitHub saw ${all.length} problem(s):\n${all.join("\n\n")}`);
    },
    close() {
      releaseHeld("timeout");
      live.delete(self);
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  live.add(self);
  return self;
}

// ---------------------------------------------------------------------------------------------
// Model builders

function makeRepository(owner: FakeOwner, name: string): FakeRepository {
  const repo: FakeRepository = {
    owner,
    name,
    issues: new Map(),
    issue(init) {
      if (repo.issues.has(init.number)) throw new Error(`${owner.login}/${name}#${init.number} exists`);
      const state = init.state ?? "open";
      const issue: FakeIssue = {
        kind: "Issue",
        repository: repo,
        number: init.number,
        title: init.title ?? `Issue ${init.number}`,
        body: init.body ?? "",
        state,
        stateReason: init.stateReason !== undefined ? init.stateReason : state === "closed" ? "COMPLETED" : null,
        assignees: init.assignees ?? [],
      };
      repo.issues.set(init.number, issue);
      return issue;
    },
    pullRequest(init) {
      if (repo.issues.has(init.number)) throw new Error(`${owner.login}/${name}#${init.number} exists`);
      const pr: FakePullRequest = {
        kind: "PullRequest",
        repository: repo,
        number: init.number,
        title: init.title ?? `Pull request ${init.number}`,
        body: init.body ?? "",
        state: init.state ?? "open",
        assignees: init.assignees ?? [],
      };
      repo.issues.set(init.number, pr);
      return pr;
    },
  };
  return repo;
}

function makeProject(owner: FakeOwner, init: { number: number; title?: string; fields?: FieldSpec[] }, nextId: () => string): FakeProject {
  const fields = init.fields ?? DEFAULT_FIELDS;
  const project: FakeProject = {
    owner,
    number: init.number,
    title: init.title ?? `Project ${init.number}`,
    url: `https://github.com/${owner.kind === "Organization" ? "orgs" : "users"}/${owner.login}/projects/${init.number}`,
    fields,
    items: [],
    addItem(item) {
      const values = new Map<string, FieldValueInit>();
      for (const [name, value] of Object.entries(item.values ?? {})) {
        if (value === null || value === undefined) continue;
        const field = fields.find((f) => f.name === name);
        if (!field) throw new Error(`project ${init.number} has no field ${name}`);
        checkValue(field, value);
        values.set(name, value);
      }
      const added: FakeItem = { id: nextId(), content: item.content, archived: item.archived ?? false, values };
      project.items.push(added);
      return added;
    },
  };
  return project;
}

function checkValue(field: FieldSpec, value: FieldValueInit): void {
  const bad = (expected: string) => new Error(`field ${field.name} (${field.dataType}) expects ${expected}, not ${JSON.stringify(value)}`);
  switch (field.dataType) {
    case "SINGLE_SELECT":
      if (typeof value !== "string" || !field.options.includes(value)) throw bad(`one of ${field.options.join(", ")}`);
      return;
    case "ITERATION":
      if (typeof value !== "string" || !field.iterations.some((i) => i.title === value)) throw bad("an iteration title");
      return;
    case "MILESTONE":
      if (typeof value !== "object") throw bad("{ title, dueOn }");
      return;
    case "NUMBER":
      if (typeof value !== "number") throw bad("a number");
      return;
    default:
      if (typeof value !== "string") throw bad("a string");
  }
}

// ---------------------------------------------------------------------------------------------
// Resolvers: plain objects whose properties (or methods taking the field's arguments) graphql-js
// reads with its default resolver; abstract types resolve through __typename.

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const encodeCursor = (index: number) => Buffer.from(`cursor:v2:${index}`).toString("base64");

function decodeCursor(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString());
  if (!match) throw new Error(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

/** A connection over a list; only the requested slice is mapped to GraphQL objects. */
function connection<T>(list: readonly T[], args: ConnectionArgs, map: (item: T) => unknown) {
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? decodeCursor(args.before) : list.length;
  if (args.first !== undefined && args.first !== null) end = Math.min(end, start + args.first);
  if (args.last !== undefined && args.last !== null) start = Math.max(start, end - args.last);
  const indexes = Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
  const nodes = () => indexes.map((i) => map(list[i]!));
  return {
    totalCount: list.length,
    get nodes() {
      return nodes();
    },
    get edges() {
      return indexes.map((i) => ({ cursor: encodeCursor(i), node: map(list[i]!) }));
    },
    pageInfo: {
      hasNextPage: end < list.length,
      hasPreviousPage: start > 0,
      startCursor: indexes.length ? encodeCursor(indexes[0]!) : null,
      endCursor: indexes.length ? encodeCursor(indexes.at(-1)!) : null,
    },
  };
}

const NOW = "2026-01-01T00:00:00Z";

function rootResolvers(owners: Map<string, FakeOwner>) {
  const find = (login: string) => owners.get(login.toLowerCase());
  return {
    repositoryOwner: ({ login }: { login: string }) => {
      const owner = find(login);
      return owner ? ownerObject(owner) : null;
    },
    organization: ({ login }: { login: string }) => {
      const owner = find(login);
      if (owner?.kind !== "Organization") throw new NotFound(`Could not resolve to an Organization with the login of '${login}'.`);
      return ownerObject(owner);
    },
    user: ({ login }: { login: string }) => {
      const owner = find(login);
      if (owner?.kind !== "User") throw new NotFound(`Could not resolve to a User with the login of '${login}'.`);
      return ownerObject(owner);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = find(owner)?.repositories.get(name.toLowerCase());
      if (!repo) throw new NotFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryObject(repo);
    },
    rateLimit: () => ({ cost: 1, limit: 5000, nodeCount: 0, remaining: 4999, resetAt: NOW, used: 1 }),
  };
}

function ownerObject(owner: FakeOwner) {
  return {
    __typename: owner.kind,
    id: `${owner.kind === "Organization" ? "O" : "U"}_${owner.login}`,
    login: owner.login,
    name: owner.login,
    url: `https://github.com/${owner.login}`,
    resourcePath: `/${owner.login}`,
    projectV2: ({ number }: { number: number }) => {
      const project = owner.projects.get(number);
      if (!project) throw new NotFound(`Could not resolve to a ProjectV2 with the number ${number}.`);
      return projectObject(project);
    },
    projectsV2: (args: ConnectionArgs) => connection([...owner.projects.values()], args, projectObject),
    repository: ({ name }: { name: string }) => {
      const repo = owner.repositories.get(name.toLowerCase());
      return repo ? repositoryObject(repo) : null;
    },
    repositories: (args: ConnectionArgs) => connection([...owner.repositories.values()], args, repositoryObject),
  };
}

function repositoryObject(repo: FakeRepository) {
  const lookup = (number: number, kind?: "Issue" | "PullRequest") => {
    const found = repo.issues.get(number);
    if (!found || (kind && found.kind !== kind)) {
      const what = kind === "Issue" ? "an Issue" : kind === "PullRequest" ? "a PullRequest" : "an issue or pull request";
      throw new NotFound(`Could not resolve to ${what} with the number of ${number}.`);
    }
    return contentObject(found);
  };
  return {
    __typename: "Repository",
    id: `R_${repo.owner.login}_${repo.name}`,
    name: repo.name,
    nameWithOwner: `${repo.owner.login}/${repo.name}`,
    url: `https://github.com/${repo.owner.login}/${repo.name}`,
    owner: () => ownerObject(repo.owner),
    issueOrPullRequest: ({ number }: { number: number }) => lookup(number),
    issue: ({ number }: { number: number }) => lookup(number, "Issue"),
    pullRequest: ({ number }: { number: number }) => lookup(number, "PullRequest"),
  };
}

function contentObject(content: FakeIssue | FakePullRequest) {
  const repo = content.repository;
  const common = {
    id: `${content.kind === "Issue" ? "I" : "PR"}_${repo.owner.login}_${repo.name}_${content.number}`,
    number: content.number,
    title: content.title,
    body: content.body,
    url: `https://github.com/${repo.owner.login}/${repo.name}/${content.kind === "Issue" ? "issues" : "pull"}/${content.number}`,
    createdAt: NOW,
    updatedAt: NOW,
    repository: () => repositoryObject(repo),
    assignees: (args: ConnectionArgs) => connection(content.assignees, args, (login) => ({ __typename: "User", id: `U_${login}`, login })),
  };
  if (content.kind === "Issue") {
    return { ...common, __typename: "Issue", state: content.state.toUpperCase(), stateReason: content.stateReason, closed: content.state === "closed" };
  }
  return { ...common, __typename: "PullRequest", state: content.state.toUpperCase(), closed: content.state !== "open", merged: content.state === "merged", isDraft: false };
}

function projectObject(project: FakeProject) {
  const self = {
    __typename: "ProjectV2",
    id: `PVT_${project.owner.login}_${project.number}`,
    number: project.number,
    title: project.title,
    url: project.url,
    closed: false,
    public: false,
    template: false,
    shortDescription: null,
    readme: null,
    createdAt: NOW,
    updatedAt: NOW,
    owner: () => ownerObject(project.owner),
    field: ({ name }: { name: string }) => {
      const field = project.fields.find((f) => f.name === name);
      return field ? fieldObject(project, field) : null;
    },
    fields: (args: ConnectionArgs) => connection(project.fields, args, (f) => fieldObject(project, f)),
    items: (args: ConnectionArgs) => connection(project.items, args, (item) => itemObject(project, item)),
  };
  return self;
}

function fieldObject(project: FakeProject, field: FieldSpec) {
  const common = { id: `PVTF_${project.number}_${field.name}`, name: field.name, dataType: field.dataType, createdAt: NOW, updatedAt: NOW };
  switch (field.dataType) {
    case "SINGLE_SELECT":
      return {
        ...common,
        __typename: "ProjectV2SingleSelectField",
        options: ({ names }: { names?: string[] | null }) =>
          field.options.filter((o) => !names || names.includes(o)).map((o) => optionObject(o)),
      };
    case "ITERATION":
      return {
        ...common,
        __typename: "ProjectV2IterationField",
        configuration: {
          duration: field.iterations[0]?.duration ?? 14,
          startDay: 1,
          iterations: field.iterations.map(iterationObject),
          completedIterations: [],
        },
      };
    default:
      return { ...common, __typename: "ProjectV2Field" };
  }
}

function optionObject(name: string) {
  return { id: `opt_${name}`, name, nameHTML: name, color: "GRAY", description: "", descriptionHTML: "" };
}

function iterationObject(iteration: { title: string; startDate: string; duration: number }) {
  return { id: `it_${iteration.title}`, title: iteration.title, titleHTML: iteration.title, startDate: iteration.startDate, duration: iteration.duration };
}

function itemObject(project: FakeProject, item: FakeItem) {
  const content = item.content;
  const type =
    content === "redacted" ? "REDACTED" : "draft" in content ? "DRAFT_ISSUE" : content.kind === "Issue" ? "ISSUE" : "PULL_REQUEST";
  const title = content === "redacted" ? "" : "draft" in content ? content.draft : content.title;
  const valueOf = (field: FieldSpec) => {
    if (content === "redacted") return null;
    if (field.dataType === "TITLE") return { __typename: "ProjectV2ItemFieldTextValue", id: `${item.id}_title`, text: title, field: fieldObject(project, field) };
    const value = item.values.get(field.name);
    return value === undefined ? null : fieldValueObject(project, item, field, value);
  };
  return {
    __typename: "ProjectV2Item",
    id: item.id,
    isArchived: item.archived,
    type,
    createdAt: NOW,
    updatedAt: NOW,
    project: () => projectObject(project),
    content: () => {
      if (content === "redacted") return null;
      if ("draft" in content) return { __typename: "DraftIssue", id: `DI_${item.id}`, title: content.draft, body: content.body ?? "", createdAt: NOW, updatedAt: NOW };
      return contentObject(content);
    },
    fieldValueByName: ({ name }: { name: string }) => {
      const field = project.fields.find((f) => f.name === name);
      return field ? valueOf(field) : null;
    },
    fieldValues: (args: ConnectionArgs) =>
      connection(project.fields.map(valueOf).filter((v) => v !== null), args, (v) => v),
  };
}

function fieldValueObject(project: FakeProject, item: FakeItem, field: FieldSpec, value: FieldValueInit) {
  const common = { id: `${item.id}_${field.name}`, field: fieldObject(project, field), createdAt: NOW, updatedAt: NOW };
  switch (field.dataType) {
    case "MILESTONE": {
      const m = value as MilestoneInit;
      return {
        __typename: "ProjectV2ItemFieldMilestoneValue",
        field: common.field,
        milestone: {
          __typename: "Milestone",
          id: `MI_${m.title}`,
          title: m.title,
          // GitHub sends due dates as DateTime at a time of day that depends on the creator's zone.
          dueOn: m.dueOn === null ? null : `${m.dueOn}T07:00:00Z`,
          description: null,
          number: 1,
          state: "OPEN",
          closed: false,
          url: `https://github.com/milestones/${encodeURIComponent(m.title)}`,
        },
      };
    }
    case "SINGLE_SELECT": {
      const option = optionObject(value as string);
      return { ...common, __typename: "ProjectV2ItemFieldSingleSelectValue", name: option.name, nameHTML: option.name, optionId: option.id, color: option.color, description: "", descriptionHTML: "" };
    }
    case "ITERATION": {
      const iteration = field.iterations.find((i) => i.title === value)!;
      return { ...common, __typename: "ProjectV2ItemFieldIterationValue", ...iterationObject(iteration), iterationId: `it_${iteration.title}` };
    }
    case "NUMBER":
      return { ...common, __typename: "ProjectV2ItemFieldNumberValue", number: value };
    case "DATE":
      return { ...common, __typename: "ProjectV2ItemFieldDateValue", date: value };
    default:
      return { ...common, __typename: "ProjectV2ItemFieldTextValue", text: value };
  }
}

// ---------------------------------------------------------------------------------------------
// Rules GitHub enforces beyond the schema, and plumbing

/** Every connection needs `first` or `last`, at most 100 (GitHub's node limits). */
function paginationRule(variables: Record<string, unknown>): ValidationRule {
  return (context) => ({
    Field(node) {
      const def = context.getFieldDef();
      if (!def || !getNamedType(def.type).name.endsWith("Connection") || !def.args.some((a) => a.name === "first")) return;
      const valueOf = (name: string): unknown => {
        const arg = node.arguments?.find((a) => a.name.value === name);
        if (!arg) return undefined;
        if (arg.value.kind === Kind.VARIABLE) return variables[arg.value.name.value];
        return arg.value.kind === Kind.INT ? Number(arg.value.value) : arg.value.kind === Kind.NULL ? null : undefined;
      };
      const first = valueOf("first");
      const last = valueOf("last");
      if ((first === undefined || first === null) && (last === undefined || last === null)) {
        context.reportError(
          new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${node.name.value}\` connection.`, {
            nodes: node,
            extensions: { type: "MISSING_PAGINATION_BOUNDARIES" },
          }),
        );
      }
      for (const [name, value] of [["first", first], ["last", last]] as const) {
        if (typeof value === "number" && (value > 100 || value < 0)) {
          context.reportError(
            new GraphQLError(`Requesting ${value} records on the \`${node.name.value}\` connection exceeds the \`${name}\` limit of 100 records.`, {
              nodes: node,
              extensions: { type: "EXCESSIVE_PAGINATION" },
            }),
          );
        }
      }
    },
  });
}

/** Our rule: every operation has a name (it shows in GitHub's logs and ours). */
const namedOperationsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!node.name) context.reportError(new GraphQLError(`Anonymous ${node.operation === OperationTypeNode.QUERY ? "query" : node.operation}: every operation must be named.`, { nodes: node }));
  },
});

/** GitHub's error shape: message, locations, path, and `type` at the top level. */
function formatError(error: GraphQLError) {
  const type = error.originalError instanceof NotFound ? "NOT_FOUND" : (error.extensions?.type as string | undefined);
  return {
    ...(type ? { type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    message: error.message,
  };
}

function rateLimitHeaders(remaining: number, resetInSeconds = 3600): Record<string, string> {
  return {
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-used": String(5000 - remaining),
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetInSeconds),
    "x-ratelimit-resource": "graphql",
  };
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": typeof payload === "string" ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
