/**
 * The built-in gates, read once a run. The build validates templates/gates.yaml and saves the result as
 * dist/gates.json, so a check reads JSON and builds no schema; when that file is missing or older than
 * gates.yaml (an edit not yet built), the YAML is parsed and validated here instead.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../package.js";
import type { Gates } from "./definitions.js";

export const GATES_YAML = path.join(packageRoot, "templates", "gates.yaml");
export const GATES_JSON = path.join(packageRoot, "dist", "gates.json");

let loaded: Promise<Gates> | undefined;

function modified(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

export function loadGates(): Promise<Gates> {
  loaded ??= (async () => {
    const built = modified(GATES_JSON);
    if (built !== undefined && built >= (modified(GATES_YAML) ?? Number.POSITIVE_INFINITY)) {
      return JSON.parse(readFileSync(GATES_JSON, "utf8")) as Gates;
    }
    const { parseGates } = await import("./definitions.js");
    return parseGates(readFileSync(GATES_YAML, "utf8"));
  })();
  return loaded;
}
