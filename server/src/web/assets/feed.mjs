// Paging through an append-only feed (`?after=&limit=` → `{<items>, next}`), oldest first.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';

export const PAGE_SIZE = 10;

export function useFeed(path, field) {
  const [afters, setAfters] = useState([0]);
  const [state, setState] = useState({ items: [], next: null, error: '', busy: true });
  const page = afters.length - 1;
  const after = afters[page];

  const load = useCallback(async () => {
    setState((s) => ({ ...s, busy: true }));
    try {
      const answer = await api('GET', `${path}?after=${after}&limit=${PAGE_SIZE}`);
      setState({ items: answer[field], next: answer.next, error: '', busy: false });
    } catch (error) {
      setState({ items: [], next: null, error: errorText(error), busy: false });
    }
  }, [path, field, after]);

  useEffect(() => {
    load();
  }, [load]);

  return {
    ...state,
    page,
    reload: load,
    previous: () => setAfters((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    next: () => state.next !== null && setAfters((list) => [...list, state.next]),
  };
}
