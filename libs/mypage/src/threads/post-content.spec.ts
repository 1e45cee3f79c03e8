import { checkPostFile, cleanFilename } from './post-content';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const HTML = Buffer.from('<html><script>alert(1)</script></html>');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

describe('checkPostFile', () => {
  it.each([
    [
      'an image by its bytes whatever the declared type',
      { filename: 'a.bin', declaredType: 'application/octet-stream', bytes: PNG, wantImage: false },
      { kind: 'image', contentType: 'image/png' },
    ],
    [
      'a GIF named .gif',
      { filename: 'a.gif', declaredType: 'image/gif', bytes: GIF, wantImage: true },
      { kind: 'image', contentType: 'image/gif' },
    ],
    [
      'a text file as a file of no signature',
      { filename: 'memo.txt', declaredType: 'text/plain', bytes: Buffer.from('hello'), wantImage: false },
      { kind: 'file', contentType: 'application/octet-stream' },
    ],
    [
      'HTML named .html as a plain download',
      { filename: 'page.html', declaredType: 'text/html', bytes: HTML, wantImage: false },
      { kind: 'file', contentType: 'application/octet-stream' },
    ],
  ])('takes %s', async (_name, input, expected) => {
    await expect(checkPostFile(input)).resolves.toMatchObject(expected);
  });

  it.each([
    [
      'HTML named .png',
      { filename: 'photo.png', declaredType: 'application/octet-stream', bytes: HTML, wantImage: false },
      'MYPAGE_NOT_AN_IMAGE',
    ],
    [
      'HTML sent as image/png',
      { filename: 'photo', declaredType: 'image/png', bytes: HTML, wantImage: false },
      'MYPAGE_NOT_AN_IMAGE',
    ],
    [
      'HTML asked for as an image',
      { filename: 'x', declaredType: '', bytes: HTML, wantImage: true },
      'MYPAGE_NOT_AN_IMAGE',
    ],
    [
      'a PNG named .jpg? no: a program named .jpg',
      { filename: 'x.jpg', declaredType: 'image/jpeg', bytes: ELF, wantImage: false },
      'MYPAGE_NOT_AN_IMAGE',
    ],
    [
      'a program',
      { filename: 'tool', declaredType: 'application/octet-stream', bytes: ELF, wantImage: false },
      'MYPAGE_FILE_TYPE_REFUSED',
    ],
    [
      'a "PDF" without a PDF signature',
      { filename: 'a.pdf', declaredType: 'application/pdf', bytes: HTML, wantImage: false },
      'MYPAGE_FILE_TYPE_REFUSED',
    ],
    [
      'an empty file',
      { filename: 'a.txt', declaredType: 'text/plain', bytes: Buffer.alloc(0), wantImage: false },
      'MYPAGE_FILE_EMPTY',
    ],
    [
      'a file over 10 MB',
      {
        filename: 'a.png',
        declaredType: 'image/png',
        bytes: Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]),
        wantImage: false,
      },
      'MYPAGE_FILE_TOO_LARGE',
    ],
  ])('refuses %s', async (_name, input, code) => {
    await expect(checkPostFile(input)).rejects.toMatchObject({ code });
  });
});

describe('cleanFilename', () => {
  it('keeps a UTF-8 name busboy read as latin1, drops paths and control or direction characters', () => {
    expect(cleanFilename(Buffer.from('現場写真.png', 'utf8').toString('latin1'))).toBe('現場写真.png');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('a\u202egnp.exe')).toBe('a_gnp.exe');
    expect(cleanFilename('')).toBe('file');
  });
});
