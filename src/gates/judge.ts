/**
 * Judge a project against a gate from its evidence: front matter, written sections and linked issues.
 * Pure: everything read from disk or a tracker arrives in `ProjectEvidence`.
 */
import type { FrontMatter, ProjectDocument } from "../projects/front-matter.js";
import { allCriterionIds, type Criterion, type Evidence, type Gate, type Gates, type RuleName } from "./definitions.js";
import type { IssueRef, LinkedIssue } from "../trackers/refs.js";
import { judgeIssue, judgeMissingIssue, unmetDetails } from "./issue-readiness.js";
import { findSection, type Section } from "../projects/sections.js";
import { didYouMean } from "../text/suggest.js";
import { InputErrors } from "../errors.js";

export type Status = "met" | "unmet" | "waived" | "skipped";

export interface CriterionResult {
  id: string;
  group: string;
  title: string;
  status: Status;
  detail: string;
  location: string;
}

export interface ProjectResult {
  path: string;
  title: string;
  passed: boolean;
  criteria: CriterionResult[];
}

export interface SectionSource {
  file: string;
  sections: Section[];
}

export interface LinkedLookup {
  /** Facts for a reference, or undefined when its tracker was not asked. */
  get(ref: IssueRef): LinkedIssue | undefined;
  /** Why unasked references are skipped, e.g. "--offline". */
  skipReason(ref: IssueRef): string;
}

export interface ProjectEvidence {
  project: ProjectDocument;
  /** rfc.md when it is a local file; project.md's body always. */
  documents: SectionSource[];
  /** Does a path relative to the project folder exist? */
  exists(relativePath: string): boolean;
  linked: LinkedLookup;
  /** Today as YYYY-MM-DD, for waivers that lapse. */
  today: string;
}

type Verdict = { ok: true; detail: string; location?: string } | { ok: false; skipped?: boolean; detail: string; location?: string };

const met = (detail: string, location?: string): Verdict => ({ ok: true, detail, location });
const unmet = (detail: string, location?: string): Verdict => ({ ok: false, detail, location });

/** A waiver that names no criterion of any gate is an input error, with its position: all of them at once. */
export function checkWaiverIds(project: ProjectDocument, gates: Gates): void {
  const ids = allCriterionIds(gates);
  const problems = Object.keys(project.frontMatter.waivers ?? {})
    .filter((id) => !ids.includes(id))
    .map((id) => ({
      location: project.source.where(["waivers", id], "key"),
      message: `waiver for unknown criterion '${id}'${didYouMean(id, ids)}; use an id that \`cloud dor check --help\` or \`cloud dod check --help\` lists`,
    }));
  if (problems.length > 0) throw new InputErrors(problems);
}

/** The references a gate's linked-issue criteria will ask a tracker about (waived ones excluded). */
export function linkedRefs(gate: Gate, fm: FrontMatter, today: string): IssueRef[] {
  const refs = new Map<string, IssueRef>();
  for (const criterion of gate.criteria) {
    if (activeWaiver(fm, criterion.id, today)) continue;
    for (const e of flatten(criterion.evidence)) {
      if (!("linked" in e)) continue;
      for (const ref of refsFor(e.from, fm)) refs.set(ref.text, ref);
      if (e.from === "milestones" && fm.epic) refs.set(fm.epic.text, fm.epic);
    }
  }
  return [...refs.values()];
}

function flatten(evidence: readonly Evidence[]): Evidence[] {
  return evidence.flatMap((e) => ("any" in e ? flatten(e.any) : [e]));
}

/** The references a criterion reads: milestone issues (and the epic), or future work. */
function refsFor(from: "milestones" | "future_work", fm: FrontMatter): IssueRef[] {
  if (from === "future_work") return fm.future_work ?? [];
  const refs = (fm.milestones ?? []).flatMap((m) => m.issues ?? []);
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.text) && seen.add(r.text));
}

function activeWaiver(fm: FrontMatter, id: string, today: string) {
  const raw = fm.waivers?.[id];
  if (raw === undefined) return undefined;
  const waiver = typeof raw === "string" ? { reason: raw, by: undefined, until: undefined } : raw;
  return { ...waiver, lapsed: waiver.until !== undefined && waiver.until < today };
}

