/** The templates of project.md and rfc.md: the team's folder (docs.templates) wins over the built-in one. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { packageRoot } from "../package.js";

export const BUILTIN_TEMPLATES = path.join(packageRoot, "templates");

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
