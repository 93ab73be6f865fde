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
 * What the model does not cover (a search qualifier, a timeline item type) is a resolver error: a
 * GraphQL error in the answer and a problem, never a silently thinner answer.
 *
 *   const gh = await startGitHubServer();          // gh.url = http://127.0.0.1:PORT/graphql
 *   // options: { tokens: [...] (first one is gh.token), viewer: "octocat" (their login),
 *   //            viewers: { token: login } (more tokens, one viewer each), path: "/api/graphql" (GHES), latencyMs }
 *   const acme = gh.organization("acme");          // or gh.user("alice")
 *   const api = acme.repository("api");            // acme.repository("old", { archived: true })
 *   const issue = api.issue({ number: 1, state: "closed", stateReason: "COMPLETED", assignees: ["bob"],
 *                             body: "## Acceptance criteria\n- works" });
 *   const pr = api.pullRequest({ number: 2, state: "merged", mergedAt: "2026-11-30T10:00:00Z" });
 *   api.pullRequest({ number: 3, author: "octocat", draft: false, createdAt: "2026-11-20T09:00:00Z",
 *                     reviewRequestedAt: "2026-11-21T09:00:00Z", reviews: [{ author: "bob", state: "APPROVED" }] });
 *   const project = acme.project({ number: 7, title: "Cloud" });   // fields: Title, Status, Milestone, Estimate
 *   project.addItem({ content: issue, values: { Status: "Done", Estimate: 3, Milestone: { title: "M1", dueOn: "2026-12-15" } } });
 *   project.addItem({ content: { draft: "Write the RFC" } });
 *   project.addItem({ content: "redacted" });  project.addItem({ content: pr, archived: true });
 *
 *   await cli(["milestone", "report", ...], { cwd, env: baseEnv(gh.env()) });   // GITHUB_GRAPHQL_URL + GH_TOKEN
 *   gh.requests            // every request: operationName, query, variables, authorization, status, answered
 *   gh.inFlight            // requests arrived and not yet answered; gh.maxInFlight: the most at once
 *   gh.barrier(4, { operation: "LinkedIssues" })   // hold answers until 4 such requests are in flight at once
 *   gh.latencyMs = 20;     // each answer leaves no sooner than this after its request arrived (benchmarks)
 *   gh.failNext({ status: 502 }, { secondaryRateLimit: { retryAfter: 1 } }, { primaryRateLimit: { resetInSeconds: 3600 } },
 *               { graphqlErrors: [{ type: "INSUFFICIENT_SCOPES", message: "…" }] }, { hang: true }, { reset: true });
 *   gh.problems; gh.verify()   // what went wrong so far; verify() throws and clears (afterEach does it)
 *   await gh.close();
 *
 * Nothing here measures time: a test proves parallelism with a barrier (counting), retries by the
 * requests recorded, timeouts with a `hang`. Timing belongs to `npm run bench`. The server shares the
 * test's process and event loop, and validating a large query takes it a while; that is harmless as
 * long as no test races a short client timeout against a real answer (a `hang` never answers).
 *
 * The viewer (`viewer { login pullRequests }`, `author:@me` in a search) is the login the request's
 * token belongs to. `search(type: ISSUE)` finds pull requests, with the qualifiers in SEARCH_QUALIFIERS.
 *
 * Values by field type: MILESTONE `{ title, dueOn: "YYYY-MM-DD" | null }`, SINGLE_SELECT the option name,
 * ITERATION the iteration title, NUMBER a number, TEXT / DATE a string. Unknown options, iterations or
 * fields throw when the item is added, so a typo in a test fails loudly; so do times that are not ISO.
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
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
export type ReviewDecision = "APPROVED" | "CHANGES_REQUESTED" | "REVIEW_REQUIRED";

