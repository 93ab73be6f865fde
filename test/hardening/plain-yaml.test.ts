/**
 * The plain-YAML reader (src/text/plain-yaml.ts) against the yaml library: whatever it accepts, the
 * library reads too, to the same value, with every key and value at the same position. What it does
 * not accept is the library's to read, so only its acceptances are compared.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePlainYaml } from "../../src/text/plain-yaml.js";
import { parseYaml, parseYamlFully, type YamlPath, type YamlSource } from "../../src/text/yaml.js";

function pathsOf(value: unknown, path: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  return out;
}

/** Every position a report could ask for, keys and values, plus one path that is not there. */
function positions(source: YamlSource, value: unknown): string[] {
  const all: YamlPath[] = [...pathsOf(value), ["no-such-key"]];
  return all.flatMap((p) => [`${p.join(".")} value ${source.where(p, "value")}`, `${p.join(".")} key ${source.where(p, "key")}`]);
}

/** The property: an accepted text reads as the library reads it. Returns whether it was accepted. */
function agrees(text: string): boolean {
  if (parsePlainYaml(text) === undefined) return false;
  const full = parseYamlFully(text, { file: "f.yaml", lineOffset: 1 });
  const plain = parseYaml(text, { file: "f.yaml", lineOffset: 1 });
  expect(plain.value, text).toEqual(full.value);
  expect(positions(plain, plain.value), text).toEqual(positions(full, full.value));
  expect(plain.protoKeys ?? []).toEqual([]);
  return true;
}

const frontMatter = (file: string) => {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
  return text.slice(4, text.indexOf("\n---", 3));
};

