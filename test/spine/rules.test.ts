/**
 * The DoR's cross-field rules, each both ways, on a copy of the example (which passes offline).
 * Every case checks the one criterion it is about and that nothing else moved.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { byId, checkJson, copyExample, editFrontMatter, expectOneLineError, removeSection, run, statuses } from "./support.js";

type FrontMatter = Record<string, any>;

/** The example's statuses, offline: everything met but the linked issues (skipped). */
async function baselineStatuses(): Promise<Record<string, string>> {
  const { root } = copyExample();
  const { code, report } = await checkJson(root, "dor", ["--offline"]);
  expect(code).toBe(0);
  return statuses(report.projects[0]!);
}

/** Apply `mutate` to a fresh copy of the example and check the DoR offline. */
async function checkWith(mutate: (fm: FrontMatter) => void, options: { rfc?: (rfcMd: string) => void } = {}) {
  const example = copyExample();
  editFrontMatter(example.projectMd, mutate);
  options.rfc?.(example.rfcMd);
  const result = await checkJson(example.root, "dor", ["--offline"]);
  expect(result.stderr).toBe("");
  const project = result.report.projects[0]!;
  return { ...result, project, criteria: byId(project), statuses: statuses(project) };
}

/** Only `id` differs from the example's baseline, and it is `status`. */
async function expectOnly(id: string, status: string, mutate: (fm: FrontMatter) => void, options?: { rfc?: (rfcMd: string) => void }) {
  const base = await baselineStatuses();
  const after = await checkWith(mutate, options);
  expect(after.statuses).toEqual({ ...base, [id]: status });
  expect(after.code).toBe(status === "unmet" ? 1 : 0);
  return after.criteria[id]!;
}

describe("security: medium or high risk needs an approval with who and when", () => {
  it("low risk without an approval is met", async () => {
    const c = await expectOnly("security-assessment", "met", (fm) => {
      fm.security = { risk: "low" };
    });
    expect(c.detail).toContain("low");
  });

  for (const risk of ["medium", "high"]) {
    it(`${risk} risk without an approval is unmet`, async () => {
      const c = await expectOnly("security-assessment", "unmet", (fm) => {
        fm.security = { risk };
      });
      expect(c.detail).toContain(risk);
      expect(c.detail).toMatch(/approval/);
      expect(c.location).toMatch(/^projects\/new-region\/project\.md:\d+$/);
    });

    it(`${risk} risk with an approval by someone on a date is met`, async () => {
      const c = await expectOnly("security-assessment", "met", (fm) => {
        fm.security = { risk, approval: { by: "@sec", date: "2026-10-01" } };
      });
      expect(c.detail).toContain("@sec");
      expect(c.detail).toContain("2026-10-01");
    });
  }

  it("no rated risk is unmet", async () => {
    const c = await expectOnly("security-assessment", "unmet", (fm) => {
      delete fm.security;
    });
    expect(c.detail).toMatch(/security\.risk/);
  });

  it("an approval without a date is an input error (exit 2) at the approval", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.security = { risk: "high", approval: { by: "@sec" } };
    });
    const result = await run(["dor", "check", "--offline"], { cwd: root });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toMatch(/projects\/new-region\/project\.md:\d+:\d+: 'security\.approval\.date'/);
  });

  it("a written section alone does not meet it when the risk is high and unapproved", async () => {
    const c = await expectOnly("security-assessment", "unmet", (fm) => {
      fm.security = { risk: "high", approval: null };
    });
    expect(c.detail).not.toMatch(/has no text/);
  });
});

describe("milestones: every milestone has a name, a due date and at least one issue", () => {
  it("a milestone without a due date is unmet, naming it", async () => {
    const c = await expectOnly("milestones", "unmet", (fm) => {
      delete fm.milestones[1].due;
    });
    expect(c.detail).toContain("M2: General availability");
    expect(c.detail).toMatch(/due date/);
  });

  it("a milestone with no issues is unmet, naming it", async () => {
    const c = await expectOnly("milestones", "unmet", (fm) => {
      fm.milestones[1].issues = [];
    });
    expect(c.detail).toContain("M2: General availability");
    expect(c.detail).toMatch(/issues/);
  });

  it("no milestones at all is unmet (and so are the MVP by milestone and the linked issues)", async () => {
    const base = await baselineStatuses();
    const after = await checkWith((fm) => {
      fm.milestones = [];
    });
    // The example also has a written MVP section, so mvp holds; linked issues have nothing to check.
    expect(after.statuses).toEqual({ ...base, milestones: "unmet", "issues-ready": "unmet" });
  });

  it("one milestone with a name, a date and an issue is met", async () => {
    const c = await expectOnly("milestones", "met", (fm) => {
      fm.milestones = [{ name: "Only", due: "2027-01-01", mvp: true, issues: ["CLOUD-1"] }];
    });
    expect(c.detail).toMatch(/1 milestone/);
  });

  it("a milestone without a name is an input error (exit 2)", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      delete fm.milestones[0].name;
    });
    const result = await run(["dor", "check", "--offline"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/project\.md:\d+:\d+: 'milestones\.0\.name'/);
  });
});

