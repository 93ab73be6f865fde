/** Malformed or mistyped front matter: exit 2 with `file:line:column` on the offending line, never a crash. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkJson, copyExample, expectOneLineError, projectRoot, run } from "./support.js";

/** A project folder `p` holding `project.md` with this text; returns the root. */
function projectWith(text: string): string {
  const root = projectRoot();
  mkdirSync(path.join(root, "p"));
  writeFileSync(path.join(root, "p/project.md"), text);
  return root;
}

interface Case {
  name: string;
  lines: string[];
  line: number;
  column?: number;
  says: RegExp;
}

// Line numbers are of the file: line 1 is the opening '---'.
const cases: Case[] = [
  {
    name: "an unclosed flow sequence",
    lines: ["---", "title: Broken", 'dri: "@a"', "stakeholders: [one, two", "milestones: []", "---"],
    line: 4,
    says: /invalid YAML/,
  },
  {
    name: "an unclosed flow sequence at the end of the front matter",
    lines: ["---", "title: Broken", 'dri: "@a"', "stakeholders: [one, two", "---"],
    line: 4,
    says: /invalid YAML/,
  },
  {
    name: "a mis-indented key",
    lines: ["---", "title: Broken", 'dri: "@a"', "  bad: indent", "---"],
    line: 4,
    says: /invalid YAML/,
  },
  {
    name: "a duplicate key",
    lines: ["---", "title: a", 'dri: "@a"', "title: b", "---"],
    line: 4,
    says: /invalid YAML.*unique/,
  },
  {
    name: "an unterminated quote",
    lines: ["---", 'title: "unterminated', 'dri: "@a"', "---"],
    line: 2,
    says: /invalid YAML/,
  },
  {
    name: "a tab used for indentation",
    lines: ["---", "title: a", 'dri: "@a"', "estimates:", "\tcapacity: 3", "---"],
    line: 5,
    says: /invalid YAML.*[Tt]ab/,
  },
  {
    name: "a word where a number belongs",
    lines: ["---", "title: a", 'dri: "@a"', "estimates:", "  capacity: ten", "---"],
    line: 5,
    column: 13,
    says: /'estimates\.capacity': expected a number/,
  },
  {
    name: "a string where a list belongs",
    lines: ["---", "title: a", 'dri: "@a"', "stakeholders: just one person", "---"],
    line: 4,
    column: 15,
    says: /'stakeholders': expected a list, not the text 'just one person'/,
  },
  {
    name: "a value outside its choices",
    lines: ["---", "title: a", 'dri: "@a"', "status: redy", "---"],
    line: 4,
    column: 9,
    says: /'status'.*"ready"/,
  },
  {
    name: "an unknown key, with a suggestion",
    lines: ["---", "title: a", 'dri: "@a"', "stakeholder: [x]", "---"],
    line: 4,
    column: 1,
    says: /unknown key 'stakeholder'.*did you mean 'stakeholders'/,
  },
  {
    name: "an unknown nested key, with a suggestion",
    lines: ["---", "title: a", 'dri: "@a"', "security:", "  risc: low", "---"],
    line: 5,
    column: 3,
    says: /unknown key 'security\.risc'.*did you mean 'risk'/,
  },
  {
    name: "an impossible date",
    lines: ["---", "title: a", 'dri: "@a"', "milestones:", "  - name: M1", "    due: 2026-02-30", "    issues: [CLOUD-1]", "---"],
    line: 6,
    column: 10,
    says: /'milestones\.0\.due'.*YYYY-MM-DD/,
  },
  {
    name: "a date in another format",
    lines: ["---", "title: a", 'dri: "@a"', "milestones:", "  - name: M1", "    due: 15/12/2026", "    issues: [CLOUD-1]", "---"],
    line: 6,
    says: /YYYY-MM-DD/,
  },
  {
    name: "an issue reference that is neither a Jira key nor owner/repo#n",
    lines: ["---", "title: a", 'dri: "@a"', "milestones:", "  - name: M1", "    due: 2026-02-01", "    issues: [CLOUD-1, CLOUD42]", "---"],
    line: 7,
    column: 23,
    says: /'CLOUD42' is not an issue reference/,
  },
  {
    name: "a missing title",
    lines: ["---", 'dri: "@a"', "---"],
    line: 2,
    says: /'title'/,
  },
  {
    name: "front matter that is a list",
    lines: ["---", "- a", "- b", "---"],
    line: 2,
    says: /mapping/,
  },
  {
    name: "empty front matter",
    lines: ["---", "---"],
    line: 2,
    says: /mapping/,
  },
  {
    name: "no front matter",
    lines: ["# Just a heading", "", "Some text."],
    line: 1,
    column: 1,
    says: /no front matter.*---/,
  },
  {
    name: "an empty file",
    lines: [""],
    line: 1,
    column: 1,
    says: /no front matter/,
  },
  {
    name: "front matter that is never closed",
    lines: ["---", "title: a", 'dri: "@a"'],
    line: 3,
    says: /not closed/,
  },
];

describe("malformed or mistyped front matter", () => {
  for (const c of cases) {
    it(`${c.name}: exit 2 at line ${c.line}`, async () => {
      const root = projectWith(`${c.lines.join("\n")}\n`);
      const result = await run(["dor", "check", "p", "--offline", "--json"], { cwd: root });
      expect(result.code).toBe(2);
      // The one document is still printed, failing, with the problems in `errors`.
      expect(JSON.parse(result.stdout)).toMatchObject({ passed: false, errors: expect.arrayContaining([expect.objectContaining({ location: expect.any(String), message: expect.any(String) })]) });
      expectOneLineError(result.stderr);
      const match = /^error: p\/project\.md:(\d+):(\d+): (.*)$/.exec(result.stderr.trimEnd());
      expect(match, result.stderr).not.toBeNull();
      expect(Number(match![1]), result.stderr).toBe(c.line);
      if (c.column !== undefined) expect(Number(match![2]), result.stderr).toBe(c.column);
      expect(match![3]).toMatch(c.says);
      expect(result.stderr).not.toMatch(/unexpected failure/);
    });
  }

  it("is reported by dod check the same way", async () => {
    const root = projectWith("---\ntitle: a\ndri: \"@a\"\nestimates:\n  capacity: ten\n---\n");
    const result = await run(["dod", "check", "p"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: p\/project\.md:5:13: /);
  });

  it("shows the path relative to the working directory", async () => {
    const root = projectWith("---\ntitle: a\ndri: \"@a\"\nstatus: redy\n---\n");
    const result = await run(["dor", "check", "project.md"], { cwd: path.join(root, "p") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: project\.md:4:9: /);
  });
});

describe("front matter that is fine", () => {
  it("Windows line endings and a byte-order mark are read like any other file", async () => {
    const ex = copyExample();
    for (const file of [ex.projectMd, ex.rfcMd]) {
      writeFileSync(file, `\uFEFF${readFileSync(file, "utf8").replace(/\n/g, "\r\n")}`);
    }
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"]);
    expect(code).toBe(0);
    expect(report.passed).toBe(true);
  });

  it("a minimal project (title and DRI only) is judged, not rejected", async () => {
    const root = projectWith('---\ntitle: Minimal\ndri: "@a"\n---\n');
    const { code, report } = await checkJson(root, "dor", ["p", "--offline"]);
    expect(code).toBe(1);
    expect(report.projects[0]!.title).toBe("Minimal");
    expect(report.projects[0]!.criteria.every((c) => c.status === "unmet")).toBe(true);
  });
});
