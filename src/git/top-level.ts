/**
 * The top level of the git work tree holding a folder, found by walking up to the nearest `.git` (a
 * folder, or a file in a linked work tree or submodule) without starting git: every command asks it.
 */
import { statSync } from "node:fs";
import path from "node:path";

export function gitTopLevel(start: string): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    try {
      statSync(path.join(dir, ".git"));
      return dir;
    } catch {
      // not here
    }
    if (path.dirname(dir) === dir) return null;
  }
}