export interface IssueInit {
  number: number;
  title?: string;
  body?: string;
  state?: IssueState;
  /** COMPLETED, NOT_PLANNED, DUPLICATE or REOPENED; defaults to COMPLETED when closed. */
  stateReason?: string | null;
  assignees?: string[];
}

export interface ReviewInit {
  /** Default "reviewer". */
  author?: string;
  /** Default COMMENTED. */
  state?: ReviewState;
  /** ISO time; default the pull request's createdAt; null for a PENDING review. */
  submittedAt?: string | null;
}

export interface PullRequestInit {
  number: number;
  title?: string;
  body?: string;
  /** Default open, or merged when mergedAt is given. */
  state?: PullRequestState;
  assignees?: string[];
  /** Login of the author; default the server's `viewer` login. */
  author?: string;
  /** isDraft; a merged pull request cannot be a draft. */
  draft?: boolean;
  /** ISO time; default 2026-01-01T00:00:00Z. */
  createdAt?: string;
  /** ISO time, for a merged pull request only; default its createdAt. */
  mergedAt?: string | null;
  /** ISO time; default the latest of createdAt, mergedAt, review requests and reviews. */
  updatedAt?: string;
  /** When reviews were requested: the ReviewRequestedEvent items of its timeline. */
  reviewRequestedAt?: string | string[];
  reviews?: ReviewInit[];
  /**
   * Default: CHANGES_REQUESTED when an author's latest opinion asks for changes, else APPROVED when one
   * approves, else REVIEW_REQUIRED when a review was requested, else null (no review required).
   */
  reviewDecision?: ReviewDecision | null;
}

export interface FakeIssue extends Required<Omit<IssueInit, "stateReason">> {
  kind: "Issue";
  stateReason: string | null;
  repository: FakeRepository;
}

export interface FakeReview {
  author: string;
  state: ReviewState;
  submittedAt: string | null;
}

export interface FakePullRequest {
  kind: "PullRequest";
  repository: FakeRepository;
  number: number;
  title: string;
  body: string;
  state: PullRequestState;
  assignees: string[];
  author: string;
  isDraft: boolean;
  createdAt: string;
  mergedAt: string | null;
  updatedAt: string;
  reviewRequestedAt: string[];
  reviews: FakeReview[];
  reviewDecision: ReviewDecision | null;
}

export interface FakeRepository {
  owner: FakeOwner;
  name: string;
  /** Archived repositories are left out of a search with `archived:false`. */
  archived: boolean;
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
  /** The repository of that name, created on first use; `archived` sets its flag. */
  repository(name: string, options?: { archived?: boolean }): FakeRepository;
  project(init: { number: number; title?: string; fields?: FieldSpec[] }): FakeProject;
}

/** The fields a new project has unless told otherwise. */
export const DEFAULT_FIELDS: FieldSpec[] = [
  { name: "Title", dataType: "TITLE" },
  { name: "Status", dataType: "SINGLE_SELECT", options: ["Todo", "In Progress", "Done"] },
  { name: "Milestone", dataType: "MILESTONE" },
  { name: "Estimate", dataType: "NUMBER" },
];

/** The search qualifiers the fake understands; any other term is a problem. */
export const SEARCH_QUALIFIERS = ["is:pr", "is:open", "is:merged", "is:draft", "author:LOGIN", "author:@me", "merged:>=YYYY-MM-DD", "archived:false", "sort:updated-desc"] as const;

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
  | { graphqlErrors: { type?: string; message: string }[] }
  /** Never answer: the client's timeout or its signal has to end the request. */
  | { hang: true }
  /** Destroy the connection without an answer. */
  | { reset: true };

export interface RecordedRequest {
  method: string;
  path: string;
  operationName: string | undefined;
  query: string;
  variables: Record<string, unknown>;
  authorization: string | undefined;
  /** The status it is answered with, once decided (0 before, and for a hang or a reset). */
  status: number;
  /** Whether the answer has left. */
  answered: boolean;
}

