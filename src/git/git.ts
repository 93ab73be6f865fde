/** git, run with argument arrays through execFile: never a shell string. */
import { execFile } from "node:child_process";
import { CliError, ExitCode, UsageError } from "../errors.js";

export interface GitResult {
  stdout: string;
  stderr: string;
}

export class GitError extends CliError {
  readonly stderr: string;
  readonly code: number | null;

  constructor(message: string, stderr: string, code: number | null) {
    super(message, ExitCode.usage);
    this.stderr = stderr;
    this.code = code;
  }
}

export interface Git {
  readonly cwd: string;
  /** Run git; rejects with GitError (carrying git's stderr) when it exits non-zero. */
  run(args: readonly string[], options?: { env?: Record<string, string> }): Promise<GitResult>;
}

export function createGit(cwd: string, env: Readonly<Record<string, string | undefined>> = process.env): Git {
  const run = (args: readonly string[], options: { env?: Record<string, string> } = {}) =>
    new Promise<GitResult>((resolve, reject) => {
      execFile(
        "git",
        [...args],
        { cwd, env: { ...env, ...options.env, GIT_TERMINAL_PROMPT: "0" }, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
        (error, stdout, stderr) => {
          if (!error) return resolve({ stdout, stderr });
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT") {
            return reject(new UsageError("git is not installed or not on PATH.", { hint: "Install git and try again." }));
          }
          const firstLine = stderr.split("\n").find((l) => l.trim() !== "") ?? error.message;
          reject(new GitError(`git ${args[0] ?? ""} failed: ${firstLine.replace(/^(fatal|error): /, "")}`, stderr, typeof error.code === "number" ? error.code : null));
        },
      );
    });
  return { cwd, run };
}
