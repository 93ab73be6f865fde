/**
 * cloud.config.yaml: the raw schema (what people write, every key optional, unknown keys refused)
 * and the resolved config (defaults applied). Types come from the schemas.
 */
import type { YamlSource } from "../text/yaml.js";
import { z } from "../text/zod.js";
import { InputError } from "../errors.js";
import { defaultConfig } from "./defaults.js";

export { defaultConfig };

const nonEmpty = z.string().check(z.trim(), z.minLength(1, "expected a non-empty string"));

/**
 * The resolved configuration: every key present. The raw schema (what people write) is this one with
 * every key optional; the defaults (defaults.ts) fill in the rest. The `Config` type comes from here.
 */
const sections = {
  docs: z.strictObject({
    dir: nonEmpty,
    templates: z.nullable(nonEmpty),
  }),
  jira: z.strictObject({
    host: z.nullable(z.url({ protocol: /^https?$/, error: "expected an http(s) URL such as https://example.atlassian.net" })),
    deployment: z.enum(["auto", "cloud", "datacenter"], "expected auto, cloud or datacenter"),
    project: z.nullable(
      z.pipe(
        z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{1,9}$/, "expected a Jira project key such as CLOUD")),
        z.transform((s) => s.toUpperCase()),
      ),
    ),
    storyPointsField: z.nullable(nonEmpty),
  }),
  github: z.strictObject({
    owner: z.nullable(z.string().check(z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "expected a GitHub login such as acme"))),
    project: z.nullable(z.number().check(z.int(), z.positive("expected a project number such as 7"))),
    milestoneField: nonEmpty,
    statusField: nonEmpty,
    doneValues: z.array(nonEmpty).check(z.minLength(1, "expected at least one value")),
    estimateField: nonEmpty,
  }),
  branch: z.strictObject({
    format: nonEmpty.check(
      z.refine((s) => s.includes("{key}"), "expected a format containing {key}, so the branch links to its issue"),
      z.refine((s) => !/\{(?!slug\}|key\}|type\})[^}]*\}/.test(s), "expected only the placeholders {slug}, {key} and {type}"),
    ),
    maxLength: z.number().check(z.int(), z.minimum(20, "expected at least 20"), z.maximum(255, "expected at most 255")),
  }),
  milestones: z.strictObject({
    source: z.enum(["github", "jira"], "expected github or jira"),
  }),
  groom: z.strictObject({
    label: nonEmpty,
  }),
};

export const configSchema = z.strictObject(sections);
export type Config = z.output<typeof configSchema>;

const optionalPartial = <S extends (typeof sections)[keyof typeof sections]>(section: S) => z.optional(z.partial(section));

export const rawConfigSchema = z.strictObject({
  docs: optionalPartial(sections.docs),
  jira: optionalPartial(sections.jira),
  github: optionalPartial(sections.github),
  branch: optionalPartial(sections.branch),
  milestones: optionalPartial(sections.milestones),
  groom: optionalPartial(sections.groom),
});

export type RawConfig = z.infer<typeof rawConfigSchema>;

/** Keys the file sets win over the defaults; flags and environment are applied by the commands. */
function merge<T extends object>(defaults: T, raw: { [K in keyof T]?: T[K] | undefined } | undefined): T {
  const out = { ...defaults };
  for (const key of Object.keys(raw ?? {}) as (keyof T)[]) {
    const value = raw![key];
    if (value !== undefined) out[key] = value as T[keyof T];
  }
  return out;
}

export function resolveConfig(raw: RawConfig): Config {
  const resolved = {} as Record<keyof Config, unknown>;
  for (const section of Object.keys(sections) as (keyof Config)[]) {
    resolved[section] = merge(defaultConfig[section], raw[section] as never);
  }
  return resolved as Config;
}

const SECRET_KEY = /(token|secret|password|passwd|api[-_]?key|credential|private[-_]?key)/i;

/**
 * A key that looks like it holds a credential is refused before the values are validated, at its
 * position. Walks the value parseYaml made (bounded in depth, linear), not a second parse of the text.
 */
export function refuseSecrets(source: YamlSource): void {
  const visit = (value: unknown, trail: string[]): void => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(key)) {
        throw new InputError(`'${[...trail, key].join(".")}' looks like a secret; keep secrets out of committed files`, {
          location: source.where([...trail, key], "key"),
          hint: "Remove the key and set the credential in the environment (GH_TOKEN, JIRA_API_TOKEN).",
        });
      }
      visit(inner, [...trail, key]);
    }
  };
  visit(source.value, []);
}