describe("plain YAML, read as the yaml library reads it", () => {
  it("reads the example project and the template", () => {
    expect(agrees(frontMatter("test/fixtures/example/projects/new-region/project.md"))).toBe(true);
    expect(agrees(frontMatter("templates/project.md"))).toBe(true);
  });

  it.each([
    ["empty values", "a:\nb: # nothing\nc:   \nl:\n  -\n  - x # c\n"],
    ["a sequence at its key's indentation", "l:\n- a\n- b\nm: 1"],
    ["compact mappings and nested sequences", "s:\n  - n: 1\n    d: [x, 'y', \"z\"]\n  - - a\n    - b\n"],
    ["flow mappings", "g: { x: 1, y: \"@me\", z: 2026-01-31 }\ne: {}\nf: []"],
    ["quotes", "a: 'it''s'\nb: \"a: b # c\" # d\nc: ''\nd: \"\""],
    ["the core schema", "n: [1, -2, +3, 0o17, 0x1f, .5, 1., 1e3, -1.5E-2, .inf, -.Inf, .NaN, ~, null, Null, true, True, TRUE, FALSE, 012, 1_000, 0b1, yes]"],
    ["text that only looks special", "u: https://example.com/a#b\nv: a#b\nw: a -b\nx: -5\ny: 2026-12-15\nz: ends with colon: no\n"],
  ])("%s", (_name, text) => {
    if (text.includes("ends with colon: no")) {
      // `: ` inside a plain scalar is the library's to refuse.
      expect(parsePlainYaml(text)).toBeUndefined();
      return;
    }
    expect(agrees(text)).toBe(true);
  });

  it.each([
    ["an anchor and an alias", "a: &x 1\nb: *x"],
    ["a tag", "a: !!str 1"],
    ["a block scalar", "a: |\n  text"],
    ["a plain scalar on two lines", "a: one\n  two"],
    ["an escape", 'a: "\\u0041"'],
    ["a tab", "a:\t1"],
    ["a duplicate key", "a: 1\na: 2"],
    ["__proto__", "__proto__: 1"],
    ["a key that is not plain text", "true: 1"],
    ["a quoted key", '"a b": 1'],
    ["a flow list on two lines", "a: [1,\n  2]"],
    ["a trailing comma", "a: [1, 2,]"],
    ["uneven indentation", "a:\n  b: 1\n c: 2"],
    ["a reserved character", "a: @me"],
    ["a second document", "a: 1\n---\nb: 2"],
    ["a scalar document", "just text"],
  ])("leaves %s to the library", (_name, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });

  // Documents written the ways people write them: block and flow, quoted and not, with comments.
  const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
  const scalarText = fc.oneof(
    fc.constantFrom("1", "-2", "0x1F", "0o7", "1.5", ".5", "1e3", "~", "null", "true", "True", "TRUE", "False", "2026-12-15", "@alice", "a: b", "a #b", "a#b", "it's", "x, y", "[x]", "{y}", "", " padded ", "-", "- a", "?", "é ü", "CLOUD-42", "acme/api#12", "https://x.io/a#b", "#", "'", '"'),
    fc.string({ maxLength: 8 }),
  );
  const scalar = fc.tuple(scalarText, fc.constantFrom("plain", "single", "double")).map(([s, style]) =>
    style === "single" ? `'${s.replace(/'/g, "''")}'` : style === "double" ? `"${s}"` : s,
  );
  const comment = fc.constantFrom("", "", " # note", " #", "  # a: b");
  type Doc = { kind: "scalar"; text: string } | { kind: "map"; entries: [string, Doc][] } | { kind: "seq"; items: Doc[] } | { kind: "flow"; items: string[]; map: boolean };
  const { doc } = fc.letrec<{ doc: Doc }>((tie) => ({
    doc: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar.map((text): Doc => ({ kind: "scalar", text })),
      fc.array(fc.tuple(word, tie("doc")), { minLength: 1, maxLength: 4 }).map((entries): Doc => ({ kind: "map", entries })),
      fc.array(tie("doc"), { minLength: 1, maxLength: 3 }).map((items): Doc => ({ kind: "seq", items })),
      fc.tuple(fc.array(scalar, { maxLength: 3 }), fc.boolean()).map(([items, map]): Doc => ({ kind: "flow", items, map })),
    ),
  }));
  const render = (d: Doc, indent: number, extra: number): string[] => {
    const pad = " ".repeat(indent);
    if (d.kind === "map") {
      return d.entries.flatMap(([key, value]) => {
        if (value.kind === "map" || value.kind === "seq") return [`${pad}${key}:`, ...render(value, indent + extra, extra)];
        return [`${pad}${key}: ${inline(value)}`];
      });
    }
    if (d.kind === "seq") {
      return d.items.flatMap((item) => {
        if (item.kind === "map" || item.kind === "seq") {
          const [first, ...rest] = render(item, indent + 2, extra);
          return [`${pad}- ${first!.trimStart()}`, ...rest];
        }
        return [`${pad}- ${inline(item)}`];
      });
    }
    return [`${pad}${inline(d)}`];
  };
  const inline = (d: Doc): string => {
    if (d.kind === "scalar") return d.text;
    if (d.kind === "flow") return d.map ? `{ ${d.items.map((s, i) => `k${i}: ${s}`).join(", ")} }` : `[${d.items.join(", ")}]`;
    return "";
  };
  const document = fc
    .tuple(fc.array(fc.tuple(word, doc), { minLength: 1, maxLength: 5 }), fc.constantFrom(2, 4), fc.array(comment, { minLength: 12, maxLength: 12 }), fc.boolean())
    .map(([entries, extra, comments, blank]) =>
      render({ kind: "map", entries }, 0, extra)
        .map((line, i) => line + comments[i % comments.length]!)
        .join(blank ? "\n\n" : "\n"),
    );

  it("reads what it accepts as the library does (generated documents)", () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(document, (text) => {
        runs++;
        if (agrees(text)) accepted++;
      }),
      { numRuns: 1500, seed: 20261202 },
    );
    // Most of them are plain YAML: the comparison above is not vacuous.
    expect(accepted / runs).toBeGreaterThan(0.3);
  });

  it("reads what it accepts as the library does (documents with a character changed)", () => {
    const mutated = fc
      .tuple(document, fc.nat(), fc.constantFrom(" ", ":", "-", "#", "'", '"', "[", "]", "{", "}", ",", "\n", "  ", "a", "1", "@", "&", "*", "|", "\t", "\r", "\u0001", "\u0085", "\ufeff", "é", ""))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (insert === "" ? 1 : 0));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        agrees(text);
      }),
      { numRuns: 3000, seed: 20261203 },
    );
  });
});
