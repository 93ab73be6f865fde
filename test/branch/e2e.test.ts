/**
 * `cloud branch` end to end: the BUILT binary (`npm run build` first; `npm test` does), spawned with
 * NO_COLOR=1 and no terminal, against the loopback Jira and a real repository.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeIssue, loopbackJira } from "../helpers/jira-server.js";
import { git, tempRepo } from "../helpers/tmp.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(REPO, "bin/cloud.js");
const startJira = loopbackJira();

/** Spawn asynchronously: the loopback server lives in this process and must keep answering. */
function cloud(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  if (!existsSync(path.join(REPO, "dist/cli.cjs"))) throw new Error("dist/cli.cjs is missing: run `npm run build` first");
});

describe("the built binary: cloud branch", () => {
  it("asks Jira and creates + switches to the branch", async () => {
    const jira = await startJira({ issues: [fakeIssue("CLOUD-42", "The answer to everything")] });
    const repo = tempRepo();
    const result = await cloud(["branch", "cloud-42"], repo, jira.env);
    expect(result).toEqual({ code: 0, stdout: "the-answer-to-everything-CLOUD-42\n", stderr: "Switched to a new branch the-answer-to-everything-CLOUD-42 (from HEAD).\n" });
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("the-answer-to-everything-CLOUD-42");
  });

  it("an unknown issue is exit 3 with one line on stderr, and no stack", async () => {
    const jira = await startJira();
    const result = await cloud(["branch", "CLOUD-404"], tempRepo(), jira.env);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: Jira issue CLOUD-404 was not found at 127\.0\.0\.1:\d+ \(404 Not Found\)\. [^\n]+\n$/);
  });
});
