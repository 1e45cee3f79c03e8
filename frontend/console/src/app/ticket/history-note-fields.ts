import { NonNullableFormBuilder, Validators } from '@angular/forms';

import { HISTORY_KINDS, type HistoryKind } from '../api/workflow-api';

export const MAX_HISTORY_NOTE_LENGTH = 5000;
export { HISTORY_KINDS };

/** Kind and text of a response-history note (対応履歴), as both note forms ask for them. */
export function buildHistoryNoteForm(fb: NonNullableFormBuilder, required: boolean) {
  return fb.group({
    kind: fb.control<HistoryKind | null>(required ? 'phone' : null, required ? Validators.required : []),
    text: ['', Validators.maxLength(MAX_HISTORY_NOTE_LENGTH)],
  });
}
