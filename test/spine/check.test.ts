/** `cloud dor check` / `cloud dod check`: what a fresh scaffold and the example get, in every format. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CONTRACT_DOD_IDS,
  CONTRACT_DOR_IDS,
  DOD_IDS,
  DOR_IDS,
  DOR_EITHER_IDS,
  DOR_PROSE_IDS,
  DOR_SECTIONS,
  byId,
  checkJson,
  copyExample,
  editFrontMatter,
  expectOneLineError,
  initProject,
  lineOf,
  projectRoot,
  run,
  statuses,
  fillSection,
  type Report,
} from "./support.js";

const DOR_GROUPS: Record<string, string> = {
  context: "Context and objectives",
  alternatives: "Context and objectives",
  risks: "Context and objectives",
  "reasons-against": "Context and objectives",
  "business-impact": "Context and objectives",
  "customer-value": "Context and objectives",
  "impact-measurement": "Context and objectives",
  dependencies: "Context and objectives",
  stakeholders: "Context and objectives",
  rfc: "Context and objectives",
  scope: "High-level plan",
  milestones: "High-level plan",
  mvp: "High-level plan",
  "rollout-plan": "High-level plan",
  "security-assessment": "High-level plan",
  "impact-timelines": "High-level plan",
  "cost-projection": "Estimates",
  "capacity-estimate": "Estimates",
  "issues-ready": "Linked issues",
};

const DOD_GROUPS: Record<string, string> = {
  "work-complete": "Work completed",
  tested: "Work completed",
  "rolled-out": "Work completed",
  "future-work": "Work completed",
  "user-docs": "Documentation",
  "customer-docs": "Documentation",
  "enablement-docs": "Documentation",
  "operability-docs": "Documentation",
  "security-approval": "Approvals",
  "legal-approval": "Approvals",
  "stakeholder-signoff": "Approvals",
  "ops-rollout": "Operability",
  "ops-rollback": "Operability",
  "ops-monitoring": "Operability",
  "ops-impact-measurement": "Operability",
  "ops-cost": "Operability",
  playbooks: "Operational knowledge",
  "knowledge-sharing": "Operational knowledge",
  "launch-questionnaire": "Operational knowledge",
};

/** A fresh scaffold whose folder is `docs/projects/new-region`, as in the contract's example. */
async function contractProject(): Promise<string> {
  const root = projectRoot();
  const dir = await initProject(root, "Add support for a new region");
  renameSync(dir, path.join(root, "docs/projects/new-region"));
  return root;
}

function expectShape(report: Report, cwd: string): void {
  expect(Object.keys(report).sort()).toEqual(["gate", "passed", "projects"]);
  expect(typeof report.passed).toBe("boolean");
  for (const project of report.projects) {
    expect(Object.keys(project).sort()).toEqual(["criteria", "passed", "path", "title"]);
    expect(path.isAbsolute(project.path)).toBe(false);
    expect(project.path).not.toContain("\\");
    expect(existsSync(path.resolve(cwd, project.path))).toBe(true);
    for (const c of project.criteria) {
      expect(Object.keys(c).sort()).toEqual(["detail", "group", "id", "location", "status", "title"]);
      expect(["met", "unmet", "waived", "skipped"]).toContain(c.status);
      for (const key of ["id", "group", "title", "detail", "location"] as const) expect(typeof c[key]).toBe("string");
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.detail.length).toBeGreaterThan(0);
      const match = /^([^:]+):(\d+)$/.exec(c.location);
      expect(match, `location of ${c.id}: ${c.location}`).not.toBeNull();
      expect(path.isAbsolute(match![1]!)).toBe(false);
      expect(existsSync(path.resolve(cwd, match![1]!))).toBe(true);
    }
    expect(project.passed).toBe(project.criteria.every((c) => c.status !== "unmet"));
  }
  expect(report.passed).toBe(report.projects.every((p) => p.passed));
}

