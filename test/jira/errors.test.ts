/**
 * How `cloud branch` meets Jira failing: credentials, statuses, retries, timeouts, resets. Loopback Jira,
 * real git. Retries are counted (the requests Jira saw) and their waits read from the notices --debug
 * shows, never timed.
 */
import { describe, expect, it } from "vitest";
import { fakeIssue, loopbackJira, TEST_CREDENTIALS, type FaultRule, type JiraServer } from "../helpers/jira-server.js";
import { baseEnv, cli } from "../helpers/run-cli.js";
import { git, tempRepo } from "../helpers/tmp.js";

const ISSUE = fakeIssue("CLOUD-42", "The answer to everything");
const NAME = "the-answer-to-everything-CLOUD-42";
const ISSUE_PATH = "/rest/api/3/issue/CLOUD-42";

const startJira = loopbackJira();
let jira: JiraServer;

async function branch(options: { faults?: FaultRule[]; env?: Record<string, string | undefined>; args?: string[] } = {}) {
  jira = await startJira({ issues: [ISSUE], faults: options.faults ?? [] });
  const repo = tempRepo();
  const result = await cli(["branch", "CLOUD-42", ...(options.args ?? [])], { cwd: repo, env: baseEnv({ ...jira.env, ...options.env }) });
  const branches = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads");
  return { ...result, branches, host: jira.url.replace("http://", "") };
}

/** The retry notices on stderr (git's own messages are there too). */
function waits(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.includes("trying again"));
}

/** The one-line error of the contract: no stack, nothing else. */
function expectOneLine(stderr: string): void {
  expect(stderr).toMatch(/^error: [^\n]+\n$/);
}

