/**
 * The loopback GitHub itself: it must refuse what GitHub refuses, or the client tests prove nothing.
 * Raw requests with fetch, so no client code is involved.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startGitHubServer, type GitHubServer } from "../helpers/github-server.js";

/** Wait, without a clock, until the servers have done something: each turn lets pending I/O run. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

let gh: GitHubServer;

beforeAll(async () => {
  gh = await startGitHubServer();
  const acme = gh.organization("acme");
  const project = acme.project({ number: 1, title: "P" });
  for (let n = 1; n <= 250; n++) project.addItem({ content: { draft: `d${n}` }, archived: n % 50 === 0 });
  acme.repository("api").issue({ number: 1, title: "One" });
});
afterAll(async () => {
  await gh.close();
});

async function post(query: string, variables: Record<string, unknown> = {}, token: string | null = gh.token, url = gh.url) {
  const operationName = /query\s+(\w+)/.exec(query)?.[1];
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { type?: string; message: string; path?: unknown[] }[]; message?: string } };
}

/** Expect the request to have been recorded as a problem, and clear it so the test can pass. */
function expectProblem(pattern: RegExp): void {
  expect(gh.problems.join("\n")).toMatch(pattern);
  expect(() => gh.verify()).toThrow(/the fake GitHub saw 1 problem/);
  expect(gh.problems).toHaveLength(0);
}

describe("what GitHub enforces beyond the schema", () => {
  test("a connection without first or last is refused, and fails the test", async () => {
    const { status, body } = await post("query NoBounds { repositoryOwner(login: \"acme\") { ... on ProjectV2Owner { projectV2(number: 1) { items { totalCount } } } } }");
    expect(status).toBe(200);
    expect(body.errors?.[0]).toMatchObject({ type: "MISSING_PAGINATION_BOUNDARIES", message: "You must provide a `first` or `last` value to properly paginate the `items` connection." });
    expectProblem(/invalid query in NoBounds/);
  });

  test("more than 100 is refused, whether literal or in a variable", async () => {
    const { body } = await post("query TooMany($n: Int) { repositoryOwner(login: \"acme\") { ... on ProjectV2Owner { projectV2(number: 1) { items(first: $n) { totalCount } } } } }", { n: 101 });
    expect(body.errors?.[0]).toMatchObject({ type: "EXCESSIVE_PAGINATION", message: "Requesting 101 records on the `items` connection exceeds the `first` limit of 100 records." });
    expectProblem(/TooMany/);
  });

  test("an anonymous operation and a field the schema lacks are refused", async () => {
    await post("{ viewer { login } }");
    expectProblem(/every operation must be named/);
    const { body } = await post("query Typo { repositoryOwner(login: \"acme\") { logn } }");
    expect(body.errors?.[0]?.message).toBe('Cannot query field "logn" on type "RepositoryOwner". Did you mean "login"?');
    expectProblem(/invalid query in Typo/);
  });

  test("allowInvalid lets a test send bad queries on purpose", async () => {
    gh.allowInvalid = true;
    try {
      await post("{ viewer { login } }");
      expect(gh.problems).toHaveLength(0);
    } finally {
      gh.allowInvalid = false;
    }
  });

  test("no token, or a wrong one, is 401", async () => {
    const none = await post("query V { rateLimit { remaining } }", {}, null);
    expect(none).toEqual({ status: 401, body: expect.objectContaining({ message: "This endpoint requires you to be authenticated." }) });
    const wrong = await post("query V { rateLimit { remaining } }", {}, "nope");
    expect(wrong).toEqual({ status: 401, body: expect.objectContaining({ message: "Bad credentials" }) });
    expect(gh.problems).toHaveLength(0);
  });

  test("any other path is 404 and a problem", async () => {
    const { status } = await post("query V { rateLimit { remaining } }", {}, gh.token, gh.url.replace("/graphql", "/graphql/graphql"));
    expect(status).toBe(404);
    expectProblem(/unexpected request: POST \/graphql\/graphql/);
  });
});

