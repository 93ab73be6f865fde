/**
 * `cloud milestone report --input`: the output of `gh project item-list --format json`, in the shape
 * gh prints it (pkg/cmd/project/shared/format/json.go: keys are field names with the first letter
 * lower-cased; milestone {title, description, dueOn}; iteration {title, startDate, duration,
 * iterationId}; content null for redacted items), read with no network and no token.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../../src/cli.js";
import { testIO } from "../helpers/io.js";
import { cli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = new Date("2026-01-25T09:00:00Z");

const issue = (number: number, title: string) => ({
  body: "",
  number,
  repository: "acme/api",
  title,
  type: "Issue",
  url: `https://github.com/acme/api/issues/${number}`,
});
const M1 = { title: "M1: POC", description: "First cut", dueOn: "2026-01-10T08:00:00Z" };
const M2 = { title: "M2: Beta", description: "", dueOn: "2026-03-01T08:00:00Z" };
const BACKLOG = { title: "Backlog", description: "", dueOn: "" };

/** As `gh project item-list 7 --owner acme --format json` prints it (shortened ids). */
const GH_OUTPUT = {
  items: [
    {
      assignees: ["octocat"],
      content: issue(1, "Sign-in"),
      estimate: 3,
      id: "PVTI_lADOBXYZ4M4AAbcdzgA1",
      labels: ["feature"],
      milestone: M1,
      repository: "https://github.com/acme/api",
      sprint: { duration: 14, iterationId: "a1b2c3", startDate: "2026-01-05", title: "Sprint 1" },
      status: "Done",
      "story Points": 5,
      title: "Sign-in",
    },
    {
      content: issue(2, "Sign-out"),
      estimate: 2,
      id: "PVTI_lADOBXYZ4M4AAbcdzgA2",
      milestone: M1,
      repository: "https://github.com/acme/api",
      status: "In Progress",
      sprint: { duration: 14, iterationId: "a1b2c3", startDate: "2026-01-05", title: "Sprint 1" },
      title: "Sign-out",
    },
    {
      // A closed issue without a status: gh's JSON cannot say it is closed, so it is not done here.
      content: issue(3, "Rate limits"),
      id: "PVTI_lADOBXYZ4M4AAbcdzgA3",
      milestone: M1,
      title: "Rate limits",
    },
    {
      content: { body: "", number: 9, repository: "acme/api", title: "Add tests", type: "PullRequest", url: "https://github.com/acme/api/pull/9" },
      estimate: 1.5,
      id: "PVTI_lADOBXYZ4M4AAbcdzgA4",
      "linked pull requests": [],
      milestone: M2,
      status: "Done",
      sprint: { duration: 14, iterationId: "d4e5f6", startDate: "2026-01-19", title: "Sprint 2" },
      title: "Add tests",
    },
    {
      content: { body: "Write it up", id: "DI_lADOBXYZ4M4AAbcdzgA5", title: "Runbook", type: "DraftIssue" },
      id: "PVTI_lADOBXYZ4M4AAbcdzgA5",
      milestone: M2,
      title: "Runbook",
    },
    { content: issue(4, "Someday"), id: "PVTI_lADOBXYZ4M4AAbcdzgA6", milestone: BACKLOG, status: "Todo", estimate: 8, title: "Someday" },
    { content: issue(5, "Unsorted"), id: "PVTI_lADOBXYZ4M4AAbcdzgA7", status: "Done", title: "Unsorted" },
    // An item the token cannot see: no content, no field values.
    { content: null, id: "PVTI_lADOBXYZ4M4AAbcdzgA8" },
  ],
  totalCount: 8,
};

/** No token, no endpoint, no gh on the PATH: any attempt to reach GitHub would fail. */
function offlineEnv(): Record<string, string> {
  const empty = tempDir("cloud-path-");
  return { PATH: empty, HOME: empty, NO_COLOR: "1", GITHUB_GRAPHQL_URL: "http://127.0.0.1:9/graphql" };
}

function writeInput(content: string | object, name = "items.json"): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return dir;
}

