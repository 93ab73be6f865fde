/**
 * The GitHub client's outside: where the token comes from, how the endpoint is reached, and what
 * each failure becomes (exit code and the one sentence on stderr). Through the command where a user
 * would meet it, through connectGitHub where the command cannot reach (timeouts, Ctrl-C).
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectGitHub } from "../../src/trackers/github/github.js";
import { splitEndpoint } from "../../src/trackers/github/graphql-transport.js";
import { defaultConfig } from "../../src/config/schema.js";
import { InterruptedError, RemoteError, UsageError } from "../../src/errors.js";
import { startGitHubServer, type GitHubServer } from "../helpers/github-server.js";
import { cli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/tmp.js";

let gh: GitHubServer;
/** A PATH with no `gh` on it, so the developer's own login never leaks into a test. */
let emptyPath: string;

beforeAll(async () => {
  gh = await startGitHubServer({ tokens: ["test-token-0123456789", "token-from-gh-cli-abcdef"] });
  const acme = gh.organization("acme");
  const project = acme.project({ number: 7, title: "Cloud" });
  project.addItem({ content: acme.repository("api").issue({ number: 1, state: "closed" }), values: { Milestone: { title: "M1", dueOn: "2026-02-01" } } });
  emptyPath = tempDir("cloud-path-");
});
afterAll(async () => {
  await gh.close();
});

const ARGS = ["milestone", "report", "--owner", "acme", "--project", "7", "--json"];

function run(env: Record<string, string | undefined>, args = ARGS) {
  return cli(args, { cwd: tempDir(), env: { PATH: emptyPath, HOME: emptyPath, NO_COLOR: "1", ...env } });
}

/** A `gh` that answers `gh auth token` with this script body; records its arguments. */
function fakeGh(script: string): string {
  const dir = tempDir("cloud-gh-");
  const file = path.join(dir, "gh");
  writeFileSync(file, `#!/bin/sh\necho "$@" > "\${0%/*}/args"\n${script}\n`);
  chmodSync(file, 0o755);
  return dir;
}

describe("token", () => {
  test("none anywhere: exit 2 saying what to set, and no request", async () => {
    const before = gh.requests.length;
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: no GitHub token found. Set GH_TOKEN (or GITHUB_TOKEN) to a token with the read:project and repo scopes, or log in with `gh auth login`.\n",
    });
    expect(gh.requests.length).toBe(before);
  });

  test("GH_TOKEN wins over GITHUB_TOKEN", async () => {
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, GH_TOKEN: gh.token, GITHUB_TOKEN: "something-else-entirely" });
    expect(result.code).toBe(0);
    expect(gh.requests.at(-1)!.authorization).toBe(`bearer ${gh.token}`);
  });

  test("GITHUB_TOKEN alone is used", async () => {
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, GITHUB_TOKEN: gh.token });
    expect(result.code).toBe(0);
  });

  test("`gh auth token` is asked when no variable is set, for the endpoint's host", async () => {
    const dir = fakeGh("echo token-from-gh-cli-abcdef");
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, PATH: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(gh.requests.at(-1)!.authorization).toBe("bearer token-from-gh-cli-abcdef");
    expect(readFileSync(path.join(dir, "args"), "utf8").trim()).toBe(`auth token --hostname ${new URL(gh.url).host}`);
  });

  test("a failing `gh` counts as no token: exit 2", async () => {
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, PATH: fakeGh("echo 'not logged in' >&2; exit 1") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no GitHub token found");
  });

  test("a bad token: exit 3 naming the variable to check, the token itself never shown (even with --debug)", async () => {
    const secret = "ghp_ThisIsNotAValidTokenAtAll123";
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, GH_TOKEN: secret }, [...ARGS, "--debug"]);
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n")[0]).toBe(
      "error: GitHub rejected the token from GH_TOKEN as bad credentials (HTTP 401). Check GH_TOKEN and GITHUB_TOKEN (GH_TOKEN wins): the token may be mistyped, expired or revoked; or unset both and run `gh auth login`.",
    );
    expect(result.stderr).toContain("RemoteError"); // --debug shows the stack
    expect(result.stderr + result.stdout).not.toContain(secret);
    expect(gh.requests.at(-1)!.status).toBe(401);
  });

  test("a bad token from `gh auth token` is never shown either", async () => {
    const secret = "gho_FromTheGhCliButRevoked987";
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, PATH: fakeGh(`echo ${secret}`) }, [...ARGS, "--debug"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("the token from gh auth token");
    expect(result.stderr).not.toContain(secret);
  });
});

