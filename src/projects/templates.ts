/** The built-in templates folder: project.md, rfc.md and the gate definitions. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseGates, type Gates } from "../gates/definitions.js";
import { InputError } from "../errors.js";
import { packageRoot } from "../package.js";

export const BUILTIN_TEMPLATES = path.join(packageRoot, "templates");

let gates: Promise<Gates> | undefined;

export function loadGates(): Promise<Gates> {
  gates ??= readFile(path.join(BUILTIN_TEMPLATES, "gates.yaml"), "utf8").then(parseGates);
  return gates;
}

/** A template by name: the team's folder wins over the built-in one. */
export async function readTemplate(name: string, overrideDir: string | null): Promise<{ text: string; from: string }> {
  if (overrideDir) {
    const custom = path.join(overrideDir, name);
    try {
      return { text: await readFile(custom, "utf8"), from: custom };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new InputError(`cannot read template ${custom}: ${code ?? (error as Error).message}`);
    }
  }
  const builtin = path.join(BUILTIN_TEMPLATES, name);
  return { text: await readFile(builtin, "utf8"), from: builtin };
}
