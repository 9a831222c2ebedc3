// TEMPORARY stand-in until the catalogue branch lands (same interface, subset).
export type Bilingual = { zh: string; en: string };
export type ErrcodeCategory =
  | 'transient'
  | 'rate_limited'
  | 'token'
  | 'credential'
  | 'login_code'
  | 'not_found'
  | 'permission'
  | 'request';
const categories: Record<number, ErrcodeCategory> = {
  [-1]: 'transient',
  45009: 'rate_limited',
  45033: 'rate_limited',
  40014: 'token',
  42001: 'token',
  40001: 'credential',
  40013: 'credential',
  40091: 'credential',
  40029: 'login_code',
  42003: 'login_code',
  42022: 'login_code',
  84061: 'not_found',
  40096: 'not_found',
};
export function describeErrcode(errcode: number): { errcode: number; category: ErrcodeCategory } {
  return { errcode, category: categories[errcode] ?? 'permission' };
}
export function shortFix(
  errcode: number,
  _context?: { api?: string; credential?: string },
): Bilingual {
  return { zh: `错误码 ${errcode}`, en: `errcode ${errcode}` };
}
