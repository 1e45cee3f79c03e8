import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { fieldError, FieldProblem, ValidationFailed } from './domain.error';

/** Explicit direction overrides and isolates: they make `invoice‮txt.exe` read as `invoiceexe.txt`. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Fields a person reads as a name, a subject or a code: no direction controls there. */
const NAME_LIKE = /(name|kana|subject|code|slug|label|title)$/i;

function clean(value: unknown, path: string, key: string, problems: Record<string, FieldProblem[]>): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) (problems[path] ??= []).push(fieldError('TEXT_CONTROL_CHARACTER', 'must not contain control characters (NUL)'));
    else if (LONE_SURROGATE.test(value)) (problems[path] ??= []).push(fieldError('TEXT_INVALID', 'is not valid text (a lone surrogate)'));
    else if (NAME_LIKE.test(key) && BIDI_CONTROL.test(value)) (problems[path] ??= []).push(fieldError('TEXT_DIRECTION_CONTROL', 'must not contain invisible text-direction controls (U+202A–U+202E, U+2066–U+2069)'));
    return value.normalize('NFC');
  }
  if (Array.isArray(value)) return value.map((v, i) => clean(v, path ? `${path}.${i}` : String(i), key, problems));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clean(v, path ? `${path}.${k}` : k, k, problems);
    return out;
  }
  return value;
}

/**
 * Global, before validation: every string of a JSON body is stored NFC (a か + combining ゙ typed on
 * a Mac is the same 「が」 as anyone else's); NUL and lone surrogates are refused anywhere in a body,
 * direction controls in names, subjects and codes — a clear 400 naming the field. Query strings are
 * normalised only: a search for them matches literally. Mail is not touched (it keeps its bytes).
 */
@Injectable()
export class TextHygienePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'query') {
      if (typeof value === 'string') return value.normalize('NFC');
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v.normalize('NFC') : v]));
      return value;
    }
    if (metadata.type !== 'body') return value;
    const problems: Record<string, FieldProblem[]> = {};
    const out = clean(value, metadata.data ?? '', metadata.data ?? '', problems);
    if (Object.keys(problems).length) throw new ValidationFailed(problems);
    return out;
  }
}
