/**
 * Hostile YAML (src/text/yaml.ts): deep nesting is refused before it can exhaust the stack, duplicate
 * keys are found in linear time and reported at the second key, and a key named `__proto__` is an
 * unknown key like any other instead of vanishing.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { MAX_YAML_DEPTH, parseYaml } from "../../src/text/yaml.js";
import { baseEnv } from "../helpers/run-cli.js";
import { expectOneLineError, projectRoot, run } from "../spine/support.js";

function parseError(text: string, lineOffset = 0): InputError {
  try {
    parseYaml(text, { file: "f.yaml", lineOffset });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("parsed without an error");
}

/** A project root with one project, docs/projects/p, whose front matter has this after title and dri. */
function projectWith(frontMatter: string): string {
  const root = projectRoot();
  mkdirSync(path.join(root, "docs/projects/p"), { recursive: true });
  writeFileSync(path.join(root, "docs/projects/p/project.md"), `---\ntitle: a\ndri: "@a"\n${frontMatter}\n---\n# Context\n`);
  return root;
}

describe("nesting depth", () => {
  // Each makes exactly n levels, the top-level mapping or sequence being the first.
  const flow = (n: number) => `a: ${"[".repeat(n - 1)}${"]".repeat(n - 1)}\n`;
  const mixed = (n: number) => {
    const openers = Array.from({ length: n - 1 }, (_, i) => (i % 2 === 0 ? "[" : "{b: "));
    const closers = openers.map((o) => (o === "[" ? "]" : "}")).reverse();
    return `a: ${openers.join("")}1${closers.join("")}\n`;
  };
  const makers: [string, (n: number) => string][] = [
    ["flow sequences", flow],
    ["flow mappings", (n) => `a: ${"{b: ".repeat(n - 1)}1${"}".repeat(n - 1)}\n`],
    ["block mappings", (n) => `${Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1\n`],
    ["block sequences", (n) => `${Array.from({ length: n }, (_, i) => `${" ".repeat(2 * i)}-`).join("\n")} 1\n`],
    ["flow inside block", mixed],
  ];

  it.each(makers)(`%s: ${MAX_YAML_DEPTH} levels are read, one more is refused with its position`, (_name, make) => {
    expect(() => parseYaml(make(MAX_YAML_DEPTH), { file: "f.yaml" })).not.toThrow();
    expect(parseError(make(MAX_YAML_DEPTH + 1)).message).toMatch(/^f\.yaml:\d+:\d+: invalid YAML: nested more than 64 levels deep$/);
  });

  it("8,000 nested [ are refused at the first bracket too deep, not by exhausting the stack", () => {
    const error = parseError(`a: ${"[".repeat(8000)}${"]".repeat(8000)}\n`, 1);
    // The mapping is level 1, so the 64th bracket opens level 65: column 4 + 63.
    expect(error.location).toBe("f.yaml:2:67");
    expect(error.message).toBe("f.yaml:2:67: invalid YAML: nested more than 64 levels deep");
  });

  it("20,000 unclosed [ are refused the same way", () => {
    expect(parseError(`a: ${"[".repeat(20_000)}\n`).message).toMatch(/nested more than 64 levels deep$/);
  });

  it("through dor check: exit 2 with the location, in project.md and in cloud.config.yaml", async () => {
    const project = await run(["dor", "check", "--offline"], { cwd: projectWith(`stakeholders: ${"[".repeat(8000)}${"]".repeat(8000)}`) });
    expect(project.code).toBe(2);
    expectOneLineError(project.stderr);
    expect(project.stderr).toMatch(/^error: docs\/projects\/p\/project\.md:4:78: invalid YAML: nested more than 64 levels deep\./);

    const config = await run(["dor", "check"], { cwd: projectRoot(`docs: ${"[".repeat(8000)}${"]".repeat(8000)}\n`) });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/^error: cloud\.config\.yaml:1:70: invalid YAML: nested more than 64 levels deep\./);
  });

  const bin = fileURLToPath(new URL("../../bin/cloud.js", import.meta.url));
  it.runIf(existsSync(fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url))))("the built binary exits 2, not killed by V8", async () => {
    const cwd = projectWith(`stakeholders: ${"[".repeat(8000)}`);
    const result = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, "dor", "check", "--offline"], { cwd, env: baseEnv() as NodeJS.ProcessEnv }, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, signal: error?.signal ?? null, stderr });
      });
    });
    expect(result).toMatchObject({ code: 2, signal: null });
    expect(result.stderr).toMatch(/nested more than 64 levels deep/);
  });
});

