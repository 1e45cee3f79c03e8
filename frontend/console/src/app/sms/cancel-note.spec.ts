import { smsCancelNote } from './cancel-note';

const describe_ = (code: string) => `text of ${code}`;
const by = (name: string) => `${name}が取り消しました`;

describe('smsCancelNote', () => {
  it('describes a consent refusal by its code, never the stored English reason', () => {
    expect(smsCancelNote({ status: 'cancelled', errorCode: 'SMS_OPTED_OUT', cancelledBy: null, cancelledByName: null }, describe_, by)).toBe('text of SMS_OPTED_OUT');
    expect(smsCancelNote({ status: 'cancelled', errorCode: 'SMS_NO_CONSENT', cancelledBy: null }, describe_, by)).toBe('text of SMS_NO_CONSENT');
  });

  it('names the staff member who cancelled it', () => {
    expect(smsCancelNote({ status: 'cancelled', errorCode: null, cancelledBy: 3, cancelledByName: '佐藤 一郎' }, describe_, by)).toBe('佐藤 一郎が取り消しました');
    expect(smsCancelNote({ status: 'cancelled', errorCode: null, cancelledBy: 3, cancelledByName: null }, describe_, by)).toBe('—が取り消しました');
  });

  it('says nothing for a message that is not cancelled or has no known cause', () => {
    expect(smsCancelNote({ status: 'sent', errorCode: null, cancelledBy: 3, cancelledByName: 'x' }, describe_, by)).toBe('');
    expect(smsCancelNote({ status: 'cancelled', errorCode: null, cancelledBy: null }, describe_, by)).toBe('');
  });
});
