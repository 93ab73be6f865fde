/**
 * Linked issues: references written in front matter (a Jira key or owner/repo#123), and the facts
 * the gates need about each, whichever tracker they come from.
 */

export const JIRA_KEY = /^[A-Z][A-Z0-9_]{1,9}-[1-9][0-9]*$/;
const GITHUB_REF = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})#([1-9][0-9]*)$/;

export type IssueRef =
  | { kind: "jira"; key: string; text: string }
  | { kind: "github"; owner: string; repo: string; number: number; text: string };

/** Parse a reference; Jira keys are matched case-insensitively and written upper-case. */
export function parseIssueRef(text: string): IssueRef | null {
  const trimmed = text.trim();
  const upper = trimmed.toUpperCase();
  if (JIRA_KEY.test(upper)) return { kind: "jira", key: upper, text: upper };
  const gh = GITHUB_REF.exec(trimmed);
  if (gh) {
    const [, owner, repo, number] = gh;
    return { kind: "github", owner: owner!, repo: repo!, number: Number(number), text: `${owner}/${repo}#${number}` };
  }
  return null;
}

/** What a tracker says about one linked issue. */
export interface LinkedIssue {
  /** The reference as written canonically: CLOUD-42 or owner/repo#123. */
  ref: string;
  found: boolean;
  url?: string;
  title?: string;
  assignee: string | null;
  /**
   * Story points. `undefined` when the tracker has no estimate of its own (GitHub issues);
   * `null` when it has one and it is empty.
   */
  points?: number | null;
  /** The description has an "Acceptance criteria" section with content. */
  acceptanceCriteria: boolean;
  /** Done: Jira's done status category; GitHub closed as completed, or a merged pull request. */
  done: boolean;
  /** Human-readable state, e.g. "In Progress" or "open". */
  state?: string;
}

/**
 * Acceptance criteria in a description: a heading or a bold line reading "Acceptance criteria",
 * with some non-blank content after it before the next heading of the same or higher level.
 * Works on Markdown (GitHub) and on the plain-text rendering of Jira's document format.
 */
export function hasAcceptanceCriteria(text: string | null | undefined): boolean {
  if (!text) return false;
  const lines = text.split(/\r?\n/);
  const heading = /^\s*(?:(#{1,6})\s*|h([1-6])\.\s*|\*\*|__|\*)?\s*acceptance\s+criteria\s*:?\s*(?:\*\*|__|\*)?\s*:?\s*$/i;
  for (let i = 0; i < lines.length; i++) {
    const match = heading.exec(lines[i]!);
    if (!match) continue;
    const level = match[1]?.length ?? (match[2] ? Number(match[2]) : 7);
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      const next = /^\s*(#{1,6})\s/.exec(line) ?? /^\s*h([1-6])\.\s/.exec(line);
      if (next) {
        const nextLevel = next[1]!.startsWith("#") ? next[1]!.length : Number(next[1]);
        if (nextLevel <= level) break;
      }
      if (line.replace(/<!--[\s\S]*?-->/g, "").trim() !== "") return true;
    }
  }
  return false;
}

/** What a tracker says about a reference it does not know. */
export function missingIssue(ref: string): LinkedIssue {
  return { ref, found: false, assignee: null, acceptanceCriteria: false, done: false };
}

export const FIBONACCI = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89] as const;

export function isFibonacci(points: number): boolean {
  return (FIBONACCI as readonly number[]).includes(points);
}
