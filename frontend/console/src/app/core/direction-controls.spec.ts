import { showDirectionControls } from './direction-controls';

describe('showDirectionControls', () => {
  it('shows each direction control as a marker', () => {
    expect(showDirectionControls('invoice\u202Etxt.exe')).toBe('invoice⟦U+202E⟧txt.exe');
    expect(showDirectionControls('a\u2066b\u2069c\u200Fd')).toBe('a⟦U+2066⟧b⟦U+2069⟧c⟦U+200F⟧d');
  });
  it('leaves other text, including Arabic and Japanese, alone', () => {
    expect(showDirectionControls('見積のお願い مرحبا')).toBe('見積のお願い مرحبا');
    expect(showDirectionControls(null)).toBe('');
  });
});
