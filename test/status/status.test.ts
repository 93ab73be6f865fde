/**
 * `cloud status update` against the loopback Jira (Cloud and Data Center) and GitHub, with the clock
 * fixed on Wednesday 2026-01-07, 12:00 UTC, and the process's time zone set, so "today", "the previous
 * working day" and "day N" never depend on the machine. Every rule of every section has a case; the
 * requests each tracker receives are counted exactly.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeIssue, loopbackJira, type FakeIssue, type JiraServer, type JiraServerOptions } from "../helpers/jira-server.js";
import { startGitHubServer, type GitHubServer, type StartOptions } from "../helpers/github-server.js";
import { cli, type CliResult } from "../helpers/run-cli.js";
import { lint } from "../helpers/markdownlint.js";
import { git, tempDir, tempRepo } from "../helpers/tmp.js";

/** Wednesday. The previous working day is Tuesday 2026-01-06. */
const NOW = new Date("2026-01-07T12:00:00Z");
const ME = "Alice Example";

const startJira = loopbackJira();
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const zone = process.env.TZ;
beforeEach(() => {
  process.env.TZ = "UTC";
});
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

const mine = (key: string, summary: string, rest: Partial<FakeIssue>) => fakeIssue(key, summary, { assignee: ME, ...rest });
const inProgress = (key: string, summary: string, points: number | null, enteredAt: string, rest: Partial<FakeIssue> = {}) =>
  mine(key, summary, { status: "In Progress", category: "indeterminate", points, history: [{ at: enteredAt, from: "To Do", to: "In Progress" }], ...rest });

/** My issues, in rank order, and a few that are not mine or not news. */
function issues(): FakeIssue[] {
  return [
    // Thursday: Thu, Fri, Mon, Tue are 4 working days (6 calendar days) against 3 points.
    inProgress("CLOUD-40", "Rotate certificates", 3, "2026-01-01T12:00:00Z"),
    // Friday: Fri, Mon, Tue are 3 working days (5 calendar days), exactly its 3 points.
    inProgress("CLOUD-41", "Tune the cache", 3, "2026-01-02T12:00:00Z"),
    // Twelve working days and no points: never unexpected.
    inProgress("CLOUD-43", "No estimate yet", null, "2025-12-22T12:00:00Z"),
    // Done on Friday, reopened on Tuesday.
    mine("CLOUD-46", "Fix the flaky test", {
      status: "In Progress",
      category: "indeterminate",
      points: 2,
      history: [
        { at: "2025-12-30T12:00:00Z", from: "To Do", to: "In Progress" },
        { at: "2026-01-02T12:00:00Z", from: "In Progress", to: "Done" },
        { at: "2026-01-06T12:00:00Z", from: "Done", to: "In Progress" },
      ],
    }),
    // The branch's issue, ranked last: one working day, so day 2.
    inProgress("CLOUD-42", "The answer to everything", 3, "2026-01-06T12:00:00Z"),
    mine("CLOUD-44", "Upgrade the database", { status: "To Do", category: "new", flagged: true }),
    mine("CLOUD-45", "Wait for the vendor", { status: "Blocked", category: "new" }),
    mine("CLOUD-47", "Write the runbook", {
      status: "Done",
      category: "done",
      resolutiondate: "2026-01-06T12:00:00.000+0000",
      history: [
        { at: "2026-01-05T12:00:00Z", from: "To Do", to: "In Progress" },
        { at: "2026-01-06T12:00:00Z", from: "In Progress", to: "Done" },
      ],
    }),
    // Done, and reopened into To Do, on Friday: news only with --since Friday or earlier.
    mine("CLOUD-48", "Old work", {
      status: "Done",
      category: "done",
      resolutiondate: "2026-01-02T12:00:00.000+0000",
      history: [{ at: "2026-01-02T12:00:00Z", from: "In Progress", to: "Done" }],
    }),
    mine("CLOUD-50", "Came back", {
      status: "To Do",
      category: "new",
      history: [
        { at: "2025-12-15T12:00:00Z", from: "In Progress", to: "Done" },
        { at: "2026-01-02T12:00:00Z", from: "Done", to: "To Do" },
      ],
    }),
    // Not mine.
    inProgress("CLOUD-49", "Someone else's", 1, "2025-12-01T12:00:00Z", { assignee: "Bob Other", flagged: true }),
  ];
}

