/** Every input problem of every project from one run, with the well-formed projects still judged. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, run } from "../spine/support.js";

/** The example (well-formed) beside two projects with two problems each. */
function threeProjects() {
  const { root } = copyExample();
  const bad = (name: string, lines: string[]) => {
    const dir = path.join(root, "projects", name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "project.md"), `${lines.join("\n")}\n`);
  };
  // a-broken: an unknown key (line 4) and a date that is no date (line 7).
  bad("a-broken", ["---", "title: A broken one", 'dri: "@a"', "colour: blue", "milestones:", "  - name: M1", "    due: soon", "    issues: [CLOUD-1]", "---"]);
  // b-broken: a waiver with no reason (line 5) and a word where a number belongs (line 7).
  bad("b-broken", ["---", "title: B broken", 'dri: "@b"', "waivers:", '  risks: ""', "estimates:", "  capacity: ten", "---"]);
  return root;
}

describe("two malformed projects with two problems each, beside a good one", () => {
  it("on a terminal: all four locations on stderr, the good project judged, exit 2", async () => {
    const root = threeProjects();
    const result = await run(["dor", "check", "--offline"], { cwd: root, tty: true, columns: 100 });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines.slice(0, 4).map((l) => l.slice(0, l.indexOf(": ")))).toEqual([
      "projects/a-broken/project.md:4:1",
      "projects/a-broken/project.md:7:10",
      "projects/b-broken/project.md:5:10",
      "projects/b-broken/project.md:7:13",
    ]);
    expect(lines[1]).toContain("'milestones.0.due'");
    expect(lines[3]).toContain("'estimates.capacity'");
    expect(lines.at(-1)).toBe("error: 4 input problems in 2 files; fix them and run again.");
    expect(result.stdout).toContain("Add support for a new region");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("Not passed: 1 of 1 project meet the Definition of Ready; 4 input problems to fix.");
  });

  it("--json: one document, failing, with every problem in errors", async () => {
    const root = threeProjects();
    const result = await run(["dor", "check", "--offline", "--json"], { cwd: root });
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout);
    expect(doc.passed).toBe(false);
    expect(doc.projects.map((p: { title: string; passed: boolean }) => [p.title, p.passed])).toEqual([["Add support for a new region", true]]);
    expect(doc.errors.map((e: { path: string; location: string }) => [e.path, e.location])).toEqual([
      ["projects/a-broken/project.md", "projects/a-broken/project.md:4:1"],
      ["projects/a-broken/project.md", "projects/a-broken/project.md:7:10"],
      ["projects/b-broken/project.md", "projects/b-broken/project.md:5:10"],
      ["projects/b-broken/project.md", "projects/b-broken/project.md:7:13"],
    ]);
    for (const e of doc.errors) expect(typeof e.message).toBe("string");
  });

  it("--format github: an ::error annotation with file, line and col for each problem", async () => {
    const root = threeProjects();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", GITHUB_WORKSPACE: root };
    const result = await run(["dor", "check", "--offline", "--format", "github"], { cwd: root, env });
    expect(result.code).toBe(2);
    const problems = result.stdout.split("\n").filter((l) => l.includes("input problem"));
    expect(problems.map((l) => /^::error (file=[^,]+,line=\d+,col=\d+),/.exec(l)?.[1])).toEqual([
      "file=projects/a-broken/project.md,line=4,col=1",
      "file=projects/a-broken/project.md,line=7,col=10",
      "file=projects/b-broken/project.md,line=5,col=10",
      "file=projects/b-broken/project.md,line=7,col=13",
    ]);
  });
});
