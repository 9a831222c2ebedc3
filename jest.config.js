// One jest run, five projects: the server (node, real Redis, simulator over HTTP), the
// mini-program (jsdom + miniprogram-simulate, loading the real .ts/.wxml), the end-to-end test
// (mini-program services driving the running server), the browser tests (the admin console in
// Debian's Chromium, driven by playwright-core) and the Redis topologies (a Redis Cluster and a
// Sentinel set on loopback: the store, sessions, jobs and failovers). Redis is started once, and
// only when a server, e2e or browser test runs; the topologies once, when a topology test runs:
// jest runs each distinct globalSetup once, for the projects selected.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.test.ts'],
};
// Tests that start processes and talk over HTTP get 20 s, not jest's 5 s: on a shared 2-core
// machine a burst of 200 requests or a start-up can pass 5 s without anything being wrong. No test
// asserts a duration; speed targets live in the benches.
const withRedis = {
  testTimeout: 20_000,
  globalSetup: '<rootDir>/test/helpers/redis-global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/redis-global-teardown.ts',
};

module.exports = {
  // The run ends once its results are written. A CI run whose tests had all passed stayed alive
  // for good: some client of a Redis that a topology test had killed kept reconnecting after the
  // teardown. jest's "did not exit" warning still names such leftovers.
  forceExit: true,
  projects: [
    {
      ...common,
      ...withRedis,
      displayName: 'server',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/server'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/leak-check-setup.ts'],
    },
    {
      ...common,
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { url: 'https://servicewechat.com/' },
      roots: ['<rootDir>/test/miniprogram'],
      setupFiles: ['<rootDir>/test/miniprogram/setup-wx.ts'],
    },
    {
      ...common,
      ...withRedis,
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/leak-check-setup.ts'],
    },
    {
      ...common,
      ...withRedis,
      displayName: 'browser',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/browser'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/leak-check-setup.ts'],
    },
    {
      ...common,
      displayName: 'topology',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/topology'],
      globalSetup: '<rootDir>/test/helpers/topology-global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/topology-global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/helpers/leak-check-setup.ts'],
    },
  ],
};
