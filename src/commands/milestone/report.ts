/** `cloud milestone report` (implemented with the GitHub issue). */
import type { Command } from "commander";
import { examples, type App } from "../app.js";

export function register(program: Command, _app: App): void {
  const milestone = program.command("milestone").description("milestones of a GitHub Project");
  examples(milestone.command("report").description("milestone progress of a GitHub Project (v2)"), ["cloud milestone report"]);
}
