/** The templates of project.md and rfc.md: the team's folder (docs.templates) wins over the built-in one. */
import { access } from "node:fs/promises";
import path from "node:path";
import { MAX_DOCUMENT_BYTES, readTextFile } from "../io/bounded-read.js";
import { packageRoot } from "../package.js";

export const BUILTIN_TEMPLATES = path.join(packageRoot, "templates");

/** A template by name: the team's folder wins over the built-in one. */
export async function readTemplate(name: string, overrideDir: string | null): Promise<{ text: string; from: string }> {
  if (overrideDir) {
    const custom = path.join(overrideDir, name);
    // A template the team did not write falls back to the built-in one; one it wrote is read bounded.
    const present = await access(custom).then(
      () => true,
      () => false,
    );
    if (present) return { text: await readTextFile(custom, { maxBytes: MAX_DOCUMENT_BYTES, what: "template" }), from: custom };
  }
  const builtin = path.join(BUILTIN_TEMPLATES, name);
  return { text: await readTextFile(builtin, { maxBytes: MAX_DOCUMENT_BYTES, what: "template" }), from: builtin };
}
