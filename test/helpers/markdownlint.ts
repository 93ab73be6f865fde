/** The real markdownlint-cli2, with its default rules and line length (MD013) off, over some files. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { tempDir } from "./tmp.js";

const MARKDOWNLINT = path.join(path.dirname(createRequire(import.meta.url).resolve("markdownlint-cli2")), "markdownlint-cli2-bin.mjs");

/** markdownlint-cli2's findings for these files, one per line; empty when they pass. */
export function lint(files: Record<string, string>): string {
  const dir = tempDir("cloud-lint-");
  writeFileSync(path.join(dir, ".markdownlint-cli2.jsonc"), JSON.stringify({ config: { MD013: false } }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  try {
    execFileSync(process.execPath, [MARKDOWNLINT, ...Object.keys(files)], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return "";
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ""}${e.stderr ?? ""}`.split("\n").filter((l) => /\.md:\d+/.test(l)).join("\n");
  }
}