describe("Jira credentials", () => {
  it("no credentials and no --title: exit 2 naming what to set, and no request", async () => {
    jira = await startJira({ issues: [ISSUE] });
    const result = await cli(["branch", "CLOUD-42"], { cwd: tempRepo(), env: baseEnv() });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/^error: Jira is not set up: set JIRA_HOST \(or jira\.host in cloud\.config\.yaml\), JIRA_EMAIL and JIRA_API_TOKEN\./);
    expect(result.stderr).toMatch(/JIRA_AUTH_TYPE=bearer/);
    expect(result.stderr).toMatch(/--title/);
    expect(jira.requests).toEqual([]);
  });

  it("a token without JIRA_EMAIL: exit 2 naming JIRA_EMAIL", async () => {
    const result = await branch({ env: { JIRA_EMAIL: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Jira is not set up: set JIRA_EMAIL\./);
    expect(jira.requests).toEqual([]);
  });

  it("an unknown JIRA_AUTH_TYPE is exit 2", async () => {
    const result = await branch({ env: { JIRA_AUTH_TYPE: "kerberos" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: JIRA_AUTH_TYPE must be 'basic' or 'bearer', not 'kerberos'\./);
  });

  it("a JIRA_HOST that is not a URL is exit 2; one with credentials in it is never echoed", async () => {
    expect((await branch({ env: { JIRA_HOST: "jira.example.com" } })).stderr).toMatch(/^error: JIRA_HOST is not an http\(s\) URL \('jira\.example\.com'\)\./);
    const withSecret = await branch({ env: { JIRA_HOST: "https://alice:hunter22@jira.example.com" } });
    expect(withSecret.code).toBe(2);
    expect(withSecret.stderr).toMatch(/^error: JIRA_HOST must not contain credentials\./);
    expect(withSecret.stderr).not.toContain("hunter22");
  });

  it("sends a Data Center token as a bearer token with JIRA_AUTH_TYPE=bearer", async () => {
    jira = await startJira({ issues: [ISSUE], credentials: { bearer: "dc-pat-0123456789" } });
    const repo = tempRepo();
    const result = await cli(["branch", "CLOUD-42"], { cwd: repo, env: baseEnv(jira.env) });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(jira.env.JIRA_AUTH_TYPE).toBe("bearer");
    expect(jira.requests.every((r) => r.authorized)).toBe(true);
  });

  it("401: exit 3 naming the host and the variables to check; the token never shows, even with --debug", async () => {
    const token = "wrong-token-ABCDEFGH";
    const result = await branch({ env: { JIRA_API_TOKEN: token }, args: ["--debug"] });
    expect(result.code).toBe(3);
    // serverInfo refused the credentials; asked again without them, it says which deployment they went to.
    expect(result.stderr).toMatch(new RegExp(`^error: Jira at ${result.host} refused the credentials \\(401 Unauthorized; assumed Jira Cloud, basic auth with JIRA_EMAIL and JIRA_API_TOKEN\\)\\. Check JIRA_EMAIL and JIRA_API_TOKEN`));
    expect(result.stderr).toContain("JIRA_AUTH_TYPE=bearer");
    expect(result.stderr).not.toContain(token);
    expect(result.stderr).not.toContain(Buffer.from(`${TEST_CREDENTIALS.email}:${token}`).toString("base64"));
    expect(result.stderr).not.toContain(TEST_CREDENTIALS.email);
    expect(result.branches).toBe("main");
    expect(jira.requests.map((r) => [r.path, r.authorized, r.status])).toEqual([
      ["/rest/api/2/serverInfo", false, 401],
      ["/rest/api/2/serverInfo", false, 200],
    ]);
  });

  it("401 without --debug is one line", async () => {
    const result = await branch({ env: { JIRA_API_TOKEN: "wrong-token-ABCDEFGH" } });
    expectOneLine(result.stderr);
  });

  it("403: exit 3 with the variables to check and the permission to look at", async () => {
    const result = await branch({ faults: [{ status: 403, path: "/rest/api/3/issue" }] });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/denied access to GET \/rest\/api\/3\/issue\/CLOUD-42 \(403 Forbidden; assumed Jira Cloud, basic auth with JIRA_EMAIL and JIRA_API_TOKEN\)\. Check JIRA_EMAIL and JIRA_API_TOKEN.*permission/);
  });
});

describe("Jira answers", () => {
  it("404: exit 3 naming the key", async () => {
    jira = await startJira({ issues: [] });
    const result = await cli(["branch", "CLOUD-404"], { cwd: tempRepo(), env: baseEnv(jira.env) });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/^error: Jira issue CLOUD-404 was not found at 127\.0\.0\.1:\d+ \(404 Not Found\)\./);
  });

  it("429 with Retry-After: waits as told, then succeeds", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 429, retryAfter: "1" }], args: ["--debug"] });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(jira.count("GET", ISSUE_PATH)).toBe(2);
    expect(waits(result.stderr)).toEqual([`Jira at ${result.host} answered 429 Too Many Requests; trying again in 1s.`]);
  });

  it("429 without Retry-After: backs off, then succeeds", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 429 }], args: ["--debug"] });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(jira.count("GET", ISSUE_PATH)).toBe(2);
    // The first backoff is 250–500 ms, announced in whole seconds.
    expect(waits(result.stderr)).toEqual([`Jira at ${result.host} answered 429 Too Many Requests; trying again in 1s.`]);
  });

  it("without a terminal or --debug the waits are silent: scripts get only the outcome", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 429, retryAfter: "0" }] });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(waits(result.stderr)).toEqual([]);
    expect(jira.count("GET", ISSUE_PATH)).toBe(2);
  });

  it("429 asking for a wait longer than we allow: gives up at once with exit 3", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 429, retryAfter: "3600" }] });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/answered 429 Too Many Requests to GET \/rest\/api\/3\/issue\/CLOUD-42/);
    expect(jira.count("GET", ISSUE_PATH)).toBe(1);
  });

  it.each([502, 503, 504])("%i then success: retried", async (status) => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status, retryAfter: "0" }] });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(jira.count("GET", ISSUE_PATH)).toBe(2);
  });

  it("503 twice without Retry-After, then success", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 503, times: 2 }], args: ["--debug"] });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(jira.count("GET", ISSUE_PATH)).toBe(3);
    // Two waits, each announced before it starts (the backoff doubles: 250–500 ms, then 500–1000 ms).
    expect(waits(result.stderr)).toEqual([1, 2].map(() => `Jira at ${result.host} answered 503 Service Unavailable; trying again in 1s.`));
  });

  it("503 every time: exit 3 after a bounded number of attempts, naming host and status", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 503, retryAfter: "0", times: 4 }] });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(new RegExp(`^error: Jira at ${result.host} answered 503 Service Unavailable to GET /rest/api/3/issue/CLOUD-42 after 4 attempts`));
    expect(jira.count("GET", ISSUE_PATH)).toBe(4);
    expect(result.branches).toBe("main");
  });

  it("500 is not retried", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 500 }] });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/answered 500 Internal Server Error/);
    expect(jira.count("GET", ISSUE_PATH)).toBe(1);
  });

  it("a connection reset is retried", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, reset: true }] });
    expect(result).toMatchObject({ code: 0, stdout: `${NAME}\n` });
    expect(jira.count("GET", ISSUE_PATH)).toBe(2);
  });

  it("a hang: exit 3 after the timeout (CLOUD_HTTP_TIMEOUT_MS), not retried", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, hang: true }], env: { CLOUD_HTTP_TIMEOUT_MS: "300" } });
    expect(result.code).toBe(3);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(new RegExp(`^error: Jira at ${result.host} did not answer GET /rest/api/3/issue/CLOUD-42 within 0\\.3s\\. .*CLOUD_HTTP_TIMEOUT_MS`));
    expect(jira.count("GET", ISSUE_PATH)).toBe(1);
    expect(result.branches).toBe("main");
  });

  it("an answer that is not Jira's JSON is exit 3", async () => {
    const result = await branch({ faults: [{ path: ISSUE_PATH, status: 200, body: { key: "CLOUD-42", fields: { summary: 42 } } }] });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/sent an unexpected answer to GET \/rest\/api\/3\/issue\/CLOUD-42 \(fields\.summary: /);
  });

  it("a bad CLOUD_HTTP_TIMEOUT_MS is exit 2", async () => {
    const result = await branch({ env: { CLOUD_HTTP_TIMEOUT_MS: "soon" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: CLOUD_HTTP_TIMEOUT_MS must be a whole number of milliseconds/);
    expect(jira.requests).toEqual([]);
  });
});
