/** A prompter that answers from a script and fails the test on any unexpected question. */
import { InterruptedError } from "../../src/errors.js";
import type { InputQuestion, Prompter, SelectQuestion } from "../../src/io/prompter.js";

export type Answer = string | boolean | { select: number } | { cancel: true };

export interface ScriptedPrompter extends Prompter {
  /** Messages of the questions asked, in order (a question asked again after a rejected answer counts again). */
  asked: string[];
  /** What validation said of each rejected answer, in order. */
  rejections: string[];
  /** The choices each select offered, as shown. */
  offered: string[][];
  remaining(): number;
}

export function scriptedPrompter(answers: Answer[]): ScriptedPrompter {
  const queue = [...answers];
  const asked: string[] = [];
  const rejections: string[] = [];
  const offered: string[][] = [];
  const next = (message: string): Answer => {
    asked.push(message);
    if (queue.length === 0) throw new Error(`unexpected prompt: ${message}`);
    const answer = queue.shift()!;
    if (typeof answer === "object" && "cancel" in answer) throw new InterruptedError("interrupted: the prompt was cancelled; nothing was written");
    return answer;
  };
  return {
    asked,
    rejections,
    offered,
    remaining: () => queue.length,
    async input(q: InputQuestion) {
      // As @inquirer/prompts does: an answer validation rejects is shown its message and asked again.
      for (;;) {
        const answer = next(q.message);
        const value = answer === "" && q.default !== undefined ? q.default : String(answer);
        const valid = q.validate?.(value) ?? true;
        if (valid === true) return value;
        rejections.push(valid);
      }
    },
    async confirm(q) {
      const answer = next(q.message);
      return typeof answer === "boolean" ? answer : answer === "y";
    },
    async select<T>(q: SelectQuestion<T>) {
      offered.push(q.choices.map((c) => `${c.name}${c.description ? ` (${c.description})` : ""}`));
      const answer = next(q.message);
      const index = typeof answer === "object" && "select" in answer ? answer.select : 0;
      const choice = q.choices[index];
      if (!choice) throw new Error(`no choice ${index} for: ${q.message}`);
      return choice.value;
    },
  };
}
