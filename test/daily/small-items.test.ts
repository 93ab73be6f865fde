/** The small rough edges of the first hour, each as it was seen. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scriptedPrompter } from "../helpers/prompter.js";
import { tempRepo } from "../helpers/tmp.js";
import { DOD_IDS, DOR_IDS, checkJson, copyExample, editFrontMatter, projectRoot, run } from "../spine/support.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

describe("criterion ids", () => {
  it.each([
    ["dor", DOR_IDS],
    ["dod", DOD_IDS],
  ] as const)("cloud %s check --help lists every criterion id", async (gate, ids) => {
    const result = await run([gate, "check", "--help"], { cwd: projectRoot() });
    const listed = result.stdout.slice(result.stdout.indexOf("Criteria (ids")).split("\n").slice(1).map((l) => /^ {2}(\S+) {2,}/.exec(l)?.[1]).filter(Boolean);
    expect(listed).toEqual(ids);
  });

  it("a waiver with an unknown id points at that list", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.waivers = { "securty-assessment": "typo" };
    });
    const result = await run(["dor", "check", "--offline"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'security-assessment'");
    expect(result.stderr).toContain("`cloud dor check --help` or `cloud dod check --help` lists");
  });
});

describe("interactive project init", () => {
  it("checks the title first and asks again, keeping the other answers", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter(["!!!", "Good title", "@alice", "", "@bob (Product, Billing), @carol", ""]);
    const result = await run(["project", "init"], { cwd: root, tty: true, prompter });
    expect(result.code).toBe(0);
    expect(prompter.asked.slice(0, 2)).toEqual(["Project title", "Project title"]);
    expect(prompter.rejections).toEqual(["Use a title with some ASCII letters or digits"]);
    const projectMd = readFileSync(path.join(root, "docs/projects/good-title/project.md"), "utf8");
    expect(projectMd).toContain('stakeholders:\n  - "@bob (Product, Billing)"\n  - "@carol"');
  });
});

describe("an RFC that is not a local file", () => {
  it("a URL: the RFC's sections are skipped with one reason, not eleven findings at project.md:1", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.rfc = { doc: "https://docs.example.com/rfc/new-region", status: "approved" };
    });
    writeFileSync(path.join(path.dirname(projectMd), "rfc.md"), "# moved away\n");
    const { report } = await checkJson(root, "dor", ["--offline"]);
    const criteria = report.projects[0]!.criteria;
    expect(criteria.find((c) => c.id === "rfc")!.status).toBe("met");
    const context = criteria.find((c) => c.id === "context")!;
    expect(context).toMatchObject({ status: "skipped", detail: "section 'Context' not checked: the RFC is at https://docs.example.com/rfc/new-region, which is not read here" });
    expect(criteria.filter((c) => c.location.endsWith("project.md:1"))).toEqual([]);
  });

  it("a typo: one unmet finding about the doc, the sections skipped pointing at it", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.rfc = { doc: "rfcc.md", status: "approved" };
    });
    const { code, report } = await checkJson(root, "dor", ["--offline"]);
    expect(code).toBe(1);
    const criteria = report.projects[0]!.criteria;
    expect(criteria.filter((c) => c.status === "unmet").map((c) => [c.id, c.detail])).toEqual([["rfc", "the RFC 'rfcc.md' does not exist"]]);
    expect(criteria.find((c) => c.id === "risks")!.detail).toBe("section 'Risks' not checked: the RFC 'rfcc.md' does not exist (see rfc)");
  });
});

describe("cloud branch", () => {
  it("{type} in branch.format with --title is exit 2 saying why, instead of vanishing", async () => {
    const repo = tempRepo();
    writeFileSync(path.join(repo, "cloud.config.yaml"), 'branch:\n  format: "{type}/{slug}-{key}"\n');
    const result = await run(["branch", "CLOUD-42", "--title", "Fix it", "--dry-run"], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: branch\.format '\{type\}\/\{slug\}-\{key\}' needs the issue type, which --title does not give\. /);
  });
});

describe("help and version, as other tools answer them", () => {
  it("cloud help and cloud help <command> print the same as --help", async () => {
    const cwd = projectRoot();
    expect((await run(["help"], { cwd })).stdout).toBe((await run(["--help"], { cwd })).stdout);
    expect((await run(["help", "dor", "check"], { cwd })).stdout).toBe((await run(["dor", "check", "--help"], { cwd })).stdout);
    const unknown = await run(["help", "nope"], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: unknown command 'nope'\n");
  });

  it("cloud -v prints the version", async () => {
    const result = await run(["-v"], { cwd: projectRoot() });
    const { version } = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});

describe("the example's tour", () => {
  it("prints commands that can be copied into a shell", () => {
    const result = spawnSync(process.execPath, [path.join(REPO, "test/fixtures/example/demo.mjs")], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("$ cloud project init 'My first project' --dri @me --yes");
  });
});
