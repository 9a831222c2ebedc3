import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wecomErrcodes } from '../../../../server/src/wecom/errcodes';
import {
  type GuideLanguage,
  guidePages,
  renderErrcodeTable,
  tableSpan,
  textOf,
  withoutPadding,
} from '../../../helpers/errcode-table';

/**
 * The WeCom admin guide's table "What each errcode means for you", in English and Chinese, tells
 * the catalogue's truth: a row for every catalogued errcode, with its current meaning in both
 * languages and its fix, and no row for a code the catalogue lacks.
 */

const ROOT = join(__dirname, '../../../..');

interface Row {
  errcode: number;
  /** The meaning in the page's language, then in the other one. */
  meanings: [string, string];
  fix: string;
}

/** The page's table, markers included, without the padding of its cells. */
function tableOf(page: string): string {
  const { start, end } = tableSpan(page);
  return withoutPadding(page.slice(start, end));
}

/** The table's rows as the page has them (cells split on unescaped `|`). */
function rowsOf(page: string): Row[] {
  return tableOf(page)
    .split('\n')
    .filter((line) => /^\| \[-?\d+\]\(/.test(line))
    .map((line) => {
      const cells = line
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map(textOf);
      expect(cells).toHaveLength(4);
      const [code, mine, other, fix] = cells as [string, string, string, string];
      return { errcode: Number(/^\[(-?\d+)\]/.exec(code)![1]), meanings: [mine, other], fix };
    });
}

const catalogued = [...wecomErrcodes.keys()].sort((a, b) => a - b);

describe.each(['en', 'zh'] as const)('the WeCom admin guide (%s)', (language: GuideLanguage) => {
  const other: GuideLanguage = language === 'en' ? 'zh' : 'en';
  const page = readFileSync(join(ROOT, guidePages[language]), 'utf8');
  const rows = rowsOf(page);

  it('has a row for every catalogued errcode and none for a code the catalogue lacks', () => {
    expect(rows.map((row) => row.errcode).sort((a, b) => a - b)).toEqual(catalogued);
    expect(new Set(rows.map((row) => row.errcode)).size).toBe(rows.length);
  });

  it("gives each code the catalogue's current meaning, in both languages, and its fix", () => {
    for (const row of rows) {
      const entry = wecomErrcodes.get(row.errcode);
      expect({ errcode: row.errcode, meanings: row.meanings, fix: row.fix }).toEqual({
        errcode: row.errcode,
        meanings: [entry?.meaning[language], entry?.meaning[other]],
        fix: entry?.fix[language],
      });
    }
  });

  it('holds the table exactly as `npm run docs:errcodes` writes it (in order, with links)', () => {
    expect(tableOf(page)).toBe(withoutPadding(renderErrcodeTable(language)));
  });
});
