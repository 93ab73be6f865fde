/**
 * Typed errors and the exit-code table of the command-line contract.
 * Commands throw these; only src/cli.ts turns them into an exit code.
 */
export const ExitCode = {
  ok: 0,
  /** The answer is "no": unmet criteria, branch exists, nothing to report. */
  no: 1,
  /** Usage, configuration or input error. */
  usage: 2,
  /** A remote service failed. */
  remote: 3,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  /** What the user can do next; printed after the message. */
  hint?: string;
  cause?: unknown;
}

export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCodeValue, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Exit 1: the command ran correctly and the answer is "no". */
export class RefusedError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(message, ExitCode.no, options);
  }
}

/** Exit 2: a flag, argument or value the user gave is wrong or missing. */
export class UsageError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(message, ExitCode.usage, options);
  }
}

/** Exit 2: a file the user wrote (config, front matter) is invalid. Carries its location. */
export class InputError extends CliError {
  readonly location: string | undefined;

  constructor(message: string, options: CliErrorOptions & { location?: string } = {}) {
    super(options.location ? `${options.location}: ${message}` : message, ExitCode.usage, options);
    this.location = options.location;
  }
}

/** One problem in a file the user wrote, at `file:line:column` when it is known. */
export interface InputProblemAt {
  location: string | undefined;
  message: string;
}

/** Exit 2: several problems in the user's files, all reported at once; the first is the message. */
export class InputErrors extends InputError {
  readonly problems: readonly InputProblemAt[];

  constructor(problems: readonly InputProblemAt[], options: CliErrorOptions = {}) {
    const [first] = problems;
    super(first?.message ?? "invalid input", { ...options, ...(first?.location ? { location: first.location } : {}) });
    this.problems = problems;
  }
}

/** Every problem an error carries: several for InputErrors, one for any other InputError. */
export function problemsOf(error: InputError): InputProblemAt[] {
  if (error instanceof InputErrors) return [...error.problems];
  const prefix = error.location ? `${error.location}: ` : "";
  return [{ location: error.location, message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message }];
}

/** Exit 3: Jira, GitHub or the network failed. */
export class RemoteError extends CliError {
  readonly status: number | undefined;

  constructor(message: string, options: CliErrorOptions & { status?: number } = {}) {
    super(message, ExitCode.remote, options);
    this.status = options.status;
  }
}

/** Exit 130: Ctrl-C or a cancelled prompt. Printed as it is, without "error:". */
export class InterruptedError extends CliError {
  constructor(message = "interrupted") {
    super(message, ExitCode.interrupted);
  }
}