describe("a fresh scaffold", () => {
  it("matches the contract's JSON example and fails the DoR with exit 1", async () => {
    const root = await contractProject();
    const { code, report, stderr } = await checkJson(root, "dor", ["docs/projects/new-region", "--offline"]);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expectShape(report, root);
    expect(report.gate).toBe("dor");
    expect(report.passed).toBe(false);
    expect(report.projects).toHaveLength(1);
    const project = report.projects[0]!;
    expect(project.path).toBe("docs/projects/new-region/project.md");
    expect(project.title).toBe("Add support for a new region");
    expect(project.passed).toBe(false);
    expect(project.criteria[0]).toEqual({
      id: "context",
      group: "Context and objectives",
      title: "Context behind the project",
      status: "unmet",
      detail: "section 'Context' has no text",
      location: "docs/projects/new-region/rfc.md:9",
    });
    expect(lineOf(path.join(root, "docs/projects/new-region/rfc.md"), 9)).toBe("## Context");
  });

  it("lists exactly the contract's DoR criteria, in order, in their groups", async () => {
    const root = await contractProject();
    const { report } = await checkJson(root, "dor", ["--offline"]);
    const criteria = report.projects[0]!.criteria;
    expect(criteria.map((c) => c.id)).toEqual(DOR_IDS);
    expect(DOR_IDS.filter((id) => CONTRACT_DOR_IDS.includes(id))).toEqual(CONTRACT_DOR_IDS);
    // The contract's groups for its criteria; a criterion added to the gate may have any group.
    for (const c of criteria) if (c.id in DOR_GROUPS) expect(c.group, c.id).toBe(DOR_GROUPS[c.id]);
  });

  it("lists exactly the contract's DoD criteria, in order, in their groups", async () => {
    const root = await contractProject();
    const { code, report } = await checkJson(root, "dod", ["--offline"]);
    expect(code).toBe(1);
    expect(report.gate).toBe("dod");
    expectShape(report, root);
    const criteria = report.projects[0]!.criteria;
    expect(criteria.map((c) => c.id)).toEqual(DOD_IDS);
    expect(DOD_IDS.filter((id) => CONTRACT_DOD_IDS.includes(id))).toEqual(CONTRACT_DOD_IDS);
    // The contract's groups for its criteria; a criterion added to the gate may have any group.
    for (const c of criteria) if (c.id in DOD_GROUPS) expect(c.group, c.id).toBe(DOD_GROUPS[c.id]);
  });

  it("fails every prose criterion of the DoR, each pointing at its empty heading in rfc.md", async () => {
    const root = projectRoot();
    const dir = await initProject(root, "Fresh");
    const { report } = await checkJson(root, "dor", ["--offline"]);
    const criteria = byId(report.projects[0]!);
    for (const id of DOR_PROSE_IDS) expect(criteria[id]!.status, id).toBe("unmet");
    for (const id of DOR_PROSE_IDS.filter((x) => !(DOR_EITHER_IDS as readonly string[]).includes(x))) {
      const c = criteria[id]!;
      const heading = DOR_SECTIONS[id]!;
      expect(c.detail, id).toBe(`section '${heading}' has no text`);
      const [file, line] = c.location.split(":");
      expect(file, id).toBe("docs/projects/fresh/rfc.md");
      expect(lineOf(path.join(dir, "rfc.md"), Number(line)), id).toBe(`## ${heading}`);
    }
    // Criteria that front matter can meet instead point at the front matter, and the RFC has their section.
    for (const id of DOR_EITHER_IDS) {
      expect(criteria[id]!.location, id).toMatch(/^docs\/projects\/fresh\/project\.md:\d+$/);
      expect(readFileSync(path.join(dir, "rfc.md"), "utf8")).toContain(`\n## ${DOR_SECTIONS[id]}\n`);
    }
    // No section criterion is missed: every location in rfc.md belongs to one of them.
    const inRfc = report.projects[0]!.criteria.filter((c) => c.location.includes("/rfc.md:")).map((c) => c.id);
    expect(inRfc.every((id) => (DOR_PROSE_IDS as readonly string[]).includes(id))).toBe(true);
    // And nothing else passes on a fresh scaffold either.
    expect(report.projects[0]!.criteria.filter((c) => c.status !== "unmet")).toEqual([]);
  });

  it("fails the DoD's prose criterion (knowledge sharing, in project.md)", async () => {
    const root = projectRoot();
    const dir = await initProject(root, "Fresh");
    const { report } = await checkJson(root, "dod", ["--offline"]);
    const c = byId(report.projects[0]!)["knowledge-sharing"]!;
    expect(c.status).toBe("unmet");
    expect(c.location).toMatch(/^docs\/projects\/fresh\/project\.md:\d+$/);
    expect(lineOf(path.join(dir, "project.md"), Number(c.location.split(":")[1]))).toBe("## Knowledge sharing");

    fillSection(path.join(dir, "project.md"), "Knowledge sharing", "Demo recorded: https://example.com/demo");
    const after = await checkJson(root, "dod", ["--offline"]);
    const before = statuses(report.projects[0]!);
    expect(statuses(after.report.projects[0]!)).toEqual({ ...before, "knowledge-sharing": "met" });
  });
});

