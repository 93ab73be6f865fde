/**
 * The check as a person reads it: on terminals of 80 and 200 columns, from a subfolder, in GitHub
 * Actions (annotations attached to the files, the report in the job summary).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git } from "../helpers/tmp.js";
import { DOR_IDS, copyExample, initProject, projectRoot, run } from "../spine/support.js";

const bin = fileURLToPath(new URL("../../bin/cloud.js", import.meta.url));

/** What a terminal of `columns` shows, checked against the contract's rules. */
function expectFits(stdout: string, columns: number) {
  const lines = stdout.trimEnd().split("\n");
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
  return lines;
}

function criterionLines(lines: string[], id: string): string[] {
  const at = lines.findIndex((l) => new RegExp(`^  [✓✗~-] ${id} `).test(l));
  expect(at, id).toBeGreaterThan(-1);
  const out = [lines[at]!];
  for (let i = at + 1; i < lines.length && /^ {6,}\S/.test(lines[i]!) && !/^ {2}[✓✗~-] /.test(lines[i]!); i++) out.push(lines[i]!);
  return out;
}

describe.each([80, 200])("on a terminal of %i columns", (columns) => {
  it("one fresh project: every line fits, an unmet criterion takes at most three lines, the path once, the verdict last", async () => {
    const root = projectRoot();
    await initProject(root, "A fresh project with a rather long title that goes on and on past eighty columns");
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: true, columns });
    expect(result.code).toBe(1);
    const lines = expectFits(result.stdout, columns);
    for (const id of DOR_IDS) {
      const shown = criterionLines(lines, id);
      expect(shown.length).toBeLessThanOrEqual(3);
    }
    expect(result.stdout.split("docs/projects/").length - 1).toBe(1);
    expect(lines.at(-1)).toBe("Not passed: Definition of Ready.");
  });

  it("the example: a met criterion takes one line", async () => {
    const { root } = copyExample();
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: true, columns });
    expect(result.code).toBe(0);
    const lines = expectFits(result.stdout, columns);
    for (const id of DOR_IDS) expect(criterionLines(lines, id)).toHaveLength(1);
    // The project line, its path, one line a criterion, the counts, a blank line and the verdict.
    expect(lines).toHaveLength(DOR_IDS.length + 5);
    expect(lines.at(-1)).toBe("Passed: Definition of Ready.");
  });

  it("three projects, one failing: the summary first, only the failing one in full, the verdict last", async () => {
    const { root } = copyExample();
    const exampleDir = path.join(root, "projects");
    for (const copy of ["second-region", "third-region"]) {
      mkdirSync(path.join(exampleDir, copy));
      for (const file of ["project.md", "rfc.md"]) {
        const text = readFileSync(path.join(exampleDir, "new-region", file), "utf8");
        writeFileSync(path.join(exampleDir, copy, file), text.replace("title: Add support for a new region", `title: ${copy}`));
      }
    }
    await initProject(root, "Freshly scaffolded");
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: true, columns });
    expect(result.code).toBe(1);
    const lines = expectFits(result.stdout, columns);
    expect(lines.slice(0, 4).filter((l) => /^[✓✗] /.test(l))).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith("  ✓ context") || l.startsWith("  ✗ context"))).toHaveLength(1);
    expect(lines.at(-1)).toBe("Not passed: 3 of 4 projects meet the Definition of Ready.");
  });
});

describe("under a real pseudo-terminal", () => {
  const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasScript)("the table follows the terminal's width (stty cols 80)", () => {
    const { root } = copyExample();
    const command = `stty cols 80; ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} dor check --offline`;
    const result = spawnSync("script", ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm", NO_COLOR: "1" },
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    const lines = result.stdout.replace(/\r/g, "").trimEnd().split("\n");
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toBe("Passed: Definition of Ready.");
  });
});

describe("from a subfolder", () => {
  function repoWithProject() {
    const { root } = copyExample();
    git(root, "init", "-q");
    const deep = path.join(root, "src", "deep");
    mkdirSync(deep, { recursive: true });
    return { root, deep };
  }

  it("dor check finds the projects under docs.dir of the project root", async () => {
    const { deep } = repoWithProject();
    const result = await run(["dor", "check", "--offline", "--json"], { cwd: deep });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).projects.map((p: { path: string }) => p.path)).toEqual(["../../projects/new-region/project.md"]);
  });

  it("project init writes under the project root, not the working directory", async () => {
    const { root, deep } = repoWithProject();
    const result = await run(["project", "init", "From deep", "--dri", "@me", "--yes"], { cwd: deep });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("../../projects/from-deep/project.md\n../../projects/from-deep/rfc.md\n");
    expect(readFileSync(path.join(root, "projects/from-deep/project.md"), "utf8")).toContain('title: "From deep"');
  });

  it("without a config file, the git top level is the root", async () => {
    const root = projectRoot("");
    git(root, "init", "-q");
    const deep = path.join(root, "a", "b");
    mkdirSync(deep, { recursive: true });
    const result = await run(["project", "init", "Top level", "--dri", "@me", "--yes"], { cwd: deep });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("../../docs/projects/top-level/project.md\n../../docs/projects/top-level/rfc.md\n");
  });

  it("github annotations name files relative to GITHUB_WORKSPACE, and the report lands in the job summary", async () => {
    const { root, deep } = repoWithProject();
    const summary = path.join(root, "summary.md");
    writeFileSync(summary, "earlier step\n");
    writeFileSync(path.join(root, "projects/new-region/rfc.md"), "# RFC\n\n## Context\n\n<!-- nothing yet -->\n");
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: summary };
    const result = await run(["dor", "check", "--offline", "--format", "github"], { cwd: deep, env });
    expect(result.code).toBe(1);
    const errors = result.stdout.split("\n").filter((l) => l.startsWith("::error "));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.find((l) => l.includes("(context)"))).toMatch(/^::error file=projects\/new-region\/rfc\.md,line=3,/);
    for (const line of errors) expect(line).toMatch(/^::error file=projects\/new-region\/(rfc|project)\.md,line=\d+/);
    const written = readFileSync(summary, "utf8");
    expect(written.startsWith("earlier step\n# ❌ ")).toBe(true);
    expect(written).toContain("## Unmet");
  });
});
