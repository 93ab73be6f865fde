/**
 * Ctrl-C at a real terminal prompt: the built binary runs under a pseudo-terminal (util-linux
 * `script`), receives the interrupt key, exits 130 and writes nothing.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFailed, onTestFinished } from "vitest";
import { tempDir } from "../helpers/tmp.js";

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