export interface BarrierOptions {
  /** Only requests of this operation are held and counted; default every request. */
  operation?: string;
  /** When fewer than n arrive within this long, the held ones are released and the test fails. */
  timeoutMs?: number;
}

export interface Barrier {
  readonly n: number;
  readonly operation: string | undefined;
  /** Requests held so far; n once reached. */
  readonly arrived: number;
  /** Resolves once n were in flight at once (and were released); rejects when the timeout came first. */
  readonly reached: Promise<void>;
}

export interface StartOptions {
  /** Accepted bearer tokens; the first is what `env()` hands out. Their viewer is `viewer`. */
  tokens?: string[];
  /** Login of the user the `tokens` belong to; default "octocat". Also the default pull request author. */
  viewer?: string;
  /** More accepted tokens, each with its own viewer: { token: login }. */
  viewers?: Record<string, string>;
  /** Where the API answers; GitHub Enterprise Server uses /api/graphql. */
  path?: string;
  latencyMs?: number;
  /** How the latency is waited for; a test of the latency itself can hold it. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface GitHubServer {
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  readonly token: string;
  /** Login of `token`'s user. */
  readonly viewer: string;
  readonly requests: RecordedRequest[];
  /** Each answer leaves no sooner than this after its request arrived (the fake's own work happens within). */
  latencyMs: number;
  /** Let invalid queries through without failing the test (for tests of the enforcement itself). */
  allowInvalid: boolean;
  /** Requests arrived and not yet answered (or closed). */
  readonly inFlight: number;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  organization(login: string): FakeOwner;
  user(login: string): FakeOwner;
  /** Answer the next requests with these faults, one each, in order; verify() fails on any left unused. */
  failNext(...faults: Fault[]): void;
  /**
   * Hold the answers to the next matching requests until `n` of them are in flight at once, then
   * release them together; later ones pass. Parallelism proven by counting, however slow the machine.
   * Barriers queue: a request joins the oldest one not yet reached. A barrier not reached when the
   * test ends, or only by its timeout (default 10 s), is a problem.
   */
  barrier(n: number, options?: BarrierOptions): Barrier;
  /** GITHUB_GRAPHQL_URL and GH_TOKEN (this token, default `token`) for this server. */
  env(token?: string): Record<string, string>;
  /** Problems seen (invalid queries, resolver failures, barriers not reached); `verify()` also counts unused faults. */
  readonly problems: readonly string[];
  verify(): void;
  close(): Promise<void>;
}

/** Servers to verify after the running test, including those it already closed. */
const toVerify = new Set<GitHubServer>();
const closed = new WeakSet<GitHubServer>();

