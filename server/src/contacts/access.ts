import type { FollowUser, GroupChat } from '../../../miniprogram/typings/api';
import type { Customer } from './schemas';

/** Who may read what. Checked on every request, against the shared cached detail. */

/** A customer is this employee's when their userid is in its follow_user. */
export function followEntryOf(customer: Customer, userid: string): FollowUser | undefined {
  return customer.followUsers.find((f) => f.userid === userid);
}

/** A group is readable by its owner and by its employee members. */
export function canReadGroup(group: GroupChat, userid: string): boolean {
  return (
    group.owner === userid ||
    group.members.some((m) => m.type === 'employee' && m.userid === userid)
  );
}
