import type { CapturedAddress } from '../../api/captured-mail-api';

/** 「山田 <yamada@example.jp>」, or the bare address when there is no name. */
export function formatCapturedAddresses(addresses: readonly (CapturedAddress | null)[] | null | undefined): string {
  return (addresses ?? [])
    .filter((a): a is CapturedAddress => !!a)
    .map((a) => (a.name?.trim() ? `${a.name.trim()} <${a.address}>` : a.address))
    .join(', ');
}
