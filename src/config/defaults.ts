/** The resolved configuration and its defaults: no parsing here, so a run without a config file loads nothing heavy. */

export interface Config {
  docs: { dir: string; templates: string | null };
  jira: { host: string | null; project: string | null; storyPointsField: string | null };
  github: {
    owner: string | null;
    project: number | null;
    milestoneField: string;
    statusField: string;
    doneValues: string[];
    estimateField: string;
  };
  branch: { format: string; maxLength: number };
}

export const defaultConfig: Config = {
  docs: { dir: "docs/projects", templates: null },
  jira: { host: null, project: null, storyPointsField: null },
  github: {
    owner: null,
    project: null,
    milestoneField: "Milestone",
    statusField: "Status",
    doneValues: ["Done"],
    estimateField: "Estimate",
  },
  branch: { format: "{slug}-{key}", maxLength: 60 },
};
