/**
 * When is one issue ready to be worked on? The one definition that judges both the `issues-ready`
 * criterion of `cloud dor check` and every issue of `cloud groom check`, so the two never disagree:
 *
 *   owner                an assignee
 *   description          text beyond headings and template boilerplate
 *   acceptance-criteria  a heading or bold line reading "Acceptance criteria", followed by content
 *   estimate             story points in the Fibonacci sequence (one point ≈ one engineer-day)
 *
 * and, for a key the tracker does not have, the one criterion it fails: `exists`.
 *
 * Descriptions arrive as Markdown (GitHub), as the text of Jira Cloud's document format (see
 * trackers/jira/adf.ts) or as Jira Data Center's wiki markup. Every scan here walks each line once,
 * with string operations and no backtracking pattern, so a hostile description costs linear time.
 */

export const FIBONACCI = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89] as const;

export function isFibonacci(points: number): boolean {
  return (FIBONACCI as readonly number[]).includes(points);
}

export const ISSUE_CRITERIA = ["owner", "description", "acceptance-criteria", "estimate"] as const;
/** The four criteria, and `exists` for a key the tracker does not have. */
export type IssueCriterionId = (typeof ISSUE_CRITERIA)[number] | "exists";

/** refine (Monday–Wednesday): estimates come later; estimate (Thursday–Friday): everything counts. */
export type GroomPhase = "refine" | "estimate";

export interface IssueFacts {
  assignee: string | null;
  described: boolean;
  acceptanceCriteria: boolean;
  /** undefined: the tracker keeps no estimate (GitHub issues); null: none given. */
  points?: number | null | undefined;
}

export interface IssueCriterionResult {
  id: IssueCriterionId;
  status: "met" | "unmet" | "skipped";
  detail: string;
}

/** Each criterion of one issue, in the order of ISSUE_CRITERIA. */
export function judgeIssue(issue: IssueFacts, phase: GroomPhase = "estimate"): IssueCriterionResult[] {
  const results: IssueCriterionResult[] = [
    issue.assignee
      ? { id: "owner", status: "met", detail: `assigned to ${issue.assignee}` }
      : { id: "owner", status: "unmet", detail: "no assignee" },
    issue.described
      ? { id: "description", status: "met", detail: "described" }
      : { id: "description", status: "unmet", detail: "no description" },
    issue.acceptanceCriteria
      ? { id: "acceptance-criteria", status: "met", detail: "has acceptance criteria" }
      : { id: "acceptance-criteria", status: "unmet", detail: "no 'Acceptance criteria' section" },
  ];
  if (issue.points === undefined) return results;
  if (issue.points === null) {
    results.push(
      phase === "refine"
        ? { id: "estimate", status: "skipped", detail: "no estimate yet (estimated on Thursday and Friday)" }
        : { id: "estimate", status: "unmet", detail: "no estimate" },
    );
  } else if (!isFibonacci(issue.points)) {
    results.push({ id: "estimate", status: "unmet", detail: `estimate ${issue.points} is not a Fibonacci number (${FIBONACCI.join(", ")})` });
  } else {
    results.push({ id: "estimate", status: "met", detail: `${issue.points} point${issue.points === 1 ? "" : "s"}` });
  }
  return results;
}

/** An issue the tracker does not have (or the credentials cannot see): unmet `exists`, and nothing else to judge. */
export function judgeMissingIssue(ref: string): IssueCriterionResult[] {
  return [{ id: "exists", status: "unmet", detail: `${ref} does not exist` }];
}

/** The unmet details of an issue, joined for one line: "no assignee, no estimate". */
export function unmetDetails(results: readonly IssueCriterionResult[]): string[] {
  return results.filter((r) => r.status === "unmet").map((r) => r.detail);
}

// ---------------------------------------------------------------------------------------------
// Reading descriptions

interface HeadingLike {
  /** 1–6 for `#`…`######` and `h1.`…`h6.`; 7 for a bold or italic line used as a heading. */
  level: number;
  text: string;
}

