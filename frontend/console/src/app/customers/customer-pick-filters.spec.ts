import { customerPickFilters, type CustomerPickFields } from './customer-pick-filters';

const empty: Record<CustomerPickFields, string> = { tel: '', mobile: '', lastName: '', firstName: '', postalCode: '', branch: '' };
const today = ['code', 'name', 'kana', 'email', 'tel', 'postalCode', 'address', 'branch', 'registrationState', 'listFlag'];

describe('customerPickFilters', () => {
  it('searches one character of 姓 as it is, trimmed', () => {
    expect(customerPickFilters({ ...empty, lastName: ' 田 ' }, today)).toEqual({ name: '田' });
  });

  it('joins 姓 and 名 for the name filter while the search has no separate ones', () => {
    expect(customerPickFilters({ ...empty, lastName: '助人', firstName: '蔵人' }, today)).toEqual({ name: '助人蔵人' });
    expect(customerPickFilters({ ...empty, firstName: '蔵' }, today)).toEqual({ name: '蔵' });
  });

  it('uses separate 姓/名/MOBILE filters once the search has them', () => {
    const later = [...today, 'lastName', 'firstName', 'mobile'];
    expect(customerPickFilters({ ...empty, lastName: '田', firstName: '花', tel: '03', mobile: '090' }, later)).toEqual({ lastName: '田', firstName: '花', tel: '03', mobile: '090' });
  });

  it('searches a MOBILE number through tel (which matches both numbers) when there is no mobile filter', () => {
    expect(customerPickFilters({ ...empty, mobile: '090-1234' }, today)).toEqual({ tel: '090-1234' });
  });

  it('passes 郵便番号 and 支店名, and nothing for empty fields', () => {
    expect(customerPickFilters({ ...empty, postalCode: '105', branch: '港' }, today)).toEqual({ postalCode: '105', branch: '港' });
    expect(customerPickFilters(empty, today)).toEqual({});
  });
});