describe("answers like GitHub", () => {
  test("items page by cursor to the end; archived items are in the connection", async () => {
    const query = `query Page($after: String) { repositoryOwner(login: "acme") { ... on ProjectV2Owner { projectV2(number: 1) {
      items(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { isArchived type content { ... on DraftIssue { title } } } } } } } }`;
    const titles: string[] = [];
    let archived = 0;
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const { body } = await post(query, { after });
      const items = body.data.repositoryOwner.projectV2.items;
      expect(items.totalCount).toBe(250);
      for (const node of items.nodes) {
        titles.push(node.content.title);
        if (node.isArchived) archived++;
      }
      if (!items.pageInfo.hasNextPage) break;
      after = items.pageInfo.endCursor;
    }
    expect(titles).toEqual(Array.from({ length: 250 }, (_, i) => `d${i + 1}`));
    expect(archived).toBe(5);
  });

  test("a missing repository or issue is null plus a NOT_FOUND error, the rest answered", async () => {
    const { status, body } = await post(`query Lookups {
      a: repository(owner: "acme", name: "api") { issueOrPullRequest(number: 1) { ... on Issue { title } } }
      b: repository(owner: "acme", name: "nope") { issueOrPullRequest(number: 1) { ... on Issue { title } } }
      c: repository(owner: "acme", name: "api") { issueOrPullRequest(number: 404) { ... on Issue { title } } }
    }`);
    expect(status).toBe(200);
    expect(body.data).toEqual({ a: { issueOrPullRequest: { title: "One" } }, b: null, c: { issueOrPullRequest: null } });
    expect(body.errors).toEqual([
      expect.objectContaining({ type: "NOT_FOUND", path: ["b"], message: "Could not resolve to a Repository with the name 'acme/nope'." }),
      expect.objectContaining({ type: "NOT_FOUND", path: ["c", "issueOrPullRequest"] }),
    ]);
    expect(gh.problems).toHaveLength(0);
  });

  test("faults are served in order, then normal answers resume", async () => {
    gh.failNext({ status: 502 }, { secondaryRateLimit: { retryAfter: 7 } });
    const first = await fetch(gh.url, { method: "POST", body: "{}" });
    expect(first.status).toBe(502);
    const second = await fetch(gh.url, { method: "POST", body: "{}" });
    expect([second.status, second.headers.get("retry-after")]).toEqual([403, "7"]);
    expect(((await second.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    const third = await post("query V { rateLimit { remaining } }");
    expect(third.status).toBe(200);
  });

  test("a fault that was never served fails the test", () => {
    gh.failNext({ status: 503 });
    expect(() => gh.verify()).toThrow(/fault never used: \{"status":503\}/);
    expect(() => gh.verify()).not.toThrow();
  });

  test("a hang never answers until the client gives up; a reset closes the connection", async () => {
    const before = gh.requests.length;
    gh.failNext({ hang: true }, { reset: true });
    const arrived = gh.barrier(1);
    const controller = new AbortController();
    const hung = fetch(gh.url, { method: "POST", body: "{}", signal: controller.signal }).catch((e: unknown) => e);
    await arrived.reached;
    expect(gh.inFlight).toBe(1);
    controller.abort();
    expect(await hung).toMatchObject({ name: "AbortError" });
    await until(() => gh.inFlight === 0);
    const reset = await fetch(gh.url, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(TypeError);
    expect(gh.requests.slice(before).map((r) => [r.status, r.answered])).toEqual([
      [0, false],
      [0, false],
    ]);
  });

  test("latency holds each answer until it has passed", async () => {
    const asked: number[] = [];
    let pass!: () => void;
    const slow = await startGitHubServer({ latencyMs: 60, sleep: (ms) => (asked.push(ms), new Promise<void>((resolve) => (pass = resolve))) });
    try {
      const response = post("query V { rateLimit { remaining } }", {}, slow.token, slow.url);
      // The answer is decided, and waits for the latency.
      await until(() => slow.requests[0]?.status === 200);
      expect(asked).toEqual([60]);
      expect([slow.requests[0]!.answered, slow.inFlight]).toEqual([false, 1]);
      pass();
      expect((await response).status).toBe(200);
      expect(slow.requests[0]!.answered).toBe(true);
    } finally {
      await slow.close();
    }
  });

  test("adding a value the field cannot hold throws at once", () => {
    const project = gh.organization("strict").project({ number: 1 });
    expect(() => project.addItem({ content: { draft: "x" }, values: { Status: "Shipped" } })).toThrow(/expects one of Todo, In Progress, Done/);
    expect(() => project.addItem({ content: { draft: "x" }, values: { Sprint: "1" } })).toThrow(/has no field Sprint/);
  });
});

describe("barrier: parallelism proven by counting", () => {
  const V = "query V { rateLimit { remaining } }";

  test("holds answers until n requests are in flight at once, then releases them together", async () => {
    const barrier = gh.barrier(3, { operation: "V" });
    const before = gh.requests.length;
    const first = post(V);
    const second = post(V);
    await until(() => barrier.arrived === 2);
    expect(gh.requests.slice(before).map((r) => r.answered)).toEqual([false, false]);
    const third = post(V);
    expect((await Promise.all([first, second, third])).map((r) => r.status)).toEqual([200, 200, 200]);
    await barrier.reached;
    expect(barrier.arrived).toBe(3);
    expect(gh.maxInFlight).toBeGreaterThanOrEqual(3);
  });

  test("only the named operation is held; once reached, later requests pass", async () => {
    const barrier = gh.barrier(2, { operation: "Held" });
    const HELD = "query Held { rateLimit { limit } }";
    const first = post(HELD);
    await until(() => barrier.arrived === 1);
    expect((await post(V)).status).toBe(200);
    expect(gh.requests.find((r) => r.operationName === "Held")!.answered).toBe(false);
    await Promise.all([first, post(HELD)]);
    await barrier.reached;
    expect((await post(HELD)).status).toBe(200);
  });

  test("barriers queue: the next one holds the requests after the first is reached", async () => {
    const pair = gh.barrier(2, { operation: "V" });
    const single = gh.barrier(1, { operation: "V" });
    await Promise.all([post(V), post(V), post(V)]);
    await Promise.all([pair.reached, single.reached]);
    expect([pair.arrived, single.arrived]).toEqual([2, 1]);
  });

  test("a barrier that only its timeout releases fails the test", async () => {
    const barrier = gh.barrier(2, { operation: "V", timeoutMs: 50 });
    // The one request that ever comes is answered when the timeout gives up on the second.
    expect((await post(V)).status).toBe(200);
    await expect(barrier.reached).rejects.toThrow(/only 1 of 2 V requests were in flight at once within 50 ms/);
    expectProblem(/barrier: only 1 of 2 V requests/);
  });

  test("a barrier the test never reached fails it", () => {
    gh.barrier(4, { operation: "Nothing" });
    expect(() => gh.verify()).toThrow(/4 Nothing request\(s\) were never in flight at once \(0 arrived\)/);
    expect(() => gh.verify()).not.toThrow();
  });
});

describe("the viewer, their pull requests, and search", () => {
  let hub: GitHubServer;
  const BOB = "token-of-bob-0123456789";

  beforeAll(async () => {
    hub = await startGitHubServer({ viewer: "alice", viewers: { [BOB]: "bob" } });
    const api = hub.organization("acme").repository("api");
    api.pullRequest({ number: 1, title: "Waiting for review", createdAt: "2026-11-20T09:00:00Z", reviewRequestedAt: "2026-11-23T10:00:00Z" });
    api.pullRequest({ number: 2, title: "Draft", draft: true, createdAt: "2026-11-25T09:00:00Z" });
    api.pullRequest({
      number: 3,
      title: "Merged this week",
      createdAt: "2026-11-28T09:00:00Z",
      mergedAt: "2026-12-01T15:00:00Z",
      reviewRequestedAt: "2026-11-28T10:00:00Z",
      reviews: [{ author: "bob", state: "APPROVED", submittedAt: "2026-12-01T09:00:00Z" }],
    });
    api.pullRequest({ number: 4, title: "Merged long ago", createdAt: "2026-10-30T09:00:00Z", mergedAt: "2026-11-01T09:00:00Z" });
    api.pullRequest({ number: 5, title: "Closed unmerged", state: "closed", createdAt: "2026-11-02T09:00:00Z" });
    api.pullRequest({
      number: 6,
      title: "Bob's",
      author: "bob",
      createdAt: "2026-11-26T09:00:00Z",
      reviews: [
        { author: "alice", state: "CHANGES_REQUESTED", submittedAt: "2026-11-27T09:00:00Z" },
        { author: "alice", state: "COMMENTED", submittedAt: "2026-11-29T09:00:00Z" },
      ],
    });
    api.issue({ number: 7, title: "An issue is not a pull request" });
    hub.organization("old").repository("legacy", { archived: true }).pullRequest({ number: 1, title: "In an archived repository", createdAt: "2026-11-24T09:00:00Z" });
  });
  afterAll(async () => {
    await hub.close();
  });

  const ask = (query: string, variables: Record<string, unknown> = {}, token = hub.token) => post(query, variables, token, hub.url);

  const SEARCH = `query MyPullRequests($q: String!, $after: String) {
    search(query: $q, type: ISSUE, first: 2, after: $after) {
      issueCount
      pageInfo { hasNextPage endCursor }
      nodes {
        ... on PullRequest {
          number title url isDraft state createdAt mergedAt reviewDecision
          repository { nameWithOwner }
          reviews(first: 1) { totalCount }
          latestReviews(first: 10) { nodes { author { login } state } }
          timelineItems(itemTypes: [REVIEW_REQUESTED_EVENT], first: 10) { nodes { ... on ReviewRequestedEvent { createdAt } } }
        }
      }
    }
  }`;

  /** Every number a search finds, paging to the end. */
  async function numbers(q: string, token = hub.token): Promise<string[]> {
    const found: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const { body } = await ask(SEARCH, { q, after }, token);
      const search = body.data.search;
      found.push(...search.nodes.map((n: { repository: { nameWithOwner: string }; number: number }) => `${n.repository.nameWithOwner}#${n.number}`));
      if (!search.pageInfo.hasNextPage) break;
      after = search.pageInfo.endCursor;
    }
    return found;
  }

  test("the viewer is the user the token belongs to", async () => {
    expect(hub.viewer).toBe("alice");
    expect((await ask("query Me { viewer { login } }")).body.data).toEqual({ viewer: { login: "alice" } });
    expect((await ask("query Me { viewer { login } }", {}, BOB)).body.data).toEqual({ viewer: { login: "bob" } });
  });

  test("viewer.pullRequests: the viewer's, filtered by state, in creation order", async () => {
    const query = `query Mine($states: [PullRequestState!]) { viewer { pullRequests(states: $states, first: 10) { totalCount nodes { number isDraft repository { nameWithOwner } } } } }`;
    const open = (await ask(query, { states: ["OPEN"] })).body.data.viewer.pullRequests;
    expect(open.nodes).toEqual([
      { number: 1, isDraft: false, repository: { nameWithOwner: "acme/api" } },
      { number: 1, isDraft: false, repository: { nameWithOwner: "old/legacy" } },
      { number: 2, isDraft: true, repository: { nameWithOwner: "acme/api" } },
    ]);
    expect((await ask(query, { states: ["MERGED"] })).body.data.viewer.pullRequests.nodes.map((n: { number: number }) => n.number)).toEqual([4, 3]);
    expect((await ask(query, {}, BOB)).body.data.viewer.pullRequests.totalCount).toBe(1);
  });

  test("search: everything the status update reads about an open pull request", async () => {
    const { body } = await ask(SEARCH, { q: "is:pr author:@me is:open archived:false sort:updated-desc" });
    expect(body.errors).toBeUndefined();
    expect(body.data.search.issueCount).toBe(2);
    expect(body.data.search.nodes).toEqual([
      {
        number: 2,
        title: "Draft",
        url: "https://github.com/acme/api/pull/2",
        isDraft: true,
        state: "OPEN",
        createdAt: "2026-11-25T09:00:00Z",
        mergedAt: null,
        reviewDecision: null,
        repository: { nameWithOwner: "acme/api" },
        reviews: { totalCount: 0 },
        latestReviews: { nodes: [] },
        timelineItems: { nodes: [] },
      },
      {
        number: 1,
        title: "Waiting for review",
        url: "https://github.com/acme/api/pull/1",
        isDraft: false,
        state: "OPEN",
        createdAt: "2026-11-20T09:00:00Z",
        mergedAt: null,
        reviewDecision: "REVIEW_REQUIRED",
        repository: { nameWithOwner: "acme/api" },
        reviews: { totalCount: 0 },
        latestReviews: { nodes: [] },
        timelineItems: { nodes: [{ createdAt: "2026-11-23T10:00:00Z" }] },
      },
    ]);
  });

  test("search: merged since a date, by login or @me; reviews and the decision they make", async () => {
    expect(await numbers("is:pr author:alice is:merged merged:>=2026-11-30")).toEqual(["acme/api#3"]);
    expect(await numbers("is:pr author:ALICE is:merged merged:>=2026-11-01")).toEqual(["acme/api#3", "acme/api#4"]);
    expect(await numbers("is:pr author:@me is:merged merged:>=2026-11-30", BOB)).toEqual([]);
    const { body } = await ask(SEARCH, { q: "is:pr author:@me is:open" }, BOB);
    expect(body.data.search.nodes).toEqual([
      expect.objectContaining({
        number: 6,
        reviewDecision: "CHANGES_REQUESTED",
        reviews: { totalCount: 2 },
        latestReviews: { nodes: [{ author: { login: "alice" }, state: "COMMENTED" }] },
      }),
    ]);
    const merged = (await ask(SEARCH, { q: "is:pr is:merged merged:>=2026-11-30" })).body.data.search.nodes[0];
    expect(merged).toMatchObject({ number: 3, state: "MERGED", mergedAt: "2026-12-01T15:00:00Z", reviewDecision: "APPROVED", latestReviews: { nodes: [{ author: { login: "bob" }, state: "APPROVED" }] } });
  });

  test("search: is:draft, archived:false, and paging by cursor", async () => {
    expect(await numbers("is:pr is:draft")).toEqual(["acme/api#2"]);
    // Newest first without sort:; the archived repository's pull request only without archived:false.
    expect(await numbers("is:pr author:@me is:open")).toEqual(["acme/api#2", "old/legacy#1", "acme/api#1"]);
    expect(await numbers("is:pr author:@me is:open archived:false")).toEqual(["acme/api#2", "acme/api#1"]);
    expect(await numbers("is:pr")).toHaveLength(7);
  });

  test("a qualifier the fake does not model, a search without is:pr, or another timeline item is a problem", async () => {
    const unknown = await ask(SEARCH, { q: "is:pr review:required" });
    expect(unknown.body.errors?.[0]?.message).toMatch(/does not model `review:required`/);
    expectProblemOn(hub, /execution errors in MyPullRequests:\n {2}the fake GitHub's search does not model `review:required`/);
    await ask(SEARCH, { q: "author:@me is:open" });
    expectProblemOn(hub, /finds pull requests only: add is:pr/);
    await ask(`query Timeline { repository(owner: "acme", name: "api") { pullRequest(number: 1) { timelineItems(itemTypes: [MERGED_EVENT], first: 5) { totalCount } } } }`);
    expectProblemOn(hub, /timelines hold REVIEW_REQUESTED_EVENT only/);
  });

  test("the builders refuse what GitHub cannot hold", () => {
    const repo = hub.organization("strict-prs").repository("r");
    expect(() => repo.pullRequest({ number: 1, state: "open", mergedAt: "2026-12-01T00:00:00Z" })).toThrow(/has a mergedAt but is open/);
    expect(() => repo.pullRequest({ number: 2, state: "merged", draft: true })).toThrow(/cannot be a draft/);
    expect(() => repo.pullRequest({ number: 3, createdAt: "yesterday" })).toThrow(/must be an ISO time/);
    expect(repo.pullRequest({ number: 4, mergedAt: "2026-12-01T00:00:00Z" }).state).toBe("merged");
  });
});

/** As expectProblem, for another server. */
function expectProblemOn(server: GitHubServer, pattern: RegExp): void {
  expect(server.problems.join("\n")).toMatch(pattern);
  expect(() => server.verify()).toThrow(/the fake GitHub saw 1 problem/);
}