describe("filling one section flips exactly that criterion", () => {
  for (const id of DOR_PROSE_IDS) {
    it(id, async () => {
      const root = projectRoot();
      const dir = await initProject(root, "Flip");
      // Security assessment also needs a rated risk; rate it low so the section alone decides.
      editFrontMatter(path.join(dir, "project.md"), (fm) => {
        fm.security = { risk: "low" };
      });
      const before = await checkJson(root, "dor", ["--offline"]);
      const baseline = byId(before.report.projects[0]!);
      expect(baseline[id]!.status).toBe("unmet");

      fillSection(path.join(dir, "rfc.md"), DOR_SECTIONS[id]!);
      const after = await checkJson(root, "dor", ["--offline"]);
      expect(after.code).toBe(1);
      const now = byId(after.report.projects[0]!);
      expect(now[id]!.status).toBe("met");
      for (const other of DOR_IDS) {
        if (other === id) continue;
        // Everything else is untouched, down to the detail and the location.
        expect(now[other], other).toEqual(baseline[other]);
      }
    });
  }

  it("a section holding only a multi-line HTML comment stays unmet", async () => {
    const root = projectRoot();
    const dir = await initProject(root, "Comments");
    const rfc = path.join(dir, "rfc.md");
    const before = byId((await checkJson(root, "dor", ["--offline"])).report.projects[0]!);
    const line = Number(before.context!.location.split(":")[1]);
    const lines = readFileSync(rfc, "utf8").split("\n");
    lines.splice(line, 0, "", "<!--", "  Draft notes, not yet for readers.", "  ## Alternatives considered", "-->", "   ");
    writeFileSync(rfc, lines.join("\n"));
    const after = byId((await checkJson(root, "dor", ["--offline"])).report.projects[0]!);
    expect(after.context!.status).toBe("unmet");
    expect(after.alternatives!.status).toBe("unmet");
    // The heading inside the comment is not a heading: 'Alternatives considered' still points at the real one.
    expect(lineOf(rfc, Number(after.alternatives!.location.split(":")[1]))).toBe("## Alternatives considered");
  });

  it("a heading inside a fenced code block is not a heading, and the block is text", async () => {
    const root = projectRoot();
    const dir = await initProject(root, "Fences");
    const rfc = path.join(dir, "rfc.md");
    // Remove the real Scope section's heading so only a fenced '## Scope' remains.
    const text = readFileSync(rfc, "utf8").replace("## Scope\n", "");
    const fenced = text.replace("## Context\n", "## Context\n\n```markdown\n## Scope\n\nWe will do everything.\n```\n");
    writeFileSync(rfc, fenced);
    const after = byId((await checkJson(root, "dor", ["--offline"])).report.projects[0]!);
    expect(after.context!.status).toBe("met");
    expect(after.scope!.status).toBe("unmet");
    expect(after.scope!.detail).toMatch(/missing/);
  });
});