describe("duplicate keys", () => {
  it("are reported at the second key, naming the line of the first", () => {
    const error = parseError("title: a\ndocs:\n  dir: x\n  other: y\n  dir: z\n", 1);
    expect(error.message).toBe("f.yaml:6:3: invalid YAML: map keys must be unique; 'dir' is already a key on line 4");
  });

  it("are keys that make the same property: 1 and '1', null and ''", () => {
    expect(parseError("1: a\n'1': b\n").location).toBe("f.yaml:2:1");
    expect(parseError("~: a\n'': b\n").location).toBe("f.yaml:2:1");
  });

  it("in separate mappings are not duplicates", () => {
    expect(parseYaml("a: {x: 1}\nb: {x: 2}\nc: [{x: 1}, {x: 2}]\n", { file: "f.yaml" }).value).toEqual({ a: { x: 1 }, b: { x: 2 }, c: [{ x: 1 }, { x: 2 }] });
  });

  // The yaml library's uniqueKeys compares each key with all before it: 100,000 keys took 910 s.
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(5, "0")}: ${i}`).join("\n");

  it("100,000 keys (1 MB) are checked in one pass (a hang guard, not a timing)", () => {
    const text = `${keys(100_000)}\nk00007: again\n`;
    expect(text.length).toBeGreaterThan(1_000_000);
    const error = parseError(text);
    expect(error.message).toBe("f.yaml:100001:1: invalid YAML: map keys must be unique; 'k00007' is already a key on line 8");
  });

  it("distinct keys all reach the value", () => {
    expect(Object.keys(parseYaml(keys(2_000), { file: "f.yaml" }).value as object)).toHaveLength(2_000);
  });

  it("through dor check: the duplicate in project.md is exit 2 at its position", async () => {
    const result = await run(["dor", "check", "--offline"], { cwd: projectWith("status: draft\ntitle: b") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: docs\/projects\/p\/project\.md:5:1: invalid YAML: map keys must be unique; 'title' is already a key on line 2\./);
  });
});

describe("__proto__ as a key", () => {
  it("survives into the value as an own key", () => {
    const value = parseYaml("waivers:\n  __proto__: because\n", { file: "f.yaml" }).value as { waivers: object };
    expect(Object.keys(value.waivers)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(value.waivers)).toBe(Object.prototype);
  });

  it.each([
    ["a waiver named __proto__", 'waivers:\n  __proto__: "no reason"', "4:1", "5:3", "waivers.__proto__"],
    ["a quoted one, with an object", 'waivers:\n  "__proto__": { reason: r }', "4:1", "5:3", "waivers.__proto__"],
    ["one next to a real waiver", 'waivers:\n  context: "fine"\n  __proto__: "x"', "4:1", "6:3", "waivers.__proto__"],
    ["a nested key", "security:\n  __proto__: { risk: low }", "4:1", "5:3", "security.__proto__"],
    ["a top-level key", "__proto__: x", "4:1", "4:1", "__proto__"],
  ])("%s is exit 2: an unknown key at its position", async (_name, frontMatter, _at, location, key) => {
    const result = await run(["dor", "check", "--offline"], { cwd: projectWith(frontMatter) });
    expect(result.code, result.stderr).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toMatch(new RegExp(`^error: docs/projects/p/project\\.md:${location}: unknown key '${key.replace(/\./g, "\\.")}' in front matter`));
  });

  it("in cloud.config.yaml is exit 2 as well", async () => {
    const result = await run(["dor", "check"], { cwd: projectRoot("github:\n  __proto__: { owner: x }\n") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cloud\.config\.yaml:2:3: unknown key 'github\.__proto__'/);
  });
});
