import { isOptOut } from './opt-out';

describe('isOptOut', () => {
  it.each(['停止', 'ていし', 'STOP', 'stop', ' Stop\n', 'ＳＴＯＰ', 'ｓｔｏｐ', '　停止　', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit'])('%j stops SMS', (body) => {
    expect(isOptOut(body)).toBe(true);
  });

  it.each(['', 'STOP please', '停止してください', 'ST OP', 'stopp', '配信停止', 'はい'])('%j is a message, not an opt-out', (body) => {
    expect(isOptOut(body)).toBe(false);
  });
});
