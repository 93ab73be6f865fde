/**
 * Wiring only: build the program, register the commands, connect Ctrl-C to the context's signal, map
 * errors to exit codes. The only module that touches process.
 */
import { PassThrough, Writable } from "node:stream";
import { Command, CommanderError } from "commander";
import * as branchCreate from "./commands/branch/create.js";
import * as gateCheck from "./commands/gate/check.js";
import * as groomCheck from "./commands/groom/check.js";
import * as milestoneReport from "./commands/milestone/report.js";
import * as projectInit from "./commands/project/init.js";
import * as statusUpdate from "./commands/status/update.js";
import { examples } from "./commands/shape.js";
import { createContext, type Context } from "./context.js";
import { CliError, ExitCode, InputErrors, InterruptedError } from "./errors.js";
import type { Prompter } from "./io/prompter.js";
import { createRedactor, secretsFromEnv, type Redactor } from "./io/redact.js";
import { sanitizeLine, sanitizeText } from "./io/sanitize.js";
import { systemStreams, type Env, type IOStreams } from "./io/streams.js";
import { packageVersion } from "./package.js";

export interface RunOptions {
  argv: readonly string[];
  io: IOStreams;
  env: Env;
  cwd: string;
  now?: () => Date;
  prompter?: Prompter;
  /** Fires on Ctrl-C; src/cli.ts's main() connects it to SIGINT. */
  signal?: AbortSignal;
}

/** Help is rendered at this width on purpose, on a terminal or not, so the served text and the program's agree. */
export const HELP_WIDTH = 80;

/** Every command the program has; `run` receives the exit code of the one invoked. */
export function buildProgram(ctx: Context, run: (work: () => Promise<number>) => Promise<number>): Command {
  const { io } = ctx;
  const program = new Command("cloud")
    .description("Projects, milestones and tasks the way the Cloud team works: DoR/DoD gates, Jira branches, grooming, milestone reports, status updates.")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--debug", "print stack traces and request details on errors (also CLOUD_DEBUG=1)")
    .helpOption("-h, --help", "show help")
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true, helpWidth: HELP_WIDTH });
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    // One line: commander puts its "(Did you mean …?)" on a line of its own.
    outputError: (s, write) => write(`${s.trimEnd().replace(/\n\(Did you mean (.*)\)$/, " (did you mean $1)")}\n`),
  });
  program.addHelpText(
    "after",
    `
Examples:
  cloud project init "Add support for a new region" --dri @alice
  cloud dor check
  cloud branch CLOUD-42
  cloud milestone report --owner acme --project 7 --format markdown
  cloud groom check
  cloud status update

Exit codes: 0 ok, 1 the answer is no, 2 usage/config/input error, 3 remote failure, 130 interrupted.
`,
  );
  const group = (name: string, description: string, ...commands: Command[]) => {
    const parent = program.command(name).description(description);
    for (const command of commands) parent.addCommand(command);
    return parent;
  };
  group("project", "projects: scaffold a new one", projectInit.command((o) => run(() => projectInit.run(ctx, o))));
  for (const gate of ["dor", "dod"] as const) {
    group(gate, `the ${gateCheck.GATE_TITLES[gate]} gate`, gateCheck.command(gate, (o) => run(() => gateCheck.run(ctx, gate, o))));
  }
  program.addCommand(branchCreate.command((o) => run(() => branchCreate.run(ctx, o))));
  group("milestone", "milestones of a GitHub Project (v2) or of Jira versions", milestoneReport.command((o) => run(() => milestoneReport.run(ctx, o))));
  group("groom", "grooming sessions: the Definition of Ready of each task", groomCheck.command((o) => run(() => groomCheck.run(ctx, o))));
  group("status", "your status update, from Jira, GitHub and git", statusUpdate.command((o) => run(() => statusUpdate.run(ctx, o))));
  program
    .command("help")
    .description("show help for a command, as `cloud <command> --help` does")
    .argument("[command...]", "the command, such as: dor check")
    .action((names: string[]) => {
      let target: Command = program;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) throw program.error(`error: unknown command '${names.join(" ")}'`, { code: "commander.unknownCommand", exitCode: ExitCode.usage });
        target = next;
      }
      target.outputHelp();
    });
  // Group commands (`cloud dor`, `cloud project`, …) show their subcommands' examples too.
  for (const parent of program.commands) {
    if (parent.commands.length === 0) continue;
    examples(parent, parent.commands.map((sub) => `cloud ${parent.name()} ${sub.name()}    # ${sub.description()}`));
  }
  applyRecursively(program, (cmd) => cmd.exitOverride().configureOutput(program.configureOutput()).configureHelp(program.configureHelp()));
  return program;
}

function applyRecursively(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyRecursively(sub, fn);
}

