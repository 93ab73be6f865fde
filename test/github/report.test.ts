/**
 * `cloud milestone report` against the loopback GitHub: numbers on a large generated project checked
 * against an independent computation, grouping by iteration and single-select fields, organization
 * and user owners, the three output modes, and the request budget.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startGitHubServer, type FakeOwner, type FakeProject, type GitHubServer, type MilestoneInit } from "../helpers/github-server.js";
import { baseEnv, cli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = new Date("2026-01-25T15:00:00Z");
const TODAY = "2026-01-25";

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => {
  await gh.close();
});

function report(args: string[], options: { tty?: boolean; env?: Record<string, string>; cwd?: string } = {}) {
  return cli(["milestone", "report", ...args], {
    cwd: options.cwd ?? tempDir(),
    env: baseEnv({ ...gh.env(), ...options.env }),
    now: NOW,
    tty: options.tty ?? false,
  });
}

/** A small deterministic generator (mulberry32), so a failure can be reproduced. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]! };
}

/** What the test knows about each generated item, to compute the expected report on its own. */
interface Truth {
  kind: "issue" | "pr" | "draft" | "redacted";
  /** Issue closed (any reason), pull request merged or closed. */
  closed: boolean;
  archived: boolean;
  milestone: MilestoneInit | null;
  status: string | null;
  estimate: number | null;
}

const MILESTONES: MilestoneInit[] = [
  { title: "M0: Kickoff", dueOn: "2025-12-01" }, // every item done (see generate)
  { title: "M1: POC", dueOn: "2026-01-10" }, // passed
  { title: "M2: Beta", dueOn: "2026-01-28" }, // 3 days left
  { title: "M3: GA", dueOn: "2026-06-30" }, // far
  { title: "M3: GA", dueOn: "2026-07-15" }, // the same title in another repository, due later: the earliest counts
  { title: "M4: Polish", dueOn: "2026-06-30" }, // same date as M3: ordered by name
  { title: "Backlog", dueOn: null }, // no due date
];

/** Fill a project with `count` items of every kind; returns the truth about each. */
function generate(owner: FakeOwner, project: FakeProject, count: number, seed: number): Truth[] {
  const rnd = random(seed);
  const repos = [owner.repository("api"), owner.repository("web")];
  const numbers = new Map(repos.map((r) => [r, r.issues.size + 1]));
  const truths: Truth[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rnd.next();
    const kind: Truth["kind"] = roll < 0.55 ? "issue" : roll < 0.8 ? "pr" : roll < 0.97 ? "draft" : "redacted";
    const archived = rnd.next() < 0.04;
    const milestone = rnd.next() < 0.12 ? null : rnd.pick(MILESTONES);
    const status = milestone?.title === "M0: Kickoff" ? "Done" : rnd.pick(["Todo", "In Progress", "Done", "Done", null, null]);
    const estimate = rnd.pick([1, 2, 3, 5, 8, 0.5, null, null]);
    const repo = rnd.pick(repos);
    const number = numbers.get(repo)!;
    let closed = false;
    let content: Parameters<FakeProject["addItem"]>[0]["content"];
    if (kind === "issue") {
      const state = rnd.pick(["open", "closed", "closed"] as const);
      closed = state === "closed";
      content = repo.issue({ number, state, stateReason: closed ? rnd.pick(["COMPLETED", "NOT_PLANNED"]) : null });
      numbers.set(repo, number + 1);
    } else if (kind === "pr") {
      const state = rnd.pick(["open", "closed", "merged"] as const);
      closed = state !== "open";
      content = repo.pullRequest({ number, state });
      numbers.set(repo, number + 1);
    } else {
      content = kind === "draft" ? { draft: `Draft ${i}` } : "redacted";
    }
    project.addItem({ content, archived, values: { Milestone: milestone, Status: status, Estimate: estimate } });
    truths.push({ kind, closed, archived, milestone, status, estimate });
  }
  return truths;
}

