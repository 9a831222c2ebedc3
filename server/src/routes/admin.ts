import type Router from '@koa/router';
import { z } from 'zod';
import type { Doctor } from '../admin/doctor';
import type { NameMapper } from '../admin/name-mapper';
import { doctorReportSchema, nameKindSchema, namesAnswerSchema } from '../admin/schemas';
import { whenClientLeaves } from '../middleware/client-gone';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';

/** Admin endpoints: the ID→name mapper and the doctor's report. */

/**
 * Ids per `POST /api/admin/names` (the 16 KiB body limit holds 200 typical ids), so that a request
 * is a batch its deadline can hold. More: the names job (`npm run names`), resumable and with
 * progress, or the admin console, which sends 200 at a time.
 */
export const MAX_NAMES_PER_REQUEST = 200;

const wecomId = z.string().regex(/^[\w.@-]{1,128}$/, 'must be a WeCom id');

const namesBody = z.object({
  ids: z
    .array(z.object({ type: nameKindSchema, id: wecomId }).strict())
    .min(1)
    .max(
      MAX_NAMES_PER_REQUEST,
      `at most ${MAX_NAMES_PER_REQUEST} ids a request; for more use npm run names (resumable, with progress)`,
    ),
  /** Ask WeCom even for ids with a remembered answer. */
  refresh: z.boolean().optional(),
});

export function adminRoutes(
  router: Router<AdminState>,
  deps: { doctor: Doctor; nameMapper: NameMapper },
): void {
  router.post(
    '/api/admin/names',
    guard({ body: namesBody, response: namesAnswerSchema }, ({ body }, ctx) =>
      deps.nameMapper.lookup(body.ids, { refresh: body.refresh, signal: whenClientLeaves(ctx) }),
    ),
  );

  router.get(
    '/api/admin/diagnostics',
    guard({ response: doctorReportSchema }, () => deps.doctor.run()),
  );
}
