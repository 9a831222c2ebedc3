import type { StreamRange } from '../stores/store';
import type { OrgChange } from './model';

/** A read of the change feed: a range and page size, and what to keep. */
export interface ChangesQuery {
  range: StreamRange;
  limit: number;
  kind?: OrgChange['kind'];
  op?: OrgChange['op'];
  /** Kept when the id contains it or the name before or after does (case-insensitive). */
  q?: string;
}

/** The filter of a query, or undefined when it keeps every record. */
export function changeFilter(
  query: Pick<ChangesQuery, 'kind' | 'op' | 'q'>,
): ((change: OrgChange) => boolean) | undefined {
  const { kind, op } = query;
  const needle = query.q?.toLowerCase();
  if (!kind && !op && !needle) return undefined;
  const contains = (value: unknown) =>
    (typeof value === 'string' || typeof value === 'number') &&
    String(value)
      .toLowerCase()
      .includes(needle ?? '');
  return (change) =>
    (!kind || change.kind === kind) &&
    (!op || change.op === op) &&
    (!needle || [change.id, change.before?.name, change.after?.name].some(contains));
}