/** The contract's rules, computed here without the code under test. */
function expectedReport(truths: Truth[], doneValues: string[]) {
  const counted = truths.filter((t) => !t.archived && t.kind !== "redacted");
  const isDone = (t: Truth) => (t.status !== null ? doneValues.includes(t.status) : (t.kind === "issue" || t.kind === "pr") && t.closed);
  const names = [...new Set(counted.map((t) => t.milestone?.title ?? null))];
  const rows = names.map((name) => {
    const items = counted.filter((t) => (t.milestone?.title ?? null) === name);
    const done = items.filter(isDone);
    const dueDates = items.map((t) => t.milestone?.dueOn ?? null).filter((d): d is string => d !== null).sort();
    const dueOn = dueDates[0] ?? null;
    const sum = (list: Truth[]) => Math.round(list.reduce((s, t) => s + (t.estimate ?? 0), 0) * 100) / 100;
    let state: string;
    const daysLeft = dueOn === null ? null : (Date.parse(dueOn) - Date.parse(TODAY)) / 86_400_000;
    if (done.length === items.length) state = "done";
    else if (daysLeft === null) state = "no-due-date";
    else if (daysLeft < 0) state = "overdue";
    else if (daysLeft <= 14 && (items.length - done.length) / items.length > daysLeft / 14) state = "at-risk";
    else state = "on-track";
    return {
      name,
      dueOn,
      total: items.length,
      done: done.length,
      percent: Math.round((100 * done.length) / items.length),
      points: { total: sum(items), done: sum(done) },
      state,
    };
  });
  rows.sort((a, b) => {
    if (a.name === null) return 1;
    if (b.name === null) return -1;
    if (a.dueOn !== b.dueOn) return a.dueOn === null ? 1 : b.dueOn === null ? -1 : a.dueOn.localeCompare(b.dueOn);
    return a.name.localeCompare(b.name);
  });
  return {
    milestones: rows,
    skipped: { archived: truths.filter((t) => t.archived).length, redacted: truths.filter((t) => !t.archived && t.kind === "redacted").length },
  };
}

