/**
 * zod as every schema here uses it: the functional build (zod/mini), which a command compiles and runs
 * in a fraction of the classic build's start-up, with English messages for the checks that give none.
 *
 * `z` names only the functions we use, so the bundle holds those and not the whole library (a namespace
 * handed around as a value would keep every export, the locales of forty languages among them).
 */
import * as mini from "zod/mini";
import en from "zod/v4/locales/en.js";

mini.config(en());

export const z = {
  array: mini.array,
  boolean: mini.boolean,
  discriminatedUnion: mini.discriminatedUnion,
  enum: mini.enum,
  int: mini.int,
  lazy: mini.lazy,
  literal: mini.literal,
  looseObject: mini.looseObject,
  maximum: mini.maximum,
  minimum: mini.minimum,
  minLength: mini.minLength,
  nonnegative: mini.nonnegative,
  nullable: mini.nullable,
  nullish: mini.nullish,
  number: mini.number,
  object: mini.object,
  optional: mini.optional,
  partial: mini.partial,
  pipe: mini.pipe,
  positive: mini.positive,
  record: mini.record,
  refine: mini.refine,
  regex: mini.regex,
  strictObject: mini.strictObject,
  string: mini.string,
  superRefine: mini.superRefine,
  transform: mini.transform,
  trim: mini.trim,
  union: mini.union,
  unknown: mini.unknown,
  url: mini.url,
  _default: mini._default,
  NEVER: mini.NEVER,
};

export declare namespace z {
  export type ZodMiniType<O = unknown, I = unknown> = mini.ZodMiniType<O, I>;
  export type output<T> = mini.output<T>;
  export type input<T> = mini.input<T>;
  export type infer<T> = mini.infer<T>;
  export type Issue = mini.core.$ZodIssue;
}
