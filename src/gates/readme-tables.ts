/** The gates as Markdown tables, for the README (kept in sync by a test). */
import type { Evidence, Gate, RuleName } from "./definitions.js";

function describe(e: Evidence): string {
  if ("section" in e) return `section **${e.section}** written (${e.in === "rfc" ? "rfc.md" : "project.md"})`;
  if ("field" in e) return `\`${e.field}\` set${e.link ? " (links resolve)" : ""}`;
  if ("rule" in e) return RULE_TEXT[e.rule];
  if ("linked" in e) return LINKED_TEXT[e.linked];
  return e.any.map(describe).join(", or ");
}

const RULE_TEXT: Record<RuleName, string> = {
  dependencies: "`dependencies.internal` / `dependencies.external` declared (`[]` = none)",
  "rfc-approved": "`rfc.doc` exists (path or URL) and `rfc.status: approved`",
  milestones: "at least one milestone; each has a `name`, a `due` date and at least one linked issue",
  mvp: "exactly one milestone with `mvp: true`",
  security: "`security.risk` set; `medium`/`high` need `security.approval` with `by` and `date`",
  capacity: "`estimates.capacity` is a positive number of engineer-days",
  "rolled-out": "`rollout.status: complete`",
};

const LINKED_TEXT: Record<"ready" | "done" | "exists", string> = {
  ready: "every milestone issue exists and is ready as `cloud groom check` judges it: an assignee, a description, acceptance criteria, a Fibonacci estimate (Jira); the `epic` exists",
  done: "every milestone issue is done (Jira done category; GitHub closed as completed or merged)",
  exists: "`future_work` listed (`[]` = none) and every issue in it exists",
};

export function gateTable(gate: Gate): string {
  const rows = gate.criteria.map((c) => `| \`${c.id}\` | ${c.group} | ${c.title} | ${c.evidence.map(describe).join("; and ")} |`);
  return ["| id | group | criterion | evidence |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
