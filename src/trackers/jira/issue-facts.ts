/**
 * The facts the readiness rules (gates/issue-readiness.ts) read from one Jira issue: who owns it, its
 * story points, whether its description says something and holds acceptance criteria. `issues-ready`
 * in `cloud dor check` and `cloud groom check` both read Jira issues through here, so the two judge
 * the same facts by the same rules.
 */
import { hasAcceptanceCriteria, hasDescription } from "../../gates/issue-readiness.js";
import type { LinkedIssue } from "../refs.js";
import { adfToText } from "./adf.js";
import { wikiToText } from "./wiki.js";
import type { JiraIssue } from "./jira-schemas.js";

/** The fields the facts come from, given the story-points candidates (JiraClient.storyPointsFields()). */
export function readinessFields(pointsFields: readonly string[]): string[] {
  return ["summary", "status", "assignee", "description", ...pointsFields];
}

/**
 * The facts of `issue`, found for the reference `ref` (its key, or a key it had before it moved).
 * Points come from the first candidate field that holds a number.
 */
export function issueFacts(ref: string, issue: JiraIssue, pointsFields: readonly string[], host: string): LinkedIssue {
  const { fields } = issue;
  const values = fields as Record<string, unknown>;
  const points = pointsFields.map((id) => values[id]).find((v): v is number => typeof v === "number");
  const assignee = fields.assignee ? (fields.assignee.displayName ?? fields.assignee.name ?? fields.assignee.accountId ?? "unknown") : null;
  // Jira Cloud sends a description as a document (ADF), Data Center as a string of wiki markup.
  const description = typeof fields.description === "string" ? wikiToText(fields.description) : adfToText(fields.description);
  return {
    ref,
    found: true,
    url: `${host}/browse/${issue.key}`,
    title: fields.summary,
    assignee,
    points: points ?? null,
    described: hasDescription(description),
    acceptanceCriteria: hasAcceptanceCriteria(description),
    done: fields.status?.statusCategory.key === "done",
    ...(fields.status ? { state: fields.status.name } : {}),
  };
}
