import { Actor, AuditService, Clock } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AUTO_HISTORY_EVENT_NAMES, AutoHistorySetting, defaultAutoHistory } from './auto-history';
import { HistorySetting } from './history-entry.entity';
import { AutoHistoryDto, HistoryPhrasesDto } from './history.dto';

const PHRASES = 'phrases';
const AUTO_HISTORY = 'auto_history';
/** Settings change rarely and are read on every inquiry: a short cache per instance. */
const CACHE_MS = 5000;

/** 定型文 and 自動履歴保存 settings. */
@Injectable()
export class HistorySettingsService {
  private cache: { at: number; value: AutoHistorySetting[] } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async phrases(): Promise<string[]> {
    const row = await this.dataSource.getRepository(HistorySetting).findOneBy({ name: PHRASES });
    return row ? (JSON.parse(row.value) as string[]) : [];
  }

  async setPhrases(dto: HistoryPhrasesDto, actor: Actor): Promise<string[]> {
    const phrases = dto.phrases.map((p) => p.trim()).filter(Boolean);
    await this.dataSource.transaction(async (m) => {
      const before = await this.phrases();
      await this.write(m, PHRASES, phrases);
      await this.audit.record(actor, { entity: 'history_setting', entityId: 0, action: 'phrases', before, after: phrases }, m);
    });
    return phrases;
  }

  /** Every event with its setting; events never saved get their defaults. */
  async autoHistory(m: EntityManager = this.dataSource.manager): Promise<AutoHistorySetting[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.value;
    const row = await m.getRepository(HistorySetting).findOneBy({ name: AUTO_HISTORY });
    const saved = row ? (JSON.parse(row.value) as AutoHistorySetting[]) : [];
    const value = defaultAutoHistory().map((d) => saved.find((s) => s.event === d.event) ?? d);
    this.cache = { at: Date.now(), value };
    return value;
  }

  /** Saves the events given; events left out keep their setting. */
  async setAutoHistory(dto: AutoHistoryDto, actor: Actor): Promise<AutoHistorySetting[]> {
    return this.dataSource.transaction(async (m) => {
      this.cache = null;
      const before = await this.autoHistory(m);
      const after = before.map((s) => {
        const given = dto.events.find((e) => e.event === s.event);
        return given ? { event: s.event, enabled: given.enabled, state: given.state, title: given.title } : s;
      });
      await this.write(m, AUTO_HISTORY, after.filter((s) => AUTO_HISTORY_EVENT_NAMES.includes(s.event)));
      await this.audit.record(actor, { entity: 'history_setting', entityId: 0, action: 'auto_history', before, after }, m);
      this.cache = null;
      return after;
    });
  }

  private async write(m: EntityManager, name: string, value: unknown): Promise<void> {
    const repo = m.getRepository(HistorySetting);
    const row = await repo.findOneBy({ name });
    if (row) await repo.update({ name }, { value: JSON.stringify(value), updatedAt: this.clock.now() });
    else await repo.insert({ name, value: JSON.stringify(value), updatedAt: this.clock.now() });
  }
}
