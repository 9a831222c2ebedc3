/**
 * Architecture rules checked by `npm run lint` (dependency-cruiser). The server is layered, and
 * an import may only point down:
 *   config, errors, logger, exact  <  stores  <  wecom  <  domain modules (auth, contacts, org,
 *   callbacks, admin, jssdk, webhooks) and metrics  <  HTTP edge (middleware, routes, web)  <  wiring (app, deps,
 *   index, cli)
 * (The TypeScript parser dependency-cruiser can use here does not tell type-only imports apart,
 * so the rules hold for those too.)
 */
const layer = (name, folders) => ({ name, path: `^server/src/(${folders.join('|')})(/|\\.ts$)` });
const LAYERS = [
  layer('base', ['config', 'errors', 'logger', 'exact']),
  layer('stores', ['stores']),
  layer('wecom', ['wecom']),
  layer('domain', [
    'auth',
    'contacts',
    'org',
    'callbacks',
    'admin',
    'jssdk',
    'metrics',
    'webhooks',
  ]),
  layer('http', ['middleware', 'routes', 'web']),
];

const upward = LAYERS.map((from, index) => ({
  name: `no-upward-from-${from.name}`,
  comment: `${from.name} may not import a layer above it`,
  severity: 'error',
  from: { path: from.path },
  to: {
    path: LAYERS.slice(index + 1)
      .map((to) => to.path)
      .concat('^server/src/(app|deps|index|wecom-target)\\.ts$', '^server/src/cli/')
      .join('|'),
    dependencyTypesNot: ['type-only'],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'modules may not import each other in a cycle',
      severity: 'error',
      from: { path: '^(server/src|miniprogram)/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'no-http-in-domain',
      comment: 'domain modules know nothing of HTTP: no koa, no routes, no middleware',
      severity: 'error',
      from: {
        path: '^server/src/(auth|contacts|org|callbacks|admin|jssdk|stores|wecom|webhooks)/',
      },
      to: { path: '^node_modules/(koa|@koa/)|^server/src/(routes|middleware)/' },
    },
    {
      name: 'wecom-calls-only-in-wecom',
      comment:
        'only wecom/ talks to WeCom: the rest of the server uses its typed calls (api.ts, address-book.ts, probe.ts), never the HTTP layer, the token-adding client or the token cache, so no WeCom request or answer schema is written outside wecom/ (the wiring builds the layer; metrics reads its call events)',
      severity: 'error',
      from: { path: '^server/src/', pathNot: '^server/src/(wecom/|cli/|metrics/|deps\\.ts$)' },
      to: { path: '^server/src/wecom/(http|client|access-token-provider|expiring-cache)\\.ts$' },
    },
    {
      name: 'http-client-only-in-wecom-and-webhooks',
      comment:
        'undici sends the calls to WeCom (wecom/http.ts) and the deliveries to webhook endpoints; nothing else makes an HTTP client of its own',
      severity: 'error',
      from: { path: '^server/src/', pathNot: '^server/src/(wecom|webhooks)/' },
      to: { path: '(^|/)node_modules/undici/' },
    },
    {
      name: 'org-reads-wecom-through-the-address-book',
      comment:
        'the org module reaches WeCom only through the typed address book calls (wecom/address-book.ts), never the HTTP layer, the client or other APIs',
      severity: 'error',
      from: { path: '^server/src/org/' },
      to: {
        path: '^server/src/wecom/',
        pathNot: '^server/src/wecom/(address-book|address-book-schemas|errors|errcodes)(\\.ts$|/)',
      },
    },
    {
      name: 'no-directory-module',
      comment:
        'the domain module is org/; "directory" names only the WeCom credential and the callback receiver',
      severity: 'error',
      from: { path: '^server/src/' },
      to: { path: '^server/src/directory(/|\\.ts$)' },
    },
    {
      name: 'sandbox-only-in-sandbox-mode',
      comment:
        'production code loads the WeCom simulator only in wecom-target.ts, lazily in sandbox mode; elsewhere only its types',
      severity: 'error',
      from: { path: '^server/src/', pathNot: '^server/src/(sandbox/|wecom-target\\.ts$)' },
      to: { path: '^server/src/sandbox/', pathNot: '^server/src/sandbox/types\\.ts$' },
    },
    {
      name: 'sandbox-loaded-lazily',
      comment:
        'wecom-target.ts loads the simulator with a require inside a function, never an import',
      severity: 'error',
      from: { path: '^server/src/wecom-target\\.ts$' },
      to: {
        path: '^server/src/sandbox/',
        pathNot: '^server/src/sandbox/types\\.ts$',
        dependencyTypes: ['import'],
      },
    },
    {
      name: 'sandbox-stands-alone',
      comment: 'the simulator imports nothing of the gateway but the configuration types',
      severity: 'error',
      from: { path: '^server/src/sandbox/' },
      to: { path: '^server/src/', pathNot: '^server/src/(sandbox|config)/' },
    },
    {
      name: 'miniprogram-stands-alone',
      comment: 'the mini-program imports nothing from the server',
      severity: 'error',
      from: { path: '^miniprogram/' },
      to: { path: '^server/' },
    },
    {
      name: 'error-registry-imports-nothing',
      comment:
        'the error registry is plain data both sides compile: it imports nothing (no wx, no Node, no other file)',
      severity: 'error',
      from: { path: '^miniprogram/shared/' },
      to: { path: '.' },
    },
    {
      name: 'server-imports-only-shared-miniprogram-files',
      comment: 'of the mini-program the server imports only the wire types and the error registry',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^miniprogram/', pathNot: '^miniprogram/(typings/api|shared/errors)\\.ts$' },
    },
    {
      name: 'error-registry-through-errors',
      comment: 'the server reaches the error registry through errors/codes.ts only',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/src/errors/' },
      to: { path: '^miniprogram/shared/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'server/tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