/** The id the site gives its Blocked status. */
const BLOCKED = "10100";

async function jiraServer(options: JiraServerOptions = {}): Promise<JiraServer> {
  return startJira({ issues: issues(), myself: { displayName: ME }, statuses: [{ name: "Blocked", category: "new", id: BLOCKED }], ...options });
}

async function githubServer(options: StartOptions = {}): Promise<GitHubServer> {
  const gh = await startGitHubServer(options);
  servers.push(gh);
  const api = gh.organization("acme").repository("api");
  api.pullRequest({ number: 119, title: "Older change", mergedAt: "2026-01-02T15:00:00Z", createdAt: "2026-01-01T12:00:00Z" });
  api.pullRequest({ number: 120, title: "Add the health check", mergedAt: "2026-01-06T15:00:00Z", createdAt: "2026-01-05T12:00:00Z" });
  // Review requested on Tuesday: one working day, not yet a call for help.
  api.pullRequest({ number: 121, title: "Bump the SDK", createdAt: "2026-01-05T12:00:00Z", reviewRequestedAt: "2026-01-06T12:00:00Z" });
  // Opened on Friday, no review requested: Fri, Mon, Tue are 3 working days.
  api.pullRequest({ number: 123, title: "Add region flag", createdAt: "2026-01-02T12:00:00Z" });
  api.pullRequest({ number: 124, title: "Try a new parser", draft: true, createdAt: "2025-12-01T12:00:00Z" });
  api.pullRequest({ number: 125, title: "Split the handler", createdAt: "2025-12-01T12:00:00Z", reviews: [{ author: "bob", state: "COMMENTED", submittedAt: "2025-12-02T12:00:00Z" }] });
  api.pullRequest({ number: 126, title: "Not mine", author: "bob", createdAt: "2025-12-01T12:00:00Z" });
  return gh;
}

/** A PATH with git and nothing else, so no `gh` of the machine can hand out a token. */
function gitOnlyPath(): string {
  const dir = path.join(tempDir("cloud-path-"), "bin");
  mkdirSync(dir);
  symlinkSync(execFileSync("which", ["git"], { encoding: "utf8" }).trim(), path.join(dir, "git"));
  return dir;
}
const PATH = gitOnlyPath();

function env(...parts: Record<string, string>[]): Record<string, string | undefined> {
  return { PATH, HOME: tempDir("cloud-home-"), NO_COLOR: "1", CLOUD_HTTP_TIMEOUT_MS: "120000", ...Object.assign({}, ...parts) };
}

async function status(args: string[], options: { jira?: JiraServer; jiraHost?: string; gh?: GitHubServer; cwd?: string; now?: Date } = {}): Promise<CliResult> {
  return cli(["status", "update", ...args], {
    cwd: options.cwd ?? tempDir(),
    env: env(options.jira?.env ?? {}, options.jiraHost ? { JIRA_HOST: options.jiraHost } : {}, options.gh?.env() ?? {}),
    now: options.now ?? NOW,
  });
}

/**
 * A pass-through in front of the loopback Jira that holds the requests `hold` picks until the promise it
 * returns settles: with it a test orders events across the two servers without reading a clock.
 */
async function holdingProxy(target: string, hold: (path: string) => Promise<void> | undefined): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        await hold(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
        const headers = Object.fromEntries(["authorization", "content-type", "accept"].flatMap((h) => (req.headers[h] ? [[h, String(req.headers[h])]] : [])));
        const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) });
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
        res.end(Buffer.from(await answer.arrayBuffer()));
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A promise and the function that settles it. */
function signal(): [Promise<void>, () => void] {
  let settle!: () => void;
  const promise = new Promise<void>((resolve) => (settle = resolve));
  return [promise, settle];
}

