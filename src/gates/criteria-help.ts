/**
 * The criteria of a gate as `--help` lists them (id and title, one a line), read from
 * templates/gates.yaml when help is shown. A line scan of our own file, so that help loads neither
 * yaml nor zod; the suite checks it lists exactly what the gate definitions hold.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../package.js";

export function criteriaHelp(gate: "dor" | "dod"): string {
  const lines = readFileSync(path.join(packageRoot, "templates", "gates.yaml"), "utf8").split("\n");
  const rows: [string, string][] = [];
  let inGate = false;
  for (const line of lines) {
    if (/^[a-z]+:/.test(line)) inGate = line.startsWith(`${gate}:`);
    if (!inGate) continue;
    const id = /^ {4}- id: (\S+)\s*$/.exec(line);
    if (id) rows.push([id[1]!, ""]);
    const title = /^ {6}title: (.+)$/.exec(line);
    if (title && rows.length > 0 && rows.at(-1)![1] === "") rows.at(-1)![1] = title[1]!.trim();
  }
  const width = Math.max(0, ...rows.map(([id]) => id.length));
  return rows.map(([id, title]) => `  ${id.padEnd(width)}  ${title}`).join("\n");
}
