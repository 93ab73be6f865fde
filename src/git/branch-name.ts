/**
 * Branch names from issue summaries: the summary made into an ASCII slug, `branch.format` filled in,
 * the slug cut at a word boundary to fit `branch.maxLength` (the key is never cut), and a check of
 * the result against git's rules for branch names. Pure: no git, no process.
 *
 *   branchName({ key: "CLOUD-42", summary: "The answer to everything", format: "{slug}-{key}", maxLength: 60 })
 *     → "the-answer-to-everything-CLOUD-42"
 */
import { asciiWords } from "../text/ascii.js";

/** Separators the format may put between placeholders. */
const SEPARATOR_RUN = /[-_./]{2,}/g;
/** Applied after SEPARATOR_RUN, so each run it meets is one character long: linear time. */
const EDGE_SEPARATORS = /^[-_./]+|[-_./]+$/g;

/** A word character of a key: ASCII letter, digit or underscore. */
function isWordChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Join every `word-123` into `word123` (`node-20` → `node20`; Jira's integrations would read `node-20`
 * as the key NODE-20), and again for what follows (`release-2-3` → `release23`), so that no key-like
 * token remains. A word is a run of ASCII letters, digits and underscores (keys may hold them); a dash
 * after a word of digits only (`2-3`) can stay, as keys start with a letter.
 *
 * One pass from left to right: a join only ever lengthens the word to its left, so every seam is
 * decided when the scan reaches it. (Repeating a pattern until nothing changed took minutes on a
 * long word: each round was quadratic in the word's length.)
 */
export function defuseKeyTokens(text: string): string {
  let out = "";
  let run = 0;
  let wordHasLetter = false;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWordChar(code)) {
      if (!inWord) wordHasLetter = false;
      inWord = true;
      if (isLetter(code)) wordHasLetter = true;
      continue;
    }
    if (code === 0x2d && inWord && wordHasLetter && isDigit(text.charCodeAt(i + 1))) {
      // Drop the dash; the word goes on, letter and all.
      out += text.slice(run, i);
      run = i + 1;
      continue;
    }
    inWord = false;
  }
  return run === 0 ? text : out + text.slice(run);
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
  const type = branchSlug(input.type ?? "");
  const fill = (slug: string) => fillFormat(input.format, { slug, key: input.key, type });
  // Filling never drops a letter or digit, so a name has at least those of the format filled without
  // a slug (type, key, literal text) plus those of the slug. When the former alone are too many, no
  // slug fits and the answer is that name; otherwise the slug has what is left.
  const bare = fill("");
  const budget = input.maxLength - countLettersAndDigits(bare);
  if (budget <= 0) return bare;
  const words = wordsThatMayFit(branchSlug(input.summary), budget);

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
 * The words of a slug that can be part of a name whose slug has at most `budget` letters and digits:
 * words beyond the first `budget` letters can never fit, and a first word longer than `budget` can only
 * fit cut to that length (one more character is kept, so that the whole word is still tried, and
 * fails, as before). This bounds the cutting by the name's length rather than the summary's, so the
 * work is linear in the summary.
 */
function wordsThatMayFit(slug: string, budget: number): string[] {
  const words: string[] = [];
  let letters = 0;
  for (const word of slug.split("-")) {
    if (word === "") continue;
    words.push(word.length > budget ? word.slice(0, budget + 1) : word);
    letters += word.length;
    if (letters > budget) break;
  }
  return words;
}

function countLettersAndDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (isLetter(text.charCodeAt(i)) || isDigit(text.charCodeAt(i))) n++;
  return n;
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
