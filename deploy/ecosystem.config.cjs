// pm2 process file for wecom-gate built with `npm run build` (see README, Running in production):
//   pm2 start deploy/ecosystem.config.cjs && pm2 save && pm2 startup
// Run it from the repository root, which holds dist/, node_modules/ and .env (copied from
// .env.example; the server reads it from its working directory, as npm start does). One pm2 process: for more workers on one
// host set WEB_CONCURRENCY in .env (node:cluster inside the server, which needs REDIS_URL) rather
// than pm2's cluster mode, so that the server's graceful shutdown and worker handling stay one.
module.exports = {
  apps: [
    {
      name: 'wecom-gate',
      script: 'dist/server/src/index.js',
      // The heap cap keeps RSS near the working set, and the objects of each request stay in the
      // young generation (docs/operations.md, "Memory").
      node_args: ['--max-old-space-size=96', '--no-allocation-site-pretenuring'],
      exec_mode: 'fork',
      instances: 1,
      env: { NODE_ENV: 'production' },
      // SIGTERM: the server finishes in-flight requests and exits within 10 s.
      kill_timeout: 15_000,
      // A configuration error (exit 2) or a taken port (exit 1) ends it at once: stop after a few
      // tries.
      min_uptime: 5_000,
      max_restarts: 5,
      restart_delay: 2_000,
      // Logs are JSON lines (pino) on stdout; let pm2 keep them, or pipe them to your collector.
      merge_logs: true,
      time: false,
    },
  ],
};
