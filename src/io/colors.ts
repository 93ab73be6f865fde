/** A chalk instance built from our own colour decision (chalk alone does not read NO_COLOR). */
import { Chalk, type ChalkInstance } from "chalk";

export function makeChalk(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
