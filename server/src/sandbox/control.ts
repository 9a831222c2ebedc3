import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { BodyError, readJson } from './body';
import type { Delivery } from './callbacks';
import { OrgControlError } from './org';
import type { CorpSimulator, Fault, Simulator } from './types';
import type { JsapiSignatureCheck } from './web-auth';

/**
 * The HTTP control surface under /sandbox/ for processes that do not share memory with it. What
 * belongs to one corp (org, callbacks, world changes) takes `?corpId=` for another corp the
 * simulator plays (404 for a corp it does not play); without it, the first corp.
 */

/** What one corp's endpoints drive. */
type CorpTarget = Pick<
  CorpSimulator,
  | 'org'
  | 'orgVisibleTo'
  | 'registerCallback'
  | 'unregisterCallback'
  | 'pushEvent'
  | 'callbackDeliveries'
  | 'removeFollower'
  | 'renameCustomer'
  | 'dismissGroup'
  | 'deleteEmployee'
>;

/** What the control surface drives: the simulator's own methods, and its fault registry. */
export type ControlTarget = Pick<
  Simulator,
  | 'corp'
  | 'issueLoginCode'
  | 'callCounts'
  | 'resetCalls'
  | 'clearFaults'
  | 'invalidateTokens'
  | 'invalidateTickets'
  | 'verifyJsapiSignature'
  | 'setTrustedIps'
> &
  CorpTarget & {
    addFault(fault: Fault): string;
    removeFault(id: string): boolean;
  };

const api = z.string().min(1).max(200).optional();
const times = z.number().int().min(1).optional();
const after = z.number().int().min(0).optional();
export const faultSchema: z.ZodType<Fault> = z.discriminatedUnion('kind', [
  z.object({
    api,
    times,
    after,
    kind: z.literal('latency'),
    ms: z.number().int().min(0).max(600_000),
  }),
  z.object({
    api,
    times,
    after,
    kind: z.literal('errcode'),
    errcode: z.number().int(),
    errmsg: z.string().max(500).optional(),
  }),
  z.object({
    api,
    times,
    after,
    kind: z.literal('http'),
    status: z.number().int().min(100).max(599),
  }),
  z.object({ api, times, after, kind: z.literal('drop') }),
  z.object({ api, times, after, kind: z.literal('hang') }),
  z.object({
    api,
    times,
    after,
    kind: z.literal('answer'),
    body: z.record(z.string(), z.unknown()),
  }),
]);

const loginCodeSchema = z.object({
  userid: z.string().min(1).max(64),
  corpId: z.string().min(1).max(64).optional(),
});
const name = z.string().min(1).max(64);
const departmentIds = z.array(z.number().int().min(1)).min(1).max(20);
const status = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(5)]);
const newMemberSchema = z.object({
  userid: z.string().min(1).max(64),
  name,
  department: departmentIds,
  position: z.string().max(128).optional(),
  status: status.optional(),
});
const memberPatchSchema = z.object({
  name: name.optional(),
  department: departmentIds.optional(),
  position: z.string().max(128).optional(),
  status: status.optional(),
  newUserid: z.string().min(1).max(64).optional(),
});
const newDepartmentSchema = z.object({
  id: z.number().int().min(2).optional(),
  name,
  parentid: z.number().int().min(1),
  order: z.number().int().min(0).optional(),
});
const departmentPatchSchema = z.object({
  name: name.optional(),
  parentid: z.number().int().min(1).optional(),
  order: z.number().int().min(0).optional(),
});
const jsapiCheckSchema: z.ZodType<JsapiSignatureCheck> = z.object({
  kind: z.enum(['config', 'agentConfig']),
  agentid: z.string().max(20).optional(),
  url: z.string().min(1).max(4096),
  timestamp: z.number().int(),
  nonceStr: z.string().min(1).max(64),
  signature: z.string().min(1).max(64),
});
const receiverSchema = z.enum(['app', 'directory']);
const callbackTargetSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  token: z.string().min(1).max(64),
  encodingAesKey: z.string().min(1).max(64),
});
const idSchema = z.string().min(1).max(128);
const eventSchema = z.object({
  fields: z.record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/),
    z.union([z.string().max(4096), z.array(z.string().max(256)).max(1000)]),
  ),
  copies: z.number().int().min(1).max(20).optional(),
});
const trustedIpsSchema = z.object({ ips: z.array(z.string().min(1).max(64)).max(100).nullable() });