/** `## Title`, `h3. Title`, `**Title**`, `__Title__`, `*Title*` (wiki bold), `_Title_`; else null. */
function headingOf(line: string): HeadingLike | null {
  const s = line.trim();
  if (s.length === 0) return null;
  let hashes = 0;
  while (hashes < s.length && hashes < 7 && s[hashes] === "#") hashes++;
  if (hashes >= 1 && hashes <= 6 && (s.length === hashes || s[hashes] === " " || s[hashes] === "\t")) {
    return { level: hashes, text: stripClosingHashes(s.slice(hashes).trim()) };
  }
  if (s.length >= 3 && (s[0] === "h" || s[0] === "H") && s[1]! >= "1" && s[1]! <= "6" && s[2] === ".") {
    return { level: Number(s[1]), text: s.slice(3).trim() };
  }
  for (const mark of ["**", "__", "*", "_"]) {
    if (s.length > mark.length * 2 && s.startsWith(mark) && s.endsWith(mark)) {
      const inner = s.slice(mark.length, s.length - mark.length).trim();
      // `**a** and **b**` is a sentence with two bold words, not a heading.
      if (inner.length > 0 && !inner.includes(mark)) return { level: 7, text: inner };
    }
  }
  return null;
}

function stripClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  return end < text.length && (end === 0 || text[end - 1] === " ") ? text.slice(0, end).trim() : text;
}

/** "Acceptance criteria", "Acceptance Criteria:", "acceptance  criteria :" (a trailing colon, any spacing). */
function isAcceptanceCriteriaTitle(text: string): boolean {
  let t = text.trim();
  // The colon may sit inside or outside the bold marks: `**Acceptance criteria:**`, `*Acceptance criteria*:`.
  while (t.endsWith(":") || t.endsWith("*") || t.endsWith("_")) t = t.slice(0, -1).trimEnd();
  while (t.startsWith("*") || t.startsWith("_")) t = t.slice(1).trimStart();
  const words = t.toLowerCase().split(/\s+/);
  return words.length === 2 && words[0] === "acceptance" && words[1] === "criteria";
}

/** The line without HTML comments, as far as one line shows them; `inComment` carries over lines. */
function visibleText(line: string, state: { inComment: boolean }): string {
  let out = "";
  let at = 0;
  while (at < line.length) {
    if (state.inComment) {
      const close = line.indexOf("-->", at);
      if (close === -1) return out;
      state.inComment = false;
      at = close + 3;
    } else {
      const open = line.indexOf("<!--", at);
      if (open === -1) return out + line.slice(at);
      out += line.slice(at, open);
      state.inComment = true;
      at = open + 4;
    }
  }
  return out;
}

const BOILERPLATE = new Set(["tbd", "todo", "n/a", "...", "…", "-", "*", "_tbd_", "*tbd*", "{panel}", "{code}", "{noformat}"]);

/**
 * Acceptance criteria in a description: a heading or a bold line reading "Acceptance criteria",
 * with some content after it before the next heading of the same or a higher level.
 */
export function hasAcceptanceCriteria(text: string | null | undefined): boolean {
  if (!text) return false;
  const state = { inComment: false };
  let open: number | null = null; // the level of the acceptance-criteria heading we are inside
  for (const raw of text.split("\n")) {
    const line = visibleText(raw, state);
    const heading = headingOf(line);
    if (heading && isAcceptanceCriteriaTitle(heading.text)) {
      open = heading.level;
      continue;
    }
    if (open === null) continue;
    if (heading && heading.level <= 6 && heading.level <= open) {
      open = null;
      continue;
    }
    if (line.trim() !== "") return true;
  }
  return false;
}

/** A description says something: a line that is no heading, no comment and no placeholder. */
export function hasDescription(text: string | null | undefined): boolean {
  if (!text) return false;
  const state = { inComment: false };
  for (const raw of text.split("\n")) {
    const line = visibleText(raw, state).trim();
    if (line === "" || headingOf(line) !== null) continue;
    if (BOILERPLATE.has(line.toLowerCase())) continue;
    return true;
  }
  return false;
}
