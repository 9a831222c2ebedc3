import Koa from 'koa';

/** The baseline of `npm run bench`: a bare Koa handler answering a small JSON body. */
const app = new Koa();
app.use((ctx) => {
  ctx.body = { status: 'ok' };
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address?.port })}\n`,
  );
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
