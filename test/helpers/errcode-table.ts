import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errcodeQueryLink, wecomErrcodes } from '../../server/src/wecom/errcodes';

/**
 * The table "What each errcode means for you" of the WeCom admin guide, in English and in
 * Chinese, made from the errcode catalogue: one row per catalogued errcode, its meaning in both
 * languages and the fix an admin makes, as `explainErrcode` words them when the failing API is not
 * known. `npm run docs:errcodes` rewrites both tables in place and formats the pages as the lint
 * does (Biome pads table cells), so it changes nothing when they are current;
 * `test/server/unit/docs/errcode-table.test.ts` fails when a page and the catalogue disagree.
 */

export type GuideLanguage = 'en' | 'zh';

const ROOT = join(__dirname, '../..');

/** The guide of each language, relative to the repository root. */
export const guidePages: Readonly<Record<GuideLanguage, string>> = {
  en: 'docs/wecom-admin-guide.md',
  zh: 'docs/zh-CN/wecom-admin-guide.md',
};

export const TABLE_START = '<!-- errcode-table:start (npm run docs:errcodes writes it) -->';
export const TABLE_END = '<!-- errcode-table:end -->';

/** Header cells: the code, the meaning in the page's language, in the other one, the fix. */
const HEADERS: Readonly<Record<GuideLanguage, readonly string[]>> = {
  en: ['errcode', 'meaning', '含义', 'what to do'],
  zh: ['错误码', '含义', 'meaning', '处理办法'],
};

/** Markdown for a table cell: `\`, `|` and `<` escaped (`<app>` would be read as an HTML tag). */
export function cellOf(text: string): string {
  return text.replace(/[\\|<]/g, (char) => `\\${char}`);
}

/** The text a cell shows: the inverse of `cellOf`. */
export function textOf(cell: string): string {
  return cell.replace(/\\([\\|<])/g, '$1');
}

/** The table, markers included, for the guide in `language`. */
export function renderErrcodeTable(language: GuideLanguage): string {
  const other: GuideLanguage = language === 'en' ? 'zh' : 'en';
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rows = [...wecomErrcodes.values()]
    .sort((a, b) => a.errcode - b.errcode)
    .map((entry) =>
      row([
        `[${entry.errcode}](${errcodeQueryLink(entry.errcode)})`,
        cellOf(entry.meaning[language]),
        cellOf(entry.meaning[other]),
        cellOf(entry.fix[language]),
      ]),
    );
  return [
    TABLE_START,
    '',
    row(HEADERS[language]),
    row(['---', '---', '---', '---']),
    ...rows,
    '',
    TABLE_END,
  ].join('\n');
}

/** The part of `page` between the markers, markers included; throws when they are missing. */
export function tableSpan(page: string): { start: number; end: number } {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`the page has no ${TABLE_START} … ${TABLE_END} section`);
  }
  return { start, end: end + TABLE_END.length };
}

/** A table with each cell trimmed: the same table however a formatter padded it. */
export function withoutPadding(table: string): string {
  return table
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? `| ${line
            .slice(1, -1)
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^-+$/, '---'))
            .join(' | ')} |`
        : line,
    )
    .join('\n');
}

/** The page with its table replaced by the current one. */
function withCurrentTable(page: string, language: GuideLanguage): string {
  const { start, end } = tableSpan(page);
  return `${page.slice(0, start)}${renderErrcodeTable(language)}${page.slice(end)}`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === __filename) {
  const languages = ['en', 'zh'] as const;
  const files = languages.map((language) => join(ROOT, guidePages[language]));
  const before = files.map((file) => readFileSync(file, 'utf8'));
  languages.forEach((language, index) => {
    const current = withCurrentTable(before[index]!, language);
    if (current !== before[index]) writeFileSync(files[index]!, current);
  });
  const biome = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');
  execFileSync(process.execPath, [biome, 'format', '--write', ...files], { stdio: 'ignore' });
  languages.forEach((language, index) => {
    const changed = readFileSync(files[index]!, 'utf8') !== before[index];
    console.log(`${guidePages[language]}: ${changed ? 'rewritten' : 'already current'}`);
  });
}
