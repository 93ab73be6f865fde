/**
 * Markdown sections as the gates see them: ATX headings, and whether each has text of its own.
 * Guidance is written as HTML comments, so a section holding only comments and blank lines
 * counts as not written. Headings inside fenced code blocks or comments are not headings.
 */

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

/** "2. Alternatives considered:" → "alternatives considered". */
export function normalizeHeading(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/^\s*(?:\d+(?:\.\d+)*[.)]?\s+)/, "")
    .replace(/[:.\s]+$/, "")
    .replace(/\s+/g, " ")
    .trim();
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
    const heading = /^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/.exec(visible);
    if (heading) {
      out.push({ number, heading: { level: heading[1]!.length, text: (heading[2] ?? "").trim() }, hasText: false });
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
