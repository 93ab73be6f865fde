import type { Command } from "commander";
import type { App } from "../app.js";

export function register(program: Command, _app: App): void {
  program.command("project").command("init");
}
