import { z } from 'zod';
import { exactly } from '../../../../server/src/exact';

// Answer schemas are tied to their types with `exactly`: `tsc -b` (which checks the tests too)
// fails on each `@ts-expect-error` below if `exactly` ever lets such a schema through.

interface Member {
  userid: string;
  name?: string;
  departments: { id: number; main?: boolean }[];
}

describe('exactly', () => {
  it('takes a schema whose output is the type, and answers that schema', () => {
    const schema = z.object({
      userid: z.string(),
      name: z.string().optional(),
      departments: z.array(z.object({ id: z.number(), main: z.boolean().optional() })),
    });
    expect(exactly<Member>()(schema)).toBe(schema);
  });

  it('refuses a schema that lacks an optional field of the type, or has one more', () => {
    const lacking = z.object({
      userid: z.string(),
      departments: z.array(z.object({ id: z.number(), main: z.boolean().optional() })),
    });
    // @ts-expect-error `name` is missing: answers parsed with it would drop the name
    exactly<Member>()(lacking);
    const lackingDeep = z.object({
      userid: z.string(),
      name: z.string().optional(),
      departments: z.array(z.object({ id: z.number() })),
    });
    // @ts-expect-error `departments[].main` is missing
    exactly<Member>()(lackingDeep);
    const extra = lacking.extend({ name: z.string().optional(), secret: z.string().optional() });
    // @ts-expect-error `secret` is not a field of the type
    exactly<Member>()(extra);
    // What the check prevents: the field the schema lacks is stripped without a word.
    expect(lacking.parse({ userid: 'a', name: 'A', departments: [] })).toEqual({
      userid: 'a',
      departments: [],
    });
  });
});
