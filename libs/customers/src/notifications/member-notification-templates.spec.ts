import type { Customer } from '../customer.entity';
import {
  customerContents,
  customerName,
  defaultMemberNotifications,
  fill,
  formatTime,
  MEMBER_NOTIFICATION_TEMPLATES,
  unknownPlaceholders,
} from './member-notification-templates';

const customer = (over: Partial<Customer>): Customer =>
  ({ code: '000123', lastName: '山田', firstName: null, email: null, tel: null, ...over }) as Customer;

describe('member notification templates', () => {
  it('finds the placeholders a template does not know, each once', () => {
    expect(unknownPlaceholders('customerOnWithdraw', '{name} 様 {time} {time} {shop}')).toEqual([
      'time',
      'shop',
    ]);
    expect(unknownPlaceholders('adminOnRegister', '{time} {name}\n{contents}')).toEqual([]);
    expect(unknownPlaceholders('customerOnRegister', '{contents}')).toEqual(['contents']);
    expect(unknownPlaceholders('customerOnRegister', '{ name }')).toEqual([' name ']);
  });

  it('ships defaults that use only known placeholders', () => {
    const d = defaultMemberNotifications();
    for (const t of MEMBER_NOTIFICATION_TEMPLATES) {
      expect(unknownPlaceholders(t, d[t].subject)).toEqual([]);
      expect(unknownPlaceholders(t, d[t].body)).toEqual([]);
    }
    expect(MEMBER_NOTIFICATION_TEMPLATES.map((t) => d[t].enabled)).toEqual([false, false, false]);
  });

  it('lists only fields with a value, with Japanese labels, one a line', () => {
    expect(
      customerContents(customer({ firstName: '太郎', email: 'taro@example.jp', comment: '一行目\n二行目' })),
    ).toBe('顧客コード: 000123\n姓: 山田\n名: 太郎\nメールアドレス: taro@example.jp\n備考: 一行目 二行目');
    expect(customerName(customer({ firstName: '太郎' }))).toBe('山田 太郎');
    expect(customerName(customer({}))).toBe('山田');
  });

  it('fills in one pass and leaves unknown braces alone', () => {
    expect(fill('{name} 様 {x} {constructor}', { name: '{time}', time: 'no' })).toBe(
      '{time} 様 {x} {constructor}',
    );
  });

  it('formats the time in the given zone', () => {
    expect(formatTime(new Date('2026-12-04T05:07:00Z'), 'Asia/Tokyo')).toBe('2026/12/04 14:07');
  });
});
