/**
 * The defaults of every configuration key. Plain data with a type-only import, so a run without a
 * config file loads neither zod nor yaml; the type itself comes from the schema (schema.ts).
 */
import type { Config } from "./schema.js";

export type { Config };

export const defaultConfig: Config = {
  docs: { dir: "docs/projects", templates: null },
  jira: { host: null, deployment: "auto", project: null, storyPointsField: null },
  github: {
    owner: null,
    project: null,
    milestoneField: "Milestone",
    statusField: "Status",
    doneValues: ["Done"],
    estimateField: "Estimate",
  },
  branch: { format: "{slug}-{key}", maxLength: 60 },
  milestones: { source: "github" },
  groom: { label: "grooming" },
};
