import { z } from 'zod';
import type { CredentialName } from '../config';
import { exactly } from '../exact';
import type { NameKind } from '../stores/name-cache';
import type { Bilingual } from '../wecom/errcodes';
import type { DoctorCheck, DoctorReport } from './doctor/types';
import type { NamesAnswer } from './name-mapper';

/**
 * The admin tools' answers as zod schemas, each tied to its type: a field the type gains fails
 * to compile here until the schema declares it (an answer parsed with its schema keeps only the
 * declared fields).
 */

export const nameKindSchema = exactly<NameKind>()(z.enum(['user', 'external', 'groupchat']));
const source = z.enum(['org', 'cache', 'wecom']);

export const namesAnswerSchema = exactly<NamesAnswer>()(
  z.object({
    names: z.array(z.object({ type: nameKindSchema, id: z.string(), name: z.string(), source })),
    unresolved: z.array(
      z.object({
        type: nameKindSchema,
        id: z.string(),
        reason: z.enum(['not_found', 'no_name', 'refused', 'unavailable', 'deadline']),
        errcode: z.number().optional(),
        source,
      }),
    ),
  }),
);

const bilingual = exactly<Bilingual>()(z.object({ zh: z.string(), en: z.string() }));
const credential = exactly<CredentialName>()(z.enum(['app', 'contact', 'directory']));

export const doctorReportSchema = exactly<DoctorReport>()(
  z.object({
    ok: z.boolean(),
    corpId: z.string(),
    checkedAt: z.string(),
    checks: z.array(
      exactly<DoctorCheck>()(
        z.object({
          id: z.string(),
          credential: credential.optional(),
          sharedWith: z.array(credential).optional(),
          status: z.enum(['ok', 'fail', 'warn', 'skipped']),
          api: z.string().optional(),
          errcode: z.number().optional(),
          summary: bilingual,
          fix: bilingual.optional(),
          link: z.string().optional(),
          blockedBy: z.string().optional(),
        }),
      ),
    ),
  }),
);