const PRIORITY_BY_RANK = [
  "- CLOUD-40 Rotate certificates (In Progress, 3 points, day 5)",
  "- CLOUD-41 Tune the cache (In Progress, 3 points, day 4)",
  "- CLOUD-43 No estimate yet (In Progress, no estimate, day 13)",
  "- CLOUD-46 Fix the flaky test (In Progress, 2 points, day 2)",
  "- CLOUD-42 The answer to everything (In Progress, 3 points, day 2)",
];
const PRIORITY_PULL_REQUESTS = [
  "- acme/api#124 Try a new parser (draft)",
  "- acme/api#125 Split the handler (in review)",
  "- acme/api#123 Add region flag (no review requested)",
  "- acme/api#121 Bump the SDK (review requested)",
];
const UNEXPECTED = [
  "- CLOUD-40 Rotate certificates: in progress 4 working days against an estimate of 3 points",
  "- CLOUD-46 Fix the flaky test: reopened on 2026-01-06",
];
const HELP_ISSUES = ["- CLOUD-44 Upgrade the database (flagged: Impediment)", "- CLOUD-45 Wait for the vendor (status: Blocked)"];
const HELP_PULL_REQUESTS = ["- acme/api#123 Add region flag: waiting 3 days for a review"];

const text = (...lines: (string | string[])[]) => `${lines.flat().join("\n")}\n`;

const EXPECTED = text(
  "👉 Status update 👈",
  "What is my priority:",
  PRIORITY_BY_RANK,
  PRIORITY_PULL_REQUESTS,
  "What went unexpected:",
  UNEXPECTED,
  "Where do I need help:",
  HELP_ISSUES,
  HELP_PULL_REQUESTS,
  "Done since 2026-01-06:",
  "- CLOUD-47 Write the runbook (Done on 2026-01-06)",
  "- acme/api#120 Add the health check (merged on 2026-01-06)",
);

const SEARCH = "/rest/api/3/search/jql";
const JQL = (from: string) =>
  `assignee = currentUser() AND ((resolution = Unresolved AND (statusCategory = "In Progress" OR cf[10021] is not EMPTY OR status in (${BLOCKED}))) OR statusCategoryChangedDate >= "${from}") ORDER BY Rank ASC`;