export function evaluate(gate: Gate, evidence: ProjectEvidence): ProjectResult {
  const { project } = evidence;
  const criteria = gate.criteria.map((criterion) => judgeCriterion(criterion, evidence));
  return {
    path: project.file,
    title: project.frontMatter.title,
    passed: criteria.every((c) => c.status !== "unmet"),
    criteria,
  };
}

function judgeCriterion(criterion: Criterion, evidence: ProjectEvidence): CriterionResult {
  const { project, today } = evidence;
  const base = { id: criterion.id, group: criterion.group, title: criterion.title };
  const waiver = activeWaiver(project.frontMatter, criterion.id, today);
  const waiverLocation = () => project.source.line(["waivers", criterion.id], "key");
  if (waiver && !waiver.lapsed) {
    const who = waiver.by ? ` (${waiver.by}${waiver.until ? `, until ${waiver.until}` : ""})` : waiver.until ? ` (until ${waiver.until})` : "";
    return { ...base, status: "waived", detail: `waived: ${waiver.reason}${who}`, location: waiverLocation() };
  }
  const verdicts = criterion.evidence.map((e) => judge(e, evidence));
  const failed = verdicts.find((v) => !v.ok && !v.skipped);
  const skipped = verdicts.find((v) => !v.ok && v.skipped);
  const chosen = failed ?? skipped ?? verdicts[verdicts.length - 1]!;
  let detail = verdicts.length > 1 && !failed && !skipped ? verdicts.map((v) => v.detail).join("; ") : chosen.detail;
  if (waiver?.lapsed) detail += ` (waiver lapsed on ${waiver.until})`;
  const status: Status = failed ? "unmet" : skipped ? "skipped" : "met";
  return { ...base, status, detail, location: chosen.location ?? project.source.line([]) };
}

function judge(e: Evidence, ev: ProjectEvidence): Verdict {
  if ("section" in e) return judgeSection(e.section, e.in, ev);
  if ("field" in e) return judgeField(e.field, e.link, ev);
  if ("rule" in e) return RULE_JUDGES[e.rule](ev);
  if ("linked" in e) return judgeLinked(e.linked, e.from, ev);
  const verdicts = e.any.map((x) => judge(x, ev));
  return verdicts.find((v) => v.ok) ?? verdicts.find((v) => !v.ok && v.skipped) ?? verdicts[0]!;
}

function judgeSection(heading: string, home: "rfc" | "project", ev: ProjectEvidence): Verdict {
  for (const doc of ev.documents) {
    const section = findSection(doc.sections, heading);
    if (section?.written) return met(`section '${heading}' is written`, `${doc.file}:${section.line}`);
  }
  for (const doc of ev.documents) {
    const section = findSection(doc.sections, heading);
    if (section) return unmet(`section '${heading}' has no text`, `${doc.file}:${section.line}`);
  }
  // The RFC lives elsewhere (a URL) or is not where rfc.doc says: its sections cannot be read here,
  // and saying "add '## Context'" eleven times would point at the wrong file. The `rfc` criterion
  // reports a doc that does not exist; a URL is the team's call.
  const doc = ev.project.frontMatter.rfc?.doc;
  if (home === "rfc" && doc && (isUrl(doc) || !ev.exists(doc))) {
    const why = isUrl(doc) ? `the RFC is at ${doc}, which is not read here` : `the RFC '${doc}' does not exist (see rfc)`;
    return { ok: false, skipped: true, detail: `section '${heading}' not checked: ${why}`, location: fieldLocation(ev, "rfc.doc") };
  }
  const target = ev.documents.find((d) => (home === "rfc" ? d.file !== ev.project.file : d.file === ev.project.file)) ?? ev.documents[0]!;
  return unmet(`section '${heading}' is missing: add '## ${heading}' with text`, `${target.file}:1`);
}