async function parse<S extends z.ZodType>(
  ctx: Context,
  schema: S,
): Promise<z.infer<S> | undefined> {
  let body: unknown;
  try {
    body = await readJson(ctx.req);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  ctx.status = 400;
  ctx.body = { error: 'invalid body', issues: parsed.error.issues.map((i) => i.message) };
  return undefined;
}

export function controlRouter(target: ControlTarget): Router {
  const router = new Router({ prefix: '/sandbox' });
  /** The corp named by `?corpId=` (default the first); undefined after answering 404. */
  const corpOf = (ctx: Context): CorpTarget | undefined => {
    const corpId = ctx.query.corpId;
    if (corpId === undefined) return target;
    try {
      return target.corp(String(corpId));
    } catch {
      ctx.status = 404;
      ctx.body = { error: `the simulator does not play corp ${JSON.stringify(corpId)}` };
      return undefined;
    }
  };
  router.post('/login-code', async (ctx) => {
    const input = await parse(ctx, loginCodeSchema);
    if (!input) return;
    try {
      ctx.body = { code: target.issueLoginCode(input.userid, { corpId: input.corpId }) };
    } catch (error) {
      ctx.status = 400;
      ctx.body = { error: (error as Error).message };
    }
  });
  router.get('/calls', (ctx) => {
    ctx.body = target.callCounts();
  });
  router.post('/calls/reset', (ctx) => {
    target.resetCalls();
    ctx.status = 204;
  });
  router.post('/faults', async (ctx) => {
    const fault = await parse(ctx, faultSchema);
    if (!fault) return;
    ctx.body = { id: target.addFault(fault) };
  });
  router.delete('/faults', (ctx) => {
    target.clearFaults();
    ctx.status = 204;
  });
  router.delete('/faults/:id', (ctx) => {
    ctx.status = target.removeFault(ctx.params.id!) ? 204 : 404;
  });
  router.post('/tokens/invalidate', (ctx) => {
    target.invalidateTokens();
    ctx.status = 204;
  });
  // The directory as the WeCom admin changes it: 201/200 with the record, 204 for a delete; 400, 404
  // or 409 with {error} when the WeCom admin would refuse the change.
  const orgChange = async (ctx: Context, change: () => unknown, status = 200) => {
    try {
      const result = change();
      ctx.status = result === undefined ? 204 : status;
      if (result !== undefined) ctx.body = result;
    } catch (error) {
      if (!(error instanceof OrgControlError)) throw error;
      ctx.status = error.status;
      ctx.body = { error: error.message };
    }
  };
  const idParam = (ctx: Context) => Number((ctx.params as { id: string }).id);
  router.get('/org', (ctx) => {
    const corp = corpOf(ctx);
    if (corp) ctx.body = corp.orgVisibleTo();
  });
  router.post('/org/members', async (ctx) => {
    const corp = corpOf(ctx);
    const input = corp && (await parse(ctx, newMemberSchema));
    if (input) await orgChange(ctx, () => corp.org.addMember(input), 201);
  });
  router.patch('/org/members/:userid', async (ctx) => {
    const corp = corpOf(ctx);
    const input = corp && (await parse(ctx, memberPatchSchema));
    if (input) await orgChange(ctx, () => corp.org.updateMember(ctx.params.userid!, input));
  });
  router.delete('/org/members/:userid', async (ctx) => {
    const corp = corpOf(ctx);
    if (corp) await orgChange(ctx, () => corp.org.deleteMember(ctx.params.userid!));
  });
  router.post('/org/departments', async (ctx) => {
    const corp = corpOf(ctx);
    const input = corp && (await parse(ctx, newDepartmentSchema));
    if (input) await orgChange(ctx, () => corp.org.addDepartment(input), 201);
  });
  router.patch('/org/departments/:id', async (ctx) => {
    const corp = corpOf(ctx);
    const input = corp && (await parse(ctx, departmentPatchSchema));
    if (input) await orgChange(ctx, () => corp.org.updateDepartment(idParam(ctx), input));
  });
  router.delete('/org/departments/:id', async (ctx) => {
    const corp = corpOf(ctx);
    if (corp) await orgChange(ctx, () => corp.org.deleteDepartment(idParam(ctx)));
  });
  router.post('/tickets/invalidate', (ctx) => {
    target.invalidateTickets();
    ctx.status = 204;
  });
  router.post('/jssdk/verify', async (ctx) => {
    const check = await parse(ctx, jsapiCheckSchema);
    if (!check) return;
    ctx.body = target.verifyJsapiSignature(check);
  });
  router.put('/trusted-ips', async (ctx) => {
    const input = await parse(ctx, trustedIpsSchema);
    if (!input) return;
    target.setTrustedIps(input.ips);
    ctx.status = 204;
  });
  router.put('/callbacks/:receiver', async (ctx) => {
    const corp = corpOf(ctx);
    const receiver = receiverSchema.safeParse(ctx.params.receiver);
    const input = corp && (await parse(ctx, callbackTargetSchema));
    if (!input) return;
    if (!receiver.success) {
      ctx.status = 404;
      return;
    }
    const result = await corp.registerCallback(receiver.data, input);
    ctx.status = result.verified ? 200 : 400;
    ctx.body = result;
  });
  router.delete('/callbacks/:receiver', (ctx) => {
    const corp = corpOf(ctx);
    const receiver = receiverSchema.safeParse(ctx.params.receiver);
    if (!corp || !receiver.success) return;
    corp.unregisterCallback(receiver.data);
    ctx.status = 204;
  });
  router.get('/callbacks/deliveries', (ctx) => {
    const corp = corpOf(ctx);
    if (corp) ctx.body = { deliveries: corp.callbackDeliveries() };
  });
  router.post('/callbacks/:receiver/events', async (ctx) => {
    const corp = corpOf(ctx);
    const receiver = receiverSchema.safeParse(ctx.params.receiver);
    const input = corp && (await parse(ctx, eventSchema));
    if (!input) return;
    if (!receiver.success) {
      ctx.status = 404;
      return;
    }
    const deliveries = await corp.pushEvent(receiver.data, input.fields, {
      copies: input.copies,
    });
    if (!deliveries) {
      ctx.status = 409;
      ctx.body = { error: `no callback URL registered for ${receiver.data}` };
      return;
    }
    ctx.body = { deliveries };
  });
  const worldChange = <S extends z.ZodType>(
    path: string,
    schema: S,
    change: (corp: CorpTarget, input: z.infer<S>) => Promise<Delivery[]>,
  ) =>
    router.post(`/world/${path}`, async (ctx) => {
      const corp = corpOf(ctx);
      const input = corp && (await parse(ctx, schema));
      if (!input) return;
      try {
        ctx.body = { deliveries: await change(corp, input) };
      } catch (error) {
        ctx.status = 400;
        ctx.body = { error: (error as Error).message };
      }
    });
  worldChange(
    'remove-follower',
    z.object({ externalUserId: idSchema, userid: idSchema }),
    (corp, input) => corp.removeFollower(input.externalUserId, input.userid),
  );
  worldChange(
    'rename-customer',
    z.object({ externalUserId: idSchema, name: z.string().min(1).max(64) }),
    (corp, input) => corp.renameCustomer(input.externalUserId, input.name),
  );
  worldChange('dismiss-group', z.object({ chatId: idSchema }), (corp, input) =>
    corp.dismissGroup(input.chatId),
  );
  worldChange('delete-employee', z.object({ userid: idSchema }), (corp, input) =>
    corp.deleteEmployee(input.userid),
  );
  return router;
}
