import { UsersService } from '@madoguchi/auth';
import { Actor, AuditService, Clock, fieldError, NotFound, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from '../customer.entity';
import { HistoryService } from '../history/history.service';
import { CustomerVisit } from './customer-visit.entity';
import {
  CreateVisitDto,
  UpdateVisitDto,
  VisitPage,
  VisitQueryDto,
  VisitSummary,
  VisitView,
} from './visit.dto';

const DEFAULT_PAGE_SIZE = 50;
/** A visit date outside these years is a typo (0202 for 2026), not a visit. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

function toView(v: CustomerVisit): VisitView {
  return {
    id: v.id,
    customerId: v.customerId,
    visitedAt: v.visitedAt,
    branch: v.branch,
    staffId: v.staffId,
    amount: Number(v.amount),
    serviceMemo: v.serviceMemo,
    proposalMemo: v.proposalMemo,
    createdById: v.createdById,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

/** 来店・利用金額: a customer's visit records and the totals the karte shows, always computed from the records. */
@Injectable()
export class VisitsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly history: HistoryService,
  ) {}

  /** Newest visit first, with the summary over all of the customer's visits (not only this page). */
  async list(customerId: number, query: VisitQueryDto): Promise<VisitPage> {
    await this.assertCustomer(this.dataSource.manager, customerId);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const [rows, total] = await this.dataSource.getRepository(CustomerVisit).findAndCount({
      where: { customerId },
      order: { visitedAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: rows.map(toView), total, page, pageSize, summary: await this.summary(customerId) };
  }

  async summary(customerId: number, m: EntityManager = this.dataSource.manager): Promise<VisitSummary> {
    const repo = m.getRepository(CustomerVisit);
    const totals = await repo
      .createQueryBuilder('v')
      .select('COUNT(*)', 'count')
      .addSelect('COALESCE(SUM(v.amount), 0)', 'total')
      .where('v.customer_id = :customerId', { customerId })
      .getRawOne<{ count: number | string; total: number | string }>();
    const count = Number(totals?.count ?? 0);
    const totalAmount = Number(totals?.total ?? 0);
    // Read as an entity, so the date comes back as a Date on both databases.
    const last = count
      ? await repo.findOne({
          select: { id: true, visitedAt: true },
          where: { customerId },
          order: { visitedAt: 'DESC', id: 'DESC' },
        })
      : null;
    return {
      lastVisitAt: last?.visitedAt ?? null,
      count,
      totalAmount,
      averageAmount: count ? Math.round(totalAmount / count) : 0,
    };
  }

  async create(customerId: number, dto: CreateVisitDto, actor: Actor): Promise<VisitView> {
    const visitedAt = this.visitDate(dto.visitedAt);
    return this.dataSource.transaction(async (m) => {
      await this.assertCustomer(m, customerId);
      await this.assertStaff(m, dto.staffId);
      const now = this.clock.now();
      const repo = m.getRepository(CustomerVisit);
      const saved = await repo.save(
        repo.create({
          customerId,
          visitedAt,
          branch: dto.branch ?? null,
          staffId: dto.staffId ?? null,
          amount: dto.amount ?? 0,
          serviceMemo: dto.serviceMemo ?? null,
          proposalMemo: dto.proposalMemo ?? null,
          createdById: actor.userId,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const view = toView(saved);
      await this.audit.record(
        actor,
        { entity: 'customer_visit', entityId: saved.id, action: 'create', after: view },
        m,
      );
      await this.history.recordAuto(m, 'visit_recorded', {
        customerId,
        eventKey: `visit:${saved.id}`,
        createdAt: visitedAt,
        authorId: actor.userId,
        staffId: saved.staffId ?? actor.userId,
        values: { branch: saved.branch, amount: saved.amount.toLocaleString('ja-JP') },
        details: saved.serviceMemo
          ? [{ workedAt: visitedAt, staffId: saved.staffId, content: saved.serviceMemo }]
          : undefined,
      });
      return view;
    });
  }

  async update(customerId: number, visitId: number, dto: UpdateVisitDto, actor: Actor): Promise<VisitView> {
    const visitedAt = dto.visitedAt === undefined ? undefined : this.visitDate(dto.visitedAt);
    return this.dataSource.transaction(async (m) => {
      const visit = await this.own(m, customerId, visitId);
      const before = toView(visit);
      if (dto.staffId !== undefined) await this.assertStaff(m, dto.staffId);
      if (visitedAt) visit.visitedAt = visitedAt;
      if (dto.branch !== undefined) visit.branch = dto.branch;
      if (dto.staffId !== undefined) visit.staffId = dto.staffId;
      if (dto.amount !== undefined) visit.amount = dto.amount;
      if (dto.serviceMemo !== undefined) visit.serviceMemo = dto.serviceMemo;
      if (dto.proposalMemo !== undefined) visit.proposalMemo = dto.proposalMemo;
      visit.updatedAt = this.clock.now();
      const after = toView(await m.getRepository(CustomerVisit).save(visit));
      await this.audit.record(
        actor,
        { entity: 'customer_visit', entityId: visitId, action: 'update', before, after },
        m,
      );
      return after;
    });
  }

  /** The record goes; the history entry it wrote stays (history is what happened, 対応履歴 is kept intact). */
  async remove(customerId: number, visitId: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const visit = await this.own(m, customerId, visitId);
      await m.getRepository(CustomerVisit).delete({ id: visit.id });
      await this.audit.record(
        actor,
        { entity: 'customer_visit', entityId: visitId, action: 'delete', before: toView(visit) },
        m,
      );
    });
  }

  /** The visit of this customer: another customer's visit id is as unknown as a missing one. */
  private async own(m: EntityManager, customerId: number, visitId: number): Promise<CustomerVisit> {
    await this.assertCustomer(m, customerId);
    const visit = await m.getRepository(CustomerVisit).findOneBy({ id: visitId, customerId });
    if (!visit) throw new NotFound('customer visit', visitId);
    return visit;
  }

  private async assertCustomer(m: EntityManager, customerId: number): Promise<void> {
    if (!(await m.getRepository(Customer).existsBy({ id: customerId })))
      throw new NotFound('customer', customerId);
  }

  private async assertStaff(m: EntityManager, staffId: number | null | undefined): Promise<void> {
    if (staffId === null || staffId === undefined) return;
    if ((await this.users.unknownIds([staffId], m)).length) {
      throw new ValidationFailed({
        staffId: [fieldError('UNKNOWN_STAFF', `unknown staff user id: ${staffId}`, { id: staffId })],
      });
    }
  }

  private visitDate(value: string): Date {
    const at = new Date(value);
    const year = at.getUTCFullYear();
    if (Number.isNaN(at.getTime()) || year < FIRST_YEAR || year > LAST_YEAR) {
      throw new ValidationFailed({
        visitedAt: [
          fieldError('DATE_RANGE', `visitedAt must be between ${FIRST_YEAR} and ${LAST_YEAR}`, {
            min: FIRST_YEAR,
            max: LAST_YEAR,
          }),
        ],
      });
    }
    return at;
  }
}
