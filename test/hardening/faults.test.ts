/**
 * Faults, as a matrix: each way Jira or GitHub can fail, through the commands that meet it, against the
 * loopback servers. Every row checks the same things:
 *
 *   - the exit code of the contract (3 for a remote failure, the gate's own verdict after a recovery);
 *   - stderr: on failure exactly one line, `error: ` + what failed + what to do, and no stack;
 *   - attempts: the requests the server saw, exactly, which is within the client's bound
 *     (src/trackers/retry.ts: 4 attempts; Jira retries 429/502/503/504 and a reset socket, GitHub
 *     502/503/504, a reset socket and rate limits with a short enough wait; neither retries 4xx, 500,
 *     a refused connection or a timeout);
 *   - waits: where the command says so (Jira's notices, shown with --debug on a recovery), the wait
 *     each retry asked for. Nothing here reads a clock: that the waits are waited is the retry policy's
 *     own test (test/hardening/retry.test.ts, with an injected sleep); timing belongs to `npm run bench`.
 *
 * `dor check` is the column for both clients (linked Jira keys go out as one bulkfetch, linked
 * `owner/repo#n` as one LinkedIssues query). `cloud branch` and `cloud milestone report` add only the
 * rows that test/jira/errors.test.ts and test/github/client.test.ts do not already cover.
 *
 * Both clients read their per-request timeout from CLOUD_HTTP_TIMEOUT_MS, so "never answers" ends in
 * well under a second. In those rows the project links only the silent service's issues: the other
 * service would have the same short timeout, and which of two timers fires first is no outcome to test.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Fault as GitHubFault } from "../helpers/github-server.js";
import { loopbackJira, type FaultRule, type JiraServer } from "../helpers/jira-server.js";
import { baseEnv, cli, type CliResult } from "../helpers/run-cli.js";
import { tempRepo } from "../helpers/tmp.js";
import { BULK, closedPortUrl, gateProject, READY_JIRA_ISSUES, startGitHub, startHangingServer, startStandIn } from "./remotes.js";

/** The shortest per-request timeout we set, in milliseconds. */
const TIMEOUT_MS = 300;

const ISSUE = "/rest/api/3/issue/CLOUD-42";

type Command = "dor check" | "branch" | "milestone report";
type StandIn = "refused" | "hang";

interface Row {
  client: "jira" | "github";
  via: Command;
  fault: string;
  /** Scripted on the loopback Jira. */
  jira?: FaultRule[];
  /** Scripted on the loopback GitHub, one per request, in order. */
  github?: GitHubFault[];
  /** Instead of the client's loopback server: a closed port, or a server that never answers. */
  server?: StandIn;
  env?: Record<string, string>;
  /** Link only the faulty client's issues (rows whose outcome is a timeout). */
  only?: true;
  code: number;
  attempts: number;
  /** For a recovery: the notices of the waits asked for, in order (run with --debug, which shows them). */
  waits?: RegExp[];
  /** The one line on stderr, for a failure; `{host}` / `{url}` stand for the server's. */
  error?: RegExp;
}

const J = (fault: string, row: Omit<Row, "client" | "via" | "fault">, via: Command = "dor check"): Row => ({ client: "jira", via, fault, ...row });
const G = (fault: string, row: Omit<Row, "client" | "via" | "fault">, via: Command = "dor check"): Row => ({ client: "github", via, fault, ...row });


