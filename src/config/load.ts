/**
 * Find cloud.config.yaml by walking up from the working directory, parse it with positions,
 * refuse secrets, validate, resolve. Paths in the config are relative to the file's folder.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { isMap, LineCounter, parseDocument, type Node, type Pair } from "yaml";
import { InputError } from "../errors.js";
import { parseYaml, validateYaml } from "../core/yaml.js";
import { defaultConfig, rawConfigSchema, resolveConfig, type Config } from "./schema.js";

export const CONFIG_FILE = "cloud.config.yaml";

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file, or null when defaults are used. */
  file: string | null;
  /** Folder that relative paths in the config are resolved against. */
  root: string;
}

const SECRET_KEY = /(token|secret|password|passwd|api[-_]?key|credential|private[-_]?key)/i;

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
  if (!file) return { config: structuredClone(defaultConfig), file: null, root: cwd };
  const text = await readFile(file, "utf8");
  const shown = path.relative(cwd, file) || CONFIG_FILE;
  refuseSecrets(text, shown);
  const source = parseYaml(text, { file: shown });
  const value = source.value ?? {};
  const raw = validateYaml({ ...source, value }, rawConfigSchema, shown);
  return { config: resolveConfig(raw), file, root: path.dirname(file) };
}

/** A key that looks like it holds a credential is refused before anything else is read. */
function refuseSecrets(text: string, file: string): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) return; // reported with its position by parseYaml
  const visit = (node: unknown, trail: string[]): void => {
    if (!isMap(node)) return;
    for (const pair of node.items as Pair[]) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      if (SECRET_KEY.test(key)) {
        const p = lineCounter.linePos((pair.key as Node | null)?.range?.[0] ?? 0);
        throw new InputError(`'${[...trail, key].join(".")}' looks like a secret; keep secrets out of committed files`, {
          location: `${file}:${p.line}:${p.col}`,
          hint: "Remove the key and set the credential in the environment (GH_TOKEN, JIRA_API_TOKEN).",
        });
      }
      visit(pair.value, [...trail, key]);
    }
  };
  visit(doc.contents, []);
}
