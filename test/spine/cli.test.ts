/** The CLI's outside: help with examples, version, unknown flags, one-line errors, --debug. */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { createContext } from "../../src/context.js";
import { baseEnv } from "../helpers/run-cli.js";
import { testIO } from "../helpers/io.js";
import { tempDir } from "../helpers/tmp.js";
import { REPO, expectOneLineError, projectRoot, run } from "./support.js";

const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };

/** Every runnable command, as the words typed after `cloud`. */
function leafCommands(): string[][] {
  const io = testIO();
  const program = buildProgram(createContext({ io, env: baseEnv(), cwd: REPO }), async (work) => work());
  const out: string[][] = [];
  const walk = (cmd: Command, trail: string[]) => {
    const subs = cmd.commands.filter((c) => c.name() !== "help");
    if (subs.length === 0 && trail.length > 0) out.push(trail);
    for (const sub of subs) walk(sub, [...trail, sub.name()]);
  };
  walk(program, []);
  return out;
}

describe("help and version", () => {
  it("cloud --help prints usage and examples on stdout, exit 0", async () => {
    const result = await run(["--help"], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^Usage: cloud /);
    expect(result.stdout).toContain("Examples");
    for (const command of ["project", "dor", "dod", "branch", "milestone", "groom"]) expect(result.stdout).toContain(command);
  });

  it("cloud --version prints the package version, exit 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const result = await run([flag], { cwd: tempDir() });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${pkg.version}\n`);
      expect(result.stderr).toBe("");
    }
  });

  it("the contract's commands all exist", () => {
    const names = leafCommands().map((words) => words.join(" "));
    for (const command of ["project init", "dor check", "dod check", "branch", "milestone report", "groom check"]) expect(names).toContain(command);
  });

  for (const words of leafCommands()) {
    it(`cloud ${words.join(" ")} --help has an example of itself`, async () => {
      const result = await run([...words, "--help"], { cwd: tempDir() });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(new RegExp(`^Usage: cloud ${words.join(" ")} `));
      const examples = result.stdout.slice(result.stdout.indexOf("Examples"));
      expect(result.stdout).toContain("Examples");
      expect(examples).toMatch(new RegExp(`^\\s+cloud ${words.join(" ")}\\b`, "m"));
    });
  }

  it("dor check --help lists the statuses and exit codes", async () => {
    const result = await run(["dor", "check", "--help"], { cwd: tempDir() });
    for (const word of ["met", "unmet", "waived", "skipped", "--offline", "--json", "--format"]) expect(result.stdout).toContain(word);
  });
});

describe("usage errors", () => {
  it("an unknown flag is exit 2 naming it, on stderr only", async () => {
    for (const argv of [["--bogus"], ["dor", "check", "--bogus"], ["project", "init", "--bogus"]]) {
      const result = await run(argv, { cwd: projectRoot() });
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toBe("error: unknown option '--bogus'");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("a mistyped flag is exit 2 with a suggestion", async () => {
    const result = await run(["dor", "check", "--jsn"], { cwd: projectRoot() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--jsn");
    expect(result.stderr).toContain("--json");
  });

  it("an unknown command is exit 2", async () => {
    const result = await run(["frobnicate"], { cwd: projectRoot() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("frobnicate");
  });

  it("a flag missing its value is exit 2", async () => {
    const result = await run(["project", "init", "--dri"], { cwd: projectRoot() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--dri");
  });
});

describe("errors", () => {
  function brokenProject(): string {
    const root = projectRoot();
    mkdirSync(path.join(root, "p"));
    writeFileSync(path.join(root, "p/project.md"), "---\ntitle: a\ndri: \"@a\"\nestimates:\n  capacity: ten\n---\n");
    return root;
  }

  it("are one line on stderr, a sentence with what to do, and no stack trace", async () => {
    const result = await run(["dor", "check", "p"], { cwd: brokenProject() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expectOneLineError(result.stderr);
    expect(result.stderr).toMatch(/\.\n$/);
  });

  it("--debug adds the stack trace", async () => {
    const result = await run(["dor", "check", "p", "--debug"], { cwd: brokenProject() });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(/^error: p\/project\.md:5:13: /);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it("--debug before the command works too", async () => {
    const result = await run(["--debug", "dor", "check", "p"], { cwd: brokenProject() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it("CLOUD_DEBUG=1 adds the stack trace; CLOUD_DEBUG=0 does not", async () => {
    const on = await run(["dor", "check", "p"], { cwd: brokenProject(), env: baseEnv({ CLOUD_DEBUG: "1" }) });
    expect(on.code).toBe(2);
    expect(on.stderr).toMatch(/\n\s+at /);
    const off = await run(["dor", "check", "p"], { cwd: brokenProject(), env: baseEnv({ CLOUD_DEBUG: "0" }) });
    expectOneLineError(off.stderr);
  });

  it("never print a secret from the environment, even in debug", async () => {
    const secret = "tok-9f8e7d6c5b4a";
    const env = baseEnv({ JIRA_API_TOKEN: secret, GH_TOKEN: `gh-${secret}` });
    for (const argv of [["dor", "check", secret], ["dor", "check", secret, "--debug"]]) {
      const result = await run(argv, { cwd: projectRoot(), env });
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain(secret);
      expect(result.stdout).not.toContain(secret);
    }
  });
});
