/**
 * End to end: the BUILT binary (`npm run build` first; `npm test` does), spawned with NO_COLOR=1 and no
 * terminal, as CI and scripts run it.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/run-cli.js";
import { tempDir, tempRepo } from "../helpers/tmp.js";
import { EXAMPLE, REPO, projectRoot } from "./support.js";

const BIN = path.join(REPO, "bin/cloud.js");
const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface SpawnOptions {
  cwd: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/** Spawned asynchronously, for a command that talks to a server in this process. */
function cloudAsync(args: string[], options: SpawnOptions): Promise<Spawned> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), BIN, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...options.env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

function cloud(args: string[], options: SpawnOptions = { cwd: REPO }): Spawned {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...options.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(path.join(REPO, "dist/cli.cjs"))) throw new Error("dist/cli.cjs is missing: run `npm run build` first");
});

describe("the built binary", () => {
  it("--version prints the version", () => {
    const result = cloud(["--version"], { cwd: tempDir() });
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("--help prints usage with examples", () => {
    const result = cloud(["--help"], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Examples");
    expect(result.stderr).toBe("");
  });

  it("--help, served from the text the build rendered, is exactly what the program prints", async () => {
    const served = cloud(["--help"], { cwd: tempDir() });
    const live = await cli(["--help"], { cwd: tempDir() });
    expect(live.code).toBe(0);
    expect(served.stdout).toBe(live.stdout);
    expect(cloud(["-h"], { cwd: tempDir() }).stdout).toBe(live.stdout);
  });

  it("the example passes `dor check --offline` (exit 0)", () => {
    const result = cloud(["dor", "check", "--offline"], { cwd: EXAMPLE });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Not a terminal: plain tab-separated lines, no colour.
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).toMatch(/^projects\/new-region\/project\.md\tmet\tcontext\t/m);
    expect(result.stdout).toMatch(/\tskipped\tissues-ready\t/);
    expect(result.stdout).not.toMatch(/\tunmet\t/);
  });

  it("the example's --json report is one document saying it passed", () => {
    const result = cloud(["dor", "check", "--offline", "--json"], { cwd: EXAMPLE });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { gate: string; passed: boolean; projects: { path: string }[] };
    expect(report.gate).toBe("dor");
    expect(report.passed).toBe(true);
    expect(report.projects.map((p) => p.path)).toEqual(["projects/new-region/project.md"]);
  });

  it("a fresh `project init --yes` project fails `dor check --offline` (exit 1)", () => {
    const root = projectRoot();
    const init = cloud(["project", "init", "Add support for a new region", "--dri", "@alice", "--yes"], { cwd: root });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toBe(
      "docs/projects/add-support-for-a-new-region/project.md\ndocs/projects/add-support-for-a-new-region/rfc.md\n",
    );
    const check = cloud(["dor", "check", "--offline"], { cwd: root });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/\tunmet\tcontext\tsection 'Context' has no text\tdocs\/projects\/add-support-for-a-new-region\/rfc\.md:9$/m);
    const annotations = cloud(["dor", "check", "--offline", "--format", "github"], { cwd: root });
    expect(annotations.code).toBe(1);
    expect(annotations.stdout).toMatch(/^::error file=docs\/projects\/add-support-for-a-new-region\/rfc\.md,line=9,/m);
  });

  it("without a terminal, `project init` with no title is exit 2 naming --title (never waits for input)", () => {
    const root = projectRoot();
    const result = cloud(["project", "init", "--dri", "@alice"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--title");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("an unknown flag is exit 2", () => {
    const result = cloud(["dor", "check", "--bogus"], { cwd: EXAMPLE });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--bogus");
  });

  it("malformed front matter is exit 2 with a location and no stack trace", () => {
    const root = projectRoot();
    expect(cloud(["project", "init", "Broken", "--dri", "@b", "--yes"], { cwd: root }).code).toBe(0);
    const file = path.join(root, "docs/projects/broken/project.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("kind: project", "kind: project\ntitle: twice"));
    const result = cloud(["dor", "check"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: docs\/projects\/broken\/project\.md:\d+:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("what the binary loads", () => {
  /**
   * A module-resolution hook (node --import) that appends every resolved URL to a file, so a test can see
   * which modules a command pulled in.
   */
  function loadRecorder(): { nodeArgs: string[]; loaded: () => string[] } {
    const dir = tempDir("cloud-loads-");
    const log = path.join(dir, "loaded.txt");
    writeFileSync(log, "");
    writeFileSync(
      path.join(dir, "hooks.mjs"),
      [
        'import { appendFileSync } from "node:fs";',
        "let log;",
        "export function initialize(data) { log = data.log; }",
        "export async function resolve(specifier, context, next) {",
        "  const result = await next(specifier, context);",
        '  appendFileSync(log, result.url + "\\n");',
        "  return result;",
        "}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      path.join(dir, "register.mjs"),
      [
        'import { register } from "node:module";',
        `register(${JSON.stringify(pathToFileURL(path.join(dir, "hooks.mjs")).href)}, { data: { log: ${JSON.stringify(log)} } });`,
        "",
      ].join("\n"),
    );
    return {
      nodeArgs: ["--import", pathToFileURL(path.join(dir, "register.mjs")).href],
      loaded: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
    };
  }

  const HEAVY = /\/node_modules\/(jira\.js|@octokit|@inquirer)\//;

  it("the recorder sees what a command loads (so the checks below can fail)", () => {
    const recorder = loadRecorder();
    const result = spawnSync(
      process.execPath,
      [...recorder.nodeArgs, "--input-type=module", "-e", "await import('jira.js'); await import('@octokit/graphql');"],
      { cwd: REPO, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } },
    );
    expect(result.status, result.stderr).toBe(0);
    const loaded = recorder.loaded();
    expect(loaded.some((u) => /\/node_modules\/jira\.js\//.test(u))).toBe(true);
    expect(loaded.some((u) => /\/node_modules\/@octokit\//.test(u))).toBe(true);
  });

  it("the recorder sees the packages the built CLI imports when a command needs them", async () => {
    // A server that refuses every request at once (401: not retried), so each command ends quickly.
    const server = createServer((_req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Bad credentials"}'));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const jira = loadRecorder();
      const branch = await cloudAsync(["branch", "CLOUD-1", "--dry-run"], { cwd: tempRepo(), nodeArgs: jira.nodeArgs, env: { JIRA_HOST: url, JIRA_EMAIL: "a@example.com", JIRA_API_TOKEN: "t"} });
      expect(branch.code, branch.stderr).toBe(3);
      expect(jira.loaded().some((u) => /\/node_modules\/jira\.js\//.test(u))).toBe(true);

      const github = loadRecorder();
      const report = await cloudAsync(["milestone", "report", "--owner", "acme", "--project", "7"], { cwd: tempDir(), nodeArgs: github.nodeArgs, env: { GH_TOKEN: "t", GITHUB_GRAPHQL_URL: `${url}/graphql` } });
      expect(report.code, report.stderr).toBe(3);
      expect(github.loaded().some((u) => /\/node_modules\/@octokit\/graphql\//.test(u))).toBe(true);
    } finally {
      server.close();
    }
  });

  it("`cloud --help` loads neither jira.js nor @octokit (nor the prompts)", () => {
    const recorder = loadRecorder();
    const result = cloud(["--help"], { cwd: tempDir(), nodeArgs: recorder.nodeArgs });
    expect(result.code).toBe(0);
    // The shim serves the rendered help: nothing from node_modules or the bundle is loaded at all.
    expect(recorder.loaded().filter((u) => /\/node_modules\/|\/dist\//.test(u))).toEqual([]);
  });

  it("`cloud dor check --help` goes through the program and loads neither jira.js nor @octokit", () => {
    const recorder = loadRecorder();
    const result = cloud(["dor", "check", "--help"], { cwd: tempDir(), nodeArgs: recorder.nodeArgs });
    expect(result.code).toBe(0);
    // The program itself printed this (the criteria are read from the gates), so the CLI did run.
    expect(result.stdout).toContain("Criteria (ids for 'waivers:'):");
    expect(recorder.loaded().filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it("`cloud dor check --offline` loads neither jira.js nor @octokit", () => {
    const recorder = loadRecorder();
    const result = cloud(["dor", "check", "--offline"], { cwd: EXAMPLE, nodeArgs: recorder.nodeArgs });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("issues-ready");
    expect(recorder.loaded().filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it("`cloud branch KEY --title x --dry-run` loads neither jira.js nor @octokit", () => {
    const recorder = loadRecorder();
    const repo = tempRepo();
    const result = cloud(["branch", "CLOUD-1", "--title", "x", "--dry-run"], { cwd: repo, nodeArgs: recorder.nodeArgs });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("x-CLOUD-1\n");
    expect(recorder.loaded().filter((u) => HEAVY.test(u))).toEqual([]);
  });
});
