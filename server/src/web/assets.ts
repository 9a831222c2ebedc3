import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { errorTexts } from '../errors/codes';

/**
 * The admin console's static files, read once at start and served from memory: its own scripts and
 * stylesheet (`assets/`, plain ES modules: no build step) and a fixed list of vendor modules taken
 * as published from node_modules (preact, its hooks, htm, and csv-stringify's browser build: the
 * admin console writes its CSV with the library and options the server's CSVs use). Nothing else under
 * node_modules is reachable, and nothing is loaded from another origin. One module is made here
 * rather than read: `error-texts.mjs`, the admin console's text for every error code, from the
 * error registry.
 */

export interface Asset {
  body: Buffer;
  type: string;
  /** A strong ETag of the content. */
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** What the admin console's import map names, and the vendor file each resolves to. */
export const VENDOR_MODULES = {
  preact: 'preact.mjs',
  'preact/hooks': 'preact-hooks.mjs',
  htm: 'htm.mjs',
  'htm/preact': 'htm-preact.mjs',
  'csv-stringify/browser/esm/sync': 'csv-stringify-sync.mjs',
} as const;

function vendorFiles(): Record<string, string> {
  const { resolve } = createRequire(__filename);
  const preactRoot = path.dirname(resolve('preact/package.json'));
  return {
    'preact.mjs': path.join(preactRoot, 'dist/preact.mjs'),
    'preact-hooks.mjs': path.join(preactRoot, 'hooks/dist/hooks.mjs'),
    'htm.mjs': path.join(path.dirname(resolve('htm')), 'htm.mjs'),
    'htm-preact.mjs': path.join(path.dirname(resolve('htm/preact')), 'index.mjs'),
    'csv-stringify-sync.mjs': resolve('csv-stringify/browser/esm/sync'),
  };
}

function asset(name: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  return {
    body,
    type: TYPES[path.extname(name)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function load(file: string): Asset {
  // Source map comments would make browsers ask for maps that are not served.
  return asset(file, readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}

/** The admin console's texts as a module (`api.mjs` imports it), so no copy of them is kept in assets/. */
const ERROR_TEXTS_MODULE = 'error-texts.mjs';

function errorTextsModule(): Asset {
  const texts = JSON.stringify(errorTexts('adminConsole'), null, 2);
  return asset(
    ERROR_TEXTS_MODULE,
    `// What an admin reads for each error code; made by the server from its error registry.\nexport const ERROR_TEXT = Object.freeze(${texts});\n`,
  );
}

export interface ConsoleAssets {
  /** `assets/<name>`: the admin console's own files. */
  own: ReadonlyMap<string, Asset>;
  /** `vendor/<name>`: the vendor modules. */
  vendor: ReadonlyMap<string, Asset>;
}

const OWN_FILE = /^[a-z][\w-]*\.(mjs|css)$/;

export function loadConsoleAssets(dir = path.join(__dirname, 'assets')): ConsoleAssets {
  const own = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    if (OWN_FILE.test(name)) own.set(name, load(path.join(dir, name)));
  }
  own.set(ERROR_TEXTS_MODULE, errorTextsModule());
  const vendor = new Map(
    Object.entries(vendorFiles()).map(([name, file]) => [name, load(file)] as const),
  );
  return { own, vendor };
}
