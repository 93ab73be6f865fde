/**
 * Linear time on hostile text: Markdown headings (src/projects/sections.ts), branch slugs
 * (src/git/branch-name.ts) and ASCII words (src/text/ascii.ts). Each rewrite is checked three ways:
 *
 *   - it gives exactly what the pattern it replaced gave, on short inputs where that pattern is fast;
 *   - the characters it reads grow linearly: counted, for inputs of n and 2n characters;
 *   - it finishes on adversarial inputs up to 100 KB (fast-check) and of 1 MB, where the old patterns
 *     took from seconds to hours. Those are hang guards under the suite's timeout, never timings.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { branchName, defuseKeyTokens } from "../../src/git/branch-name.js";
import { normalizeHeading, parseAtxHeading, parseSections } from "../../src/projects/sections.js";
import { asciiWords, slugify, toAscii } from "../../src/text/ascii.js";
import { ADVERSARIAL, charReads } from "./work.js";

// ---------------------------------------------------------------------------------------------
// The patterns that were replaced, as references

const OLD_HEADING = /^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
function oldHeading(line: string): { level: number; text: string } | null {
  const m = OLD_HEADING.exec(line);
  return m ? { level: m[1]!.length, text: (m[2] ?? "").trim() } : null;
}

function oldNormalize(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/^\s*(?:\d+(?:\.\d+)*[.)]?\s+)/, "")
    .replace(/[:.\s]+$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

const OLD_SEAM = /(?<![A-Za-z0-9_])([A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*)-(?=[0-9])/g;
function oldDefuse(text: string): string {
  let current = text;
  for (;;) {
    const next = current.replace(OLD_SEAM, "$1");
    if (next === current) return current;
    current = next;
  }
}

const EXTRA: Record<string, string> = {
  ß: "ss", æ: "ae", Æ: "AE", ø: "o", Ø: "O", œ: "oe", Œ: "OE", ł: "l", Ł: "L", đ: "d", Đ: "D",
  þ: "th", Þ: "TH", ð: "d", Ð: "D", ı: "i", ĸ: "k", ŋ: "ng", Ŋ: "NG",
};
function oldToAscii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\u0000-\u007f]/g, (ch) => EXTRA[ch] ?? " ");
}

/** branchName as it was: every cut tried on the whole summary, with the old key-token pattern. */
function oldBranchName(input: { key: string; summary: string; type?: string; format: string; maxLength: number }): string {
  const slug = (text: string) => oldDefuse(oldToAscii(text.replace(/['’ʼ]/g, "")).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join("-"));
  const words = slug(input.summary).split("-").filter((w) => w !== "");
  const type = slug(input.type ?? "");
  const fill = (s: string) => {
    const withoutKey = input.format
      .replace(/\{slug\}/g, s)
      .replace(/\{type\}/g, type)
      .replace(/\{key\}/g, "\u0000")
      .replace(/[-_./]{2,}/g, (r) => (r.includes("/") ? "/" : r[0]!))
      .replace(/^[-_./]+|[-_./]+$/g, "");
    return oldDefuse(withoutKey)
      .replace(/([A-Za-z0-9])(?=\u0000)/g, "$1-")
      .replace(/\u0000(?=[A-Za-z0-9])/g, "\u0000-")
      .replace(/\u0000/g, input.key);
  };
  for (let n = words.length; n > 0; n--) {
    const name = fill(words.slice(0, n).join("-"));
    if (name.length <= input.maxLength) return name;
  }
  const first = words[0] ?? "";
  for (let n = first.length - 1; n > 0; n--) {
    const name = fill(first.slice(0, n));
    if (name.length <= input.maxLength) return name;
  }
  return fill("");
}

const textOf = (units: string[], maxLength = 30) => fc.array(fc.constantFrom(...units), { maxLength }).map((a) => a.join(""));

// ---------------------------------------------------------------------------------------------

describe("the rewrites give what the old patterns gave", () => {
  it("parseAtxHeading", () => {
    const line = textOf([" ", "  ", "\t", "#", "##", "a", "b c", "\r", "\u2028", "\u00a0", ".", ":", "1", "\ufeff"], 14);
    fc.assert(
      fc.property(line, (l) => {
        expect(parseAtxHeading(l)).toEqual(oldHeading(l));
      }),
      { numRuns: 4_000 },
    );
    for (const l of ["#######", "####### ", "# a#", "#\t#", "   # x ##  ", "    # code", "#5 not", "# \r x", "# x \r"]) {
      expect(parseAtxHeading(l), JSON.stringify(l)).toEqual(oldHeading(l));
    }
  });

  it("normalizeHeading", () => {
    fc.assert(
      fc.property(textOf(["1", "2.", ".", ")", " ", "\t", ":", "A", "b", "é", "\u2028", "x y"]), (h) => {
        expect(normalizeHeading(h)).toBe(oldNormalize(h));
      }),
      { numRuns: 4_000 },
    );
  });

  it("defuseKeyTokens", () => {
    fc.assert(
      fc.property(textOf(["a", "Z", "1", "9", "-", "_", ".", "/", "\u0000", " ", "é"]), (t) => {
        expect(defuseKeyTokens(t)).toBe(oldDefuse(t));
      }),
      { numRuns: 4_000 },
    );
  });

  it("toAscii, also on runs of combining marks longer than a normalising piece", () => {
    const mark = ["\u0301", "\u0316", "\u05b0", "\u0591", "\u20d0", "\u0f73", "\u0344", "\u034f"];
    const unit = fc.constantFrom("a", "Ü", "ß", "가", "ｱ", "①", "🚀", "\ud83d", " ", ...mark);
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), fc.array(fc.constantFrom(...mark), { maxLength: 600 }), (head, marks) => {
        const text = `${head.join("")}x${marks.join("")}${head.join("")}`;
        expect(toAscii(text)).toBe(oldToAscii(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it("branchName", () => {
    const summary = textOf(["a", "ab", "Über", "node", "-", "20", "2", " ", "_", "'", "🚀", "CLOUD-1", "x.y", "/"], 20);
    const format = fc.constantFrom("{slug}-{key}", "{key}-{slug}", "{type}/{key}-{slug}", "{type}/{slug}{key}", "fix-{key}_{slug}", "{slug}--{key}..");
    fc.assert(
      fc.property(summary, format, fc.integer({ min: 20, max: 80 }), fc.constantFrom(undefined, "Story", "Bug fix-2"), (s, f, maxLength, type) => {
        const input = { key: "CLOUD-42", summary: s, format: f, maxLength, ...(type ? { type } : {}) };
        expect(branchName(input)).toBe(oldBranchName(input));
      }),
      { numRuns: 2_000 },
    );
    for (const s of ["a".repeat(61), "a".repeat(200), `${"ab ".repeat(30)}`, `release-${"2-".repeat(30)}3`]) {
      const input = { key: "CLOUD-42", summary: s, format: "{slug}-{key}", maxLength: 60 };
      expect(branchName(input)).toBe(oldBranchName(input));
    }
  });
});

describe("the characters read grow linearly", () => {
  const scanners = {
    parseAtxHeading,
    defuseKeyTokens,
  };

  it.each(Object.entries(scanners))("%s: reads for 2n characters are at most twice those for n", (_name, fn) => {
    for (const [shape, make] of Object.entries(ADVERSARIAL)) {
      const small = charReads(fn, make(20_000));
      const large = charReads(fn, make(40_000));
      expect(large, shape).toBeLessThanOrEqual(2 * small + 16);
      expect(large, shape).toBeLessThanOrEqual(3 * 40_010);
    }
  });
});

describe("adversarial inputs finish (hang guards, not timings)", () => {
  const everything = (text: string) => {
    parseSections(text);
    parseSections(`${text}\n${text}`);
    normalizeHeading(text);
    parseAtxHeading(text);
    asciiWords(text);
    slugify(text);
    defuseKeyTokens(text);
    branchName({ key: "CLOUD-42", summary: text, format: "{slug}-{key}", maxLength: 60 });
    branchName({ key: "CLOUD-42", summary: text, type: text, format: "{type}/{key}-{slug}", maxLength: 255 });
  };

  it("runs of spaces, dots, #, *, -, digits and marks up to 100 KB (property)", () => {
    const unit = fc.constantFrom(" ", ".", "#", "*", "-", "1", "a", "a-1", ":", "\t", "\u0301", "\u05b0", "<!--", "`");
    fc.assert(
      fc.property(fc.array(fc.tuple(unit, fc.integer({ min: 1, max: 25_000 })), { minLength: 1, maxLength: 4 }), fc.constantFrom("", "x", "#", " x", "\n"), (runs, tail) => {
        everything(runs.map(([u, n]) => u.repeat(n)).join("").slice(0, 100_000) + tail);
      }),
      { numRuns: 20 },
    );
  });

  it.each(Object.entries(ADVERSARIAL))("100 KB: %s", (_shape, make) => {
    everything(make(100_000));
  });

  it("1 MB: the reported cases", () => {
    // `# a` and 4,000 spaces took 28 s in the heading pattern; 100 KB of dots 22 s; a 5,000-character
    // word 66 s to slug. Here each is 1 MB.
    expect(parseSections(`# a${" ".repeat(1_000_000)}x\n`)).toHaveLength(1);
    expect(parseSections(`# ${".".repeat(1_000_000)}x\n`)[0]!.key).toBe(`${".".repeat(1_000_000)}x`);
    expect(branchName({ key: "CLOUD-42", summary: "a".repeat(1_000_000), format: "{slug}-{key}", maxLength: 60 })).toBe(`${"a".repeat(51)}-CLOUD-42`);
    // Combining marks out of canonical order, which normalising sorts: 80,000 took seconds.
    expect(toAscii(`a${"\u0591\u05b0".repeat(500_000)}`)).toBe(`a${" ".repeat(1_000_000)}`);
  });
});
