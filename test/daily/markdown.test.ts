/**
 * Markdown that real tools accept: markdownlint-cli2 (default rules, line length aside) over the
 * templates and every Markdown output, and the real Mermaid parser (under jsdom) over the milestone
 * chart, hostile names included. Also `--input` field names checked as gh writes them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { JSDOM } from "jsdom";
import { beforeAll, describe, expect, it } from "vitest";
import { lint } from "../helpers/markdownlint.js";
import { tempDir } from "../helpers/tmp.js";
import { copyExample, initProject, projectRoot, run } from "../spine/support.js";


describe("markdownlint-cli2 finds nothing", () => {
  it("finds something in a file that breaks a rule (the check can fail)", () => {
    expect(lint({ "bad.md": "### Starts too deep\n\n# Then a top heading\n" })).toMatch(/MD041|MD001/);
  });

  it("in a freshly scaffolded project.md and rfc.md", async () => {
    const root = projectRoot();
    const dir = await initProject(root, "Lint me", ["--stakeholder", "@bob (Product, Billing)", "--milestone", "M1: POC@2026-12-15"]);
    const files = { "project.md": readFileSync(path.join(dir, "project.md"), "utf8"), "rfc.md": readFileSync(path.join(dir, "rfc.md"), "utf8") };
    expect(lint(files)).toBe("");
  });

  it("in the example project", () => {
    const { project } = copyExample();
    expect(lint({ "project.md": readFileSync(path.join(project, "project.md"), "utf8"), "rfc.md": readFileSync(path.join(project, "rfc.md"), "utf8") })).toBe("");
  });

  it("in dor check --format markdown: one failing project, one passing, several", async () => {
    const fresh = projectRoot();
    await initProject(fresh, "Fresh one");
    const failing = await run(["dor", "check", "--offline", "--format", "markdown"], { cwd: fresh });
    const { root } = copyExample();
    const passing = await run(["dor", "check", "--offline", "--format", "markdown"], { cwd: root });
    await initProject(root, "Second one");
    const several = await run(["dor", "check", "--offline", "--format", "markdown"], { cwd: root });
    const dod = await run(["dod", "check", "--offline", "--format", "markdown"], { cwd: root });
    expect(failing.stdout).toMatch(/^# ❌ Fresh one/);
    expect(passing.stdout).toMatch(/^# ✅ /);
    expect(several.stdout).toContain("<details>");
    expect(lint({ "failing.md": failing.stdout, "passing.md": passing.stdout, "several.md": several.stdout, "dod.md": dod.stdout })).toBe("");
  });

  it("in milestone report --format markdown", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "items.json"), JSON.stringify(itemList(["M1: POC", "M2: Beta"])));
    const result = await run(["milestone", "report", "--input", "items.json", "--format", "markdown"], { cwd, now: new Date("2026-01-25T09:00:00Z") });
    expect(result.code).toBe(0);
    expect(lint({ "report.md": `${result.stdout}` })).toBe("");
  });
});

/** gh's JSON for one issue per milestone name, each with a status and an estimate. */
function itemList(names: string[], fieldKey = "milestone") {
  return {
    items: names.map((name, i) => ({
      content: { type: "Issue", title: `Issue ${i}`, number: i + 1, repository: "acme/api", url: `https://github.com/acme/api/issues/${i + 1}`, body: "" },
      id: `PVTI_${i}`,
      [fieldKey]: { title: name, description: "", dueOn: `2026-0${(i % 9) + 1}-15T00:00:00Z` },
      status: i % 2 === 0 ? "Done" : "Todo",
      estimate: i + 1,
      title: `Issue ${i}`,
    })),
    totalCount: names.length,
  };
}

describe("the Mermaid chart, read by the real parser", () => {
  type Mermaid = typeof import("mermaid").default;
  let mermaid: Mermaid;
  beforeAll(async () => {
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    mermaid = (await import("mermaid")).default;
    mermaid.initialize({ startOnLoad: false });
  });

  async function chartOf(names: string[]) {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "items.json"), JSON.stringify(itemList(names)));
    const result = await run(["milestone", "report", "--input", "items.json", "--format", "markdown"], { cwd, now: new Date("2026-01-25T09:00:00Z") });
    expect(result.code).toBe(0);
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(result.stdout)![1]!;
    const parsed = await mermaid.parse(chart);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(chart);
    const db = diagram.db as unknown as { getXYChartData(): { xAxis: { categories: string[] }; plots: { data: [string, number][] }[] }; getChartConfig(): { chartOrientation: string } };
    return { parsed, data: db.getXYChartData(), orientation: db.getChartConfig().chartOrientation };
  }

  it("six real milestone names: horizontal bars, one labelled bar each", async () => {
    const names = ["M1: Proof of concept in the staging region", "M2: Private beta with two design partners", "M3: Public beta", "M4: General availability (EU)", "M5: General availability (US)", "M6: Decommission the old stack"];
    const { parsed, data, orientation } = await chartOf(names);
    expect(parsed.diagramType).toBe("xychart");
    expect(orientation).toBe("horizontal");
    expect(data.xAxis.categories).toHaveLength(6);
    expect(new Set(data.xAxis.categories).size).toBe(6);
    expect(data.plots[0]!.data).toHaveLength(6);
  });

  it("hostile names can change neither the syntax nor the configuration, and names that differ only in quotes stay two bars", async () => {
    const names = ['%%{init: {"theme": "dark"}}%%', "%% a comment", 'Say "hi"', "Say 'hi'", "Close ] bracket, [open", "Back\\slash `code` <b>"];
    const { parsed, data } = await chartOf(names);
    expect(parsed.config).toEqual({});
    expect(data.xAxis.categories).toHaveLength(names.length);
    expect(new Set(data.xAxis.categories).size).toBe(names.length);
  });
});

describe("--input field names, as gh writes them", () => {
  async function reportWith(list: unknown, args: string[] = []) {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "items.json"), JSON.stringify(list));
    return run(["milestone", "report", "--input", "items.json", "--json", ...args], { cwd, now: new Date("2026-01-25T09:00:00Z") });
  }

  it("a misspelt --field is exit 2 naming the fields the file has", async () => {
    const result = await reportWith(itemList(["M1"]), ["--field", "Milestne"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: items\.json: no item has a value for the field 'Milestne' \(--field or github\.milestoneField\); the fields in the file are 'estimate', 'milestone', 'status', 'title'/);
  });

  it("a misspelt status or estimate field in the config is exit 2 too", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "items.json"), JSON.stringify(itemList(["M1"])));
    writeFileSync(path.join(cwd, "cloud.config.yaml"), "github:\n  estimateField: Estimat\n");
    const result = await run(["milestone", "report", "--input", "items.json", "--json"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'Estimat' (github.estimateField)");
  });

  it.each([
    ["🏃 Sprint", "\uFFFD\uFFFD\uFFFD\uFFFD Sprint"],
    ["État", "\uFFFD\uFFFDtat"],
    ["Sprint", "sprint"],
  ])("a field named %s is found under gh's key", async (name, key) => {
    const result = await reportWith(itemList(["Iteration A", "Iteration B"], key), ["--field", name]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).milestones.map((m: { name: string }) => m.name)).toEqual(["Iteration A", "Iteration B"]);
  });
});