function get(fm: FrontMatter, path: string): unknown {
  let value: unknown = fm;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

function fieldLocation(ev: ProjectEvidence, path: string): string {
  return ev.project.source.line(path.split("."), "key");
}

/** A link resolves when it is a URL or a path that exists relative to the project folder. */
function brokenLinks(values: string[], ev: ProjectEvidence): string[] {
  return values.filter((v) => !isUrl(v) && !ev.exists(v.replace(/#.*$/, "")));
}

function judgeField(path: string, isLink: boolean, ev: ProjectEvidence): Verdict {
  const value = get(ev.project.frontMatter, path);
  const location = fieldLocation(ev, path);
  if (value === undefined || value === null) return unmet(`'${path}' is not set in the front matter`, location);
  if (value === "" || (Array.isArray(value) && value.length === 0)) return unmet(`'${path}' is empty in the front matter`, location);
  if (isLink && (typeof value === "string" || Array.isArray(value))) {
    const links = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
    const broken = brokenLinks(links, ev);
    if (broken.length > 0) return unmet(`'${path}' points to ${broken.map((b) => `'${b}'`).join(", ")}, which does not exist`, location);
    return met(`'${path}' is set`, location);
  }
  if (Array.isArray(value)) return met(`${value.length} listed in '${path}'`, location);
  if (typeof value === "object" && "by" in value && "date" in value) {
    const a = value as { by: string; date: string };
    return met(`approved by ${a.by} on ${a.date}`, location);
  }
  return met(`'${path}' is set`, location);
}

const RULE_JUDGES: Record<RuleName, (ev: ProjectEvidence) => Verdict> = {
  dependencies(ev) {
    const deps = ev.project.frontMatter.dependencies;
    const location = fieldLocation(ev, "dependencies");
    const internal = deps?.internal;
    const external = deps?.external;
    if (!Array.isArray(internal) && !Array.isArray(external)) {
      return unmet("declare dependencies.internal and dependencies.external (an empty list [] means none)", location);
    }
    const count = (internal?.length ?? 0) + (external?.length ?? 0);
    return met(count === 0 ? "no dependencies, declared explicitly" : `${count} dependencies declared`, location);
  },

  "rfc-approved"(ev) {
    const rfc = ev.project.frontMatter.rfc;
    const location = fieldLocation(ev, "rfc");
    if (!rfc) return unmet("'rfc' is not set: link the RFC (a path or a URL) with rfc.doc", location);
    if (!isUrl(rfc.doc) && !ev.exists(rfc.doc)) return unmet(`the RFC '${rfc.doc}' does not exist`, location);
    if (rfc.status !== "approved") {
      return unmet(`the RFC is ${rfc.status ? `'${rfc.status}'` : "not marked approved"}: set rfc.status: approved once it is reviewed`, location);
    }
    return met(`RFC ${rfc.doc} approved`, location);
  },

  milestones(ev) {
    const milestones = ev.project.frontMatter.milestones ?? [];
    if (milestones.length === 0) return unmet("no milestones: add milestones with a name, a due date and linked issues", fieldLocation(ev, "milestones"));
    const problems: string[] = [];
    let first: number | undefined;
    milestones.forEach((m, i) => {
      const lacks = [!m.due && "a due date", (m.issues ?? []).length === 0 && "linked issues"].filter(Boolean);
      if (lacks.length > 0) {
        problems.push(`'${m.name}' has no ${lacks.join(" and no ")}`);
        first ??= i;
      }
    });
    if (problems.length > 0) {
      return unmet(`milestone ${problems.join("; ")}`, ev.project.source.line(["milestones", first!]));
    }
    return met(`${milestones.length} milestone${milestones.length === 1 ? "" : "s"}, each with a due date and issues`, fieldLocation(ev, "milestones"));
  },

  mvp(ev) {
    const milestones = ev.project.frontMatter.milestones ?? [];
    const mvps = milestones.map((m, i) => ({ m, i })).filter(({ m }) => m.mvp === true);
    if (mvps.length === 1) {
      return met(`MVP is milestone '${mvps[0]!.m.name}'`, ev.project.source.line(["milestones", mvps[0]!.i, "mvp"], "key"));
    }
    if (mvps.length > 1) {
      const names = mvps.map(({ m }) => `'${m.name}'`).join(", ");
      return unmet(`${mvps.length} milestones are marked mvp (${names}): mark exactly one`, ev.project.source.line(["milestones", mvps[1]!.i, "mvp"], "key"));
    }
    return unmet("no MVP: mark one milestone 'mvp: true' or write an 'MVP' section", fieldLocation(ev, "milestones"));
  },

  security(ev) {
    const security = ev.project.frontMatter.security;
    const location = fieldLocation(ev, "security.risk");
    const risk = security?.risk;
    if (!risk) return unmet("rate the security risk: set security.risk to low, medium or high", location);
    if (risk === "low") return met("security risk is low", location);
    const approval = security?.approval;
    if (!approval) {
      return unmet(`security risk is ${risk}: it needs security.approval with by and date`, fieldLocation(ev, "security"));
    }
    return met(`security risk is ${risk}, approved by ${approval.by} on ${approval.date}`, fieldLocation(ev, "security.approval"));
  },

  capacity(ev) {
    const capacity = ev.project.frontMatter.estimates?.capacity;
    const location = fieldLocation(ev, "estimates.capacity");
    if (capacity === undefined || capacity === null) return unmet("set estimates.capacity to the engineer-days the project needs", location);
    if (!(capacity > 0)) return unmet(`estimates.capacity is ${capacity}: it must be a positive number of engineer-days`, location);
    return met(`${capacity} engineer-days`, location);
  },

  "rolled-out"(ev) {
    const rollout = ev.project.frontMatter.rollout;
    const location = fieldLocation(ev, "rollout.status");
    if (rollout?.status !== "complete") {
      return unmet(`rollout is ${rollout?.status ? `'${rollout.status}'` : "not recorded"}: set rollout.status: complete once it has reached every customer`, location);
    }
    return met(`rollout complete${rollout.completed ? ` on ${rollout.completed}` : ""}`, location);
  },
};

function judgeLinked(kind: "ready" | "done" | "exists", from: "milestones" | "future_work", ev: ProjectEvidence): Verdict {
  const fm = ev.project.frontMatter;
  const location = fieldLocation(ev, from);
  if (from === "future_work" && (fm.future_work === undefined || fm.future_work === null)) {
    return unmet("list future work as issues in future_work (an empty list [] if there is none)", location);
  }
  const refs = refsFor(from, fm);
  if (refs.length === 0) {
    return from === "future_work"
      ? met("no future work, declared explicitly", location)
      : unmet("no linked issues: list each milestone's issues under milestones[].issues", location);
  }
  const problems: string[] = [];
  const unasked: IssueRef[] = [];
  // The epic only has to exist: it is the umbrella, not a unit of work.
  if (from === "milestones" && fm.epic) {
    const epic = ev.linked.get(fm.epic);
    if (!epic) unasked.push(fm.epic);
    else if (!epic.found) problems.push(`epic ${fm.epic.text} does not exist`);
  }
  for (const ref of refs) {
    const issue = ev.linked.get(ref);
    if (!issue) {
      unasked.push(ref);
      continue;
    }
    if (!issue.found) {
      problems.push(...unmetDetails(judgeMissingIssue(ref.text)));
      continue;
    }
    if (kind === "ready") {
      const lacks = unmetDetails(judgeIssue(issue));
      if (lacks.length > 0) problems.push(`${ref.text}: ${lacks.join(", ")}`);
    } else if (kind === "done" && !issue.done) {
      problems.push(`${ref.text} is not done${issue.state ? ` (${issue.state})` : ""}`);
    }
  }
  const note = unasked.length > 0 ? ` (${unasked.length} not checked: ${ev.linked.skipReason(unasked[0]!)})` : "";
  if (problems.length > 0) return unmet(`${problems.join("; ")}${note}`, location);
  if (unasked.length > 0) {
    const checked = refs.length - unasked.length;
    return {
      ok: false,
      skipped: true,
      detail: `${unasked.length} linked issue${unasked.length === 1 ? "" : "s"} not checked: ${ev.linked.skipReason(unasked[0]!)}${checked > 0 ? ` (${checked} checked and fine)` : ""}`,
      location,
    };
  }
  const what = kind === "ready" ? "ready" : kind === "done" ? "done" : "tracked";
  return met(`${refs.length} linked issue${refs.length === 1 ? "" : "s"} ${what}`, location);
}
