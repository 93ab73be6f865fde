/**
 * The sanitiser for untrusted text (src/io/sanitize.ts): control characters, escape sequences and bidi
 * controls never reach a terminal raw, and no line of a Markdown / plain stream can be read by the
 * GitHub Actions runner as a workflow command.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { guardWorkflowCommands, sanitizeLine, sanitizeText, stringifyJson } from "../../src/io/sanitize.js";
import { ADVERSARIAL, charReads } from "./work.js";

const ESC = "\u001b";
const BEL = "\u0007";
const ST = `${ESC}\\`;

/** What may never be printed raw: C0 but LF and TAB, DEL, C1, bidi controls, U+2028/U+2029. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe("sanitizeText", () => {
  it.each([
    ["CSI colour", `${ESC}[31mred${ESC}[0m`, "^[[31mred^[[0m"],
    ["CSI cursor movement and erase", `ok${ESC}[2K${ESC}[1A`, "ok^[[2K^[[1A"],
    ["OSC 52 clipboard write", `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}`, "^[]52;c;ZWNobyBwd25lZA==^G"],
    ["OSC 8 hyperlink", `${ESC}]8;;https://evil.example${ST}click${ESC}]8;;${ST}`, "^[]8;;https://evil.example^[\\click^[]8;;^[\\"],
    ["OSC 0 window title", `${ESC}]0;pwned${BEL}`, "^[]0;pwned^G"],
    ["DCS", `${ESC}P1$r${ST}`, "^[P1$r^[\\"],
    ["APC, PM, SOS", `${ESC}_x${ST}${ESC}^y${ST}${ESC}Xz${ST}`, "^[_x^[\\^[^y^[\\^[Xz^[\\"],
    ["8-bit CSI and OSC", "\u009b31m\u009d0;t\u009c", "\\u009b31m\\u009d0;t\\u009c"],
    ["NUL, BEL, BS, VT, FF", "a\u0000b\u0007c\bd\u000be\u000cf", "a^@b^Gc^Hd^Ke^Lf"],
    ["DEL", "a\u007fb", "a^?b"],
    ["a lone CR, which would overwrite the line", "safe\rEVIL", "safe^MEVIL"],
    ["bidi override (Trojan Source)", "access\u202e\u2066// admin\u2069\u2066", "access\\u202e\\u2066// admin\\u2069\\u2066"],
    ["marks and isolates", "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068", "\\u200e\\u200f\\u061c\\u202a\\u202b\\u202c\\u202d\\u2067\\u2068"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
  ])("%s is made visible", (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  it("keeps LF and TAB, turns CR LF into LF, and leaves other text alone", () => {
    expect(sanitizeText("a\tb\r\nc\nd")).toBe("a\tb\nc\nd");
    const plain = "Über straße — 修复 🚀 ^[ \\u202e";
    expect(sanitizeText(plain)).toBe(plain);
  });

  it("never lets a raw control character, escape or bidi control through (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const out = sanitizeText(s);
        expect(out).not.toMatch(RAW);
        expect(out).not.toMatch(/\r/);
      }),
      { numRuns: 500 },
    );
  });

  it("is the identity on text with nothing to change (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "Z", "1", " ", "\t", "\n", "é", "🚀", "^", "\\", "[") }), (s) => {
        expect(sanitizeText(s)).toBe(s);
      }),
    );
  });
});

describe("sanitizeLine", () => {
  it("folds each run of line breaks and tabs into one space", () => {
    expect(sanitizeLine("Title\r\n\r\n\tmore\u2028text\u000b\u000cend\n")).toBe("Title more text end ");
  });

  it("makes the rest visible as sanitizeText does", () => {
    expect(sanitizeLine(`a${ESC}[2Jb\u009bc\u202ed`)).toBe("a^[[2Jb\\u009bc\\u202ed");
  });

  it("never yields a line break, a raw control or a bidi control (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const out = sanitizeLine(s);
        expect(out).not.toMatch(/[\n\r\t]/);
        expect(out).not.toMatch(RAW);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * What the GitHub Actions runner (actions/runner, ActionCommandManager.TryProcessCommand) acts on: a
 * line that starts with `::` once leading whitespace is trimmed, or that holds `##[` anywhere.
 */