async function withStdin(argv: string[], input: string, options: { stdinIsTTY?: boolean } = {}) {
  const io = testIO();
  io.stdinIsTTY = options.stdinIsTTY ?? false;
  io.stdin.end(input);
  const code = await runCli({ argv, io, env: offlineEnv(), cwd: tempDir(), now: () => NOW });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

describe("--input", () => {
  test("a file: the same report, by status only, offline", async () => {
    const cwd = writeInput(GH_OUTPUT);
    const result = await cli(["milestone", "report", "--input", "items.json", "--json"], { cwd, env: offlineEnv(), now: NOW });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      source: "github",
      project: { title: "items.json", url: null },
      milestones: [
        { name: "M1: POC", dueOn: "2026-01-10", total: 3, done: 1, percent: 33, points: { total: 5, done: 3 }, state: "overdue" },
        { name: "M2: Beta", dueOn: "2026-03-01", total: 2, done: 1, percent: 50, points: { total: 1.5, done: 1.5 }, state: "on-track" },
        { name: "Backlog", dueOn: null, total: 1, done: 0, percent: 0, points: { total: 8, done: 0 }, state: "no-due-date" },
        { name: null, dueOn: null, total: 1, done: 1, percent: 100, points: { total: 0, done: 0 }, state: "done" },
      ],
      skipped: { archived: 0, redacted: 1 },
    });
  });

  test("standard input (-) gives the same document", async () => {
    const fromFile = await cli(["milestone", "report", "--input", "items.json", "--json"], { cwd: writeInput(GH_OUTPUT), env: offlineEnv(), now: NOW });
    const fromStdin = await withStdin(["milestone", "report", "--input", "-", "--json"], JSON.stringify(GH_OUTPUT));
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual({ ...JSON.parse(fromFile.stdout), project: { title: "stdin", url: null } });
  });

  test("grouping by an iteration field and a differently named estimate, from the config", async () => {
    const cwd = writeInput(GH_OUTPUT);
    writeFileSync(path.join(cwd, "cloud.config.yaml"), "github:\n  milestoneField: Sprint\n  estimateField: Story Points\n");
    const result = await cli(["milestone", "report", "--input", "items.json", "--json"], { cwd, env: offlineEnv(), now: NOW });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).milestones).toEqual([
      { name: "Sprint 1", dueOn: "2026-01-18", total: 2, done: 1, percent: 50, points: { total: 5, done: 5 }, state: "overdue" },
      { name: "Sprint 2", dueOn: "2026-02-01", total: 1, done: 1, percent: 100, points: { total: 0, done: 0 }, state: "done" },
      { name: null, dueOn: null, total: 4, done: 1, percent: 25, points: { total: 0, done: 0 }, state: "no-due-date" },
    ]);
  });

  test("markdown and plain output work offline too", async () => {
    const cwd = writeInput(GH_OUTPUT);
    const md = await cli(["milestone", "report", "--input", "items.json", "--format", "markdown"], { cwd, env: offlineEnv(), now: NOW });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("# Milestones of items.json, 2026-01-25");
    expect(md.stdout).toContain("| M1: POC | 2026-01-10 | ███░░░░░░░ 33% | 1 / 3 | 3 / 5 | 🔴 overdue |");
    expect(md.stdout).toContain('  x-axis ["1. M1: POC", "2. M2: Beta", "3. Backlog", "4. no milestone"]');
    const plain = await cli(["milestone", "report", "--input", "items.json"], { cwd, env: offlineEnv(), now: NOW });
    expect(plain.stdout.split("\n")[0]).toBe("M1: POC\t2026-01-10\t1/3\t33%\t3/5\toverdue");
  });

  test("a list cut short by gh's --limit is reported on stderr", async () => {
    const cwd = writeInput({ ...GH_OUTPUT, totalCount: 250 });
    const result = await cli(["milestone", "report", "--input", "items.json", "--json"], { cwd, env: offlineEnv(), now: NOW });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "warning: the input holds 8 of the project's 250 items (gh lists 30 unless told otherwise); run gh project item-list with --limit 250.\n",
    );
  });

  test("no items: nothing to report, exit 1", async () => {
    const cwd = writeInput({ items: [], totalCount: 0 });
    const result = await cli(["milestone", "report", "--input", "items.json"], { cwd, env: offlineEnv(), now: NOW });
    expect(result).toEqual({ code: 1, stdout: "", stderr: "Nothing to report: items.json has no items.\n" });
  });
});

describe("--input errors are exit 2 with a position", () => {
  const run = (content: string | object) =>
    cli(["milestone", "report", "--input", "items.json"], { cwd: writeInput(content), env: offlineEnv(), now: NOW });

  test.each([
    ['{\n  "items": [\n    {"id": "a",}\n  ]\n}', "items.json:3:16", "Expected double-quoted property name"],
    ['{\n  "items": [\n    {"id": x}\n  ]\n}', "items.json:3:12", "Unexpected token 'x'"],
    ['{"items": [', "items.json:1:12", "Unexpected end of JSON input"],
  ])("malformed JSON %#", async (text, location, reason) => {
    const result = await run(text);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`error: ${location}: not valid JSON: ${reason}.\n`);
  });

  test("JSON of another shape names the path", async () => {
    const result = await run({ items: [GH_OUTPUT.items[0], { ...GH_OUTPUT.items[1], status: 5 }] });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: items.json: expected a string (the status) at items[1].status; is this the output of `gh project item-list --format json`?\n");
    const notItems = await run({ projects: [] });
    expect(notItems.stderr).toContain('expected an object with an "items" array at the top level');
    const badType = await run({ items: [{ id: "x", content: { type: "Discussion" } }] });
    expect(badType.stderr).toContain("expected Issue, PullRequest or DraftIssue at items[0].content.type");
  });

  test("an empty file, a missing file, a terminal on stdin", async () => {
    expect((await run("")).stderr).toBe("error: items.json: the input is empty; expected the output of `gh project item-list --format json`.\n");
    const missing = await cli(["milestone", "report", "--input", "nope.json"], { cwd: tempDir(), env: offlineEnv(), now: NOW });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read the --input file nope\.json: it does not exist\. /);
    const tty = await withStdin(["milestone", "report", "--input", "-"], "", { stdinIsTTY: true });
    expect(tty.code).toBe(2);
    expect(tty.stderr).toMatch(/^error: --input - reads standard input, which is a terminal\. Pipe it in: gh project item-list/);
  });
});
