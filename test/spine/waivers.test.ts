/** Waivers in the front matter: a reason (string or object), who and until when; bad ones are exit 2. */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { byId, checkJson, copyExample, expectOneLineError, removeSection, run, statuses } from "./support.js";

/** The example with its `waivers:` block replaced by `block` (YAML lines, already indented). */
function exampleWithWaivers(block: string): { root: string; projectMd: string; rfcMd: string; lineOf: (text: string) => number } {
  const example = copyExample();
  const text = readFileSync(example.projectMd, "utf8");
  const start = text.indexOf("\nwaivers:\n");
  const end = text.indexOf("\n---\n", start);
  if (start === -1 || end === -1) throw new Error("the example's waivers block moved");
  writeFileSync(example.projectMd, `${text.slice(0, start)}\nwaivers:\n${block.replace(/\n$/, "")}${text.slice(end)}`);
  const lines = readFileSync(example.projectMd, "utf8").split("\n");
  const lineOf = (needle: string) => {
    const i = lines.findIndex((l) => l.includes(needle));
    if (i === -1) throw new Error(`'${needle}' not in project.md`);
    return i + 1;
  };
  return { ...example, lineOf };
}

/** Noon UTC on a day: the same calendar day in every time zone the tests might run in. */
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("a waiver with a reason", () => {
  it("a string reason waives an unmet criterion and the gate passes", async () => {
    const reason = "No new data paths; reviewed with the security ambassador";
    const ex = exampleWithWaivers(`  security-assessment: "${reason}"\n`);
    removeSection(ex.rfcMd, "Security assessment");
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"]);
    expect(code).toBe(0);
    const c = byId(report.projects[0]!)["security-assessment"]!;
    expect(c.status).toBe("waived");
    expect(c.detail).toContain(reason);
    expect(c.location).toBe(`projects/new-region/project.md:${ex.lineOf("security-assessment:")}`);
  });

  it("without the waiver the same project fails (the waiver is what passes it)", async () => {
    const ex = exampleWithWaivers("  legal-approval: x");
    removeSection(ex.rfcMd, "Security assessment");
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"]);
    expect(code).toBe(1);
    expect(byId(report.projects[0]!)["security-assessment"]!.status).toBe("unmet");
  });

  it("an object with reason, by and until waives until that day, naming who", async () => {
    const ex = exampleWithWaivers(
      ["  cost-projection:", '    reason: "Internal tooling only"', '    by: "@ryphil"', "    until: 2027-03-31"].join("\n"),
    );
    const base = await checkJson(copyExample().root, "dor", ["--offline"], { now: day("2027-01-01") });
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"], { now: day("2027-03-31") });
    expect(code).toBe(0);
    const c = byId(report.projects[0]!)["cost-projection"]!;
    expect(c.status).toBe("waived");
    expect(c.detail).toContain("Internal tooling only");
    expect(c.detail).toContain("@ryphil");
    expect(c.detail).toContain("2027-03-31");
    expect(c.location).toBe(`projects/new-region/project.md:${ex.lineOf("cost-projection:")}`);
    // Waiving a met criterion changes only that criterion.
    expect(statuses(report.projects[0]!)).toEqual({ ...statuses(base.report.projects[0]!), "cost-projection": "waived" });
  });

  it("a waiver for a DoD criterion is allowed while checking the DoR, and does nothing there", async () => {
    const ex = exampleWithWaivers('  launch-questionnaire: "Not a customer-facing launch"\n');
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"]);
    expect(code).toBe(0);
    expect(report.projects[0]!.criteria.some((c) => c.status === "waived")).toBe(false);
  });
});

