import type { z } from 'zod';

/** `T` with intersections flattened into one object type, all the way down. */
type Plain<T> = T extends readonly (infer E)[]
  ? Plain<E>[]
  : T extends object
    ? { [K in keyof T]: Plain<T[K]> }
    : T;

/** Whether `A` and `B` are the same type (not only assignable one way). */
type Same<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/**
 * Ties a schema to its type: `exactly<T>()(schema)` compiles only when what the schema parses to
 * is exactly `T`. (`satisfies z.ZodType<T>` alone lets `T` gain an optional field that the
 * schema lacks, and an answer parsed with that schema would drop the field without a word.)
 */
export function exactly<T>() {
  return <S extends z.ZodType<T>>(
    schema: S,
    ..._differs: Same<Plain<z.output<S>>, Plain<T>> extends true
      ? []
      : ['the schema differs from its type']
  ): S => schema;
}