describe("cloud status update: the whole template, Jira Cloud and GitHub", () => {
  it("prints the template exactly, each rule in its section, in rank order outside a repository", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status([], { jira, gh });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(EXPECTED);
  });

  it("puts the issue the current branch names first (a key anywhere in the name), in a real git repository", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const repo = tempRepo();
    git(repo, "switch", "-q", "-c", "the-answer-to-everything-CLOUD-42");
    const result = await status([], { jira, gh, cwd: repo });
    expect(result.code).toBe(0);
    const priority = result.stdout.split("\n").slice(2, 2 + PRIORITY_BY_RANK.length);
    expect(priority).toEqual([PRIORITY_BY_RANK[4], ...PRIORITY_BY_RANK.slice(0, 4)]);

    git(repo, "switch", "-q", "-c", "feature/cloud-41-tune");
    const lower = await status([], { jira, gh, cwd: repo });
    expect(lower.stdout.split("\n")[2]).toBe(PRIORITY_BY_RANK[1]);

    // A detached HEAD names no branch: rank order.
    git(repo, "switch", "-q", "--detach");
    const detached = await status([], { jira, gh, cwd: repo });
    expect(detached.stdout.split("\n").slice(2, 2 + PRIORITY_BY_RANK.length)).toEqual(PRIORITY_BY_RANK);
  });

  it("sends exactly these requests: one search with only the fields it prints, one bulk changelog, two GraphQL queries", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status([], { jira, gh });
    expect(result.code).toBe(0);

    expect(jira.calls().sort()).toEqual(
      ["GET /rest/api/2/serverInfo", "GET /rest/api/3/field", "GET /rest/api/3/status", `POST ${SEARCH}`, "POST /rest/api/3/changelog/bulkfetch"].sort(),
    );
    const [search] = jira.matching("POST", SEARCH);
    expect(search!.body).toMatchObject({
      jql: JQL("2026-01-05"),
      fields: ["summary", "status", "resolution", "statuscategorychangedate", "customfield_10016", "customfield_10021"],
    });
    // The history of the issues in progress and of the one reopened, asked by key, without a search for their ids.
    const [changelog] = jira.matching("POST", "/rest/api/3/changelog/bulkfetch");
    expect((changelog!.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys).toEqual(["CLOUD-40", "CLOUD-41", "CLOUD-43", "CLOUD-46", "CLOUD-42"]);

    expect(gh.requests.map((r) => r.operationName)).toEqual(["ViewerPullRequests", "MergedPullRequests"]);
    expect(gh.requests[1]!.variables).toEqual({ search: "is:pr is:merged author:octocat merged:>=2026-01-06", after: null });
  });

  it("asks Jira and GitHub at the same time: each one's request waits for the other's to arrive", async () => {
    const [jiraSearched, searchArrives] = signal();
    const [githubAsked, githubArrives] = signal();
    const jira = await jiraServer();
    // Jira's search is held until GitHub has been asked, and GitHub's answers until Jira has been asked
    // its search: asked one after the other, in either order, the run would never end.
    const jiraHost = await holdingProxy(jira.url, (path) => (path === SEARCH ? (searchArrives(), githubAsked) : undefined));
    const gh = await githubServer({ latencyMs: 1, sleep: () => (githubArrives(), jiraSearched) });
    const result = await status([], { jira, jiraHost, gh });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(EXPECTED.replaceAll(jira.url, jiraHost));
  });

  it("stops GitHub's request in flight when Jira fails first (exit 3)", async () => {
    const [githubAsked, githubArrives] = signal();
    const jira = await jiraServer({ faults: [{ status: 401, path: "/rest/api/3/field" }] });
    // Jira's failing answer leaves once GitHub's request is in flight; GitHub never answers on its own.
    const jiraHost = await holdingProxy(jira.url, (path) => (path === "/rest/api/3/field" ? githubAsked : undefined));
    const gh = await githubServer({ latencyMs: 1, sleep: () => (githubArrives(), new Promise<void>(() => {})) });
    const result = await status([], { jira, jiraHost, gh });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: .*401/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(gh.requests).toHaveLength(1);
    // The client hung up: with the timeout at 120 s, nothing else would end that request.
    await vi.waitFor(() => expect(gh.inFlight).toBe(0), { timeout: 10_000 });
    expect(gh.requests[0]!.answered).toBe(false);
  });
});