describe("a waiver that lapses", () => {
  const block = ["  security-assessment:", '    reason: "Reviewed informally"', '    by: "@alice"', "    until: 2027-03-31"].join("\n");

  it("after `until` the criterion is judged again and the detail says the waiver lapsed", async () => {
    const ex = exampleWithWaivers(block);
    removeSection(ex.rfcMd, "Security assessment");
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"], { now: day("2027-04-01") });
    expect(code).toBe(1);
    const c = byId(report.projects[0]!)["security-assessment"]!;
    expect(c.status).toBe("unmet");
    expect(c.detail).toMatch(/lapsed/);
    expect(c.detail).toContain("2027-03-31");
    // Judged again means the ordinary verdict: the missing section is named.
    expect(c.detail).toContain("Security assessment");
  });

  it("on the `until` day itself the waiver still holds", async () => {
    const ex = exampleWithWaivers(block);
    removeSection(ex.rfcMd, "Security assessment");
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"], { now: day("2027-03-31") });
    expect(code).toBe(0);
    expect(byId(report.projects[0]!)["security-assessment"]!.status).toBe("waived");
  });

  it("a lapsed waiver on a criterion that is met now is simply met", async () => {
    const ex = exampleWithWaivers(block);
    const { code, report } = await checkJson(ex.root, "dor", ["--offline"], { now: day("2030-01-01") });
    expect(code).toBe(0);
    const c = byId(report.projects[0]!)["security-assessment"]!;
    expect(c.status).toBe("met");
    expect(c.detail).toMatch(/lapsed/);
  });

  it("a waived linked-issue criterion is not looked up (no tracker needed online)", async () => {
    const ex = exampleWithWaivers(["  issues-ready:", "    reason: Reviewed in planning", "    until: 2027-03-31"].join("\n"));
    const waived = await checkJson(ex.root, "dor", [], { now: day("2027-03-01") });
    expect(waived.stderr).toBe("");
    expect(waived.code).toBe(0);
    expect(byId(waived.report.projects[0]!)["issues-ready"]!.status).toBe("waived");
    // Once it lapses, the criterion is judged again: offline, that means skipped.
    const lapsed = await checkJson(ex.root, "dor", ["--offline"], { now: day("2027-04-01") });
    const c = byId(lapsed.report.projects[0]!)["issues-ready"]!;
    expect(c.status).toBe("skipped");
    expect(c.detail).toMatch(/lapsed/);
  });
});

describe("a waiver that is not one is exit 2 at its position", () => {
  const cases: [string, string, string][] = [
    ["an empty string reason", '  context: ""', "context:"],
    ["a blank string reason", '  context: "   "', "context:"],
    ["an empty object reason", '  context:\n    reason: ""\n    by: "@a"', 'reason: ""'],
    ["an object without a reason", '  context:\n    by: "@a"\n    until: 2027-01-01', 'by: "@a"'],
    ["a null waiver", "  context:", "context:"],
  ];
  for (const [name, block, at] of cases) {
    it(name, async () => {
      const ex = exampleWithWaivers(block);
      const result = await run(["dor", "check", "--offline", "--json"], { cwd: ex.root });
      expect(result.code).toBe(2);
      // The one document is still printed, failing, with the problems in `errors`.
      expect(JSON.parse(result.stdout)).toMatchObject({ passed: false, errors: expect.arrayContaining([expect.objectContaining({ location: expect.any(String), message: expect.any(String) })]) });
      expectOneLineError(result.stderr);
      const match = /^error: projects\/new-region\/project\.md:(\d+):(\d+): /.exec(result.stderr);
      expect(match, result.stderr).not.toBeNull();
      expect(Number(match![1])).toBe(ex.lineOf(at));
      expect(result.stderr).toMatch(/reason/);
    });
  }

  it("an invalid `until` date is exit 2 at the date", async () => {
    const ex = exampleWithWaivers('  context:\n    reason: "x"\n    until: 2027-02-30');
    const result = await run(["dor", "check", "--offline"], { cwd: ex.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`projects/new-region/project.md:${ex.lineOf("until:")}:12:`);
  });

  it("a waiver for an unknown criterion is exit 2 with a suggestion", async () => {
    const ex = exampleWithWaivers('  secruity-assessment: "typo"');
    const result = await run(["dor", "check", "--offline"], { cwd: ex.root });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toContain(`projects/new-region/project.md:${ex.lineOf("secruity-assessment")}:3:`);
    expect(result.stderr).toContain("secruity-assessment");
    expect(result.stderr).toContain("did you mean 'security-assessment'");
  });

  it("an unknown id that resembles nothing is still exit 2, from either gate", async () => {
    const ex = exampleWithWaivers('  bananas: "no"');
    for (const gate of ["dor", "dod"]) {
      const result = await run([gate, "check", "--offline"], { cwd: ex.root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("bananas");
      expect(result.stderr).not.toContain("did you mean");
    }
  });
});
