import { currentServices } from '../../services/current';
import { isApiError } from '../../services/errors';
import type { ContactLookupResponse } from '../../typings/api';
import { errorText } from '../../utils/error-text';
import { contactTypeText } from '../../utils/format';

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
    status: 'idle' as 'idle' | 'loading' | 'ready' | 'empty' | 'error' | 'outside',
    errorText: '',
    rows: [] as Row[],
    notMineCount: 0,
  },
  methods: {
    onLoad() {
      if (!currentServices().env.isWxWork()) this.setData({ status: 'outside' });
    },
    /** selectExternalContact (after login) → lookup on the server → the list. */
    async onPick() {
      const { gate, api } = currentServices();
      const previous = this.data.status;
      this.setData({ status: 'loading', errorText: '' });
      try {
        const ids = await gate.selectExternalContact();
        if (ids.length === 0) {
          this.setData({ status: 'empty', rows: [] });
          return;
        }
        const rows = toRows(await api.lookupContacts(ids));
        this.setData({
          status: 'ready',
          rows,
          notMineCount: rows.filter((row) => row.kind !== 'mine').length,
        });
      } catch (error) {
        if (isApiError(error) && error.code === 'qy.cancelled') {
          this.setData({ status: previous === 'loading' ? 'idle' : previous });
          return;
        }
        this.setData({ status: 'error', errorText: errorText(error) });
      }
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