describe("endpoint", () => {
  test("@octokit/graphql is given a base URL and /graphql, so the URL is used as is", () => {
    expect(splitEndpoint(new URL("http://127.0.0.1:4567/graphql"))).toEqual({ baseUrl: "http://127.0.0.1:4567", url: "/graphql" });
    expect(splitEndpoint(new URL("https://api.github.com/graphql"))).toEqual({ baseUrl: "https://api.github.com", url: "/graphql" });
    expect(splitEndpoint(new URL("https://ghe.example.com/api/graphql"))).toEqual({ baseUrl: "https://ghe.example.com/api", url: "/graphql" });
  });

  test("a loopback URL ending in /graphql is posted to exactly, not to /graphql/graphql", async () => {
    const result = await run({ GITHUB_GRAPHQL_URL: gh.url, GH_TOKEN: gh.token });
    expect(result.code).toBe(0);
    expect(gh.requests.at(-1)).toMatchObject({ method: "POST", path: "/graphql" });
  });

  test("a GitHub Enterprise Server URL (/api/graphql) works", async () => {
    const ghes = await startGitHubServer({ path: "/api/graphql" });
    try {
      ghes.organization("acme").project({ number: 7 }).addItem({ content: { draft: "x" } });
      const result = await run(ghes.env());
      expect(result.code).toBe(0);
      expect(ghes.requests.map((r) => r.path)).toEqual(["/api/graphql"]);
    } finally {
      await ghes.close();
    }
  });

  test("a GITHUB_GRAPHQL_URL that is not a URL is exit 2", async () => {
    const result = await run({ GITHUB_GRAPHQL_URL: "ghe.example.com/api/graphql", GH_TOKEN: "x" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: GITHUB_GRAPHQL_URL is not a URL: 'ghe\.example\.com\/api\/graphql'\./);
  });

  test("nothing listening: exit 3 naming the endpoint", async () => {
    const closed = await startGitHubServer();
    const url = closed.url;
    await closed.close();
    const result = await run({ GITHUB_GRAPHQL_URL: url, GH_TOKEN: "x" });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^error: could not reach GitHub at ${url.replace(/[.]/g, "\\.")}: .+\\. Check the network connection and GITHUB_GRAPHQL_URL\\.\\n$`));
  });
});

describe("GitHub failing", () => {
  const env = () => ({ GITHUB_GRAPHQL_URL: gh.url, GH_TOKEN: gh.token });

  test("an unknown project: exit 3 naming owner and number", async () => {
    const result = await run(env(), ["milestone", "report", "--owner", "acme", "--project", "99"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      "error: GitHub has no project 99 owned by 'acme'. Check --owner and --project (the number is in the project's URL); the token also needs the read:project scope.\n",
    );
  });

  test("an unknown owner: exit 3 naming it", async () => {
    const result = await run(env(), ["milestone", "report", "--owner", "nobody-here", "--project", "7"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("error: GitHub has no user or organization 'nobody-here' (looking for project 7). Check --owner or github.owner in cloud.config.yaml.\n");
  });

  test("502 then success: retried, exit 0", async () => {
    const before = gh.requests.length;
    gh.failNext({ status: 502 });
    // Wait notices are progress for a person at a terminal; --debug shows them in a log too.
    const result = await run(env(), [...ARGS, "--debug"]);
    expect(result.code).toBe(0);
    expect(gh.requests.slice(before).map((r) => r.status)).toEqual([502, 200]);
    expect(result.stderr).toMatch(/^warning: GitHub answered HTTP 502; trying again in \d+ ms \(attempt 2 of 4\)\.\n$/);
  });

  test("502, 503, 504 then success", async () => {
    const before = gh.requests.length;
    gh.failNext({ status: 502 }, { status: 503 }, { status: 504 });
    const result = await run(env());
    expect(result.code).toBe(0);
    expect(gh.requests.slice(before).map((r) => r.status)).toEqual([502, 503, 504, 200]);
  });

  test("502 every time: exit 3 after the bounded attempts", async () => {
    const before = gh.requests.length;
    gh.failNext({ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 });
    const result = await run(env());
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n").at(-2)).toBe("error: GitHub failed with HTTP 502 after 4 attempts: 502 from the fake GitHub. GitHub may be having trouble; try again in a few minutes.");
    expect(gh.requests.length - before).toBe(4);
  });

  test("GraphQL errors: one sentence, exit 3; a missing scope says which", async () => {
    gh.failNext({
      graphqlErrors: [
        {
          type: "INSUFFICIENT_SCOPES",
          message: "Your token has not been granted the required scopes to execute this query. The 'title' field requires one of the following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes.",
        },
        { type: "INSUFFICIENT_SCOPES", message: "The 'url' field requires one of the following scopes: ['read:project']." },
      ],
    });
    const result = await run(env());
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      "error: GitHub could not answer ProjectItems: Your token has not been granted the required scopes to execute this query. The 'title' field requires one of the following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes (and 1 more error). The token from GH_TOKEN needs the read:project scope (and repo for private repositories).\n",
    );
  });

  test("a secondary rate limit then success: waits as Retry-After says", async () => {
    const before = gh.requests.length;
    gh.failNext({ secondaryRateLimit: { retryAfter: 1 } });
    const result = await run(env(), [...ARGS, "--debug"]);
    expect(result.code).toBe(0);
    const [limited, ok] = gh.requests.slice(before);
    expect([limited!.status, ok!.status]).toEqual([403, 200]);
    // The wait asked for is Retry-After's (the notice carries the delay handed to the sleep); that the
    // sleep itself waits is test/hardening/retry.test.ts's, with an injected sleep.
    expect(result.stderr).toBe("warning: GitHub's secondary rate limit was hit; trying again in 1 s (attempt 2 of 4).\n");
  });

  test("a secondary rate limit asking for an hour: exit 3 at once, saying so", async () => {
    const before = gh.requests.length;
    gh.failNext({ secondaryRateLimit: { retryAfter: 3600 } });
    const result = await run(env());
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("error: GitHub's secondary rate limit refused the request; it asks to wait 3600 s. Wait that long and try again.\n");
    expect(gh.requests.length - before).toBe(1);
  });

  test("a secondary rate limit as 429 is honoured too", async () => {
    gh.failNext({ secondaryRateLimit: { retryAfter: 0, status: 429 } });
    const result = await run(env());
    expect(result.code).toBe(0);
  });

  test("a primary rate limit that resets soon is waited for", async () => {
    const before = gh.requests.length;
    gh.failNext({ primaryRateLimit: { resetInSeconds: 1 } });
    const result = await run(env(), [...ARGS, "--debug"]);
    expect(result.code).toBe(0);
    expect(gh.requests.slice(before).map((r) => r.status)).toEqual([200, 200]);
    expect(result.stderr).toMatch(/^warning: GitHub's rate limit is used up until it resets; trying again in \d s/);
  });

  test.each([200, 403] as const)("a primary rate limit that resets in an hour (HTTP %i): exit 3 saying when", async (status) => {
    const before = gh.requests.length;
    gh.failNext({ primaryRateLimit: { resetInSeconds: 3600, status } });
    const result = await run(env());
    expect(result.code).toBe(3);
    const reset = new Date(Date.now() + 3600_000).toISOString().slice(11, 16);
    expect(result.stderr).toMatch(new RegExp(`^error: GitHub's API rate limit for this token is used up; it resets at (${reset}|\\d\\d:\\d\\d) UTC \\(in about (59|60) min\\)\\. Try again after the reset, or use another token\\.\\n$`));
    expect(gh.requests.length - before).toBe(1);
  });
});

describe("connectGitHub directly", () => {
  const query = { owner: "acme", number: 7, milestoneField: "Milestone", statusField: "Status", estimateField: "Estimate" };

  test("missing token is a UsageError before anything is loaded or sent", async () => {
    await expect(connectGitHub({ env: { PATH: emptyPath, GITHUB_GRAPHQL_URL: gh.url }, config: defaultConfig })).rejects.toBeInstanceOf(UsageError);
  });

  test("a request that gets no answer within the timeout is a RemoteError, and is not retried", async () => {
    const silent = await startGitHubServer();
    try {
      silent.organization("acme").project({ number: 7 });
      silent.failNext({ hang: true });
      const client = await connectGitHub({ env: silent.env(), config: defaultConfig, timeoutMs: 200 });
      const error = await client.getProjectItems(query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as Error).message).toBe("GitHub did not answer ProjectItems within 200 ms");
      expect(silent.requests).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  test("Ctrl-C (the signal) interrupts a request in flight", async () => {
    const silent = await startGitHubServer();
    try {
      silent.organization("acme").project({ number: 7 });
      silent.failNext({ hang: true });
      const arrived = silent.barrier(1, { operation: "ProjectItems" });
      // A timeout far beyond the test's: only the signal can end this request in time.
      const client = await connectGitHub({ env: silent.env(), config: defaultConfig, timeoutMs: 600_000 });
      const controller = new AbortController();
      const outcome = client.getProjectItems(query, { signal: controller.signal }).catch((e: unknown) => e);
      await arrived.reached;
      controller.abort();
      expect(await outcome).toBeInstanceOf(InterruptedError);
      expect(silent.requests).toHaveLength(1);
      expect(silent.requests[0]!.answered).toBe(false);
    } finally {
      await silent.close();
    }
  });

  test("an answer that is not GitHub's shape is exit 3 naming where", async () => {
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { repositoryOwner: { projectV2: { title: 7 } } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const client = await connectGitHub({ env: { GITHUB_GRAPHQL_URL: `http://127.0.0.1:${port}/graphql`, GH_TOKEN: "x" }, config: defaultConfig });
      const error = await client.getProjectItems(query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as Error).message).toMatch(/^GitHub sent an unexpected answer to ProjectItems: repositoryOwner\.projectV2\.title: /);
    } finally {
      server.close();
    }
  });
});
