/**
 * Branch names from issue summaries: the summary made into an ASCII slug, `branch.format` filled in,
 * the slug cut at a word boundary to fit `branch.maxLength` (the key is never cut), and a check of
 * the result against git's rules for branch names. Pure: no git, no process.
 *
 *   branchName({ key: "CLOUD-42", summary: "The answer to everything", format: "{slug}-{key}", maxLength: 60 })
 *     → "the-answer-to-everything-CLOUD-42"
 */
import { asciiWords } from "../text/ascii.js";

/**
 * A word with a letter in it, then `-`, then a digit: the start of something Jira's integrations read
 * as an issue key (`node-20` → NODE-20). Underscores count as word characters because keys may hold them.
 */
const KEY_LIKE_SEAM = /(?<![A-Za-z0-9_])([A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*)-(?=[0-9])/g;

/** Separators the format may put between placeholders. */
const SEPARATOR_RUN = /[-_./]{2,}/g;
const EDGE_SEPARATORS = /^[-_./]+|[-_./]+$/g;

/**
 * Join every `word-123` into `word123`, repeating until none is left (`release-2-3` → `release23`), so
 * that no key-like token remains. A dash after a word of digits only (`2-3`) can stay: keys start
 * with a letter.
 */
export function defuseKeyTokens(text: string): string {
  let current = text;
  for (;;) {
    const next = current.replace(KEY_LIKE_SEAM, "$1");
    if (next === current) return current;
    current = next;
  }
}

/**
 * Lower-case ASCII words joined by `-`: accents dropped and a few letters spelled out (`Über straße`
 * → `uber-strasse`, as project folder names are made), apostrophes dropped (`don't` → `dont`), anything
 * else that is not a letter or digit (emoji, punctuation, other scripts) a gap between words, and
 * key-like tokens joined up (`node-20` → `node20`).
 */
export function branchSlug(text: string): string {
  return defuseKeyTokens(asciiWords(text.replace(/['’ʼ]/g, "")).join("-"));
}

export interface BranchNameInput {
  /** The issue key, already validated and upper-case: CLOUD-42. */
  key: string;
  summary: string;
  /** Issue type name ("Story"), for `{type}`; absent when Jira was not asked. */
  type?: string | undefined;
  /** `branch.format`: `{slug}`, `{key}` and `{type}` in any order around literal text. */
  format: string;
  /** `branch.maxLength`; the slug is shortened to fit, the key never is. */
  maxLength: number;
}

export function branchName(input: BranchNameInput): string {
  const words = branchSlug(input.summary).split("-").filter((w) => w !== "");
  const type = branchSlug(input.type ?? "");
  const fill = (slug: string) => fillFormat(input.format, { slug, key: input.key, type });

  // Keep as many whole words as fit; drop the rest.
  for (let n = words.length; n > 0; n--) {
    const name = fill(words.slice(0, n).join("-"));
    if (name.length <= input.maxLength) return name;
  }
  // Not even the first word fits whole: keep as much of it as fits rather than nothing.
  const first = words[0] ?? "";
  for (let n = first.length - 1; n > 0; n--) {
    const name = fill(first.slice(0, n));
    if (name.length <= input.maxLength) return name;
  }
  // Nothing of the summary fits (or it had no letters or digits at all): the format with the key alone.
  return fill("");
}

/**
 * Fill the placeholders, then tidy the seams: an empty placeholder leaves its separators behind, so
 * runs of separators collapse to one (a `/` wins, keeping folders) and none is left at either end.
 * `{key}` always stands as its own token: a `-` is put between it and a letter or digit right next to
 * it, or Jira would read `fixCLOUD-42` as the key FIXCLOUD-42.
 */
function fillFormat(format: string, values: { slug: string; key: string; type: string }): string {
  const KEY_MARK = "\u0000"; // not a word character, so defuseKeyTokens leaves the key alone
  const withoutKey = format
    .replace(/\{slug\}/g, values.slug)
    .replace(/\{type\}/g, values.type)
    .replace(/\{key\}/g, KEY_MARK)
    .replace(SEPARATOR_RUN, (run) => (run.includes("/") ? "/" : run[0]!))
    .replace(EDGE_SEPARATORS, "");
  return defuseKeyTokens(withoutKey)
    .replace(/([A-Za-z0-9])(?=\u0000)/g, "$1-")
    .replace(/\u0000(?=[A-Za-z0-9])/g, `${KEY_MARK}-`)
    .replace(/\u0000/g, values.key);
}

/**
 * Why git would refuse `name` as a branch name (the rules of `git check-ref-format --branch`), or null
 * when it is fine.
 */
export function branchNameProblem(name: string): string | null {
  if (name === "") return "it is empty";
  if (name.startsWith("-")) return "it starts with '-'";
  if (name === "@" || name === "HEAD") return `it is '${name}'`;
  if (name.endsWith("/")) return "it ends with '/'";
  if (name.endsWith(".")) return "it ends with '.'";
  if (name.includes("..")) return "it contains '..'";
  if (name.includes("@{")) return "it contains '@{'";
  if (name.includes("//") || name.startsWith("/")) return "it has an empty path component";
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}`;
  for (const component of name.split("/")) {
    if (component.startsWith(".")) return `a component starts with '.' (${component})`;
    if (component.endsWith(".lock")) return `a component ends with '.lock' (${component})`;
  }
  return null;
}
