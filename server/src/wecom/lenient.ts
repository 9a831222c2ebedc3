import type { z } from 'zod';

/**
 * Tolerant reading of WeCom's answers: a schema requires only what the logic uses (ids, and what
 * an access rule decides on). Other fields WeCom documents are declared with `withDefault`: when
 * one is missing or unusable the answer is still read, the field takes its default, and the
 * parse names it, so that the HTTP layer counts it (`wecom_answer_defaults_total{api,field}`)
 * instead of failing the call as malformed. Fields a schema does not declare are accepted and
 * dropped.
 */

/** The fields defaulted by the parse running now; set only for the length of one parse. */
let defaulted: Set<string> | undefined;

/**
 * `schema`, or `fallback` (and `field` reported) when the value is missing or does not fit. Not
 * for use inside a union: each option tried would report its own fields.
 */
export function withDefault<T, F extends T | undefined = T>(
  field: string,
  schema: z.ZodType<T>,
  fallback: F,
) {
  return (schema as z.ZodType<T | F>).catch(() => {
    defaulted?.add(field);
    return fallback;
  });
}

/** Parses a WeCom answer and names the fields that took their default (zod parses synchronously). */
export function parseAnswer<T>(
  schema: z.ZodType<T>,
  answer: unknown,
): { parsed: ReturnType<z.ZodType<T>['safeParse']>; defaulted: string[] } {
  const outer = defaulted;
  const fields = new Set<string>();
  defaulted = fields;
  try {
    return { parsed: schema.safeParse(answer), defaulted: [...fields] };
  } finally {
    defaulted = outer;
  }
}
