import type { DirectoryChangeHandler } from '../callbacks';
import { ORG_CHANGE_TYPES, type OrgChangeRequest } from './change';

/**
 * The directory callback's hand-off to the org: the member or department an accepted
 * `change_contact` event names is re-read and what changed goes to the org change feed. Tag
 * events change nothing the org keeps.
 */
export function directoryChangeHandler(org: {
  applyChange(change: OrgChangeRequest): Promise<unknown>;
}): DirectoryChangeHandler {
  const types: readonly string[] = ORG_CHANGE_TYPES;
  return async (change) => {
    if (!types.includes(change.changeType)) return;
    const departmentId =
      change.departmentId === undefined ? undefined : Number(change.departmentId);
    await org.applyChange({
      changeType: change.changeType as OrgChangeRequest['changeType'],
      userId: change.userId,
      newUserId: change.newUserId,
      departmentId: Number.isInteger(departmentId) ? departmentId : undefined,
    });
  };
}
