import { z } from 'zod';

/** zod guards for WeCom answers (errcode 0 already checked by the HTTP layer). */

export const jscode2sessionGuard = z.object({
  corpid: z.string().min(1),
  userid: z.string().min(1),
  session_key: z.string().min(1),
  deviceid: z.string().optional(),
});
export type Jscode2session = z.infer<typeof jscode2sessionGuard>;

export const userGuard = z.object({
  userid: z.string(),
  name: z.string().optional(),
  department: z.array(z.number()).optional(),
  position: z.string().optional(),
  status: z.number().optional(),
});
export type WecomUser = z.infer<typeof userGuard>;
