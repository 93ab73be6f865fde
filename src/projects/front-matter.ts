/**
 * The project.md model: YAML front matter (the structured facts the gates read) and a Markdown body.
 * Parsed with positions so every problem reports `file:line:column`.
 */
import { z } from "zod";
import { InputError } from "../errors.js";
import { isCalendarDate } from "../text/dates.js";
import { parseIssueRef, type IssueRef } from "../trackers/refs.js";
import { parseYaml, validateYaml, type YamlSource } from "../text/yaml.js";

const text = z.string().trim().min(1, "expected a non-empty string");

export const isoDate = z
  .string({ error: "expected a date as YYYY-MM-DD" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine(isCalendarDate, "expected a real calendar date as YYYY-MM-DD");

export const issueRef = z
  .string({ error: "expected an issue reference such as CLOUD-42 or owner/repo#123" })
  .transform((s, ctx): IssueRef => {
    const ref = parseIssueRef(s);
    if (!ref) {
      ctx.addIssue({ code: "custom", message: `'${s}' is not an issue reference: expected a Jira key such as CLOUD-42 or owner/repo#123` });
      return z.NEVER;
    }
    return ref;
  });

/** A URL, or a path relative to the project folder. */
const link = text;

const approval = z.strictObject({
  by: text,
  date: isoDate,
});

const list = <T extends z.ZodType>(item: T) => z.array(item).nullable().optional();

const waiver = z.union(
  [
    z.string().trim().min(1, "a waiver needs a reason: say why the criterion does not apply"),
    z.strictObject({
      reason: z
        .string({ error: "a waiver needs a reason: say why the criterion does not apply" })
        .trim()
        .min(1, "a waiver needs a reason: say why the criterion does not apply"),
      by: text.optional(),
      until: isoDate.optional(),
    }),
  ],
  { error: "expected a reason, or an object with reason, by and until" },
);

export const frontMatterSchema = z.strictObject({
  kind: z.literal("project").optional(),
  title: text,
  status: z.enum(["draft", "ready", "in-progress", "done"]).optional(),
  dri: text,
  epic: issueRef.nullable().optional(),
  stakeholders: list(text),
  dependencies: z
    .strictObject({
      internal: list(text),
      external: list(text),
    })
    .nullable()
    .optional(),
  rfc: z
    .union([
      text.transform((doc) => ({ doc, status: undefined as "draft" | "in-review" | "approved" | undefined })),
      z.strictObject({
        doc: text,
        status: z.enum(["draft", "in-review", "approved"]).optional(),
      }),
    ])
    .nullable()
    .optional(),
  milestones: list(
    z.strictObject({
      name: text,
      due: isoDate.nullable().optional(),
      mvp: z.boolean().optional(),
      issues: list(issueRef),
    }),
  ),
  security: z
    .strictObject({
      risk: z.enum(["low", "medium", "high"]).nullable().optional(),
      approval: approval.nullable().optional(),
    })
    .nullable()
    .optional(),
  estimates: z
    .strictObject({
      cost: z
        .strictObject({
          amount: z.number().nonnegative("expected an amount of 0 or more"),
          currency: z.string().regex(/^[A-Z]{3}$/, "expected a currency code such as USD"),
          period: z.enum(["month", "year", "one-off"]),
        })
        .nullable()
        .optional(),
      capacity: z.number({ error: "expected a number of engineer-days" }).nullable().optional(),
    })
    .nullable()
    .optional(),
  rollout: z
    .strictObject({
      status: z.enum(["planned", "in-progress", "complete"]).nullable().optional(),
      completed: isoDate.nullable().optional(),
    })
    .nullable()
    .optional(),
  testing: z.strictObject({ evidence: list(link) }).nullable().optional(),
  docs: z
    .strictObject({
      user: link.nullable().optional(),
      customer: link.nullable().optional(),
      enablement: link.nullable().optional(),
      operability: link.nullable().optional(),
    })
    .nullable()
    .optional(),
  approvals: z
    .strictObject({
      security: approval.nullable().optional(),
      legal: approval.nullable().optional(),
      stakeholders: approval.nullable().optional(),
    })
    .nullable()
    .optional(),
  operability: z
    .strictObject({
      rollout: link.nullable().optional(),
      rollback: link.nullable().optional(),
      monitoring: link.nullable().optional(),
      impact_measurement: link.nullable().optional(),
      cost: link.nullable().optional(),
      playbooks: list(link),
    })
    .nullable()
    .optional(),
  launch_questionnaire: link.nullable().optional(),
  future_work: list(issueRef),
  waivers: z.record(z.string(), waiver).nullable().optional(),
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
