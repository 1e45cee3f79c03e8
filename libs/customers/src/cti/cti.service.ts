import { Clock, fieldError, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { CustomerAssignee } from '../customer-assignee.entity';
import { Customer } from '../customer.entity';
import { HistoryEntry } from '../history/history-entry.entity';
import { CallDetails, CallPatch, HistoryService } from '../history/history.service';
import { parsePhone } from '../search/normalize';
import { CallEvent, CtiCallDto } from './cti.dto';
import { CtiEvents } from './cti-events.service';

/** At most this many customers are offered when several have the caller's number. */
export const MAX_CANDIDATES = 20;

export interface CallReceived {
  /** False for a later event of a call already written (and whenever nothing was written). */
  created: boolean;
  /** Null when 自動履歴保存 of incoming calls is switched off. */
  entryId: number | null;
  customerIds: number[];
}

/**
 * Incoming calls (CTI): the phone system posts each event of a call; the first writes the
 * 「電話着信あり」 entry (through HistoryService, in one transaction), later ones add to its call
 * details, and each change pops up in the consoles after commit.
 */
@Injectable()
export class CtiService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly history: HistoryService,
    private readonly events: CtiEvents,
    private readonly clock: Clock,
  ) {}

  async receive(dto: CtiCallDto): Promise<CallReceived> {
    const phone = parsePhone(dto.from);
    if (!phone) {
      throw new ValidationFailed({
        from: [
          fieldError(
            'PHONE_INVALID',
            'from is not a phone number (e.g. 090-1234-5678, 09012345678 or +81 90 1234 5678)',
          ),
        ],
      });
    }
    const receivedAt = this.clock.now().toISOString();
    const at = dto.at ? new Date(dto.at).toISOString() : receivedAt;
    const run = () => this.dataSource.transaction((m) => this.write(m, dto, phone.digits, at, receivedAt));
    let result: Awaited<ReturnType<CtiService['write']>>;
    try {
      result = await run();
    } catch (e) {
      // Two deliveries of one new call at once: the second insert breaks the unique event key;
      // the first has committed, so this one is now a later event of that call.
      if (!(await this.dataSource.getRepository(HistoryEntry).existsBy({ eventKey: eventKeyOf(dto.callId) })))
        throw e;
      result = await run();
    }
    if (result.changed)
      this.events.called({
        entryId: result.entryId,
        customerIds: result.customerIds,
        phone: phone.digits,
        event: dto.event,
      });
    return { created: result.created, entryId: result.entryId, customerIds: result.customerIds };
  }

  private async write(
    m: EntityManager,
    dto: CtiCallDto,
    digits: string,
    at: string,
    receivedAt: string,
  ): Promise<CallReceived & { changed: boolean }> {
    const existing = await m.getRepository(HistoryEntry).findOneBy({ eventKey: eventKeyOf(dto.callId) });
    if (existing) {
      const { entry, changed } = await this.history.updateCall(m, existing.id, patchOf(dto, at, receivedAt));
      const call = entry.callJson ? (JSON.parse(entry.callJson) as CallDetails) : null;
      return {
        created: false,
        changed,
        entryId: entry.id,
        customerIds: entry.customerId !== null ? [entry.customerId] : (call?.candidateIds ?? []),
      };
    }
    const matches = await m
      .getRepository(Customer)
      .createQueryBuilder('c')
      .select(['c.id'])
      .where('c.tel_digits = :digits OR c.mobile_digits = :digits', { digits })
      .orderBy('c.id', 'ASC')
      .take(MAX_CANDIDATES)
      .getMany();
    const customerIds = matches.map((c) => c.id);
    const customerId = customerIds.length === 1 ? customerIds[0] : null;
    const patch = patchOf(dto, at, receivedAt);
    const call: CallDetails = {
      callId: dto.callId,
      from: digits,
      to: dto.to || null,
      events: [patch.event!],
      answeredBy: patch.answeredBy ?? null,
      answeredAt: patch.answeredAt ?? null,
      endedAt: patch.endedAt ?? null,
      durationSeconds: null,
      candidateIds: customerIds.length > 1 ? customerIds : [],
    };
    const written = await this.history.recordAuto(m, 'incoming_call', {
      customerId,
      // An unknown caller (or several customers with the number) still gets its entry, to be linked.
      withoutCustomer: true,
      eventKey: dto.callId,
      phone: digits,
      values: { phone: digits },
      call,
      createdAt: new Date(at),
      // The customer's 担当 gets the call-back in 作業管理; an unknown caller waits for whoever links it.
      staffId: customerId !== null ? await this.firstAssignee(m, customerId) : null,
    });
    // 自動履歴保存 switched off for incoming calls: nothing is written, the card still pops up.
    if (!written) return { created: false, changed: dto.event === 'ringing', entryId: null, customerIds };
    return { created: written.created, changed: true, entryId: written.entry.id, customerIds };
  }

  private async firstAssignee(m: EntityManager, customerId: number): Promise<number | null> {
    const rows = await m
      .getRepository(CustomerAssignee)
      .find({ where: { customerId: In([customerId]) }, order: { userId: 'ASC' }, take: 1 });
    return rows[0]?.userId ?? null;
  }
}

function eventKeyOf(callId: string): string {
  // The same key recordAuto writes for the incoming_call event.
  return `incoming_call:${callId}`;
}

function patchOf(dto: CtiCallDto, at: string, receivedAt: string): CallPatch {
  const event: { event: CallEvent; at: string; receivedAt: string } = { event: dto.event, at, receivedAt };
  if (dto.event === 'answered') return { event, answeredAt: at, answeredBy: dto.answeredBy || null };
  if (dto.event === 'ended')
    return { event, endedAt: at, ...(dto.answeredBy ? { answeredBy: dto.answeredBy } : {}) };
  return { event };
}
