/** Property-based tests: arbitrary input never escapes the docs folder or crashes the checker. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseProjectDocument } from "../../src/projects/front-matter.js";
import { evaluate } from "../../src/gates/judge.js";
import { parseGates } from "../../src/gates/definitions.js";
import { parseSections } from "../../src/projects/sections.js";
import { InputError } from "../../src/errors.js";
import { baseEnv, cli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/tmp.js";

const gates = parseGates(readFileSync(new URL("../../templates/gates.yaml", import.meta.url), "utf8"));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("project init with arbitrary titles", () => {
  it("writes only inside the docs folder, or refuses with exit 2", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "grapheme", maxLength: 80 }),
          fc.constantFrom("../../etc", "/etc/passwd", "..", ".", "a/../../b", "C:\\Windows\\System32", "~/.ssh", "\u0000x", "..\\..\\x"),
          fc.array(fc.constantFrom("..", "/", "\\", ".", "a", "Ü", "-", " ", "\u202e"), { maxLength: 12 }).map((a) => a.join("")),
        ),
        async (title) => {
          const root = tempDir("cloud-prop-init-");
          const result = await cli(["project", "init", "--title", title, "--dri", "@p", "--yes"], { cwd: root, env: baseEnv() });
          const written = filesUnder(root);
          if (result.code === 0) {
            expect(written).toHaveLength(2);
            for (const file of written) {
              const relative = path.relative(path.join(root, "docs", "projects"), file);
              expect(relative.startsWith("..") || path.isAbsolute(relative)).toBe(false);
              expect(relative.split(path.sep)).toHaveLength(2);
              expect(relative.split(path.sep)[0]).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
            }
          } else {
            expect(result.code).toBe(2);
            expect(written).toHaveLength(0);
            expect(result.stderr.trim().split("\n")).toHaveLength(1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the checker with arbitrary front matter", () => {
  const evidence = (text: string) => {
    const project = parseProjectDocument(text, "p/project.md");
    return evaluate(gates.dor, {
      project,
      documents: [{ file: "p/project.md", sections: parseSections(project.body, project.bodyLine) }],
      exists: () => false,
      linked: { get: () => undefined, skipReason: () => "--offline" },
      today: "2026-11-21",
    });
  };

  const outcome = (text: string) => {
    try {
      const result = evidence(text);
      expect(result.criteria).toHaveLength(gates.dor.criteria.length);
      return "verdict";
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).location ?? (error as Error).message).toMatch(/^p\/project\.md:\d+:\d+/);
      return "input-error";
    }
  };

  it("returns a verdict or an input error with a location for arbitrary text after ---", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (body) => {
        outcome(`---\n${body}\n---\n`);
      }),
      { numRuns: 500 },
    );
  });

  it("returns a verdict or an input error for arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        outcome(Buffer.from(bytes).toString("utf8"));
      }),
      { numRuns: 300 },
    );
  });

  it("returns a verdict or an input error for YAML-shaped values of any type", () => {
    const keys = fc.constantFrom("title", "dri", "milestones", "waivers", "security", "estimates", "rfc", "future_work", "epic", "docs", "x");
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(keys, value, { maxKeys: 6 }), (doc) => {
        outcome(`---\n${JSON.stringify(doc)}\n---\n`);
      }),
      { numRuns: 500 },
    );
  });
});