describe("the rules, one by one", () => {
  async function run(args: string[] = []) {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(args, { jira, gh });
    expect(result.code).toBe(0);
    return result.stdout.split("\n");
  }

  it("in progress longer than its points in working days, across a weekend: unexpected", async () => {
    expect(await run()).toContain(UNEXPECTED[0]);
  });

  it("in progress exactly its points in working days (though more calendar days): not unexpected", async () => {
    const lines = await run();
    expect(lines).toContain(PRIORITY_BY_RANK[1]);
    expect(lines.filter((l) => l.startsWith("- CLOUD-41"))).toHaveLength(1);
  });

  it("without points: never unexpected, however long", async () => {
    const lines = await run();
    expect(lines.filter((l) => l.startsWith("- CLOUD-43"))).toEqual([PRIORITY_BY_RANK[2]]);
  });

  it("flagged, and in a status named Blocked: help, though not in progress", async () => {
    const lines = await run();
    for (const line of HELP_ISSUES) expect(lines).toContain(line);
    expect(lines.filter((l) => /CLOUD-4[45]/.test(l))).toEqual(HELP_ISSUES);
  });

  it("reopened since --since: unexpected; reopened before it: not", async () => {
    const lines = await run();
    expect(lines).toContain(UNEXPECTED[1]);
    expect(lines.join("\n")).not.toContain("CLOUD-50");
  });

  it("done since: the issue whose status category became Done, and the pull request merged", async () => {
    const lines = await run();
    const done = lines.slice(lines.indexOf("Done since 2026-01-06:") + 1, -1);
    expect(done).toEqual(["- CLOUD-47 Write the runbook (Done on 2026-01-06)", "- acme/api#120 Add the health check (merged on 2026-01-06)"]);
  });

  it("pull requests: three working days without a review is help; one is not; a draft never is", async () => {
    const lines = await run();
    const help = lines.slice(lines.indexOf("Where do I need help:") + 1, lines.indexOf("Done since 2026-01-06:"));
    expect(help).toEqual([...HELP_ISSUES, ...HELP_PULL_REQUESTS]);
    expect(lines).toContain("- acme/api#121 Bump the SDK (review requested)");
    expect(lines).toContain("- acme/api#124 Try a new parser (draft)");
    expect(lines.join("\n")).not.toContain("Not mine");
  });

  it("a section with nothing found holds '- <content>'", async () => {
    const jira = await startJira({ issues: [], myself: { displayName: ME } });
    const gh = await startGitHubServer();
    servers.push(gh);
    const result = await status([], { jira, gh });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      text("👉 Status update 👈", "What is my priority:", "- <content>", "What went unexpected:", "- <content>", "Where do I need help:", "- <content>", "Done since 2026-01-06:", "- <content>"),
    );
    // Nothing in progress: no history to ask for.
    expect(jira.count("POST", "/rest/api/3/changelog/bulkfetch")).toBe(0);
  });
});

describe("--since", () => {
  const OLDER = [
    "Done since 2026-01-02:",
    "- CLOUD-48 Old work (Done on 2026-01-02)",
    "- CLOUD-47 Write the runbook (Done on 2026-01-06)",
    "- acme/api#119 Older change (merged on 2026-01-02)",
    "- acme/api#120 Add the health check (merged on 2026-01-06)",
  ];

  it.each([["2026-01-02"], ["5d"]])("--since %s: from Friday 2026-01-02", async (since) => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(["--since", since], { jira, gh });
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(lines.indexOf("Done since 2026-01-02:"), -1)).toEqual(OLDER);
    // CLOUD-46 was done on Friday and reopened on Tuesday, so it is no longer done; CLOUD-50 came back on Friday.
    expect(lines).toContain("- CLOUD-50 Came back: reopened on 2026-01-02");
    expect(jira.matching("POST", SEARCH)[0]!.body).toMatchObject({ jql: expect.stringContaining(`statusCategoryChangedDate >= "2026-01-01"`) });
    expect(gh.requests[1]!.variables).toMatchObject({ search: "is:pr is:merged author:octocat merged:>=2026-01-02" });
  });

  it("by default on a Monday: from the Friday before", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(["--json"], { jira, gh, now: new Date("2026-01-05T12:00:00Z") });
    expect(JSON.parse(result.stdout).since).toBe("2026-01-02");
  });

  it("by default, the previous working day of the local day: in Auckland it is already Thursday", async () => {
    process.env.TZ = "Pacific/Auckland";
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(["--json"], { jira, gh });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.since).toBe("2026-01-07");
    // Wednesday 00:00 in Auckland is Tuesday 11:00 UTC; days are Auckland's.
    expect(doc.done.map((e: { reason: string }) => e.reason)).toEqual(["Done on 2026-01-07", "merged on 2026-01-07"]);
    expect(jira.matching("POST", SEARCH)[0]!.body).toMatchObject({ jql: expect.stringContaining(`statusCategoryChangedDate >= "2026-01-05"`) });
    expect(gh.requests[1]!.variables).toMatchObject({ search: "is:pr is:merged author:octocat merged:>=2026-01-06" });
  });

  it.each([
    ["yesterday", /--since expects a day such as 2026-01-05 or a number of days such as 3d, not 'yesterday'/],
    ["2026-02-30", /--since expects a day/],
    ["2026-01-08", /--since 2026-01-08 is after today \(2026-01-07\)/],
  ])("--since %s is exit 2, before any request", async (since, message) => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(["--since", since], { jira, gh });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(jira.requests).toEqual([]);
    expect(gh.requests).toEqual([]);
  });
});

