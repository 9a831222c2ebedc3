import { currentServices } from '../../services/current';
import { isApiError } from '../../services/errors';
import type { ContactLookupResponse } from '../../typings/api';
import { contactTypeText } from '../../utils/format';
import { loadPage, type PageStatus } from '../../utils/load-page';

interface Row {
  externalUserId: string;
  name: string;
  sub: string;
  /** 'mine' opens the detail; the others are marked and cannot be opened. */
  kind: 'mine' | 'not-mine' | 'not-found';
}

/** Mine first, then the ones this employee may not see, then unknown ids. */
function toRows({ contacts, denied, notFound }: ContactLookupResponse): Row[] {
  return [
    ...contacts.map(({ externalContact, followUser }) => ({
      externalUserId: externalContact.externalUserId,
      name: externalContact.name,
      sub: followUser.remark ?? externalContact.corpName ?? contactTypeText(externalContact.type),
      kind: 'mine' as const,
    })),
    ...denied.map((id) => ({
      externalUserId: id,
      name: '其他成员的客户',
      sub: id,
      kind: 'not-mine' as const,
    })),
    ...notFound.map((id) => ({
      externalUserId: id,
      name: '未知客户',
      sub: id,
      kind: 'not-found' as const,
    })),
  ];
}

Component({
  data: {
    status: 'idle' as PageStatus,
    errorText: '',
    rows: [] as Row[],
    notMineCount: 0,
  },
  methods: {
    onLoad() {
      if (!currentServices().env.isWxWork()) this.setData({ status: 'outside' });
    },
    /** selectExternalContact (after login) → lookup on the server → the list. */
    onPick() {
      const previous = this.data.status;
      return loadPage(this, async ({ gate, api }) => {
        let ids: string[];
        try {
          ids = await gate.selectExternalContact();
        } catch (error) {
          // Cancelling the picker changes nothing on screen.
          if (isApiError(error) && error.code === 'qy.cancelled') {
            return { status: previous === 'loading' ? 'idle' : previous };
          }
          throw error;
        }
        if (ids.length === 0) return { status: 'empty', rows: [] };
        const rows = toRows(await api.lookupContacts(ids));
        return {
          status: 'ready',
          rows,
          notMineCount: rows.filter((row) => row.kind !== 'mine').length,
        };
      });
    },
    onTapRow(
      event: WechatMiniprogram.BaseEvent<
        Record<string, never>,
        { id?: string; kind?: Row['kind'] }
      >,
    ) {
      const { id, kind } = event.currentTarget.dataset;
      if (id !== undefined && kind === 'mine') {
        currentServices().nav.open('contact-detail', { externalUserId: id });
      }
    },
  },
});
