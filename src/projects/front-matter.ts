/**
 * The project.md model: YAML front matter (the structured facts the gates read) and a Markdown body.
 * Parsed with positions so every problem reports `file:line:column`.
 */
import { z } from "../text/zod.js";
import { InputError } from "../errors.js";
import { isCalendarDate } from "../text/dates.js";
import { parseIssueRef, type IssueRef } from "../trackers/refs.js";
import { parseYaml, validateYaml, type YamlSource } from "../text/yaml.js";

const text = z.string().check(z.trim(), z.minLength(1, "expected a non-empty string"));
/** Absent, or written with no value (`key:`). */
const maybe = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

export const isoDate = z.string({ error: "expected a date as YYYY-MM-DD" }).check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD"),
  z.refine(isCalendarDate, "expected a real calendar date as YYYY-MM-DD"),
);

export const issueRef = z.pipe(
  z.string({ error: "expected an issue reference such as CLOUD-42 or owner/repo#123" }),
  z.transform((s, ctx): IssueRef => {
    const ref = parseIssueRef(s);
    if (!ref) {
      ctx.issues.push({ code: "custom", input: s, message: `'${s}' is not an issue reference: expected a Jira key such as CLOUD-42 or owner/repo#123` });
      return z.NEVER;
    }
    return ref;
  }),
);

/** A URL, or a path relative to the project folder. */
const link = text;

const approval = z.strictObject({
  by: text,
  date: isoDate,
});

const list = <T extends z.ZodMiniType>(item: T) => maybe(z.array(item));

const WAIVER_REASON = "a waiver needs a reason: say why the criterion does not apply";

const waiver = z.union(
  [
    z.string().check(z.trim(), z.minLength(1, WAIVER_REASON)),
    z.strictObject({
      reason: z.string({ error: WAIVER_REASON }).check(z.trim(), z.minLength(1, WAIVER_REASON)),
      by: z.optional(text),
      until: z.optional(isoDate),
    }),
  ],
  { error: "expected a reason, or an object with reason, by and until" },
);

export const frontMatterSchema = z.strictObject({
  kind: z.optional(z.literal("project")),
  title: text,
  status: z.optional(z.enum(["draft", "ready", "in-progress", "done"])),
  dri: text,
  epic: maybe(issueRef),
  stakeholders: list(text),
  dependencies: maybe(
    z.strictObject({
      internal: list(text),
      external: list(text),
    }),
  ),
  rfc: maybe(
    z.union([
      z.pipe(
        text,
        z.transform((doc) => ({ doc, status: undefined as "draft" | "in-review" | "approved" | undefined })),
      ),
      z.strictObject({
        doc: text,
        status: z.optional(z.enum(["draft", "in-review", "approved"])),
      }),
    ]),
  ),
  milestones: list(
    z.strictObject({
      name: text,
      due: maybe(isoDate),
      mvp: z.optional(z.boolean()),
      issues: list(issueRef),
    }),
  ),
  security: maybe(
    z.strictObject({
      risk: maybe(z.enum(["low", "medium", "high"])),
      approval: maybe(approval),
    }),
  ),
  estimates: maybe(
    z.strictObject({
      cost: maybe(
        z.strictObject({
          amount: z.number().check(z.nonnegative("expected an amount of 0 or more")),
          currency: z.string().check(z.regex(/^[A-Z]{3}$/, "expected a currency code such as USD")),
          period: z.enum(["month", "year", "one-off"]),
        }),
      ),
      capacity: maybe(z.number({ error: "expected a number of engineer-days" })),
    }),
  ),
  rollout: maybe(
    z.strictObject({
      status: maybe(z.enum(["planned", "in-progress", "complete"])),
      completed: maybe(isoDate),
    }),
  ),
  testing: maybe(z.strictObject({ evidence: list(link) })),
  docs: maybe(
    z.strictObject({
      user: maybe(link),
      customer: maybe(link),
      enablement: maybe(link),
      operability: maybe(link),
    }),
  ),
  approvals: maybe(
    z.strictObject({
      security: maybe(approval),
      legal: maybe(approval),
      stakeholders: maybe(approval),
    }),
  ),
  operability: maybe(
    z.strictObject({
      rollout: maybe(link),
      rollback: maybe(link),
      monitoring: maybe(link),
      impact_measurement: maybe(link),
      cost: maybe(link),
      playbooks: list(link),
    }),
  ),
  launch_questionnaire: maybe(link),
  future_work: list(issueRef),
  waivers: maybe(z.record(z.string(), waiver)),
});

export type FrontMatter = z.output<typeof frontMatterSchema>;

export interface ProjectDocument {
  file: string;
  frontMatter: FrontMatter;
  source: YamlSource;
  /** The Markdown after the front matter, and the file line it starts on. */
  body: string;
  bodyLine: number;
}

/** Split `---` front matter from the body; the YAML starts on line 2 of the file. */
export function splitFrontMatter(text: string, file: string): { yaml: string; body: string; bodyLine: number } {
  const content = text.replace(/^\uFEFF/, "");
  const lines = content.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== "---") {
    throw new InputError("no front matter: expected '---' on the first line, then YAML, then '---'", {
      location: `${file}:1:1`,
      hint: "Start the file with the project's facts between two '---' lines (see `cloud project init`).",
    });
  }
  const end = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === "---" || line.trimEnd() === "..."));
  if (end === -1) {
    // The last line of the file (split() yields an empty string after a final newline).
    const last = lines.length > 1 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
    throw new InputError("front matter is not closed: expected a line '---' after the YAML", {
      location: `${file}:${last}:1`,
    });
  }
  return { yaml: lines.slice(1, end).join("\n"), body: lines.slice(end + 1).join("\n"), bodyLine: end + 2 };
}

export function parseProjectDocument(text: string, file: string): ProjectDocument {
  const { yaml, body, bodyLine } = splitFrontMatter(text, file);
  const source = parseYaml(yaml, { file, lineOffset: 1 });
  if (source.value === null || typeof source.value !== "object" || Array.isArray(source.value)) {
    throw new InputError("front matter must be a YAML mapping of keys to values (title, dri, …)", {
      location: `${file}:2:1`,
    });
  }
  const frontMatter = validateYaml(source, frontMatterSchema, "front matter");
  return { file, frontMatter, source, body, bodyLine };
}
