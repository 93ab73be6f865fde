/**
 * What the clients refuse before they send anything: credentials over plain http to another machine,
 * a GITHUB_GRAPHQL_URL echoed with its password, and a timeout setTimeout cannot keep.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema.js";
import { UsageError } from "../../src/errors.js";
import { graphqlEndpoint } from "../../src/trackers/github/github-token.js";
import { isLoopback, jiraSettings } from "../../src/trackers/jira/jira.js";
import { MAX_TIMEOUT_MS, requestTimeoutMs } from "../../src/trackers/timeout.js";
import { baseEnv, cli } from "../helpers/run-cli.js";
import { tempDir, tempRepo } from "../helpers/tmp.js";

const JIRA = { JIRA_EMAIL: "tester@example.com", JIRA_API_TOKEN: "jira-token-0123456789" };

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("did not throw");
}

describe("plain http with credentials", () => {
  it.each(["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]"])("%s is loopback", (host) => {
    expect(isLoopback(new URL(`http://${host}:8080/`).hostname)).toBe(true);
  });

  it.each(["example.com", "10.0.0.1", "0.0.0.0", "[::ffff:8.8.8.8]", "localhost.example.com", "127.0.0.1.example.com"])("%s is not", (host) => {
    expect(isLoopback(new URL(`http://${host}/`).hostname)).toBe(false);
  });

  it("WHATWG spellings of loopback count (127.1, 0x7f.1, [0::1])", () => {
    for (const host of ["http://127.1", "http://0x7f.1", "http://[0:0::1]", "http://2130706433"]) {
      expect(() => jiraSettings({ ...JIRA, JIRA_HOST: host }, defaultConfig)).not.toThrow();
    }
  });

  it("JIRA_HOST over http to another machine is refused; https and loopback http are not", () => {
    const error = thrown(() => jiraSettings({ ...JIRA, JIRA_HOST: "http://jira.example.com/jira/" }, defaultConfig));
    expect(error.message).toBe("JIRA_HOST is http://jira.example.com: credentials would be sent unencrypted; use https");
    expect(error.hint).toMatch(/^Set it to https:\/\/jira\.example\.com\/jira\/\./);
    expect(jiraSettings({ ...JIRA, JIRA_HOST: "https://jira.example.com" }, defaultConfig).host).toBe("https://jira.example.com");
    expect(jiraSettings({ ...JIRA, JIRA_HOST: "http://127.0.0.1:9999" }, defaultConfig).host).toBe("http://127.0.0.1:9999");
    expect(jiraSettings({ ...JIRA, JIRA_HOST: "http://localhost:9999" }, defaultConfig).host).toBe("http://localhost:9999");
  });

  it("cloud branch: exit 2 before any request (the host does not even resolve)", async () => {
    const result = await cli(["branch", "CLOUD-42"], { cwd: tempRepo(), env: baseEnv({ ...JIRA, JIRA_HOST: "http://jira.invalid" }) });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^error: JIRA_HOST is http:\/\/jira\.invalid: credentials would be sent unencrypted; use https\. /);
  });

  it("jira.host in cloud.config.yaml is held to the same rule", async () => {
    const root = tempRepo();
    writeFileSync(path.join(root, "cloud.config.yaml"), "jira:\n  host: http://jira.invalid\n");
    const result = await cli(["branch", "CLOUD-42"], { cwd: root, env: baseEnv(JIRA) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: jira\.host in cloud\.config\.yaml is http:\/\/jira\.invalid: credentials would be sent unencrypted; use https\./);
  });

  it("GITHUB_GRAPHQL_URL over http to another machine: exit 2 before any request", async () => {
    expect(() => graphqlEndpoint({ GITHUB_GRAPHQL_URL: "http://127.0.0.1:1/graphql" })).not.toThrow();
    const result = await cli(["milestone", "report", "--owner", "acme", "--project", "7"], {
      cwd: tempDir(),
      env: baseEnv({ GH_TOKEN: "ghp_token0123456789", GITHUB_GRAPHQL_URL: "http://ghe.invalid/api/graphql" }),
    });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^error: GITHUB_GRAPHQL_URL is http:\/\/ghe\.invalid: credentials would be sent unencrypted; use https\. /);
  });

  it("a malformed GITHUB_GRAPHQL_URL is never echoed with its password", async () => {
    for (const raw of ["https://x-access-token:hunter2hunter2@[bad/api", "https://user:hunter2hunter2@exa mple.com", "https://u:hunter2hunter2@host:99999/"]) {
      const error = thrown(() => graphqlEndpoint({ GITHUB_GRAPHQL_URL: raw }));
      expect(error.message).toBe("GITHUB_GRAPHQL_URL is not a URL (not shown: it may hold a password)");
      expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
    }
    // A scheme that is not http(s) shows the scheme alone.
    expect(thrown(() => graphqlEndpoint({ GITHUB_GRAPHQL_URL: "user:hunter2hunter2@ghe/api" })).message).toBe("GITHUB_GRAPHQL_URL must be an http(s) URL, not 'user:'");
    // Without an @ there is no password to hide, and seeing the value helps.
    expect(thrown(() => graphqlEndpoint({ GITHUB_GRAPHQL_URL: "ghe.example.com/api/graphql" })).message).toBe("GITHUB_GRAPHQL_URL is not a URL: 'ghe.example.com/api/graphql'");
  });
});

describe("CLOUD_HTTP_TIMEOUT_MS", () => {
  it("accepts up to 2^31 - 1, the longest delay setTimeout keeps", () => {
    expect(MAX_TIMEOUT_MS).toBe(2 ** 31 - 1);
    expect(requestTimeoutMs({ CLOUD_HTTP_TIMEOUT_MS: "2147483647" })).toBe(2_147_483_647);
    expect(requestTimeoutMs({ CLOUD_HTTP_TIMEOUT_MS: " 300 " })).toBe(300);
  });

  it.each(["2147483648", "4294967296", "99999999999999999999999999"])("refuses %s (it would fire at once) with exit 2", (value) => {
    const error = thrown(() => requestTimeoutMs({ CLOUD_HTTP_TIMEOUT_MS: value }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^CLOUD_HTTP_TIMEOUT_MS must be at most 2147483647 milliseconds \(about 24\.8 days\), not '\d{1,20}…?'$/);
  });

  it("through a command: exit 2 before any request", async () => {
    const result = await cli(["branch", "CLOUD-42"], { cwd: tempRepo(), env: baseEnv({ ...JIRA, JIRA_HOST: "https://jira.invalid", CLOUD_HTTP_TIMEOUT_MS: "2147483648" }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: CLOUD_HTTP_TIMEOUT_MS must be at most 2147483647 milliseconds/);
  });
});

describe("JIRA_HOST's path", () => {
  it("loses its trailing slashes in linear time, however many there are", () => {
    expect(jiraSettings({ ...JIRA, JIRA_HOST: "https://jira.example.com/jira///" }, defaultConfig).host).toBe("https://jira.example.com/jira");
    const slashes = "/".repeat(200_000);
    expect(jiraSettings({ ...JIRA, JIRA_HOST: `https://jira.example.com${slashes}a${slashes}` }, defaultConfig).host).toBe(`https://jira.example.com${slashes}a`);
  });
});
