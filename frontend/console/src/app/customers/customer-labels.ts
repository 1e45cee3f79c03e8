import type { ListFlag, RegistrationState } from '../api/customers-api';
import type { MessageKey } from '../i18n/ja';

export const REGISTRATION_STATES: readonly RegistrationState[] = ['provisional', 'registered'];
export const LIST_FLAGS: readonly ListFlag[] = ['normal', 'grey', 'black'];

export const REGISTRATION_STATE_LABELS: Record<RegistrationState, MessageKey> = {
  provisional: 'customer.registrationState.provisional',
  registered: 'customer.registrationState.registered',
};

export const LIST_FLAG_LABELS: Record<ListFlag, MessageKey> = {
  normal: 'customer.listFlag.normal',
  grey: 'customer.listFlag.grey',
  black: 'customer.listFlag.black',
};

/** 姓 名 with a space, as names are written in Japan; missing parts are left out. */
export function fullName(last: string | null, first: string | null): string {
  return [last, first].filter((part) => part && part.trim() !== '').join(' ');
}
