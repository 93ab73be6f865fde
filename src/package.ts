/**
 * Where this package is installed, found by walking up from this module to our package.json,
 * so it holds whether the code runs from src/ (tests), or a bundle in dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && existsSync(path.join(dir, "templates", "gates.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the cloud package above ${start}`);
    dir = parent;
  }
}

export const packageRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
}

type Importer = (specifier: string) => Promise<unknown>;

// The heavy libraries (jira.js, @octokit/graphql, @inquirer/prompts) are installed ES modules, loaded when
// a command first needs one. bin/cloud.js runs the bundle from V8's code cache, where a bare import() has
// no module loader behind it, so it hands in its own (useImporter) before the program starts.
let importer: Importer = (specifier) => import(specifier);

export function useImporter(load: Importer): void {
  importer = load;
}

/** Import an installed package by name: `await importPackage<typeof import("x")>("x")`. */
export function importPackage<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}