describe("mvp: exactly one MVP milestone, or a written MVP section", () => {
  const noMvpSection = { rfc: (rfcMd: string) => removeSection(rfcMd, "MVP") };

  it("one MVP milestone without a section is met", async () => {
    const c = await expectOnly("mvp", "met", () => undefined, noMvpSection);
    expect(c.detail).toContain("M1: POC");
  });

  it("no MVP milestone but a written MVP section is met", async () => {
    await expectOnly("mvp", "met", (fm) => {
      delete fm.milestones[0].mvp;
    });
  });

  it("no MVP milestone and no section is unmet", async () => {
    const c = await expectOnly("mvp", "unmet", (fm) => {
      delete fm.milestones[0].mvp;
    }, noMvpSection);
    expect(c.detail).toMatch(/MVP/);
  });

  it("no MVP milestone and an MVP section holding only guidance is unmet", async () => {
    await expectOnly("mvp", "unmet", (fm) => {
      delete fm.milestones[0].mvp;
    }, {
      rfc: (rfcMd) => {
        removeSection(rfcMd, "MVP");
        appendFileSync(rfcMd, "\n## MVP\n\n<!-- The smallest thing that delivers value. -->\n");
      },
    });
  });

  it("two MVP milestones (and no section) are unmet, naming both", async () => {
    const c = await expectOnly("mvp", "unmet", (fm) => {
      fm.milestones[1].mvp = true;
    }, noMvpSection);
    expect(c.detail).toContain("M1: POC");
    expect(c.detail).toContain("M2: General availability");
  });
});

describe("capacity: a positive number of engineer-days", () => {
  for (const value of [55, 0.5]) {
    it(`${value} is met`, async () => {
      await expectOnly("capacity-estimate", "met", (fm) => {
        fm.estimates.capacity = value;
      });
    });
  }
  for (const value of [0, -3]) {
    it(`${value} is unmet`, async () => {
      const c = await expectOnly("capacity-estimate", "unmet", (fm) => {
        fm.estimates.capacity = value;
      });
      expect(c.detail).toContain(String(value));
    });
  }
  it("missing is unmet", async () => {
    await expectOnly("capacity-estimate", "unmet", (fm) => {
      delete fm.estimates.capacity;
    });
  });
  it("a word is an input error (exit 2) at the value", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.estimates.capacity = "ten";
    });
    const result = await run(["dor", "check", "--offline"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/project\.md:\d+:\d+: 'estimates\.capacity': expected a number/);
  });
});

describe("rfc: written and approved, and it exists", () => {
  it("approved and present is met", async () => {
    const c = await expectOnly("rfc", "met", () => undefined);
    expect(c.detail).toMatch(/approved/);
  });

  for (const status of ["draft", "in-review"]) {
    it(`${status} is unmet`, async () => {
      const c = await expectOnly("rfc", "unmet", (fm) => {
        fm.rfc.status = status;
      });
      expect(c.detail).toContain(status);
    });
  }

  it("approved but the file does not exist is unmet, naming it", async () => {
    const base = await baselineStatuses();
    const after = await checkWith((fm) => {
      fm.rfc.doc = "missing-rfc.md";
    });
    expect(after.criteria.rfc!.status).toBe("unmet");
    expect(after.criteria.rfc!.detail).toContain("missing-rfc.md");
    // The RFC's sections cannot be read: they are skipped pointing at rfc, not failed one by one.
    for (const [id, status] of Object.entries(after.statuses)) {
      if (id === "rfc") continue;
      if (status === "skipped" && base[id] !== "skipped") expect(after.criteria[id]!.detail).toMatch(/not checked: the RFC 'missing-rfc\.md' does not exist \(see rfc\)$/);
      else expect(status, id).toBe(base[id]);
    }
    expect(Object.values(after.statuses).filter((s) => s === "unmet")).toHaveLength(1);
  });

  it("an approved RFC elsewhere, by URL, is met", async () => {
    const c = await expectOnly("rfc", "met", (fm) => {
      fm.rfc = { doc: "https://docs.example.com/rfc/42", status: "approved" };
    }, {
      rfc: () => undefined,
    });
    expect(c.detail).toContain("https://docs.example.com/rfc/42");
  });

  it("an RFC given as a bare path is not approved", async () => {
    await expectOnly("rfc", "unmet", (fm) => {
      fm.rfc = "rfc.md";
    });
  });

  it("no RFC is unmet", async () => {
    const c = await expectOnly("rfc", "unmet", (fm) => {
      delete fm.rfc;
    });
    expect(c.detail).toMatch(/rfc/);
  });
});

describe("dependencies: declared in front matter, or written", () => {
  it("empty lists declare that there are none", async () => {
    const c = await expectOnly("dependencies", "met", (fm) => {
      fm.dependencies = { internal: [], external: [] };
    }, { rfc: (rfcMd) => removeSection(rfcMd, "Dependencies") });
    expect(c.detail).toMatch(/no dependencies/);
  });

  it("neither lists nor a section is unmet", async () => {
    await expectOnly("dependencies", "unmet", (fm) => {
      delete fm.dependencies;
    }, { rfc: (rfcMd) => removeSection(rfcMd, "Dependencies") });
  });

  it("a written section without lists is met", async () => {
    await expectOnly("dependencies", "met", (fm) => {
      delete fm.dependencies;
    });
  });
});

describe("fields", () => {
  it("no stakeholders is unmet", async () => {
    await expectOnly("stakeholders", "unmet", (fm) => {
      fm.stakeholders = [];
    });
  });

  it("no cost projection is unmet", async () => {
    await expectOnly("cost-projection", "unmet", (fm) => {
      delete fm.estimates.cost;
    });
  });

  it("linked issues that are not well-formed are an input error, not a silent pass", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.milestones[0].issues.push("CLOUD42");
    });
    const result = await run(["dor", "check", "--offline"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("CLOUD42");
    expect(result.stderr).toContain(path.join("projects", "new-region", "project.md").split(path.sep).join("/"));
  });
});
