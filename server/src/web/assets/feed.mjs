// Paging through a feed newest first: `?order=desc&before=&limit=` (and the page's filters) →
// `{<items>, next}`, where `next` is the `before` of the next, older page and null at the end.
// `seq` and the cursors are opaque strings: they are only handed back to the server.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';

export const PAGE_SIZE = 10;

/**
 * `filters` (e.g. `{kind, op, q}`, empty values left out) go with every request; changing them
 * starts again from the newest record. The cursors of the pages seen so far make 上一页 possible.
 */
export function useFeed(path, field, filters = {}) {
  const params = new URLSearchParams({ order: 'desc', limit: String(PAGE_SIZE) });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  const query = params.toString();

  // The `before` of each page after the first, for the current filters only.
  const [stack, setStack] = useState({ query, befores: [] });
  const befores = stack.query === query ? stack.befores : [];
  const before = befores.at(-1);
  const [state, setState] = useState({ items: [], next: null, error: '', busy: true });
  // Only the answer to the latest request is shown, whatever order the answers come in.
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    setState((s) => ({ ...s, busy: true }));
    const url = `${path}?${query}${before === undefined ? '' : `&before=${encodeURIComponent(before)}`}`;
    try {
      const answer = await api('GET', url);
      if (request === latest.current)
        setState({ items: answer[field], next: answer.next ?? null, error: '', busy: false });
    } catch (error) {
      if (request === latest.current)
        setState({ items: [], next: null, error: errorText(error), busy: false });
    }
  }, [path, field, query, before]);

  useEffect(() => {
    load();
  }, [load]);

  const go = (list) => setStack({ query, befores: list });
  return {
    ...state,
    page: befores.length,
    hasNext: state.next !== null,
    /** Back to the newest records, read again. */
    refresh: () => (befores.length === 0 ? load() : go([])),
    toFirst: () => go([]),
    toPrevious: () => go(befores.slice(0, -1)),
    toNext: () => state.next !== null && go([...befores, String(state.next)]),
  };
}
