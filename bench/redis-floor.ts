import Router from '@koa/router';
import { Redis } from 'ioredis';
import Koa from 'koa';

/**
 * The second baseline of `npm run bench`: the floor for a route that must read a session from
 * Redis — Koa, @koa/router and one ioredis GET per request (auto-pipelining, as the gateway's
 * store uses), answering a small JSON body. What the gateway adds on top of this is its own.
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  enableAutoPipelining: true,
});
const app = new Koa();
const router = new Router();
router.get('/floor', async (ctx) => {
  ctx.body = { value: await redis.get('bench:floor') };
});
app.use(router.routes());
redis.set('bench:floor', JSON.stringify({ userid: 'zhangsan', corpid: 'ww' })).then(() => {
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.once('SIGTERM', () => {
    redis.disconnect();
    server.close(() => process.exit(0));
  });
});
