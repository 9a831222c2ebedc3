import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ErrorCode, errorCodes } from '../../../../server/src/errors/codes';
import type { RequestError } from '../../../../server/src/errors/request-error';
import type { loadConsoleAssets } from '../../../../server/src/web/assets';
import type { createPageRenderer } from '../../../../server/src/web/pages';

// The one registry of error codes (miniprogram/shared/errors.ts): every code has its row, every
// row all of its texts, and what the server answers, renders and serves to the admin console is
// read from it — a changed row changes them, with nothing else edited.

const ROOT = path.join(__dirname, '../../../..');
const CJK = /[\u4e00-\u9fff]/;

/** `code → status` of the error list in docs/http-api.md (the contract clients read). */
function documentedCodes(): Record<string, number> {
  const doc = readFileSync(path.join(ROOT, 'docs/http-api.md'), 'utf8');
  const start = doc.indexOf('Error codes and statuses:');
  const list = doc.slice(start, doc.indexOf('\n\n', start));
  return Object.fromEntries(
    [...list.matchAll(/`([a-z]+\.[a-z_]+)`\s+(\d{3})/g)].map(([, code, status]) => [
      code,
      Number(status),
    ]),
  );
}

describe('the error registry', () => {
  it.each(Object.entries(errorCodes))(
    '%s has an HTTP status, an English message and a Chinese text for every surface',
    (_code, row) => {
      expect(row.status).toBeGreaterThanOrEqual(400);
      expect(row.status).toBeLessThan(600);
      expect(row.message).toMatch(/^[A-Z].+[.)]$/);
      expect(Object.keys(row.zh).sort()).toEqual(['adminConsole', 'miniProgram', 'page']);
      for (const text of Object.values(row.zh)) expect(text).toMatch(CJK);
    },
  );

  it('has a row for every code the HTTP API documents, with its status, and no other', () => {
    const statuses = Object.fromEntries(
      Object.entries(errorCodes).map(([code, row]) => [code, row.status]),
    );
    expect(statuses).toEqual(documentedCodes());
  });

  it('is what the answers, the error pages and the admin console’s texts are made of', () => {
    const code: ErrorCode = 'org.sync_running';
    jest.isolateModules(() => {
      // A fresh copy of the registry with one row changed, then the modules that read it.
      const registry = require(path.join(ROOT, 'miniprogram/shared/errors')) as {
        errorCodes: typeof errorCodes;
      };
      const row = registry.errorCodes[code];
      Object.assign(row, {
        status: 418,
        message: 'A fixture message.',
        zh: { ...row.zh, page: '测试页面文字', adminConsole: '测试后台文字' },
      });
      const fresh = {
        ...(require(path.join(ROOT, 'server/src/errors/request-error')) as {
          RequestError: typeof RequestError;
        }),
        ...(require(path.join(ROOT, 'server/src/web/pages')) as {
          createPageRenderer: typeof createPageRenderer;
        }),
        ...(require(path.join(ROOT, 'server/src/web/assets')) as {
          loadConsoleAssets: typeof loadConsoleAssets;
        }),
      };

      const error = new fresh.RequestError(code);
      expect({ status: error.status, message: error.message }).toEqual({
        status: 418,
        message: 'A fixture message.',
      });
      const render = fresh.createPageRenderer({ basePath: '', adminTokenSignIn: false });
      expect(render.errorPage(error, 'req-1')).toContain('<p>测试页面文字</p>');
      const texts = fresh.loadConsoleAssets().own.get('error-texts.mjs')!;
      expect(texts.type).toBe('text/javascript; charset=utf-8');
      expect(texts.body.toString()).toContain(`"${code}": "测试后台文字"`);
    });
  });
});
