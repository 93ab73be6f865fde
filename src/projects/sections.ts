/**
 * Markdown sections as the gates see them: ATX headings, and whether each has text of its own.
 * Guidance is written as HTML comments, so a section holding only comments and blank lines
 * counts as not written. Headings inside fenced code blocks or comments are not headings.
 */
import { isSpace } from "../text/whitespace.js";

export interface Section {
  heading: string;
  /** Normalised heading used for matching. */
  key: string;
  level: number;
  /** 1-based line of the heading in its file. */
  line: number;
  /** Text beyond HTML comments and blank lines, in the section or its subsections. */
  written: boolean;
}

/**
 * A section number at the start of a heading: `2. `, `3.1 `, `4) `. Anchored, and each quantifier is
 * followed by a character it cannot match, so it runs in time linear in the heading.
 */
const SECTION_NUMBER = /^\s*\d+(?:\.\d+)*[.)]?\s+/;

/** "2. Alternatives considered:" → "alternatives considered". */
export function normalizeHeading(heading: string): string {
  const lower = heading.toLowerCase().replace(SECTION_NUMBER, "");
  // Trailing colons, dots and spaces, found from the end: the pattern /[:.\s]+$/ would try every start
  // of a long run of them, in quadratic time.
  let end = lower.length;
  while (end > 0 && isTrailingPunctuation(lower.charCodeAt(end - 1))) end--;
  return lower.slice(0, end).replace(/\s+/g, " ").trim();
}

function isTrailingPunctuation(code: number): boolean {
  return code === 0x3a || code === 0x2e || isSpace(code);
}

/** What `.` does not match in a JavaScript pattern without the `s` flag. */
function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

const HASH = 0x23;

/**
 * An ATX heading: up to three spaces, one to six `#`, then the text, without a closing run of `#`.
 * A scanner, in linear time, doing exactly what /^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/ did (that
 * pattern took seconds on `# a` followed by a few thousand spaces and a letter: its `.*?`, `\s*`, `#*`
 * and `\s*` split the same run in every possible way before failing), quirks included: seven or more
 * `#` followed by nothing but spaces is a level-6 heading with no text, and `# a#` has the text `a`.
 */
export function parseAtxHeading(line: string): { level: number; text: string } | null {
  let i = 0;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  if (i > 3 || line.charCodeAt(i) !== HASH) return null;
  const hashes = i;
  while (i < line.length && line.charCodeAt(i) === HASH) i++;
  const run = i - hashes;
  if (run > 6) {
    // Only `\s*#*\s*$` can follow the six the pattern takes, and the rest of the run must be its `#*`.
    for (let j = i; j < line.length; j++) if (!isSpace(line.charCodeAt(j))) return null;
    return { level: 6, text: "" };
  }
  if (i === line.length) return { level: run, text: "" };
  if (!isSpace(line.charCodeAt(i))) return null;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  // The text ends where the longest tail of spaces, `#`s and spaces begins.
  let end = line.length;
  while (end > i && isSpace(line.charCodeAt(end - 1))) end--;
  while (end > i && line.charCodeAt(end - 1) === HASH) end--;
  while (end > i && isSpace(line.charCodeAt(end - 1))) end--;
  for (let j = i; j < end; j++) if (isLineTerminator(line.charCodeAt(j))) return null;
  return { level: run, text: line.slice(i, end).trim() };
}

interface Line {
  number: number;
  heading?: { level: number; text: string };
  hasText: boolean;
}

/** Only a line starting like this can open a fence or be a heading. */
const MAYBE_BLOCK = /^\s{0,3}[#`~]/;

function scan(text: string, firstLine: number): Line[] {
  const out: Line[] = [];
  let inComment = false;
  let fence: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const number = firstLine + i;
    if (fence !== null) {
      if (raw.trimStart().startsWith(fence)) fence = null;
      out.push({ number, hasText: true });
      continue;
    }
    // Remove comments, tracking ones that span lines.
    let visible = "";
    let rest = raw;
    if (!inComment && !raw.includes("<!--")) {
      visible = raw;
      rest = "";
    }
    while (rest.length > 0) {
      if (inComment) {
        const close = rest.indexOf("-->");
        if (close === -1) {
          rest = "";
        } else {
          rest = rest.slice(close + 3);
          inComment = false;
        }
      } else {
        const open = rest.indexOf("<!--");
        if (open === -1) {
          visible += rest;
          rest = "";
        } else {
          visible += rest.slice(0, open);
          rest = rest.slice(open + 4);
          inComment = true;
        }
      }
    }
    if (!MAYBE_BLOCK.test(visible)) {
      out.push({ number, hasText: visible.trim() !== "" });
      continue;
    }
    const fenceOpen = /^\s{0,3}(`{3,}|~{3,})/.exec(visible);
    if (fenceOpen) {
      fence = fenceOpen[1]!;
      out.push({ number, hasText: true });
      continue;
    }
    const heading = parseAtxHeading(visible);
    if (heading) {
      out.push({ number, heading, hasText: false });
      continue;
    }
    out.push({ number, hasText: visible.trim() !== "" });
  }
  return out;
}

export function parseSections(text: string, firstLine = 1): Section[] {
  const lines = scan(text, firstLine);
  const sections: Section[] = [];
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!.heading;
    if (!h) continue;
    let written = false;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.heading && next.heading.level <= h.level) break;
      if (next.hasText) {
        written = true;
        break;
      }
    }
    sections.push({ heading: h.text, key: normalizeHeading(h.text), level: h.level, line: lines[i]!.number, written });
  }
  return sections;
}

const normalized = new Map<string, string>();

export function findSection(sections: readonly Section[], heading: string): Section | undefined {
  let key = normalized.get(heading);
  if (key === undefined) {
    key = normalizeHeading(heading);
    normalized.set(heading, key);
  }
  return sections.find((s) => s.key === key);
}