describe("a generated project of 2,600 items", () => {
  const COUNT = 2600;
  let truths: Truth[];
  let project: FakeProject;

  beforeAll(() => {
    const acme = gh.organization("acme");
    project = acme.project({ number: 7, title: "Cloud: new region" });
    truths = generate(acme, project, COUNT, 42);
    // The generator must cover every case the contract names, or the comparison proves little.
    expect(new Set(truths.map((t) => t.kind))).toEqual(new Set(["issue", "pr", "draft", "redacted"]));
    expect(truths.some((t) => t.archived)).toBe(true);
    expect(truths.some((t) => t.milestone === null)).toBe(true);
    expect(truths.some((t) => t.status === null && t.closed)).toBe(true);
    expect(truths.some((t) => t.status === null && t.kind === "draft")).toBe(true);
    expect(truths.some((t) => t.estimate === null) && truths.some((t) => t.estimate === 0.5)).toBe(true);
  });

  test("--json prints exactly the contract's document, matching an independent computation", async () => {
    const before = gh.requests.length;
    const result = await report(["--owner", "acme", "--project", "7", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const expected = expectedReport(truths, ["Done"]);
    expect(doc).toEqual({ source: "github", project: { title: "Cloud: new region", url: "https://github.com/orgs/acme/projects/7" }, ...expected });
    // Key order is part of a stable document.
    expect(Object.keys(doc)).toEqual(["source", "project", "milestones", "skipped"]);
    expect(Object.keys(doc.milestones[0])).toEqual(["name", "dueOn", "total", "done", "percent", "points", "state"]);
    // Every state the data can produce shows up, and the no-milestone group is last.
    expect(new Set(doc.milestones.map((m: { state: string }) => m.state))).toEqual(new Set(["done", "overdue", "at-risk", "on-track", "no-due-date"]));
    expect(doc.milestones.at(-1).name).toBeNull();
    // ceil(2600 / 100) pages, nothing more.
    const made = gh.requests.slice(before);
    expect(made).toHaveLength(Math.ceil(COUNT / 100));
    expect(new Set(made.map((r) => r.operationName))).toEqual(new Set(["ProjectItems"]));
  });

  test("not a terminal: one tab-separated record per milestone, no colour, no progress", async () => {
    const result = await report(["--owner", "acme", "--project", "7"]);
    expect(result.code).toBe(0);
    const expected = expectedReport(truths, ["Done"]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(expected.milestones.length);
    lines.forEach((line, i) => {
      const m = expected.milestones[i]!;
      expect(line.split("\t")).toEqual([
        m.name ?? "(no milestone)",
        m.dueOn ?? "",
        `${m.done}/${m.total}`,
        `${m.percent}%`,
        `${m.points.done}/${m.points.total}`,
        m.state,
      ]);
    });
    expect(result.stdout).not.toMatch(/\x1b\[/);
    expect(result.stderr).toBe(`skipped: ${expected.skipped.archived} archived, ${expected.skipped.redacted} redacted items\n`);
  });

  test("on a terminal: a table with a progress bar per milestone, and progress on stderr while paging", async () => {
    const result = await report(["--owner", "acme", "--project", "7"], { tty: true });
    expect(result.code).toBe(0);
    const expected = expectedReport(truths, ["Done"]);
    expect(result.stdout).toContain("Cloud: new region");
    expect(result.stdout).toMatch(/│ Milestone\s+│ Due\s+│ Progress\s+│ Items\s+│ Points\s+│ State\s+│/);
    for (const m of expected.milestones) {
      const row = result.stdout.split("\n").find((l) => l.includes(`│ ${m.name ?? "(no milestone)"} `));
      expect(row, m.name ?? "no milestone").toBeDefined();
      expect(row).toContain(`${m.percent}%`);
      expect(row).toContain(`${m.done}/${m.total}`);
      expect(row).toContain(m.state);
      const filled = Math.round((m.percent / 100) * 20);
      expect(row).toContain(`${"█".repeat(filled)}${"░".repeat(20 - filled)}`);
    }
    // Progress: rewritten in place, ending at the full count, then cleared.
    expect(result.stderr).toContain("Fetching items of project 7 of acme: 100 of 2,600");
    expect(result.stderr).toContain("2,600 of 2,600");
    expect(result.stderr.endsWith("\r\x1b[2K")).toBe(true);
  });

  test("on a terminal with colour: state is coloured", async () => {
    const result = await cli(["milestone", "report", "--owner", "acme", "--project", "7"], {
      cwd: tempDir(),
      env: baseEnv({ ...gh.env(), NO_COLOR: undefined, FORCE_COLOR: "1" }),
      now: NOW,
      tty: true,
      color: true,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("\x1b[31moverdue\x1b[39m");
    expect(result.stdout).toContain("\x1b[33mat-risk\x1b[39m");
    expect(result.stdout).toContain("\x1b[32mdone\x1b[39m");
  });

  test("--format markdown: a table and a Mermaid chart GitHub renders", async () => {
    const result = await report(["--owner", "acme", "--project", "7", "--format", "markdown"]);
    expect(result.code).toBe(0);
    const expected = expectedReport(truths, ["Done"]);
    const md = result.stdout;
    expect(md).toContain(`# Milestones of [Cloud: new region](https://github.com/orgs/acme/projects/7), ${TODAY}`);
    expect(md).toContain("| # | Milestone | Due | Progress | Items | Points | State |");
    for (const [i, m] of expected.milestones.entries()) {
      expect(md).toMatch(new RegExp(`^\\| ${i + 1} \\| ${escape(m.name ?? "(no milestone)")} \\| ${m.dueOn ?? "—"} \\| [█░]{10} ${m.percent}% \\| ${m.done} / ${m.total} \\|`, "m"));
    }
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1];
    expect(chart).toBeDefined();
    expect(chart!.split("\n")[0]).toBe("xychart-beta horizontal");
    expect(chart).toContain(`x-axis [${expected.milestones.map((m, i) => `"${i + 1}. ${(m.name ?? "no milestone").replace(/[()]/g, "")}"`).join(", ")}]`);
    expect(chart).toContain(`bar [${expected.milestones.map((m) => m.percent).join(", ")}]`);
    expect(chart).toContain("y-axis \"Done (%)\" 0 --> 100");
  });

  test("doneValues from the config file change what counts as done", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "cloud.config.yaml"), "github:\n  owner: acme\n  project: 7\n  doneValues: [Done, In Progress]\n");
    const result = await report(["--json"], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).milestones).toEqual(expectedReport(truths, ["Done", "In Progress"]).milestones);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("grouping by other fields", () => {
  let alice: FakeOwner;

  beforeAll(() => {
    alice = gh.user("alice");
    const repo = alice.repository("notes");
    const project = alice.project({
      number: 3,
      title: "Alice's board",
      fields: [
        { name: "Title", dataType: "TITLE" },
        { name: "Stage", dataType: "SINGLE_SELECT", options: ["Todo", "Doing", "Shipped"] },
        { name: "Phase", dataType: "SINGLE_SELECT", options: ["Alpha", "Beta", "GA"] },
        {
          name: "Sprint",
          dataType: "ITERATION",
          iterations: [
            { title: "Sprint 1", startDate: "2026-01-05", duration: 14 },
            { title: "Sprint 2", startDate: "2026-01-19", duration: 14 },
            { title: "Sprint 3", startDate: "2026-02-16", duration: 7 },
          ],
        },
        { name: "Points", dataType: "NUMBER" },
      ],
    });
    const add = (n: number, values: Record<string, string | number | null>, state: "open" | "closed" = "open") =>
      project.addItem({ content: repo.issue({ number: n, state }), values });
    add(1, { Sprint: "Sprint 1", Phase: "Alpha", Stage: "Shipped", Points: 3 });
    add(2, { Sprint: "Sprint 1", Phase: "Alpha", Stage: "Doing", Points: 5 });
    add(3, { Sprint: "Sprint 2", Phase: "Beta", Stage: "Shipped", Points: 2 });
    add(4, { Sprint: "Sprint 2", Phase: "Beta", Points: 1 }, "closed");
    add(5, { Sprint: "Sprint 2", Phase: "GA", Stage: "Todo" });
    add(6, { Sprint: "Sprint 3", Phase: "GA", Stage: "Todo", Points: 8 });
    add(7, { Stage: "Todo" });
  });

  const config = "github:\n  owner: alice\n  project: 3\n  statusField: Stage\n  doneValues: [Shipped]\n  estimateField: Points\n";

  test("an iteration field: due on the iteration's last day", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "cloud.config.yaml"), config);
    const result = await report(["--field", "Sprint", "--json"], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      source: "github",
      project: { title: "Alice's board", url: "https://github.com/users/alice/projects/3" },
      milestones: [
        { name: "Sprint 1", dueOn: "2026-01-18", total: 2, done: 1, percent: 50, points: { total: 8, done: 3 }, state: "overdue" },
        // 7 of 14 days left, a third still open: on track.
        { name: "Sprint 2", dueOn: "2026-02-01", total: 3, done: 2, percent: 67, points: { total: 3, done: 3 }, state: "on-track" },
        { name: "Sprint 3", dueOn: "2026-02-22", total: 1, done: 0, percent: 0, points: { total: 8, done: 0 }, state: "on-track" },
        { name: null, dueOn: null, total: 1, done: 0, percent: 0, points: { total: 0, done: 0 }, state: "no-due-date" },
      ],
      skipped: { archived: 0, redacted: 0 },
    });
  });

  test("a single-select field: groups by option, no due dates", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "cloud.config.yaml"), `${config}  milestoneField: Phase\n`);
    const result = await report(["--json"], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).milestones).toEqual([
      { name: "Alpha", dueOn: null, total: 2, done: 1, percent: 50, points: { total: 8, done: 3 }, state: "no-due-date" },
      { name: "Beta", dueOn: null, total: 2, done: 2, percent: 100, points: { total: 3, done: 3 }, state: "done" },
      { name: "GA", dueOn: null, total: 2, done: 0, percent: 0, points: { total: 8, done: 0 }, state: "no-due-date" },
      { name: null, dueOn: null, total: 1, done: 0, percent: 0, points: { total: 0, done: 0 }, state: "no-due-date" },
    ]);
  });

  test("a user owner and an organization owner are both found by login", async () => {
    const user = await report(["--owner", "alice", "--project", "3", "--field", "Phase", "--json"]);
    expect(user.code).toBe(0);
    expect(JSON.parse(user.stdout).project.url).toBe("https://github.com/users/alice/projects/3");
    const org = await report(["--owner", "ACME", "--project", "7", "--json"]);
    expect(org.code).toBe(0);
    expect(JSON.parse(org.stdout).project.url).toBe("https://github.com/orgs/acme/projects/7");
  });

  test("a field that does not exist or cannot name a milestone is exit 2, with the fields that can", async () => {
    const missing = await report(["--owner", "alice", "--project", "3", "--field", "Sprnt"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "error: cannot group project 3 of alice by 'Sprnt': it has no field named 'Sprnt'. Pass --field with one of 'Stage', 'Phase', 'Sprint', or set github.milestoneField.\n",
    );
    const wrongKind = await report(["--owner", "alice", "--project", "3", "--field", "Points"]);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain("its field 'Points' is a number field, which cannot name a milestone");
  });

  test("a missing status or estimate field is a warning, not an error", async () => {
    const result = await report(["--owner", "alice", "--project", "3", "--field", "Sprint", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: project 3 of alice has no field named 'Status' (github.statusField)");
    expect(result.stderr).toContain("has no field named 'Estimate' (github.estimateField); points count 0.");
    // Without a status field, done falls back to closed: only #4 is closed.
    expect(JSON.parse(result.stdout).milestones[1]).toMatchObject({ name: "Sprint 2", done: 1 });
  });
});

describe("nothing to report and missing values", () => {
  test("a project with no items at all costs one request and is exit 1", async () => {
    gh.organization("bare").project({ number: 1, title: "Bare" });
    const before = gh.requests.length;
    const result = await report(["--owner", "bare", "--project", "1", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).milestones).toEqual([]);
    expect(gh.requests.length - before).toBe(1);
  });

  test("a project with only archived and redacted items is exit 1", async () => {
    const org = gh.organization("empty-co");
    const project = org.project({ number: 1, title: "Empty" });
    project.addItem({ content: "redacted" });
    project.addItem({ content: { draft: "old" }, archived: true });
    const plain = await report(["--owner", "empty-co", "--project", "1"]);
    expect(plain).toEqual({ code: 1, stdout: "", stderr: "Nothing to report: project 1 of empty-co has no items (skipped: 1 archived, 1 redacted).\n" });
    const json = await report(["--owner", "empty-co", "--project", "1", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ source: "github", project: { title: "Empty", url: "https://github.com/orgs/empty-co/projects/1" }, milestones: [], skipped: { archived: 1, redacted: 1 } });
  });

  test("no owner or project, and no config: exit 2 naming the flag, before any request", async () => {
    const before = gh.requests.length;
    const noOwner = await report(["--project", "7"]);
    expect(noOwner).toEqual({ code: 2, stdout: "", stderr: "error: no project owner given. Pass --owner <login> or set github.owner in cloud.config.yaml.\n" });
    const noProject = await report(["--owner", "acme"]);
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("--project <number>");
    expect(gh.requests.length).toBe(before);
  });

  test.each([
    [["--project", "seven"], "error: --project expects a project number such as 7, not 'seven'.\n"],
    [["--project", "0"], "error: --project expects a project number such as 7, not '0'.\n"],
    [["--owner", "-acme"], "error: --owner expects a GitHub login such as acme, not '-acme'.\n"],
    [["--json", "--format", "markdown"], "error: --json and --format markdown ask for different outputs; pass one of them.\n"],
  ])("bad flags %j are exit 2", async (args, stderr) => {
    const result = await report(["--owner", "acme", "--project", "7", ...args]);
    expect(result).toEqual({ code: 2, stdout: "", stderr });
  });

  test("an unknown --format is refused by the parser, exit 2", async () => {
    const result = await report(["--owner", "acme", "--project", "7", "--format", "csv"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("csv");
  });
});

describe("10,000 items with 20 ms latency per request", () => {
  test("100 requests, one at a time (timing is measured by `npm run bench`)", async () => {
    const server = await startGitHubServer({ latencyMs: 20 });
    try {
      const big = server.organization("big");
      const repo = big.repository("mono");
      const project = big.project({ number: 1, title: "Big" });
      for (let i = 0; i < 10_000; i++) {
        const content = i % 3 === 0 ? { draft: `d${i}` } : repo.issue({ number: i + 1, state: i % 2 ? "closed" : "open" });
        project.addItem({ content, values: { Milestone: MILESTONES[i % MILESTONES.length], Status: i % 4 ? "Done" : null, Estimate: i % 5 } });
      }
      const result = await cli(["milestone", "report", "--owner", "big", "--project", "1", "--json"], { cwd: tempDir(), env: baseEnv(server.env()), now: NOW });
      expect(result.code).toBe(0);
      const doc = JSON.parse(result.stdout);
      expect(doc.milestones.reduce((s: number, m: { total: number }) => s + m.total, 0)).toBe(10_000);
      expect(server.requests).toHaveLength(100);
      expect(server.maxInFlight).toBe(1);
    } finally {
      await server.close();
    }
  });
});
