/**
 * Branch operations on top of git.ts. Values from the user go after `--end-of-options` (git ≥ 2.30),
 * so a name or ref can never be read as an option. Nothing here stashes, resets or discards work.
 */
import { RefusedError } from "../errors.js";
import { GitError, type Git } from "./git.js";

/** Run git for a yes/no answer: a GitError (non-zero exit) means no; git missing still throws. */
async function answer(git: Git, args: readonly string[]): Promise<string | null> {
  try {
    return (await git.run(args)).stdout.trim();
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}

/** True inside a working tree; false in a bare repository or outside any repository. */
export async function isWorkTree(git: Git): Promise<boolean> {
  return (await answer(git, ["rev-parse", "--is-inside-work-tree"])) === "true";
}

export async function branchExists(git: Git, name: string): Promise<boolean> {
  return (await answer(git, ["show-ref", "--verify", "--quiet", `refs/heads/${name}`])) !== null;
}

/** The commit `ref` names (a branch, tag, remote branch or hash), or null when it names none. */
export async function resolveCommit(git: Git, ref: string): Promise<string | null> {
  return answer(git, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
}

/** The checked-out branch, or null on a detached HEAD. */
export async function currentBranch(git: Git): Promise<string | null> {
  return answer(git, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
}

export interface CreateBranchOptions {
  /** Start point; the current HEAD when absent. */
  base?: string | undefined;
  /** Switch to the new branch (`git switch -c`) or only create it (`git branch`). */
  switchTo: boolean;
}

/**
 * Create `name` at `base`. Switching is `git switch -c`: uncommitted changes, staged or not, and
 * untracked files come along; when they would clash with `base`, git refuses and changes nothing.
 * `--no-track`: a topic branch started from `origin/main` should not push back to main.
 */
export async function createBranch(git: Git, name: string, options: CreateBranchOptions): Promise<void> {
  const start = options.base === undefined ? [] : [options.base];
  const args = options.switchTo
    ? ["switch", "--no-track", "-c", name, "--end-of-options", ...start]
    : ["branch", "--no-track", "--end-of-options", name, ...start];
  try {
    await git.run(args);
  } catch (error) {
    if (error instanceof GitError && /would be overwritten/.test(error.stderr)) {
      const files = error.stderr
        .split("\n")
        .filter((line) => line.startsWith("\t"))
        .map((line) => line.trim());
      throw new RefusedError(
        `cannot switch to a new branch at ${options.base ?? "HEAD"}: it would overwrite uncommitted changes to ${files.join(", ") || "some files"}`,
        { hint: "Commit them first, or create the branch without switching to it with --no-switch.", cause: error },
      );
    }
    throw error;
  }
}
