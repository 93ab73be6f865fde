/** Branch names from summaries: transliteration, key-like tokens, cutting, formats, git's ref rules. */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { branchName, branchNameProblem, branchSlug, defuseKeyTokens } from "../../src/git/branch-name.js";

const KEY = "CLOUD-42";
const name = (summary: string, extra: { format?: string; maxLength?: number; type?: string; key?: string } = {}) =>
  branchName({ key: extra.key ?? KEY, summary, type: extra.type, format: extra.format ?? "{slug}-{key}", maxLength: extra.maxLength ?? 60 });

/** What Jira's integrations would read as an issue key, anywhere in the text, case-insensitively. */
const KEY_LIKE = /[a-z][a-z0-9_]{1,9}-\d+/i;

/** Exit status of real `git check-ref-format --branch`. */
function gitAccepts(candidate: string): boolean {
  try {
    execFileSync("git", ["check-ref-format", "--branch", candidate], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("branchName", () => {
  it("is the contract's example", () => {
    expect(name("The answer to everything")).toBe("the-answer-to-everything-CLOUD-42");
  });

  it.each([
    ["Über straße", "uber-strasse"],
    ["Ærøskøbing ferry", "aeroskobing-ferry"],
    ["Łódź and Đakovo", "lodz-and-dakovo"],
    ["Þór's café naïve", "thors-cafe-naive"],
    ["Don't break the build", "dont-break-the-build"],
    ["ＦＵＬＬ width ⑳", "full-width20"],
  ])("transliterates %j to lower-case ASCII", (summary, slug) => {
    expect(name(summary)).toBe(`${slug}-${KEY}`);
  });

  it("drops emoji and keeps the words around them", () => {
    expect(name("🚀 Launch 🎉 the party 👩‍👩‍👧")).toBe(`launch-the-party-${KEY}`);
  });

  it("is the key alone when the summary has no letters or digits it can keep", () => {
    expect(name("🚀🎉 —— !!!")).toBe(KEY);
    expect(name("修复登录问题")).toBe(KEY);
    expect(name("")).toBe(KEY);
  });

  it.each([
    ["Upgrade to node-20", "upgrade-to-node20"],
    ["Read utf-8 files", "read-utf8-files"],
    ["Upgrade to Node 20 LTS", "upgrade-to-node20-lts"],
    ["Follow-up to CLOUD-41", "follow-up-to-cloud41"],
    ["Ship in release 2-3 weeks", "ship-in-release23-weeks"],
    ["abc_def-7 and x-1", "abc-def7-and-x1"],
  ])("joins key-like tokens in %j", (summary, slug) => {
    const result = name(summary);
    expect(result).toBe(`${slug}-${KEY}`);
    expect(result.slice(0, -KEY.length)).not.toMatch(KEY_LIKE);
  });

  it("keeps a dash between numbers: keys start with a letter", () => {
    expect(name("2-3 weeks")).toBe(`2-3-weeks-${KEY}`);
  });

  it("cuts a 300-character summary at a word boundary and keeps the key whole", () => {
    const words = Array.from({ length: 60 }, (_, i) => ["alpha", "bravo", "charlie", "delta", "echo"][i % 5]!);
    const summary = words.join(" ").padEnd(300, " x").slice(0, 300);
    expect(summary).toHaveLength(300);
    const result = name(summary);
    expect(result.length).toBeLessThanOrEqual(60);
    expect(result.endsWith(`-${KEY}`)).toBe(true);
    const kept = result.slice(0, -KEY.length - 1).split("-");
    expect(kept).toEqual(words.slice(0, kept.length));
    // One more word would not have fitted.
    expect(`${[...kept, words[kept.length]].join("-")}-${KEY}`.length).toBeGreaterThan(60);
  });

  it("cuts a single word longer than the room rather than dropping the summary", () => {
    const result = name("a".repeat(300), { maxLength: 30 });
    expect(result).toBe(`${"a".repeat(30 - KEY.length - 1)}-${KEY}`);
  });

  it("never cuts the key, even when nothing else fits", () => {
    expect(name("Something long", { format: "{type}/{slug}-{key}", type: "Story", maxLength: 20, key: "LONGPROJEC-123456" })).toBe("story/LONGPROJEC-123456");
  });

  it("fills {type} with the issue type, lower-case, and drops it with its separator when unknown", () => {
    expect(name("Fix login", { format: "{type}/{slug}-{key}", type: "Sub-task" })).toBe(`sub-task/fix-login-${KEY}`);
    expect(name("Fix login", { format: "{type}/{slug}-{key}" })).toBe(`fix-login-${KEY}`);
  });

  it("tidies separators around an empty slug, wherever the format puts it", () => {
    expect(name("🚀", { format: "feature/{slug}-{key}" })).toBe(`feature/${KEY}`);
    expect(name("🚀", { format: "{key}-{slug}" })).toBe(KEY);
    expect(name("🚀", { format: "{type}-{slug}-{key}" })).toBe(KEY);
  });

  it("keeps the key a token of its own, so it links to exactly that issue", () => {
    expect(name("Fix login", { format: "{slug}{key}" })).toBe(`fix-login-${KEY}`);
    expect(name("2024 plan", { format: "{key}{slug}" })).toBe(`${KEY}-2024-plan`);
    // A format seam can make a key-like token too: bug-2024 would read as BUG-2024.
    expect(name("2024 plan", { format: "{type}-{slug}-{key}", type: "Bug" })).toBe(`bug2024-plan-${KEY}`);
  });

  it("property: any summary gives a valid name that fits, ends with the key and holds no other key", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.integer({ min: 20, max: 120 }), (summary, maxLength) => {
        const result = name(summary, { maxLength });
        expect(branchNameProblem(result)).toBeNull();
        expect(result.length).toBeLessThanOrEqual(maxLength);
        expect(result === KEY || result.endsWith(`-${KEY}`)).toBe(true);
        expect(result.slice(0, -KEY.length)).not.toMatch(KEY_LIKE);
        expect(result.slice(0, -KEY.length)).toMatch(/^[a-z0-9-]*$/);
      }),
      { numRuns: 500 },
    );
  });

  it("property: real git accepts the names made from arbitrary summaries", () => {
    const summaries = fc.sample(fc.string({ unit: "binary", maxLength: 200 }), { numRuns: 25, seed: 42 });
    summaries.push("$(touch x) `id`; rm -rf / && echo ..lock", "-leading dash", ".hidden.lock", "a//b@{c}~^:?*[\\");
    for (const summary of summaries) {
      const result = name(summary);
      expect(gitAccepts(result), `${JSON.stringify(summary)} → ${result}`).toBe(true);
    }
  });
});

describe("branchSlug and defuseKeyTokens", () => {
  it("makes lower-case words joined by single dashes", () => {
    expect(branchSlug("  Hello,   World!! -- again  ")).toBe("hello-world-again");
  });

  it("joins repeatedly until no key-like token is left", () => {
    expect(defuseKeyTokens("v-1-2-3")).toBe("v123");
    expect(defuseKeyTokens("Feature-12 and 3-4")).toBe("Feature12 and 3-4");
  });
});

describe("branchNameProblem agrees with git check-ref-format --branch", () => {
  it.each([
    "ok/name-CLOUD-1",
    "fix-login-CLOUD-42",
    "ünïcode-CLOUD-1",
    "a@b",
    "a.lock.b",
    "a..b",
    "-x",
    "x.lock",
    "a/b.lock/c",
    "a/.b",
    ".a",
    "a//b",
    "/a",
    "a@{b",
    "x/",
    "x.",
    "a b",
    "a\tb",
    "a\u007fb",
    "a~b",
    "a^b",
    "a:b",
    "a?b",
    "a*b",
    "a[b",
    "a\\b",
    "HEAD",
  ])("%j", (candidate) => {
    expect(branchNameProblem(candidate) === null).toBe(gitAccepts(candidate));
  });
});