function runnerWouldAct(output: string): boolean {
  return output.split(/\r\n|\r|\n/).some((line) => /^\s*::/u.test(line.replace(/^[\s\u0085]+/, "")) || line.includes("##["));
}

describe("guardWorkflowCommands", () => {
  it.each([
    ["::add-mask::secret", "\\::add-mask::secret"],
    ["::warning file=x::boo", "\\::warning file=x::boo"],
    ["  ::stop-commands::token", "  \\::stop-commands::token"],
    ["\t\u00a0\u3000::error::x", "\t\u00a0\u3000\\::error::x"],
    ["- item\n::set-output name=a::b", "- item\n\\::set-output name=a::b"],
    ["done\r::add-mask::x", "done\r\\::add-mask::x"],
    ["text ##[add-mask]secret", "text #\\#[add-mask]secret"],
    ["###[x]", "##\\#[x]"],
  ])("%j → %j", (input, expected) => {
    expect(guardWorkflowCommands(input)).toBe(expected);
    expect(runnerWouldAct(guardWorkflowCommands(input))).toBe(false);
  });

  it("leaves lines that are not commands alone", () => {
    const block = "# Title\n\na :: b\n- ::x is fine mid-line? no: only at the start\n:single colon\n## [link](x)";
    expect(guardWorkflowCommands(block)).toBe(block);
  });

  it("no line of any guarded block is a workflow command (property)", () => {
    const unit = fc.constantFrom(":", "::", "#", "##[", "[", " ", "\t", "\u00a0", "\n", "\r", "\r\n", "a", "add-mask", "]", "\\");
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }).map((a) => a.join("")), (block) => {
        expect(runnerWouldAct(guardWorkflowCommands(block))).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("stringifyJson", () => {
  it("escapes what JSON.stringify leaves raw: DEL, C1, bidi controls, U+2028 / U+2029", () => {
    const value = { title: "a\u009b31mb\u202ec\u2028d\u007f", n: 1 };
    expect(JSON.stringify(value)).toMatch(RAW);
    expect(stringifyJson(value)).toBe('{"title":"a\\u009b31mb\\u202ec\\u2028d\\u007f","n":1}');
    expect(stringifyJson(value, 2)).toBe('{\n  "title": "a\\u009b31mb\\u202ec\\u2028d\\u007f",\n  "n": 1\n}');
  });

  it("parses back to the same value and prints nothing raw (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary", maxLength: 50 }), (value, s) => {
        const doc = { value, s };
        const json = stringifyJson(doc, 2);
        expect(json).not.toMatch(RAW);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
      { numRuns: 500 },
    );
  });
});

describe("work is linear in the input", () => {
  const functions = { sanitizeText, sanitizeLine, guardWorkflowCommands };

  it.each(Object.entries(functions))("%s reads each character a bounded number of times", (_name, fn) => {
    for (const [shape, make] of Object.entries(ADVERSARIAL)) {
      const small = charReads(fn, make(10_000));
      const large = charReads(fn, make(20_000));
      expect(large, shape).toBeLessThanOrEqual(2 * small + 16);
      expect(large, shape).toBeLessThanOrEqual(4 * 20_010);
    }
  });

  it("finishes on 1 MB of escape sequences and colons (a hang guard, not a timing)", () => {
    const escapes = `${ESC}]52;c;`.repeat(150_000);
    expect(sanitizeText(escapes)).not.toMatch(RAW);
    expect(sanitizeLine(escapes)).not.toMatch(RAW);
    expect(runnerWouldAct(guardWorkflowCommands("::\n".repeat(350_000)))).toBe(false);
  });
});