// Fail the test during which something went wrong. (Outside vitest, e.g. in the benchmarks, there is
// no test to fail; callers use verify() themselves.)
if (process.env.VITEST) {
  afterEach(() => {
    const failures: string[] = [];
    for (const server of toVerify) {
      try {
        server.verify();
      } catch (error) {
        failures.push((error as Error).message);
      }
      if (closed.has(server)) toVerify.delete(server);
    }
    if (failures.length > 0) throw new Error(failures.join("\n\n"));
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

/** What the resolvers see of the request: who asks, and the whole model. */
interface RequestContext {
  viewer: string;
  owners: Map<string, FakeOwner>;
}

// ---------------------------------------------------------------------------------------------
// The server

interface BarrierState {
  barrier: Barrier;
  n: number;
  operation: string | undefined;
  arrived: number;
  released: boolean;
  /** Resolved when the held answers may leave. */
  gate: Promise<void>;
  open(): void;
  settle(error?: Error): void;
  timer: NodeJS.Timeout;
}

export async function startGitHubServer(options: StartOptions = {}): Promise<GitHubServer> {
  const tokens = options.tokens ?? ["test-token-0123456789"];
  const defaultViewer = options.viewer ?? "octocat";
  const viewerOf = new Map<string, string>([...tokens.map((t) => [t, defaultViewer] as const), ...Object.entries(options.viewers ?? {})]);
  const apiPath = options.path ?? "/graphql";
  const wait = options.sleep ?? sleep;
  const owners = new Map<string, FakeOwner>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const barriers: BarrierState[] = [];
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
      repository(name, repoOptions) {
        let repo = owner.repositories.get(name.toLowerCase());
        if (!repo) {
          repo = makeRepository(owner, name, defaultViewer);
          owner.repositories.set(name.toLowerCase(), repo);
        }
        if (repoOptions?.archived !== undefined) repo.archived = repoOptions.archived;
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

  const root = rootResolvers();

  /** The oldest barrier not yet reached that this operation joins, if any. */
  const joinBarrier = (operationName: string | undefined): Promise<void> | undefined => {
    const state = barriers.find((b) => !b.released && (b.operation === undefined || b.operation === operationName));
    if (!state) return undefined;
    state.arrived++;
    if (state.arrived >= state.n) release(state);
    return state.gate;
  };

  const release = (state: BarrierState, error?: Error) => {
    state.released = true;
    clearTimeout(state.timer);
    state.open();
    state.settle(error);
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
    let counted = true;
    const leave = () => {
      if (counted) inFlight--;
      counted = false;
    };
    // A hang or a reset ends when the connection does.
    res.on("close", leave);
    // Latency is the time from arrival to answer, like a remote server's: our own work happens inside it.
    const latency = self.latencyMs > 0 ? wait(self.latencyMs) : undefined;
    const body = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      operationName: undefined,
      query: "",
      variables: {},
      authorization: req.headers.authorization,
      status: 0,
      answered: false,
    };
    requests.push(record);
    let held: Promise<void> | undefined;
    const answer = async (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      await latency;
      await held;
      leave();
      record.answered = true;
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

    held = joinBarrier(record.operationName);

    const fault = faults.shift();
    if (fault) return applyFault(fault, req, answer);

    const presented = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const viewer = presented === undefined ? undefined : viewerOf.get(presented);
    if (viewer === undefined) {
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

    const context: RequestContext = { viewer, owners };
    const result = await execute({
      schema,
      document,
      rootValue: root,
      contextValue: context,
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

  function applyFault(
    fault: Fault,
    req: IncomingMessage,
    answer: (status: number, payload: unknown, headers?: Record<string, string>) => Promise<void>,
  ): Promise<void> {
    if ("hang" in fault) return Promise.resolve();
    if ("reset" in fault) {
      req.socket.destroy();
      return Promise.resolve();
    }
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
    viewer: viewerOf.get(tokens[0]!)!,
    requests,
    latencyMs: options.latencyMs ?? 0,
    allowInvalid: false,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    problems,
    organization: (login) => addOwner("Organization", login),
    user: (login) => addOwner("User", login),
    failNext: (...more) => void faults.push(...more),
    barrier(n, barrierOptions = {}) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`a barrier needs a whole number of requests, not ${n}`);
      const { operation, timeoutMs = 10_000 } = barrierOptions;
      const what = `${n} ${operation ?? "GraphQL"} request${n === 1 ? "" : "s"}`;
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      let settle!: (error?: Error) => void;
      const reached = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
      // Awaiting `reached` is optional: its rejection is also a problem, so it must not go unhandled.
      reached.catch(() => undefined);
      const state: BarrierState = {
        n,
        operation,
        arrived: 0,
        released: false,
        gate,
        open,
        settle,
        timer: setTimeout(() => {
          if (state.released) return;
          const message = `barrier: only ${state.arrived} of ${what} were in flight at once within ${timeoutMs} ms; released them`;
          problems.push(message);
          release(state, new Error(message));
        }, timeoutMs),
        barrier: {
          n,
          operation,
          get arrived() {
            return state.arrived;
          },
          reached,
        },
      };
      state.timer.unref();
      barriers.push(state);
      return state.barrier;
    },
    env: (token = self.token) => ({ GITHUB_GRAPHQL_URL: self.url, GH_TOKEN: token }),
    verify() {
      for (const state of barriers.splice(0)) {
        if (state.released) continue;
        problems.push(`barrier: ${state.n} ${state.operation ?? "GraphQL"} request(s) were never in flight at once (${state.arrived} arrived)`);
        release(state, new Error("the test ended first"));
      }
      for (const fault of faults.splice(0)) problems.push(`fault never used: ${JSON.stringify(fault)}`);
      if (problems.length === 0) return;
      const all = problems.splice(0);
      throw new Error(`the fake GitHub saw ${all.length} problem(s):\n${all.join("\n\n")}`);
    },
    close() {
      closed.add(self);
      for (const state of barriers) clearTimeout(state.timer);
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  toVerify.add(self);
  return self;
}

// ---------------------------------------------------------------------------------------------
// Model builders

const NOW = "2026-01-01T00:00:00Z";

function isoTime(value: string, what: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new Error(`${what} must be an ISO time such as 2026-11-30T10:00:00Z, not ${JSON.stringify(value)}`);
  }
  return new Date(value).toISOString().replace(/\.000Z$/, "Z");
}

const latest = (times: (string | null)[]): string => times.filter((t): t is string => t !== null).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

function makeRepository(owner: FakeOwner, name: string, defaultAuthor: string): FakeRepository {
  const repo: FakeRepository = {
    owner,
    name,
    archived: false,
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
      const ref = `${owner.login}/${name}#${init.number}`;
      if (repo.issues.has(init.number)) throw new Error(`${ref} exists`);
      const given = init.mergedAt === undefined || init.mergedAt === null ? null : init.mergedAt;
      const state = init.state ?? (given !== null ? "merged" : "open");
      if (given !== null && state !== "merged") throw new Error(`${ref} has a mergedAt but is ${state}`);
      if (init.draft && state === "merged") throw new Error(`${ref} is merged, so it cannot be a draft`);
      const createdAt = isoTime(init.createdAt ?? NOW, `${ref} createdAt`);
      const mergedAt = state === "merged" ? isoTime(given ?? createdAt, `${ref} mergedAt`) : null;
      const requested = (init.reviewRequestedAt === undefined ? [] : [init.reviewRequestedAt].flat()).map((t) => isoTime(t, `${ref} reviewRequestedAt`));
      const reviews: FakeReview[] = (init.reviews ?? []).map((r) => {
        const reviewState = r.state ?? "COMMENTED";
        const submittedAt = reviewState === "PENDING" ? null : isoTime(r.submittedAt ?? createdAt, `${ref} review submittedAt`);
        return { author: r.author ?? "reviewer", state: reviewState, submittedAt };
      });
      const pr: FakePullRequest = {
        kind: "PullRequest",
        repository: repo,
        number: init.number,
        title: init.title ?? `Pull request ${init.number}`,
        body: init.body ?? "",
        state,
        assignees: init.assignees ?? [],
        author: init.author ?? defaultAuthor,
        isDraft: init.draft ?? false,
        createdAt,
        mergedAt,
        updatedAt: init.updatedAt !== undefined ? isoTime(init.updatedAt, `${ref} updatedAt`) : latest([createdAt, mergedAt, ...requested, ...reviews.map((r) => r.submittedAt)]),
        reviewRequestedAt: requested,
        reviews,
        reviewDecision: init.reviewDecision !== undefined ? init.reviewDecision : deriveReviewDecision(reviews, requested),
      };
      repo.issues.set(init.number, pr);
      return pr;
    },
  };
  return repo;
}

/** Each author's latest submitted review, oldest first. */
function latestReviews(reviews: readonly FakeReview[]): FakeReview[] {
  const byAuthor = new Map<string, FakeReview>();
  for (const review of reviews) {
    if (review.submittedAt === null) continue;
    const seen = byAuthor.get(review.author.toLowerCase());
    if (!seen || Date.parse(review.submittedAt) >= Date.parse(seen.submittedAt!)) byAuthor.set(review.author.toLowerCase(), review);
  }
  return [...byAuthor.values()].sort((a, b) => Date.parse(a.submittedAt!) - Date.parse(b.submittedAt!));
}

function deriveReviewDecision(reviews: readonly FakeReview[], requested: readonly string[]): ReviewDecision | null {
  const opinions = new Map<string, ReviewState>();
  for (const review of [...reviews].filter((r) => r.submittedAt !== null).sort((a, b) => Date.parse(a.submittedAt!) - Date.parse(b.submittedAt!))) {
    if (review.state === "APPROVED" || review.state === "CHANGES_REQUESTED" || review.state === "DISMISSED") opinions.set(review.author.toLowerCase(), review.state);
  }
  const states = [...opinions.values()];
  if (states.includes("CHANGES_REQUESTED")) return "CHANGES_REQUESTED";
  if (states.includes("APPROVED")) return "APPROVED";
  return requested.length > 0 ? "REVIEW_REQUIRED" : null;
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
// Resolvers: plain objects whose properties (or methods taking the field's arguments and the request
// context) graphql-js reads with its default resolver; abstract types resolve through __typename.

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

/** Throw for an argument the model does not cover, so a query relying on it fails loudly. */
function unmodelled(args: object, names: string[], where: string): void {
  for (const name of names) {
    const value = (args as Record<string, unknown>)[name];
    if (value !== undefined && value !== null) throw new Error(`the fake GitHub does not model \`${name}\` on ${where}`);
  }
}

function allPullRequests(owners: Map<string, FakeOwner>): FakePullRequest[] {
  const all: FakePullRequest[] = [];
  for (const owner of owners.values()) {
    for (const repo of owner.repositories.values()) {
      for (const content of repo.issues.values()) if (content.kind === "PullRequest") all.push(content);
    }
  }
  return all;
}

const byTime = (key: "createdAt" | "updatedAt", direction: "ASC" | "DESC") => (a: FakePullRequest, b: FakePullRequest) =>
  (direction === "ASC" ? 1 : -1) * (Date.parse(a[key]) - Date.parse(b[key]) || a.number - b.number);

/** The pull requests a search query finds; a term outside SEARCH_QUALIFIERS throws. */
export function searchPullRequests(all: readonly FakePullRequest[], query: string, viewer: string): FakePullRequest[] {
  const filters: ((pr: FakePullRequest) => boolean)[] = [];
  let pullRequests = false;
  let sort: "updated-desc" | undefined;
  for (const term of query.trim().split(/\s+/).filter(Boolean)) {
    const [, qualifier, value] = /^([a-z]+):(.+)$/i.exec(term) ?? [];
    const key = `${qualifier?.toLowerCase()}:${value?.toLowerCase()}`;
    if (key === "is:pr") pullRequests = true;
    else if (key === "is:open") filters.push((pr) => pr.state === "open");
    else if (key === "is:merged") filters.push((pr) => pr.state === "merged");
    else if (key === "is:draft") filters.push((pr) => pr.isDraft);
    else if (key === "archived:false") filters.push((pr) => !pr.repository.archived);
    else if (key === "sort:updated-desc") sort = "updated-desc";
    else if (qualifier?.toLowerCase() === "author" && /^(@me|[a-z\d](?:[a-z\d-]*[a-z\d])?)$/i.test(value!)) {
      const login = (value === "@me" ? viewer : value!).toLowerCase();
      filters.push((pr) => pr.author.toLowerCase() === login);
    } else if (qualifier?.toLowerCase() === "merged" && /^>=\d{4}-\d\d-\d\d$/.test(value!) && !Number.isNaN(Date.parse(value!.slice(2)))) {
      const since = Date.parse(`${value!.slice(2)}T00:00:00Z`);
      filters.push((pr) => pr.mergedAt !== null && Date.parse(pr.mergedAt) >= since);
    } else {
      throw new Error(`the fake GitHub's search does not model \`${term}\` in \`${query}\` (it knows ${SEARCH_QUALIFIERS.join(", ")})`);
    }
  }
  if (!pullRequests) throw new Error(`the fake GitHub's search finds pull requests only: add is:pr to \`${query}\``);
  // Without sort:, GitHub orders by best match; the fake puts the newest first.
  return all.filter((pr) => filters.every((f) => f(pr))).sort(sort === "updated-desc" ? byTime("updatedAt", "DESC") : byTime("createdAt", "DESC"));
}

function rootResolvers() {
  const find = (owners: Map<string, FakeOwner>, login: string) => owners.get(login.toLowerCase());
  return {
    viewer: (_args: unknown, { viewer, owners }: RequestContext) => {
      const owner = find(owners, viewer);
      return owner?.kind === "User" ? ownerObject(owner) : userObject(viewer);
    },
    repositoryOwner: ({ login }: { login: string }, { owners }: RequestContext) => {
      const owner = find(owners, login);
      return owner ? ownerObject(owner) : null;
    },
    organization: ({ login }: { login: string }, { owners }: RequestContext) => {
      const owner = find(owners, login);
      if (owner?.kind !== "Organization") throw new NotFound(`Could not resolve to an Organization with the login of '${login}'.`);
      return ownerObject(owner);
    },
    user: ({ login }: { login: string }, { owners }: RequestContext) => {
      const owner = find(owners, login);
      if (owner?.kind !== "User") throw new NotFound(`Could not resolve to a User with the login of '${login}'.`);
      return ownerObject(owner);
    },
    repository: ({ owner, name }: { owner: string; name: string }, { owners }: RequestContext) => {
      const repo = find(owners, owner)?.repositories.get(name.toLowerCase());
      if (!repo) throw new NotFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryObject(repo);
    },
    search: (args: ConnectionArgs & { query: string; type: string }, { viewer, owners }: RequestContext) => {
      if (args.type !== "ISSUE") throw new Error(`the fake GitHub's search models type: ISSUE only, not ${args.type}`);
      const found = searchPullRequests(allPullRequests(owners), args.query, viewer);
      const results = connection(found, args, contentObject);
      return { ...results, issueCount: found.length, codeCount: 0, discussionCount: 0, repositoryCount: 0, userCount: 0, wikiCount: 0 };
    },
    rateLimit: () => ({ cost: 1, limit: 5000, nodeCount: 0, remaining: 4999, resetAt: NOW, used: 1 }),
  };
}

/** A user as an actor or a login without a model of its own. */
function userObject(login: string) {
  return {
    __typename: "User",
    id: `U_${login}`,
    login,
    name: login,
    url: `https://github.com/${login}`,
    resourcePath: `/${login}`,
    avatarUrl: `https://avatars.githubusercontent.com/${login}`,
    pullRequests: userPullRequests(login),
  };
}

/** User.pullRequests: the pull requests they authored, in creation order unless orderBy says otherwise. */
function userPullRequests(login: string) {
  return (
    args: ConnectionArgs & { states?: string[] | null; orderBy?: { field: string; direction: "ASC" | "DESC" } | null },
    { owners }: RequestContext,
  ) => {
    unmodelled(args, ["labels", "baseRefName", "headRefName"], "User.pullRequests");
    const order = args.orderBy ?? { field: "CREATED_AT", direction: "ASC" };
    if (order.field !== "CREATED_AT" && order.field !== "UPDATED_AT") throw new Error(`the fake GitHub does not model orderBy ${order.field} on User.pullRequests`);
    const mine = allPullRequests(owners)
      .filter((pr) => pr.author.toLowerCase() === login.toLowerCase())
      .filter((pr) => !args.states || args.states.includes(pr.state.toUpperCase()))
      .sort(byTime(order.field === "CREATED_AT" ? "createdAt" : "updatedAt", order.direction));
    return connection(mine, args, contentObject);
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
    avatarUrl: `https://avatars.githubusercontent.com/${owner.login}`,
    ...(owner.kind === "User" ? { pullRequests: userPullRequests(owner.login) } : {}),
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
    isArchived: repo.archived,
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
  return pullRequestObject(content, common);
}

function pullRequestObject(pr: FakePullRequest, common: Record<string, unknown>) {
  const reviewObject = (review: FakeReview, k: number) => ({
    __typename: "PullRequestReview",
    id: `PRR_${pr.repository.name}_${pr.number}_${k}`,
    state: review.state,
    author: userObject(review.author),
    body: "",
    submittedAt: review.submittedAt,
    createdAt: review.submittedAt ?? pr.createdAt,
    url: `https://github.com/${pr.repository.owner.login}/${pr.repository.name}/pull/${pr.number}#pullrequestreview-${k}`,
  });
  const reviews = pr.reviews.map((r, k) => ({ review: r, k }));
  return {
    ...common,
    __typename: "PullRequest",
    state: pr.state.toUpperCase(),
    closed: pr.state !== "open",
    merged: pr.state === "merged",
    isDraft: pr.isDraft,
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    mergedAt: pr.mergedAt,
    closedAt: pr.state === "open" ? null : (pr.mergedAt ?? pr.updatedAt),
    author: userObject(pr.author),
    reviewDecision: pr.reviewDecision,
    reviews: (args: ConnectionArgs & { states?: string[] | null; author?: string | null }) =>
      connection(
        reviews.filter(({ review }) => (!args.states || args.states.includes(review.state)) && (!args.author || review.author.toLowerCase() === args.author.toLowerCase())),
        args,
        ({ review, k }) => reviewObject(review, k),
      ),
    latestReviews: (args: ConnectionArgs) => {
      const kept = new Set(latestReviews(pr.reviews));
      return connection(reviews.filter(({ review }) => kept.has(review)), args, ({ review, k }) => reviewObject(review, k));
    },
    timelineItems: (args: ConnectionArgs & { itemTypes?: string[] | null; since?: string | null; skip?: number | null }) => {
      unmodelled(args, ["skip"], "PullRequest.timelineItems");
      const types = args.itemTypes ?? [];
      if (types.length === 0 || types.some((t) => t !== "REVIEW_REQUESTED_EVENT")) {
        throw new Error(`the fake GitHub's timelines hold REVIEW_REQUESTED_EVENT only; ask for itemTypes: [REVIEW_REQUESTED_EVENT], not ${JSON.stringify(args.itemTypes ?? null)}`);
      }
      const since = args.since ? Date.parse(args.since) : -Infinity;
      const events = pr.reviewRequestedAt.filter((at) => Date.parse(at) >= since);
      const page = connection(events, args, (at) => ({
        __typename: "ReviewRequestedEvent",
        id: `RRE_${pr.repository.name}_${pr.number}_${at}`,
        createdAt: at,
        actor: userObject(pr.author),
        requestedReviewer: userObject("reviewer"),
        pullRequest: () => contentObject(pr),
      }));
      return { ...page, filteredCount: events.length, pageCount: page.nodes.length, updatedAt: pr.updatedAt };
    },
  };
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
    content === "redacted" ? "REDACTED" : !("kind" in content) ? "DRAFT_ISSUE" : content.kind === "Issue" ? "ISSUE" : "PULL_REQUEST";
  const title = content === "redacted" ? "" : !("kind" in content) ? content.draft : content.title;
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
      if (!("kind" in content)) return { __typename: "DraftIssue", id: `DI_${item.id}`, title: content.draft, body: content.body ?? "", createdAt: NOW, updatedAt: NOW };
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
  if (res.destroyed) return;
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
