import { en } from '../i18n/en';
import { ja } from '../i18n/ja';
import { DELIVERY_ERROR_CODES, deliveryErrorKey } from './delivery-error';

describe('deliveryErrorKey', () => {
  it('has a Japanese and an English text for every code the server sends', () => {
    for (const code of DELIVERY_ERROR_CODES) {
      const key = deliveryErrorKey(code);
      expect(key).toBe(`delivery.error.${code}`);
      expect(ja[key]).toMatch(/\S/);
      expect(en[key]).toMatch(/\S/);
    }
  });

  it('reads an unknown or missing code as the general text, never as the code itself', () => {
    expect(deliveryErrorKey('SOMETHING_NEW')).toBe('delivery.error.unknown');
    expect(deliveryErrorKey(null)).toBe('delivery.error.unknown');
    expect(deliveryErrorKey(undefined)).toBe('delivery.error.unknown');
    expect(deliveryErrorKey('constructor')).toBe('delivery.error.unknown');
    expect(ja['delivery.error.unknown']).toBe('送信できませんでした');
  });
});
