/**
 * Find cloud.config.yaml by walking up from the working directory, parse it with positions,
 * refuse secrets, validate, resolve. Paths in the config are relative to the file's folder.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { gitTopLevel } from "../git/top-level.js";
import { MAX_FRONT_MATTER_BYTES, readTextFile } from "../io/bounded-read.js";
import { defaultConfig, type Config } from "./defaults.js";

export const CONFIG_FILE = "cloud.config.yaml";

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file, or null when defaults are used. */
  file: string | null;
  /**
   * The project root, which docs.dir and docs.templates are relative to: the folder holding the config
   * file; without one, the top level of the git work tree; outside git, the working directory.
   */
  root: string;
}


export async function findConfigFile(cwd: string): Promise<string | null> {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        throw new InputError(`cannot read ${CONFIG_FILE}: ${(error as Error).message}`, { location: candidate });
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export async function loadConfig(cwd: string): Promise<LoadedConfig> {
  const file = await findConfigFile(cwd);
  if (!file) return { config: structuredClone(defaultConfig), file: null, root: gitTopLevel(cwd) ?? cwd };
  const shown = path.relative(cwd, file) || CONFIG_FILE;
  // YAML and zod are loaded only when there is a file to read.
  const [text, { parseYaml, validateYaml }, { rawConfigSchema, resolveConfig, refuseSecrets }] = await Promise.all([
    readTextFile(file, { maxBytes: MAX_FRONT_MATTER_BYTES, what: "config file", shown }),
    import("../text/yaml.js"),
    import("./schema.js"),
  ]);
  const source = parseYaml(text, { file: shown });
  refuseSecrets(source);
  const value = source.value ?? {};
  const raw = validateYaml({ ...source, value }, rawConfigSchema, shown);
  return { config: resolveConfig(raw), file, root: path.dirname(file) };
}