describe("a tracker that is not set up", () => {
  it("without Jira: the GitHub lines, and one line on stderr", async () => {
    const gh = await githubServer();
    const result = await status([], { gh });
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^warning: Jira is left out of the update: Jira is not set up: set JIRA_HOST/);
    expect(result.stdout).toBe(
      text(
        "👉 Status update 👈",
        "What is my priority:",
        PRIORITY_PULL_REQUESTS,
        "What went unexpected:",
        "- <content>",
        "Where do I need help:",
        HELP_PULL_REQUESTS,
        "Done since 2026-01-06:",
        "- acme/api#120 Add the health check (merged on 2026-01-06)",
      ),
    );
    expect(gh.requests).toHaveLength(2);
  });

  it("without GitHub: the Jira lines, and one line on stderr", async () => {
    const jira = await jiraServer();
    const result = await status(["--json"], { jira });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: GitHub is left out of the update: no GitHub token found\. Set GH_TOKEN/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    const doc = JSON.parse(result.stdout);
    expect([...doc.priority, ...doc.unexpected, ...doc.help, ...doc.done].every((e: { ref: string }) => /^CLOUD-\d+$/.test(e.ref))).toBe(true);
    expect(doc.help.map((e: { ref: string }) => e.ref)).toEqual(["CLOUD-44", "CLOUD-45"]);
    expect(jira.requests).toHaveLength(5);
  });

  it.each([[[]], [["--json"]]])("with neither: exit 2, one line on stderr, nothing on stdout (%j)", async (args) => {
    const result = await status(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: neither Jira nor GitHub is set up \(Jira is not set up: .*; no GitHub token found\)\. Set JIRA_HOST/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("Jira Data Center", () => {
  it("the same update, over REST v2: a search paged by startAt and one changelog request an issue", async () => {
    const [jira, gh] = await Promise.all([jiraServer({ deployment: "datacenter", credentials: { bearer: "dc-personal-token-123" } }), githubServer()]);
    const result = await status([], { jira, gh });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(EXPECTED);

    const history = ["CLOUD-40", "CLOUD-41", "CLOUD-43", "CLOUD-46", "CLOUD-42"].map((key) => `GET /rest/api/2/issue/${key}`);
    expect(jira.calls().sort()).toEqual(["GET /rest/api/2/serverInfo", "GET /rest/api/2/field", "GET /rest/api/2/status", "POST /rest/api/2/search", ...history].sort());
    for (const request of jira.requests.filter((r) => r.path.startsWith("/rest/api/2/issue/"))) expect(request.query).toMatchObject({ expand: "changelog", fields: "status" });
    expect(jira.matching("POST", "/rest/api/2/search")[0]!.body).toMatchObject({ jql: JQL("2026-01-05"), startAt: 0 });
  });

  it("pages a long search to its end", async () => {
    const many = Array.from({ length: 150 }, (_, i) => mine(`OPS-${i + 1}`, `Flagged ${i + 1}`, { status: "To Do", category: "new", flagged: true }));
    const jira = await startJira({ deployment: "datacenter", credentials: { bearer: "dc-personal-token-123" }, issues: many, myself: { displayName: ME } });
    const result = await status(["--json"], { jira });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).help).toHaveLength(150);
    expect(jira.count("POST", "/rest/api/2/search")).toBe(2);
  });
});

describe("formats", () => {
  it("--json: { since, priority, unexpected, help, done }, entries { ref, title, url, reason }", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(["--json"], { jira, gh });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc)).toEqual(["since", "priority", "unexpected", "help", "done"]);
    expect(doc.since).toBe("2026-01-06");
    expect(doc.priority[0]).toEqual({ ref: "CLOUD-40", title: "Rotate certificates", url: `${jira.url}/browse/CLOUD-40`, reason: "In Progress, 3 points, day 5" });
    expect(doc.unexpected).toEqual([
      { ref: "CLOUD-40", title: "Rotate certificates", url: `${jira.url}/browse/CLOUD-40`, reason: "in progress 4 working days against an estimate of 3 points" },
      { ref: "CLOUD-46", title: "Fix the flaky test", url: `${jira.url}/browse/CLOUD-46`, reason: "reopened on 2026-01-06" },
    ]);
    expect(doc.help.at(-1)).toEqual({ ref: "acme/api#123", title: "Add region flag", url: "https://github.com/acme/api/pull/123", reason: "waiting 3 days for a review" });
    expect(doc.done.map((e: { ref: string }) => e.ref)).toEqual(["CLOUD-47", "acme/api#120"]);
    expect(result.stderr).toBe("");
  });

  it("--format json is --json; --json with --format text is exit 2", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const json = await status(["--format", "json"], { jira, gh });
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(["since", "priority", "unexpected", "help", "done"]);
    const both = await status(["--json", "--format", "text"], { jira, gh });
    expect(both.code).toBe(2);
    expect(both.stdout).toBe("");
  });

  it("--format markdown: headings and linked entries, and markdownlint-cli2 finds nothing", async () => {
    const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
    const result = await status(["--format", "markdown"], { jira, gh });
    expect(result.code).toBe(0);
    const md = result.stdout;
    expect(md).toMatch(/^# 👉 Status update 👈\n\n## What is my priority\n\n- \[CLOUD-40\]\(http:\/\/127\.0\.0\.1:\d+\/browse\/CLOUD-40\) Rotate certificates \(In Progress, 3 points, day 5\)\n/);
    expect(md).toContain("## Done since 2026-01-06\n");
    expect(md).toContain("- [acme/api\\#123](https://github.com/acme/api/pull/123) Add region flag: waiting 3 days for a review\n");
    expect(lint({ "status.md": md })).toBe("");
  });

  it("untrusted titles stay on one line in text, and cannot change the Markdown (linted), in both", async () => {
    const hostile = "Fix *this* [now](https://evil.example) <script>\n# not a heading\u0007";
    const jira = await startJira({ issues: [mine("CLOUD-1", hostile, { status: "To Do", category: "new", flagged: true })], myself: { displayName: ME } });
    const gh = await startGitHubServer();
    servers.push(gh);
    gh.organization("acme").repository("api").pullRequest({ number: 7, title: "<b>bold</b> | pipe _under_", createdAt: "2025-12-01T12:00:00Z" });
    const plain = await status([], { jira, gh });
    const help = plain.stdout.split("\n").filter((l) => l.startsWith("- CLOUD-1"));
    expect(help).toHaveLength(1);
    expect(help[0]).toMatch(/^- CLOUD-1 Fix \*this\* \[now\]\(https:\/\/evil\.example\) <script> # not a heading.* \(flagged: Impediment\)$/);
    const md = (await status(["--format", "markdown"], { jira, gh })).stdout;
    expect(md).toContain("Fix \\*this\\* \\[now\\]\\(https\\://evil.example\\) \\<script\\> \\# not a heading");
    expect(md).not.toMatch(/^# not a heading/m);
    expect(lint({ "hostile.md": md })).toBe("");
    // JSON carries the title as it is.
    expect(JSON.parse((await status(["--json"], { jira, gh })).stdout).help[0].title).toBe(hostile);
  });
});