const rows: Row[] = [
  // ---- Jira, through `dor check` (one POST bulkfetch: jira.storyPointsField is an id, so no GET /field)
  J("401", { jira: [{ path: BULK, status: 401 }], code: 3, attempts: 1, error: /^error: Jira at {host} refused the credentials \(401 Unauthorized; assumed Jira Cloud, basic auth with JIRA_EMAIL and JIRA_API_TOKEN\)\. Check JIRA_EMAIL and JIRA_API_TOKEN/ }),
  J("403", { jira: [{ path: BULK, status: 403 }], code: 3, attempts: 1, error: /^error: Jira at {host} denied access to POST \/rest\/api\/3\/issue\/bulkfetch \(403 Forbidden; assumed Jira Cloud, basic auth with JIRA_EMAIL and JIRA_API_TOKEN\)\. Check JIRA_EMAIL and JIRA_API_TOKEN.* permission/ }),
  J("404", { jira: [{ path: BULK, status: 404 }], code: 3, attempts: 1, error: /^error: Jira at {host} has no \/rest\/api\/3\/issue\/bulkfetch \(404 Not Found; assumed Jira Cloud, REST v3\)\. Check JIRA_HOST/ }),
  J("429 + Retry-After: 1, then ok", { jira: [{ path: BULK, status: 429, retryAfter: "1" }], code: 0, attempts: 2, waits: [/^Jira at {host} answered 429 Too Many Requests.*; trying again in 1s\.$/] }),
  // Backoff without Retry-After: 250–500 ms, announced in whole seconds.
  J("429 without Retry-After, then ok", { jira: [{ path: BULK, status: 429 }], code: 0, attempts: 2, waits: [/^Jira at {host} answered 429 Too Many Requests.*; trying again in 1s\.$/] }),
  J("429 every time: gives up", { jira: [{ path: BULK, status: 429, retryAfter: "0", times: 4 }], code: 3, attempts: 4, error: /^error: Jira at {host} answered 429 Too Many Requests to POST \/rest\/api\/3\/issue\/bulkfetch after 4 attempts: Scripted 429\. Jira is busy/ }),
  J("429 asking for an hour: gives up at once", { jira: [{ path: BULK, status: 429, retryAfter: "3600" }], code: 3, attempts: 1, error: /^error: Jira at {host} answered 429 Too Many Requests to POST \/rest\/api\/3\/issue\/bulkfetch: Scripted 429\. Jira asks to wait 3600 s; try again after that\.$/ }),
  J("500: not retried", { jira: [{ path: BULK, status: 500 }], code: 3, attempts: 1, error: /^error: Jira at {host} answered 500 Internal Server Error to POST \/rest\/api\/3\/issue\/bulkfetch: Scripted 500\. Run again with --debug/ }),
  J("502, then ok", { jira: [{ path: BULK, status: 502 }], code: 0, attempts: 2, waits: [/^Jira at {host} answered 502 Bad Gateway.*; trying again in 1s\.$/] }),
  J("503 + Retry-After: 0, then ok", { jira: [{ path: BULK, status: 503, retryAfter: "0" }], code: 0, attempts: 2, waits: [/^Jira at {host} answered 503 Service Unavailable.*; trying again in 0s\.$/] }),
  J("503 every time: gives up", { jira: [{ path: BULK, status: 503, retryAfter: "0", times: 4 }], code: 3, attempts: 4, error: /^error: Jira at {host} answered 503 Service Unavailable to POST \/rest\/api\/3\/issue\/bulkfetch after 4 attempts: Scripted 503\. Jira is busy/ }),
  J("connection reset, then ok", { jira: [{ path: BULK, reset: true }], code: 0, attempts: 2, waits: [/^Jira at {host} answered .*; trying again in 1s\.$/] }),
  J("connection refused", { server: "refused", code: 3, attempts: 0, error: /^error: cannot reach Jira at {host} \(ECONNREFUSED\)\. Check JIRA_HOST and the network connection\.$/ }),
  J("never answers (timeout)", { jira: [{ path: BULK, hang: true }], env: { CLOUD_HTTP_TIMEOUT_MS: String(TIMEOUT_MS) }, only: true, code: 3, attempts: 1, error: /^error: Jira at {host} did not answer POST \/rest\/api\/3\/issue\/bulkfetch within 0\.3s\. .*raise CLOUD_HTTP_TIMEOUT_MS/ }),

  // ---- Jira, through `cloud branch KEY` (its other faults: test/jira/errors.test.ts)
  J("connection refused", { server: "refused", code: 3, attempts: 0, error: /^error: cannot reach Jira at {host} \(ECONNREFUSED\)\. Check JIRA_HOST and the network connection\.$/ }, "branch"),

  // ---- GitHub, through `dor check` (one LinkedIssues query)
  G("401 (a token GitHub rejects)", { env: { GH_TOKEN: "ghp_RevokedToken000000000000" }, code: 3, attempts: 1, error: /^error: GitHub rejected the token from GH_TOKEN as bad credentials \(HTTP 401\)\. Check GH_TOKEN and GITHUB_TOKEN/ }),
  G("403", { github: [{ status: 403 }], code: 3, attempts: 1, error: /^error: GitHub refused the request \(HTTP 403\): .+\. The token from GH_TOKEN needs the read:project scope/ }),
  G("404", { github: [{ status: 404 }], code: 3, attempts: 1, error: /^error: GitHub answered HTTP 404 at {url}\. Check GITHUB_GRAPHQL_URL/ }),
  G("429 + Retry-After: 1, then ok", { github: [{ secondaryRateLimit: { retryAfter: 1, status: 429 } }], code: 0, attempts: 2 }),
  G("429 without Retry-After: not retried", { github: [{ status: 429 }], code: 3, attempts: 1, error: /^error: GitHub is limiting requests \(HTTP 429\): .+\. Wait a minute and try again\.$/ }),
  G("secondary rate limit (403 + Retry-After: 1), then ok", { github: [{ secondaryRateLimit: { retryAfter: 1 } }], code: 0, attempts: 2 }),
  G("secondary rate limit every time: gives up", {
    github: [1, 2, 3, 4].map(() => ({ secondaryRateLimit: { retryAfter: 0 } })),
    code: 3,
    attempts: 4,
    error: /^error: GitHub's secondary rate limit refused the request after 4 attempts; it asks to wait 0 ms\. Wait that long and try again\.$/,
  }),
  G("secondary rate limit asking for an hour: gives up at once", { github: [{ secondaryRateLimit: { retryAfter: 3600 } }], code: 3, attempts: 1, error: /^error: GitHub's secondary rate limit refused the request; it asks to wait 3600 s\. Wait that long and try again\.$/ }),
  G("primary rate limit used up for an hour", { github: [{ primaryRateLimit: { resetInSeconds: 3600 } }], code: 3, attempts: 1, error: /^error: GitHub's API rate limit for this token is used up; it resets at \d\d:\d\d UTC \(in about (59|60) min\)\. Try again after the reset, or use another token\.$/ }),
  G("500: not retried", { github: [{ status: 500 }], code: 3, attempts: 1, error: /^error: GitHub failed with HTTP 500: .+\. GitHub may be having trouble; try again in a few minutes\.$/ }),
  G("502, then ok", { github: [{ status: 502 }], code: 0, attempts: 2 }),
  G("503, then ok", { github: [{ status: 503 }], code: 0, attempts: 2 }),
  G("connection reset, then ok", { github: [{ reset: true }], code: 0, attempts: 2 }),
  G("503 every time: gives up", {
    github: [1, 2, 3, 4].map(() => ({ status: 503 })),
    code: 3,
    attempts: 4,
    error: /^error: GitHub failed with HTTP 503 after 4 attempts: .+\. GitHub may be having trouble; try again in a few minutes\.$/,
  }),
  G("connection refused", { server: "refused", code: 3, attempts: 0, error: /^error: could not reach GitHub at {url}: .+\. Check the network connection and GITHUB_GRAPHQL_URL\.$/ }),
  G("never answers (timeout)", { server: "hang", env: { CLOUD_HTTP_TIMEOUT_MS: String(TIMEOUT_MS) }, only: true, code: 3, attempts: 1, error: /^error: GitHub did not answer LinkedIssues within 300 ms\. Try again; if it keeps happening, check the network and GITHUB_GRAPHQL_URL\.$/ }),

  // ---- GitHub, through `cloud milestone report` (its other faults: test/github/client.test.ts)
  G("403", { github: [{ status: 403 }], code: 3, attempts: 1, error: /^error: GitHub refused the request \(HTTP 403\): .+\. The token from GH_TOKEN needs the read:project scope/ }, "milestone report"),
  G("404", { github: [{ status: 404 }], code: 3, attempts: 1, error: /^error: GitHub answered HTTP 404 at {url}\. Check GITHUB_GRAPHQL_URL/ }, "milestone report"),
  G("429 without Retry-After: not retried", { github: [{ status: 429 }], code: 3, attempts: 1, error: /^error: GitHub is limiting requests \(HTTP 429\): .+\. Wait a minute and try again\.$/ }, "milestone report"),
  G("500: not retried", { github: [{ status: 500 }], code: 3, attempts: 1, error: /^error: GitHub failed with HTTP 500: .+\. GitHub may be having trouble/ }, "milestone report"),
  G("never answers (timeout)", { server: "hang", env: { CLOUD_HTTP_TIMEOUT_MS: String(TIMEOUT_MS) }, code: 3, attempts: 1, error: /^error: GitHub did not answer ProjectItems within 300 ms\. / }, "milestone report"),
];

// ---------------------------------------------------------------------------------------------
// Running a row

let projectRoot: string;
/** The same project linking only the Jira issues, or only the GitHub one. */
const onlyRoot: Partial<Record<Row["client"], string>> = {};
beforeAll(() => {
  projectRoot = gateProject();
  onlyRoot.jira = gateProject("jira");
  onlyRoot.github = gateProject("github");
});

const startJira = loopbackJira();

const ARGV: Record<Command, string[]> = {
  "dor check": ["dor", "check", "--json"],
  branch: ["branch", "CLOUD-42"],
  "milestone report": ["milestone", "report", "--json"],
};

interface Outcome extends CliResult {
  attempts: number;
  host: string;
  url: string;
}

async function runRow(row: Row): Promise<Outcome> {
  const jira: JiraServer = await startJira({ issues: READY_JIRA_ISSUES, faults: row.jira ?? [] });
  const gh = await startGitHub();
  gh.failNext(...(row.github ?? []));
  const env: Record<string, string | undefined> = baseEnv({ ...jira.env, ...gh.env(), ...row.env });

  // Where the faulty client is pointed, and how its attempts are counted.
  let attempts: () => number;
  if (row.client === "jira") {
    const [method, counted] = row.via === "branch" ? ["GET", ISSUE] : ["POST", BULK];
    attempts = () => jira.count(method, counted);
    if (row.server === "refused") env.JIRA_HOST = await closedPortUrl();
  } else {
    attempts = () => gh.requests.length;
    if (row.server === "refused") env.GITHUB_GRAPHQL_URL = await closedPortUrl("/graphql");
    if (row.server === "hang") {
      const hanging = await startHangingServer("/graphql");
      env.GITHUB_GRAPHQL_URL = hanging.url;
      attempts = hanging.requests;
    }
  }
  if (row.server === "refused") attempts = () => 0;

  const cwd = row.via === "branch" ? tempRepo() : row.only ? onlyRoot[row.client]! : projectRoot;
  const result = await cli([...ARGV[row.via], ...(row.waits ? ["--debug"] : [])], { cwd, env });
  const url = row.client === "jira" ? env.JIRA_HOST! : env.GITHUB_GRAPHQL_URL!;
  return { ...result, attempts: attempts(), host: new URL(url).host, url };
}

function pattern(template: RegExp, outcome: Outcome): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(template.source.replaceAll("{host}", escape(outcome.host)).replaceAll("{url}", escape(outcome.url)));
}

describe("faults: exit code, one sentence, attempts within the bound, the waits asked for", () => {
  it.each(rows.map((row) => [`${row.client} via ${row.via}: ${row.fault}`, row] as const))("%s", async (_name, row) => {
    const outcome = await runRow(row);
    const context = `exit ${outcome.code}, ${outcome.attempts} attempt(s)\nstdout: ${outcome.stdout.slice(0, 400)}\nstderr: ${outcome.stderr}`;

    expect(outcome.code, context).toBe(row.code);
    expect(outcome.attempts, context).toBe(row.attempts);
    expect(outcome.attempts).toBeLessThanOrEqual(4);
    expect(outcome.stderr).not.toMatch(/\n\s+at |Error:|Caused by/);
    if (row.waits) {
      const notices = outcome.stderr.split("\n").filter((line) => line !== "");
      expect(notices, context).toHaveLength(row.waits.length);
      notices.forEach((notice, i) => expect(notice, context).toMatch(pattern(row.waits![i]!, outcome)));
    }

    if (row.error) {
      // One line, one sentence of what failed and what to do; nothing on stdout.
      expect(outcome.stderr, context).toMatch(/^error: [^\n]+\n$/);
      expect(outcome.stderr.trimEnd(), context).toMatch(pattern(row.error, outcome));
      expect(outcome.stdout).toBe("");
    } else {
      expect(outcome.stderr).not.toMatch(/^error:/m);
      if (row.via === "dor check") {
        const report = JSON.parse(outcome.stdout) as { passed: boolean; projects: { criteria: { id: string; status: string }[] }[] };
        expect(report.passed).toBe(true);
        expect(report.projects[0]!.criteria.find((c) => c.id === "issues-ready")!.status).toBe("met");
      }
    }
  });
});

describe("a failure does not wait on the other service", () => {
  const bin = fileURLToPath(new URL("../../bin/cloud.js", import.meta.url));

  /** The built CLI as a user runs it: done when the process exits, not when the error is printed. */
  function spawnCli(argv: string[], cwd: string, env: Record<string, string | undefined>): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [bin, ...argv], { cwd, env: env as NodeJS.ProcessEnv }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      });
      // A process that does wait fails the test by the test's own timeout; it must not outlive it.
      onTestFinished(() => void (child.exitCode === null && child.kill("SIGKILL")));
    });
  }

  /**
   * GitHub's request hangs, and Jira fails only once that request is in flight, so there is a request
   * to cancel. Each request has ten minutes: only cancelling GitHub's can end the test in time.
   */
  async function jiraFailsWhileGitHubHangs() {
    const hanging = await startHangingServer("/graphql");
    const jira = await startStandIn(async (_req, res) => {
      await hanging.arrived;
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errorMessages: ["Down for maintenance"], errors: {} }));
    });
    const env = baseEnv({ JIRA_HOST: jira.url, JIRA_EMAIL: "tester@example.com", JIRA_API_TOKEN: "x", GH_TOKEN: "y", GITHUB_GRAPHQL_URL: hanging.url, CLOUD_HTTP_TIMEOUT_MS: "600000" });
    return { hanging, jira, env };
  }
  // The host is not Atlassian's, so Jira's first request asks for its deployment.
  const JIRA_500 = /^error: Jira at 127\.0\.0\.1:\d+ answered 500 Internal Server Error to GET \/rest\/api\/2\/serverInfo: Down for maintenance\. [^\n]+\n$/;

  it("dor check: Jira's failure cancels GitHub's request in flight", async () => {
    const { hanging, jira, env } = await jiraFailsWhileGitHubHangs();
    const result = await cli(["dor", "check"], { cwd: projectRoot, env });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(JIRA_500);
    // The client closes the connection of the request it gave up on.
    await hanging.abandoned;
    expect([hanging.requests(), jira.requests()]).toEqual([1, 1]);
  });

  it("dor check, the built CLI: Jira failing while GitHub's request hangs exits 3 without waiting for GitHub", async () => {
    const { hanging, jira, env } = await jiraFailsWhileGitHubHangs();
    const result = await spawnCli(["dor", "check"], projectRoot, env);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(JIRA_500);
    expect([hanging.requests(), jira.requests()]).toEqual([1, 1]);
  });
});
