/**
 * The Context handed to every command: streams, environment, working directory, clock, and lazily
 * created config, prompter, output, git and remote clients. Commands never touch `process`.
 */
import type { LoadedConfig } from "./config/loader.js";
import type { GitHubClient } from "./trackers/github/github.js";
import type { JiraClient } from "./trackers/jira/jira.js";
import type { Git } from "./git/git.js";
import type { Output } from "./io/output.js";
import type { Prompter } from "./io/prompter.js";
import type { Env, IOStreams } from "./io/streams.js";

export interface Context {
  readonly io: IOStreams;
  readonly env: Env;
  readonly cwd: string;
  readonly debug: boolean;
  now(): Date;
  /** An AbortSignal that fires on Ctrl-C. */
  readonly signal: AbortSignal;
  config(): Promise<LoadedConfig>;
  output(): Promise<Output>;
  prompter(): Promise<Prompter>;
  git(): Promise<Git>;
  jira(): Promise<JiraClient>;
  github(): Promise<GitHubClient>;
}

export interface ContextOptions {
  io: IOStreams;
  /** The streams as they are, for prompts that draw on the terminal (io's are redacted line by line). */
  terminal?: IOStreams;
  /** Keep a secret learnt during the run (a token from `gh auth token`) out of all output. */
  addSecret?: (secret: string) => void;
  env: Env;
  cwd: string;
  debug?: boolean;
  now?: () => Date;
  signal?: AbortSignal;
  /** Tests inject a scripted prompter; otherwise @inquirer/prompts on our streams. */
  prompter?: Prompter;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export function createContext(options: ContextOptions): Context {
  const { io, env, cwd } = options;
  const config = once(async () => (await import("./config/loader.js")).loadConfig(cwd));
  // "Trying again in 2s" is progress for a person watching; scripts and logs get only the outcome.
  const notice = (message: string) => {
    if (io.stderrIsTTY || options.debug) io.stderr.write(`${message}\n`);
  };
  const signal = options.signal ?? new AbortController().signal;
  return {
    io,
    env,
    cwd,
    get debug() {
      return options.debug ?? false;
    },
    now: options.now ?? (() => new Date()),
    signal,
    config,
    output: once(async () => (await import("./io/output.js")).createOutput(io)),
    prompter: once(async () => options.prompter ?? (await import("./io/prompter.js")).createInquirerPrompter(options.terminal ?? io)),
    git: once(async () => (await import("./git/git.js")).createGit(cwd, env)),
    jira: once(async () => {
      const { connectJira } = await import("./trackers/jira/jira.js");
      return connectJira({ env, config: (await config()).config, onRetry: notice, signal });
    }),
    github: once(async () => {
      const { connectGitHub } = await import("./trackers/github/github.js");
      return connectGitHub({ env, config: (await config()).config, ...(options.addSecret ? { onToken: options.addSecret } : {}) });
    }),
  };
}
