/** cloud.config.yaml: found by walking up, validated with positions, secrets refused. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkJson, copyExample, expectOneLineError, initProject, projectRoot, run } from "./support.js";

interface Case {
  name: string;
  yaml: string;
  line: number;
  column?: number;
  says: RegExp;
}

const cases: Case[] = [
  {
    name: "an unknown key, with a suggestion",
    yaml: "docs:\n  dir: docs/projects\n  dirr: other\n",
    line: 3,
    column: 3,
    says: /unknown key 'docs\.dirr'.*did you mean 'dir'/,
  },
  {
    name: "an unknown top-level key, with a suggestion",
    yaml: "jria:\n  host: https://example.atlassian.net\n",
    line: 1,
    column: 1,
    says: /unknown key 'jria'.*did you mean 'jira'/,
  },
  {
    name: "an unknown key with nothing like it",
    yaml: "github:\n  owner: acme\n  zebra: 1\n",
    line: 3,
    column: 3,
    says: /unknown key 'github\.zebra'/,
  },
  {
    name: "a string where a number belongs",
    yaml: "github:\n  owner: acme\n  project: seven\n",
    line: 3,
    column: 12,
    says: /'github\.project'/,
  },
  {
    name: "a number out of range",
    yaml: "branch:\n  maxLength: 5\n",
    line: 2,
    column: 14,
    says: /'branch\.maxLength'.*at least 20/,
  },
  {
    name: "a list where a string belongs",
    yaml: "docs:\n  dir: [a, b]\n",
    line: 2,
    column: 8,
    says: /'docs\.dir'/,
  },
  {
    name: "a scalar where a section belongs",
    yaml: "docs: docs/projects\n",
    line: 1,
    column: 7,
    says: /'docs'/,
  },
  {
    name: "a host that is not a URL",
    yaml: "jira:\n  host: example.atlassian.net\n",
    line: 2,
    column: 9,
    says: /'jira\.host'.*URL/,
  },
  {
    name: "malformed YAML",
    yaml: "docs:\n  dir: docs/projects\n templates: x\n",
    line: 3,
    says: /invalid YAML/,
  },
  {
    name: "an unclosed flow sequence",
    yaml: "github:\n  doneValues: [Done, Shipped\n  owner: acme\n",
    line: 2,
    says: /invalid YAML/,
  },
  {
    name: "a duplicate key",
    yaml: "docs:\n  dir: a\n  dir: b\n",
    line: 3,
    says: /invalid YAML/,
  },
];

describe("an invalid cloud.config.yaml is exit 2 with file:line:column", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const root = projectRoot(c.yaml);
      for (const argv of [
        ["dor", "check", "--json"],
        ["project", "init", "X", "--dri", "@x", "--yes"],
      ]) {
        const result = await run(argv, { cwd: root });
        expect(result.code, argv.join(" ")).toBe(2);
        expect(result.stdout).toBe("");
        expectOneLineError(result.stderr);
        const match = /^error: cloud\.config\.yaml:(\d+):(\d+): (.*)$/.exec(result.stderr.trimEnd());
        expect(match, result.stderr).not.toBeNull();
        expect(Number(match![1]), result.stderr).toBe(c.line);
        if (c.column !== undefined) expect(Number(match![2]), result.stderr).toBe(c.column);
        expect(match![3]).toMatch(c.says);
      }
    });
  }
});

describe("secrets stay out of the config file", () => {
  const secrets: [string, string, number][] = [
    ["jira.apiToken", "jira:\n  host: https://example.atlassian.net\n  apiToken: s3cr3t-value-123\n", 3],
    ["github.token", "github:\n  token: ghp_s3cr3t-value-123\n", 2],
    ["a top-level password", "password: s3cr3t-value-123\n", 1],
    ["jira.api_key", "jira:\n  api_key: s3cr3t-value-123\n", 2],
  ];
  for (const [name, yaml, line] of secrets) {
    it(`${name} is exit 2, pointing at the key, without echoing the value`, async () => {
      const root = projectRoot(yaml);
      const result = await run(["dor", "check"], { cwd: root });
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr);
      expect(result.stderr).toMatch(new RegExp(`^error: cloud\\.config\\.yaml:${line}:\\d+: `));
      expect(result.stderr).toContain("keep secrets out of committed files");
      expect(result.stderr).not.toContain("s3cr3t");
    });
  }

  it("is refused even when the rest of the file is also wrong", async () => {
    const root = projectRoot("jira:\n  token: s3cr3t-value-123\n  hots: x\n");
    const result = await run(["dor", "check"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("secret");
    expect(result.stderr).not.toContain("s3cr3t");
  });
});

describe("finding the config", () => {
  it("walks up from a subfolder and resolves docs.dir against the config's folder", async () => {
    const { root } = copyExample(); // cloud.config.yaml at the root says docs.dir: projects
    const cwd = path.join(root, "a", "b", "c");
    mkdirSync(cwd, { recursive: true });
    const { code, report } = await checkJson(cwd, "dor", ["--offline"]);
    expect(code).toBe(0);
    expect(report.projects.map((p) => p.path)).toEqual(["../../../projects/new-region/project.md"]);
    expect(report.projects[0]!.criteria[0]!.location).toMatch(/^\.\.\/\.\.\/\.\.\/projects\/new-region\/rfc\.md:\d+$/);
  });

  it("an error in a config found above names it relative to the working directory", async () => {
    const root = projectRoot("docs:\n  dri: x\n");
    const cwd = path.join(root, "sub");
    mkdirSync(cwd);
    const result = await run(["dor", "check"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: \.\.\/cloud\.config\.yaml:2:3: unknown key 'docs\.dri'.*did you mean 'dir'/);
  });

  it("the nearest config wins over one further up", async () => {
    const root = projectRoot("docs:\n  dir: outer\n");
    const inner = path.join(root, "inner");
    mkdirSync(inner);
    writeFileSync(path.join(inner, "cloud.config.yaml"), "docs:\n  dir: inner-projects\n");
    const result = await run(["project", "init", "Nearest", "--dri", "@n", "--yes"], { cwd: inner });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("inner-projects/nearest/project.md\ninner-projects/nearest/rfc.md\n");
  });

  it("project init from a subfolder writes under the config's docs.dir", async () => {
    const root = projectRoot("docs:\n  dir: design/projects\n");
    const cwd = path.join(root, "src", "deep");
    mkdirSync(cwd, { recursive: true });
    const dir = await initProject(cwd, "From below");
    expect(dir).toBe(path.join(root, "design/projects/from-below"));
  });

  it("an empty config file means the defaults", async () => {
    const root = projectRoot("");
    const result = await run(["project", "init", "Defaults", "--dri", "@d", "--yes"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("docs/projects/defaults/project.md\ndocs/projects/defaults/rfc.md\n");
  });

  it("a config of comments only means the defaults", async () => {
    const root = projectRoot("# nothing to see\n");
    const result = await run(["project", "init", "Comments", "--dri", "@d", "--yes"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("docs/projects/comments/project.md");
  });

  it("a valid config with every section is accepted", async () => {
    const root = projectRoot(
      [
        "docs:",
        "  dir: docs/projects",
        "  templates: null",
        "jira:",
        "  host: https://example.atlassian.net",
        "  project: cloud",
        "  storyPointsField: Story Points",
        "github:",
        "  owner: acme",
        "  project: 7",
        "  milestoneField: Milestone",
        "  statusField: Status",
        "  doneValues: [Done, Shipped]",
        "  estimateField: Estimate",
        "branch:",
        '  format: "{type}/{slug}-{key}"',
        "  maxLength: 60",
        "",
      ].join("\n"),
    );
    const result = await run(["project", "init", "Valid", "--dri", "@v", "--yes"], { cwd: root });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
