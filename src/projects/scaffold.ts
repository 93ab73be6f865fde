/**
 * A new project's files from templates: the front matter filled in through the YAML document model
 * (so the template's comments survive), and one section per prose criterion of the gates.
 */
import { isMap, parseDocument } from "yaml";
import { InputError } from "../errors.js";
import { sectionsOf, type Gates } from "../gates/definitions.js";
import { splitFrontMatter } from "./front-matter.js";

export interface MilestoneInput {
  name: string;
  due: string;
}

export interface ProjectValues {
  title: string;
  dri: string;
  epic?: string | undefined;
  stakeholders: string[];
  milestones: MilestoneInput[];
  /** Today, YYYY-MM-DD. */
  date: string;
}

export interface Templates {
  project: { text: string; from: string };
  rfc: { text: string; from: string };
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

function sectionsMarkdown(gates: Gates, where: "rfc" | "project"): string {
  const sections = [...sectionsOf(gates.dor, where), ...sectionsOf(gates.dod, where)];
  return sections
    .map((s) => `## ${s.heading}\n\n<!-- ${s.guidance.replace(/--/g, "—")} (criterion: ${s.criterion.id}) -->\n`)
    .join("\n");
}

export function renderProject(templates: Templates, gates: Gates, values: ProjectValues): { project: string; rfc: string } {
  const { yaml, body } = splitFrontMatter(templates.project.text, templates.project.from);
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new InputError(`the project.md template's front matter is not a YAML mapping`, { location: templates.project.from });
  }
  doc.set("title", values.title);
  doc.set("dri", values.dri);
  if (values.epic) doc.set("epic", values.epic);
  if (values.stakeholders.length > 0) doc.set("stakeholders", values.stakeholders);
  if (values.milestones.length > 0) {
    const node = doc.createNode(values.milestones.map((m) => ({ name: m.name, due: m.due, issues: [] })));
    doc.set("milestones", node);
  }
  const placeholders = { title: values.title, dri: values.dri, date: values.date };
  const frontMatter = doc.toString({ lineWidth: 0 });
  const project = `---\n${frontMatter}---\n${fill(body, { ...placeholders, sections: sectionsMarkdown(gates, "project") })}`;
  const rfc = fill(templates.rfc.text, { ...placeholders, sections: sectionsMarkdown(gates, "rfc") });
  return { project: ensureNewline(project), rfc: ensureNewline(rfc) };
}

function ensureNewline(text: string): string {
  return text.replace(/\n*$/, "\n");
}