/** Run the CLI in-process and return its exit code. Never calls process.exit. */
export async function runCli(options: RunOptions): Promise<number> {
  // Read --debug from argv before parsing, so that errors raised while parsing honour it too.
  const debug = isTruthy(options.env.CLOUD_DEBUG) || options.argv.includes("--debug");
  // Every byte we write passes one redactor, commander's own messages included; secrets learnt later
  // (the output of `gh auth token`) are added to it. Prompts draw on the terminal directly.
  const redactor = createRedactor(secretsFromEnv(options.env));
  const stdout = redactor.stream(options.io.stdout);
  const stderr = redactor.stream(options.io.stderr);
  const io: IOStreams = { ...options.io, stdout, stderr };
  try {
    return await runRedacted({ ...options, io }, options.io, debug, redactor);
  } finally {
    await Promise.all([stdout, stderr].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
  }
}

async function runRedacted(options: RunOptions, terminal: IOStreams, debug: boolean, redactor: Redactor): Promise<number> {
  const ctx = createContext({
    terminal,
    addSecret: (secret) => redactor.add(secret),
    io: options.io,
    env: options.env,
    cwd: options.cwd,
    debug,
    ...(options.now ? { now: options.now } : {}),
    ...(options.prompter ? { prompter: options.prompter } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let code: number = ExitCode.ok;
  const program = buildProgram(ctx, async (work) => (code = await work()));
  // `cloud -v`, as many tools answer it.
  const argv = options.argv.length === 1 && options.argv[0] === "-v" ? ["--version"] : [...options.argv];
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    // Whatever failed after Ctrl-C (an aborted request, a cancelled wait) failed because of it.
    return reportError(options.signal?.aborted ? new InterruptedError() : error, options.io, debug);
  }
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

function reportError(error: unknown, io: IOStreams, debug: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    // commander already printed "error: …" on stderr.
    return ExitCode.usage;
  }
  // Messages carry server and file text: one line, nothing a terminal would act on (redacted by io.stderr).
  const write = (s: string) => io.stderr.write(s);
  if (error instanceof InterruptedError) {
    write(`${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof InputErrors && error.problems.length > 1) {
    // Every problem on a line of its own, as compilers print them: file:line:column: message.
    for (const problem of error.problems) write(`${sanitizeLine(problem.location ? `${problem.location}: ${problem.message}` : problem.message)}\n`);
    const files = new Set(error.problems.map((p) => p.location?.replace(/:\d+(:\d+)?$/, "")));
    write(`error: ${error.problems.length} input problem${error.problems.length === 1 ? "" : "s"} in ${files.size} file${files.size === 1 ? "" : "s"}; fix ${error.problems.length === 1 ? "it" : "them"} and run again.\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    const message = sentence(sanitizeLine(error.message));
    write(`error: ${message}${error.hint ? ` ${sentence(sanitizeLine(error.hint))}` : ""}\n`);
    if (debug) write(`${sanitizeText(describeCause(error))}\n`);
    return error.exitCode;
  }
  const message = sanitizeLine((error instanceof Error ? error.message : String(error)).split("\n")[0]!);
  write(`error: unexpected failure: ${sentence(message)} Run again with --debug for details, and report it if it persists.\n`);
  if (debug) write(`${sanitizeText(describeCause(error))}\n`);
  // An internal failure must never read as success; 1 fails a gate closed.
  return ExitCode.no;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\nCaused by: ");
}

/**
 * Run the program on in-memory streams, with no terminal and no environment, and return what it printed.
 * The build renders `cloud --help` with it for the shim to serve, and runs a few commands with it to
 * warm the code cache it saves.
 */
export async function runInMemory(argv: readonly string[], cwd = process.cwd()): Promise<{ code: number; output: string }> {
  let output = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const io: IOStreams = { stdin: new PassThrough(), stdout: sink, stderr: sink, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, color: false, canPrompt: false };
  const code = await runCli({ argv, io, env: {}, cwd });
  return { code, output };
}

export { useImporter } from "./package.js";

export async function main(): Promise<void> {
  const env = process.env;
  // `cloud … | head`: the reader went away; stop quietly as other command-line tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      // Any other failed write (a full disk, /dev/full): one line where it can still go, never a trace.
      if (stream === process.stdout) {
        try {
          process.stderr.write(`error: cannot write the output: ${error.code ?? error.message}.\n`);
        } catch {
          // stderr is gone too
        }
      }
      process.exit(ExitCode.usage);
    });
  }
  // Ctrl-C: the first one aborts what is in flight (requests, waits) and the command ends as
  // interrupted, writing nothing half-way; a second one ends the process at once.
  const interrupt = new AbortController();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    interrupt.abort(new InterruptedError());
  });
  const code = await runCli({ argv: process.argv.slice(2), io: systemStreams(env), env, cwd: process.cwd(), signal: interrupt.signal });
  process.exitCode = code;
  // The answer is out: once stdout and stderr are flushed, stop, rather than wait for a request to the
  // other tracker that can no longer change the outcome (it would end only at its timeout).
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
  process.exit(code);
}
