import { ValidationFailed } from './domain.error';
import { TextHygienePipe } from './text-hygiene.pipe';

const pipe = new TextHygienePipe();
const body = (v: unknown) => pipe.transform(v, { type: 'body' });

describe('TextHygienePipe', () => {
  it('stores every string of a body NFC, at any depth', () => {
    expect(body({ name: 'か\u3099', steps: [{ label: 'e\u0301' }] })).toEqual({ name: 'が', steps: [{ label: 'é' }] });
  });

  it.each([
    [{ name: 'a\u0000b' }, 'name', /NUL/],
    [{ text: 'body\u0000' }, 'text', /NUL/],
    [{ items: [{ subject: 'x\uD800' }] }, 'items.0.subject', /surrogate/],
    [{ lastName: 'abc\u202Edef' }, 'lastName', /direction/],
    [{ code: 'IQ\u2066' }, 'code', /direction/],
  ])('refuses %j naming the field', (input, field, message) => {
    try {
      body(input);
      throw new Error('not refused');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationFailed);
      expect((e as ValidationFailed).fields?.[field]?.[0]).toMatch(message);
    }
  });

  it('lets direction controls stand in running text (a customer may quote Arabic), and keeps surrogate pairs', () => {
    expect(body({ text: 'مرحبا \u202Bx\u202C', name: '😀' })).toEqual({ text: 'مرحبا \u202Bx\u202C', name: '😀' });
  });

  it('only normalises query strings', () => {
    expect(pipe.transform({ q: '\u0000か\u3099' }, { type: 'query' })).toEqual({ q: '\u0000が' });
  });
});
