import { checkUploadType } from './upload-type';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0')]);

describe('checkUploadType', () => {
  it('keeps a declared type the bytes agree with', async () => {
    expect(await checkUploadType('image/png', PNG)).toEqual({ ok: true, contentType: 'image/png' });
    expect(await checkUploadType('application/pdf', PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(await checkUploadType('text/plain; charset=utf-8', Buffer.from('見積書の件です'))).toEqual({ ok: true, contentType: 'text/plain' });
    expect(await checkUploadType('text/csv', Buffer.from('a,b\n1,2\n'))).toEqual({ ok: true, contentType: 'text/csv' });
  });

  it('takes the type from the bytes when the declared one is generic', async () => {
    expect(await checkUploadType('application/octet-stream', PNG)).toEqual({ ok: true, contentType: 'image/png' });
    expect(await checkUploadType('', PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
  });

  it('refuses a declared type the bytes contradict', async () => {
    expect(await checkUploadType('image/png', EXE)).toMatchObject({ ok: false, code: 'UPLOAD_TYPE_MISMATCH', message: expect.stringMatching(/program/) });
    expect(await checkUploadType('text/plain', PNG)).toMatchObject({ ok: false, code: 'UPLOAD_TYPE_MISMATCH' });
    expect(await checkUploadType('application/pdf', Buffer.from('just text'))).toMatchObject({ ok: false, code: 'UPLOAD_TYPE_MISMATCH' });
    expect(await checkUploadType('image/jpeg', PNG)).toMatchObject({ ok: false, code: 'UPLOAD_TYPE_MISMATCH' });
  });

  it('accepts the usual aliases', async () => {
    expect(await checkUploadType('image/x-png', PNG)).toEqual({ ok: true, contentType: 'image/x-png' });
  });

  it('refuses what is not a content type', async () => {
    expect(await checkUploadType('not a type', PNG)).toMatchObject({ ok: false, code: 'UPLOAD_TYPE_INVALID' });
    expect(await checkUploadType('image/png\r\nX-Evil: 1', PNG)).toMatchObject({ ok: false, code: 'UPLOAD_TYPE_INVALID' });
  });
});