describe("the example project", () => {
  it("passes the DoR offline: linked issues skipped, not failed", async () => {
    const { root } = copyExample();
    const { code, report, stderr } = await checkJson(root, "dor", ["--offline"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expectShape(report, root);
    expect(report.passed).toBe(true);
    const project = report.projects[0]!;
    expect(project.path).toBe("projects/new-region/project.md");
    const skipped = project.criteria.filter((c) => c.status === "skipped");
    expect(skipped.map((c) => c.id)).toEqual(["issues-ready"]);
    expect(skipped[0]!.detail).toContain("--offline");
    expect(project.criteria.filter((c) => c.status !== "skipped").every((c) => c.status === "met")).toBe(true);
  });

  it("fails the DoD offline with exit 1, its linked-issue criterion skipped", async () => {
    const { root } = copyExample();
    const { code, report } = await checkJson(root, "dod", ["--offline"]);
    expect(code).toBe(1);
    const c = byId(report.projects[0]!);
    expect(c["work-complete"]!.status).toBe("skipped");
    expect(c["legal-approval"]!.status).toBe("waived");
    expect(c["tested"]!.status).toBe("unmet");
  });

  it("a skipped criterion alone never fails the gate", async () => {
    const { root } = copyExample();
    const { report } = await checkJson(root, "dor", ["--offline"]);
    const project = report.projects[0]!;
    expect(project.criteria.some((c) => c.status === "skipped")).toBe(true);
    expect(project.passed).toBe(true);
  });

  it("checking without --offline asks the tracker only when there is something to ask", async () => {
    // Waive the only linked-issue criterion: nothing to look up, so no credentials are needed.
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.waivers["issues-ready"] = "Issues are reviewed in the planning meeting";
    });
    const { code, report, stderr } = await checkJson(root, "dor");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(byId(report.projects[0]!)["issues-ready"]!.status).toBe("waived");
  });

  it("a project linking Jira keys, checked online without Jira credentials, prints its report and is exit 2 saying what to set", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.milestones = fm.milestones.map((m: { issues: string[] }) => ({ ...m, issues: m.issues.filter((i) => /^[A-Z]+-\d+$/.test(i)) }));
    });
    const result = await run(["dor", "check", "--json"], { cwd: root });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ passed: false, projects: [{ title: expect.any(String) }] });
    expectOneLineError(result.stderr);
    expect(result.stderr).toContain("JIRA_API_TOKEN");
    expect(result.stderr).toMatch(/JIRA_EMAIL|JIRA_AUTH_TYPE/);

    // With no host in the config either, the host is named too; credentials never leak into the message.
    writeFileSync(path.join(root, "cloud.config.yaml"), "docs:\n  dir: projects\n");
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", JIRA_EMAIL: "me@example.com", JIRA_API_TOKEN: "s3cr3t-token-value" };
    const noHost = await run(["dor", "check"], { cwd: root, env });
    expect(noHost.code).toBe(2);
    expectOneLineError(noHost.stderr);
    expect(noHost.stderr).toContain("JIRA_HOST");
    expect(noHost.stderr).not.toContain("s3cr3t-token-value");
  });
});

