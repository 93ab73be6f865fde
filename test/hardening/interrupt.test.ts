/**
 * Ctrl-C at a real terminal prompt: the built binary runs under a pseudo-terminal (util-linux
 * `script`), receives the interrupt key, exits 130 and writes nothing.
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFailed, onTestFinished } from "vitest";
import { tempDir, tempRepo } from "../helpers/tmp.js";

const bin = fileURLToPath(new URL("../../bin/cloud.js", import.meta.url));
const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;

function underPty(cwd: string, keys: { waitFor: string; send: string }[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-q", "-e", "-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} project init`, "/dev/null"], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    const pending = [...keys];
    // A prompt that never comes fails the test by the test's own timeout: show what was on screen,
    // and leave no process behind.
    onTestFailed(() => console.error(`output so far:\n${output}`));
    onTestFinished(() => void (child.exitCode === null && child.kill("SIGKILL")));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      while (pending.length > 0 && output.includes(pending[0]!.waitFor)) child.stdin.write(pending.shift()!.send);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe.skipIf(!hasScript)("Ctrl-C during project init", () => {
  it("at the first prompt exits 130 and writes nothing", async () => {
    const cwd = tempDir("cloud-int-");
    const { code, output } = await underPty(cwd, [{ waitFor: "Project title", send: "\u0003" }]);
    expect(code).toBe(130);
    expect(output).toContain("nothing was written");
    expect(output).not.toMatch(/\n\s+at /);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("after answering some questions exits 130 and writes nothing", async () => {
    const cwd = tempDir("cloud-int-");
    const { code } = await underPty(cwd, [
      { waitFor: "Project title", send: "Half answered\r" },
      { waitFor: "DRI", send: "@alice\r" },
      { waitFor: "Jira epic", send: "\u0003" },
    ]);
    expect(code).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

/** The built binary, with a server that takes requests and never answers; SIGINT once one has arrived. */
async function interruptDuringRequest(args: string[], env: (url: string) => Record<string, string>, signals: number) {
  const arrived: Array<() => void> = [];
  const server = createServer(() => arrived.shift()?.());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: tempRepo(),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, NO_COLOR: "1", ...env(url) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => arrived.push(resolve));
    for (let i = 0; i < signals; i++) child.kill("SIGINT");
    return { code: await closed, stdout, stderr };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe("Ctrl-C during a request that hangs", () => {
  const github = (url: string) => ({ GITHUB_GRAPHQL_URL: `${url}/graphql`, GH_TOKEN: "ghp_interrupt", CLOUD_HTTP_TIMEOUT_MS: "600000" });
  const jira = (url: string) => ({ JIRA_HOST: url, JIRA_EMAIL: "a@example.com", JIRA_API_TOKEN: "secret-token", CLOUD_HTTP_TIMEOUT_MS: "600000" });

  it("to GitHub: aborts it, prints 'interrupted', exits 130", async () => {
    const result = await interruptDuringRequest(["milestone", "report", "--owner", "acme", "--project", "7", "--json"], github, 1);
    expect(result).toEqual({ code: 130, stdout: "", stderr: "interrupted\n" });
  });

  it("to Jira: aborts it, prints 'interrupted', exits 130", async () => {
    const result = await interruptDuringRequest(["branch", "CLOUD-42", "--dry-run"], jira, 1);
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("interrupted\n");
  });

  it("a second Ctrl-C ends it at once, still 130", async () => {
    const result = await interruptDuringRequest(["milestone", "report", "--owner", "acme", "--project", "7"], github, 2);
    expect(result.code).toBe(130);
  });
});
