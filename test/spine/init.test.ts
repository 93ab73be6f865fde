/** `cloud project init`: files written, refusals, prompts, flags, templates. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { scriptedPrompter } from "../helpers/prompter.js";
import { tempDir } from "../helpers/tmp.js";
import { expectOneLineError, listFiles, projectRoot, run } from "./support.js";

const SLUG_DIR = "docs/projects/add-support-for-a-new-region";

function frontMatterOf(file: string): Record<string, any> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(file, "utf8"));
  if (!match) throw new Error(`no front matter in ${file}`);
  return parse(match[1]!) as Record<string, any>;
}

describe("project init writes a project", () => {
  it("writes project.md and rfc.md and prints each path, relative, one per line", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "Add support for a new region", "--dri", "@alice", "--yes"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`${SLUG_DIR}/project.md\n${SLUG_DIR}/rfc.md\n`);
    // Nothing else: no temp files left behind by the atomic writes.
    expect(listFiles(root)).toEqual(["cloud.config.yaml", `${SLUG_DIR}/project.md`, `${SLUG_DIR}/rfc.md`]);

    const fm = frontMatterOf(path.join(root, SLUG_DIR, "project.md"));
    expect(fm.title).toBe("Add support for a new region");
    expect(fm.dri).toBe("@alice");
    const rfc = readFileSync(path.join(root, SLUG_DIR, "rfc.md"), "utf8");
    expect(rfc).toContain("Add support for a new region");
    expect(rfc).not.toMatch(/\{\{/);
  });

  it("fills epic, stakeholders and milestones from flags", async () => {
    const root = projectRoot();
    const result = await run(
      [
        "project", "init", "--title", "Faster builds", "--dri", "@bob", "--epic", "cloud-7",
        "--stakeholder", "@carol (Product)", "--stakeholder", "@dave",
        "--milestone", "M1: POC@2026-12-15", "--milestone", "GA@2027-02-01", "--yes",
      ],
      { cwd: root },
    );
    expect(result.code).toBe(0);
    const fm = frontMatterOf(path.join(root, "docs/projects/faster-builds/project.md"));
    expect(fm.title).toBe("Faster builds");
    expect(fm.epic).toBe("CLOUD-7");
    expect(fm.stakeholders).toEqual(["@carol (Product)", "@dave"]);
    expect(fm.milestones).toEqual([
      { name: "M1: POC", due: "2026-12-15", issues: [] },
      { name: "GA", due: "2027-02-01", issues: [] },
    ]);
  });

  it("--dir writes under that folder instead of docs.dir", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "Elsewhere", "--dri", "@a", "--dir", "rfcs", "--yes"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("rfcs/elsewhere/project.md\nrfcs/elsewhere/rfc.md\n");
    expect(existsSync(path.join(root, "docs"))).toBe(false);
  });

  it("refuses a second time with exit 1 and leaves both files byte-identical", async () => {
    const root = projectRoot();
    const argv = ["project", "init", "Add support for a new region", "--dri", "@alice", "--yes"];
    expect((await run(argv, { cwd: root })).code).toBe(0);
    const projectMd = path.join(root, SLUG_DIR, "project.md");
    const rfcMd = path.join(root, SLUG_DIR, "rfc.md");
    writeFileSync(rfcMd, `${readFileSync(rfcMd, "utf8")}\nA person wrote this.\n`);
    const before = [readFileSync(projectMd), readFileSync(rfcMd)];

    const again = await run([...argv.slice(0, 3), "--dri", "@someone-else", "--yes"], { cwd: root });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expectOneLineError(again.stderr);
    expect(again.stderr).toContain(`${SLUG_DIR}/project.md`);
    expect(again.stderr).toContain("--force");
    expect(readFileSync(projectMd).equals(before[0]!)).toBe(true);
    expect(readFileSync(rfcMd).equals(before[1]!)).toBe(true);
  });

  it("refuses when only one of the two files exists, and writes neither", async () => {
    const root = projectRoot();
    const dir = path.join(root, SLUG_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "rfc.md"), "# my own RFC\n");
    const result = await run(["project", "init", "Add support for a new region", "--dri", "@alice", "--yes"], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${SLUG_DIR}/rfc.md`);
    expect(existsSync(path.join(dir, "project.md"))).toBe(false);
    expect(readFileSync(path.join(dir, "rfc.md"), "utf8")).toBe("# my own RFC\n");
  });

  it("--force overwrites existing files", async () => {
    const root = projectRoot();
    const argv = ["project", "init", "Add support for a new region", "--dri", "@alice", "--yes"];
    expect((await run(argv, { cwd: root })).code).toBe(0);
    const projectMd = path.join(root, SLUG_DIR, "project.md");
    const rfcMd = path.join(root, SLUG_DIR, "rfc.md");
    const pristine = readFileSync(rfcMd, "utf8");
    writeFileSync(rfcMd, "scribbled over\n");
    writeFileSync(projectMd, "scribbled over\n");

    const forced = await run(["project", "init", "Add support for a new region", "--dri", "@zoe", "--yes", "--force"], { cwd: root });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`${SLUG_DIR}/project.md\n${SLUG_DIR}/rfc.md\n`);
    expect(readFileSync(rfcMd, "utf8")).toBe(pristine.replaceAll("@alice", "@zoe"));
    expect(frontMatterOf(projectMd).dri).toBe("@zoe");
    expect(listFiles(root)).toEqual(["cloud.config.yaml", `${SLUG_DIR}/project.md`, `${SLUG_DIR}/rfc.md`]);
  });

  it("--dry-run prints what it would write and writes nothing", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "Add support for a new region", "--dri", "@alice", "--yes", "--dry-run"], {
      cwd: root,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${SLUG_DIR}/project.md`);
    expect(result.stdout).toContain(`${SLUG_DIR}/rfc.md`);
    expect(result.stdout).toContain("title: \"Add support for a new region\"");
    expect(result.stdout).toContain("## Context");
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });
});

describe("the folder never leaves the docs folder", () => {
  const titles = ["../../etc", "../../../../../../tmp/evil", "/etc/passwd", "C:\\Windows\\System32", "~/.ssh/config", "a/../../b"];

  for (const title of titles) {
    it(`title ${JSON.stringify(title)} lands inside docs/projects`, async () => {
      const root = projectRoot();
      const cwd = path.join(root, "a", "b");
      mkdirSync(cwd, { recursive: true });
      writeFileSync(path.join(root, "cloud.config.yaml"), "docs:\n  dir: docs/projects\n");
      const result = await run(["project", "init", title, "--dri", "@alice", "--yes"], { cwd });
      expect(result.code).toBe(0);
      const written = listFiles(root).filter((f) => f !== "cloud.config.yaml");
      expect(written).toHaveLength(2);
      for (const file of written) expect(file).toMatch(/^docs\/projects\/[a-z0-9]+(?:-[a-z0-9]+)*\/(?:project|rfc)\.md$/);
      // The printed paths are relative to the working directory and point at those files.
      const printed = result.stdout.trim().split("\n").map((p) => path.relative(root, path.resolve(cwd, p)).split(path.sep).join("/"));
      expect(printed.sort()).toEqual(written);
      expect(existsSync(path.join(root, "etc"))).toBe(false);
    });
  }

  it("a title with nothing to make a folder name from is exit 2 and writes nothing", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "../..", "--dri", "@alice", "--yes"], { cwd: root });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });
});

describe("without a terminal it never prompts", () => {
  it("no title is exit 2 naming --title, and nothing is written", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "--dri", "@alice"], { cwd: root, tty: false });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toContain("--title");
    expect(result.stdout).toBe("");
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });

  it("no DRI is exit 2 naming --dri, and nothing is written", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "A title"], { cwd: root, tty: false });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toContain("--dri");
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });

  it("does not consult a prompter even when one is available", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter(["should not be asked"]);
    const result = await run(["project", "init", "A title"], { cwd: root, tty: false, prompter });
    expect(result.code).toBe(2);
    expect(prompter.asked).toEqual([]);
  });
});

describe("on a terminal it prompts for what flags did not give", () => {
  it("asks for everything when no flags are given", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter(["Shiny new thing", "@erin", "cloud-12", "@frank, @grace (Legal)", "M1@2026-12-15; M2: GA@2027-01-31"]);
    const result = await run(["project", "init"], { cwd: root, tty: true, prompter });
    expect(result.code).toBe(0);
    expect(prompter.remaining()).toBe(0);
    expect(prompter.asked).toHaveLength(5);
    expect(prompter.asked[0]).toMatch(/title/i);
    expect(prompter.asked[1]).toMatch(/DRI/);
    expect(result.stdout.split("\n").filter(Boolean)).toEqual([
      "docs/projects/shiny-new-thing/project.md",
      "docs/projects/shiny-new-thing/rfc.md",
    ]);
    const fm = frontMatterOf(path.join(root, "docs/projects/shiny-new-thing/project.md"));
    expect(fm).toMatchObject({ title: "Shiny new thing", dri: "@erin", epic: "CLOUD-12", stakeholders: ["@frank", "@grace (Legal)"] });
    expect(fm.milestones).toEqual([
      { name: "M1", due: "2026-12-15", issues: [] },
      { name: "M2: GA", due: "2027-01-31", issues: [] },
    ]);
  });

  it("does not ask for what flags gave", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter([""]);
    const result = await run(
      ["project", "init", "Given title", "--dri", "@gina", "--epic", "CLOUD-3", "--stakeholder", "@h"],
      { cwd: root, tty: true, prompter },
    );
    expect(result.code).toBe(0);
    // Only the milestones question remains.
    for (const message of prompter.asked) expect(message).not.toMatch(/title|DRI|epic|stakeholder/i);
    expect(prompter.asked).toHaveLength(1);
    expect(prompter.asked[0]).toMatch(/milestone/i);
    const fm = frontMatterOf(path.join(root, "docs/projects/given-title/project.md"));
    expect(fm).toMatchObject({ title: "Given title", dri: "@gina", epic: "CLOUD-3", stakeholders: ["@h"] });
  });

  it("--yes never prompts", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter([]);
    const result = await run(["project", "init", "Quiet", "--dri", "@q", "--yes"], { cwd: root, tty: true, prompter });
    expect(result.code).toBe(0);
    expect(prompter.asked).toEqual([]);
    expect(existsSync(path.join(root, "docs/projects/quiet/rfc.md"))).toBe(true);
  });

  it("--yes without a DRI is exit 2 naming --dri rather than a question", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter([]);
    const result = await run(["project", "init", "Quiet", "--yes"], { cwd: root, tty: true, prompter });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--dri");
    expect(prompter.asked).toEqual([]);
  });

  it("a cancelled prompt is exit 130 and writes nothing", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter(["Half done", { cancel: true }]);
    const result = await run(["project", "init"], { cwd: root, tty: true, prompter });
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/^interrupted: [^\n]+\n$/);
    expect(result.stdout).toBe("");
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });

  it("a cancelled last prompt also writes nothing", async () => {
    const root = projectRoot();
    const prompter = scriptedPrompter(["Almost", "@x", "", "", { cancel: true }]);
    const result = await run(["project", "init"], { cwd: root, tty: true, prompter });
    expect(result.code).toBe(130);
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });
});

describe("--milestone name@date", () => {
  const good: [string, { name: string; due: string }][] = [
    ["M1: POC@2026-12-15", { name: "M1: POC", due: "2026-12-15" }],
    ["ship@it@2027-01-02", { name: "ship@it", due: "2027-01-02" }],
    ["  GA @ 2028-02-29 ", { name: "GA", due: "2028-02-29" }],
  ];
  for (const [text, expected] of good) {
    it(`accepts ${JSON.stringify(text)}`, async () => {
      const root = projectRoot();
      const result = await run(["project", "init", "M", "--dri", "@a", "--milestone", text, "--yes"], { cwd: root });
      expect(result.code).toBe(0);
      expect(frontMatterOf(path.join(root, "docs/projects/m/project.md")).milestones).toEqual([{ ...expected, issues: [] }]);
    });
  }

  const bad = ["M1", "M1@", "@2026-12-15", "M1@2026-13-01", "M1@2027-02-29", "M1@15/12/2026", "M1@2026-1-5"];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)} with exit 2 naming --milestone`, async () => {
      const root = projectRoot();
      const result = await run(["project", "init", "M", "--dri", "@a", "--milestone", text, "--yes"], { cwd: root });
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr);
      expect(result.stderr).toContain("--milestone");
      expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
    });
  }

  it("an --epic that is not a Jira key is exit 2", async () => {
    const root = projectRoot();
    const result = await run(["project", "init", "M", "--dri", "@a", "--epic", "not a key", "--yes"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--epic");
    expect(listFiles(root)).toEqual(["cloud.config.yaml"]);
  });
});

describe("templates", () => {
  it("a docs.templates folder overrides the built-in template of the same name, and only that one", async () => {
    const root = projectRoot("docs:\n  dir: docs/projects\n  templates: team/templates\n");
    mkdirSync(path.join(root, "team/templates"), { recursive: true });
    writeFileSync(
      path.join(root, "team/templates/rfc.md"),
      "# Team RFC: {{title}}\n\nOwner: {{dri}}\n\n{{sections}}\n## Team appendix\n\nAlways here.\n",
    );
    // Run from a subfolder: the templates folder is relative to the config file, not the cwd.
    const cwd = path.join(root, "team");
    const result = await run(["project", "init", "Overridden", "--dri", "@t", "--yes"], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("../docs/projects/overridden/project.md\n../docs/projects/overridden/rfc.md\n");
    const rfc = readFileSync(path.join(root, "docs/projects/overridden/rfc.md"), "utf8");
    expect(rfc.startsWith("# Team RFC: Overridden\n\nOwner: @t\n")).toBe(true);
    expect(rfc).toContain("## Context");
    expect(rfc).toContain("## Team appendix\n\nAlways here.");
    // project.md was not overridden: it comes from the built-in template.
    const project = readFileSync(path.join(root, "docs/projects/overridden/project.md"), "utf8");
    expect(project).toContain("kind: project");
    expect(frontMatterOf(path.join(root, "docs/projects/overridden/project.md")).title).toBe("Overridden");
  });

  it("an overriding project.md template is used for project.md", async () => {
    const root = projectRoot("docs:\n  templates: tpl\n");
    mkdirSync(path.join(root, "tpl"));
    writeFileSync(path.join(root, "tpl/project.md"), "---\nkind: project\ntitle: \"\"\ndri: \"\"\nstatus: draft\n---\n\n# {{title}} (team format)\n");
    const result = await run(["project", "init", "Custom", "--dri", "@c", "--yes"], { cwd: root });
    expect(result.code).toBe(0);
    const text = readFileSync(path.join(root, "docs/projects/custom/project.md"), "utf8");
    expect(text).toContain("# Custom (team format)");
    expect(text).not.toContain("launch_questionnaire");
    expect(frontMatterOf(path.join(root, "docs/projects/custom/project.md"))).toEqual({
      kind: "project",
      title: "Custom",
      dri: "@c",
      status: "draft",
    });
  });

  it("without a config file, docs/projects under the working directory is used", async () => {
    const root = tempDir();
    const result = await run(["project", "init", "No config", "--dri", "@n", "--yes"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("docs/projects/no-config/project.md\ndocs/projects/no-config/rfc.md\n");
  });
});