describe("output formats", () => {
  it("--json and --format json print the same single document", async () => {
    const { root } = copyExample();
    const a = await run(["dor", "check", "--offline", "--json"], { cwd: root });
    const b = await run(["dor", "check", "--offline", "--format", "json"], { cwd: root });
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.endsWith("}\n")).toBe(true);
    expect(() => JSON.parse(a.stdout)).not.toThrow();
    expect(a.stderr).toBe("");
  });

  it("--format github prints one ::error annotation per unmet criterion, with file and line", async () => {
    const root = await contractProject();
    const { report } = await checkJson(root, "dor", ["--offline"]);
    const unmet = report.projects[0]!.criteria.filter((c) => c.status === "unmet");
    const result = await run(["dor", "check", "--offline", "--format", "github"], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const errors = result.stdout.split("\n").filter((l) => l.startsWith("::error "));
    expect(errors).toHaveLength(unmet.length);
    for (const [i, c] of unmet.entries()) {
      const [file, line] = c.location.split(":");
      expect(errors[i]).toMatch(new RegExp(`^::error file=${file!.replace(/[.]/g, "\\.")},line=${line},[^:]*::`));
      expect(errors[i]).toContain(c.id);
      expect(errors[i]!.endsWith(`::${c.detail}`)).toBe(true);
    }
    expect(errors[0]).toMatch(/^::error file=docs\/projects\/new-region\/rfc\.md,line=9,title=.*::section 'Context' has no text$/);
    // Every other line is a workflow command too: nothing that would confuse the Actions log.
    for (const l of result.stdout.trim().split("\n")) expect(l).toMatch(/^::(error|warning|notice) /);
  });

  it("--format github prints no ::error for a passing project, and exits 0", async () => {
    const { root } = copyExample();
    const result = await run(["dor", "check", "--offline", "--format", "github"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("::error");
  });

  it("--format markdown prints a table of every criterion", async () => {
    const root = await contractProject();
    const result = await run(["dor", "check", "--offline", "--format", "markdown"], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^#+ .*Add support for a new region/m);
    expect(result.stdout).toMatch(/^\| --- \|/m);
    for (const id of DOR_IDS) expect(result.stdout).toContain(`\`${id}\``);
    const rows = result.stdout.split("\n").filter((l) => l.startsWith("|") && !l.startsWith("| ---"));
    expect(rows).toHaveLength(DOR_IDS.length + 1);
    expect(result.stdout).toContain("`docs/projects/new-region/rfc.md:9`");
  });

  it("not a terminal: one tab-separated line per criterion, no colour", async () => {
    const root = await contractProject();
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: false });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(DOR_IDS.length);
    expect(lines[0]!.split("\t")).toEqual([
      "docs/projects/new-region/project.md",
      "unmet",
      "context",
      "section 'Context' has no text",
      "docs/projects/new-region/rfc.md:9",
    ]);
    for (const l of lines) expect(l.split("\t")).toHaveLength(5);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it("a terminal: a table per project with a summary line", async () => {
    const root = await contractProject();
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: true });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Add support for a new region");
    expect(result.stdout).toContain("context");
    expect(result.stdout).toContain(`Definition of Ready: 0 met, ${DOR_IDS.length} unmet, 0 waived, 0 skipped`);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("Not passed: Definition of Ready.");
    expect(result.stdout).not.toMatch(/\u001b\[/); // colour is off in the test streams
  });

  it("an unknown --format is exit 2", async () => {
    const { root } = copyExample();
    const result = await run(["dor", "check", "--format", "yaml"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("yaml");
  });
});

describe("which projects are checked", () => {
  async function twoProjects(): Promise<string> {
    const root = projectRoot();
    await initProject(root, "Beta project");
    await initProject(root, "Alpha project");
    // A project.md outside docs.dir is not part of "every project".
    mkdirSync(path.join(root, "elsewhere"));
    writeFileSync(path.join(root, "elsewhere/project.md"), "not even front matter\n");
    return root;
  }

  it("no path: every project under docs.dir, sorted", async () => {
    const root = await twoProjects();
    const { code, report } = await checkJson(root, "dor", ["--offline"]);
    expect(code).toBe(1);
    expectShape(report, root);
    expect(report.projects.map((p) => p.path)).toEqual([
      "docs/projects/alpha-project/project.md",
      "docs/projects/beta-project/project.md",
    ]);
  });

  it("no path on a terminal: a one-row-per-project summary comes first", async () => {
    const root = await twoProjects();
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: true });
    expect(result.code).toBe(1);
    const out = result.stdout;
    // Both titles appear (in the summary) before the first per-criterion row; without a summary,
    // Beta's title would only come after Alpha's criteria.
    const firstCriterion = out.indexOf("✗ context");
    expect(out.indexOf("Alpha project")).toBeLessThan(firstCriterion);
    expect(out.indexOf("Beta project")).toBeGreaterThan(-1);
    expect(out.indexOf("Beta project")).toBeLessThan(firstCriterion);
    // Both fail, so both follow in full, and the verdict comes last.
    expect(out.match(/Definition of Ready: \d+ met, \d+ unmet/g)).toHaveLength(2);
    expect(out.trimEnd().split("\n").at(-1)).toBe("Not passed: 0 of 2 projects meet the Definition of Ready.");
  });

  it("no path in markdown: a summary table first", async () => {
    const root = await twoProjects();
    const result = await run(["dor", "check", "--offline", "--format", "markdown"], { cwd: root });
    const summaryAt = result.stdout.indexOf("| Project |");
    expect(summaryAt).toBeGreaterThan(-1);
    expect(summaryAt).toBeLessThan(result.stdout.indexOf("Criterion"));
    expect(result.stdout).toContain("`docs/projects/alpha-project/project.md`");
    expect(result.stdout).toContain("`docs/projects/beta-project/project.md`");
  });

  it("from a subfolder, paths stay relative to the working directory", async () => {
    const root = await twoProjects();
    const cwd = path.join(root, "elsewhere");
    const { report } = await checkJson(cwd, "dor", ["--offline"]);
    expectShape(report, cwd);
    expect(report.projects.map((p) => p.path)).toEqual([
      "../docs/projects/alpha-project/project.md",
      "../docs/projects/beta-project/project.md",
    ]);
    expect(report.projects[0]!.criteria[0]!.location).toBe("../docs/projects/alpha-project/rfc.md:9");
  });

  it("several paths: a folder and a project.md, each once", async () => {
    const root = await twoProjects();
    const { report } = await checkJson(root, "dor", [
      "--offline",
      "docs/projects/beta-project",
      "docs/projects/alpha-project/project.md",
      "docs/projects/beta-project/project.md",
    ]);
    expect(report.projects.map((p) => p.path)).toEqual([
      "docs/projects/beta-project/project.md",
      "docs/projects/alpha-project/project.md",
    ]);
  });

  it("a path that does not exist is exit 2", async () => {
    const root = projectRoot();
    const result = await run(["dor", "check", "docs/projects/nope"], { cwd: root });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toContain("docs/projects/nope");
  });

  it("a folder without project.md is exit 2", async () => {
    const root = projectRoot();
    mkdirSync(path.join(root, "empty"));
    const result = await run(["dor", "check", "empty"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("project.md");
  });

  it("no projects under docs.dir is exit 1, saying how to make one", async () => {
    const root = projectRoot();
    const result = await run(["dor", "check"], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expectOneLineError(result.stderr);
    expect(result.stderr).toContain("cloud project init");
  });

  it("one malformed project stops the run before any output", async () => {
    const root = await twoProjects();
    writeFileSync(path.join(root, "docs/projects/beta-project/project.md"), "---\ntitle: [broken\n---\n");
    const result = await run(["dor", "check", "--offline", "--json"], { cwd: root });
    expect(result.code).toBe(2);
    // The one document is still printed, failing, with the problems in `errors`.
    expect(JSON.parse(result.stdout)).toMatchObject({ passed: false, errors: expect.arrayContaining([expect.objectContaining({ location: expect.any(String), message: expect.any(String) })]) });
    expect(result.stderr).toContain("docs/projects/beta-project/project.md:");
  });
});
