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
  /** The description has text beyond headings and template boilerplate. */
  described: boolean;
  /** The description has an "Acceptance criteria" section with content. */
  acceptanceCriteria: boolean;
  /** Done: Jira's done status category; GitHub closed as completed, or a merged pull request. */
  done: boolean;
  /** Human-readable state, e.g. "In Progress" or "open". */
  state?: string;
}

/** What a tracker says about a reference it does not know. */
export function missingIssue(ref: string): LinkedIssue {
  return { ref, found: false, assignee: null, described: false, acceptanceCriteria: false, done: false };
}
