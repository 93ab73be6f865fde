/**
 * Questions asked on a terminal. Commands depend on the Prompter interface; the real one binds
 * @inquirer/prompts to our streams (loaded only when a question is asked), tests script answers.
 */
import { InterruptedError } from "../errors.js";
import type { IOStreams } from "./streams.js";
import { importPackage } from "../package.js";

export interface InputQuestion {
  message: string;
  default?: string;
  /** Return true, or a message saying what is wrong. */
  validate?: (value: string) => true | string;
}

export interface SelectQuestion<T> {
  message: string;
  choices: { name: string; value: T; description?: string }[];
}

export interface Prompter {
  input(question: InputQuestion): Promise<string>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(question: SelectQuestion<T>): Promise<T>;
}

/** @inquirer/prompts throws ExitPromptError on Ctrl-C and AbortPromptError on abort. */
function mapPromptError(error: unknown): never {
  if (error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError")) {
    throw new InterruptedError("interrupted: the prompt was cancelled; nothing was written");
  }
  throw error;
}

export function createInquirerPrompter(io: IOStreams): Prompter {
  const context = { input: io.stdin, output: io.stderr, clearPromptOnDone: false };
  const load = () => importPackage<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  return {
    async input(q) {
      const { input } = await load();
      return input(
        { message: q.message, default: q.default, validate: q.validate ? (v: string) => q.validate!(v) : undefined },
        context,
      ).catch(mapPromptError);
    },
    async confirm(q) {
      const { confirm } = await load();
      return confirm({ message: q.message, default: q.default }, context).catch(mapPromptError);
    },
    async select<T>(q: SelectQuestion<T>) {
      const { select } = await load();
      return select<T>({ message: q.message, choices: q.choices }, context).catch(mapPromptError);
    },
  };
}
