import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ticket search (issue #14, docs/search.md): one normalised document per ticket in
 * `ticket_search_doc`, and `ticket_search_pending`, the queue of tickets whose document is due.
 *
 * Triggers on ticket, article and attachment put a ticket on the queue in the same transaction
 * as the write, whichever service wrote it (intake's multi-row inserts, replies, notes, merge,
 * split, spam, deletes): a rollback leaves neither the article nor its queue row, and a crash
 * after commit leaves the queue row, so no ticket is ever left out. The search service turns
 * queued tickets into documents (the normalisation lives in TypeScript, so SQL cannot do it)
 * before every search and in the worker's sweep; Mroonga tables are not transactional, which is
 * why the document is derived from the queue rather than written beside the article.
 *
 * The document table: on SQLite an FTS5 table with the trigram tokenizer (rowid = ticket id);
 * on MariaDB a Mroonga table with a `TokenBigramSplitSymbolAlphaDigit` full-text index when the
 * plugin is installed (bigrams for ASCII too, so a code or an address matches in part), else
 * InnoDB, which the search service scans and `search:rebuild` converts once the plugin exists.
 * `IDX_thread_key_message` lets a Message-ID typed into the search find its ticket in any
 * mailbox (the primary key starts with the mailbox). Only new tables, triggers and an index:
 * `ticket`, `article` and `outbox` are never rebuilt. Every
 * existing ticket is queued here, so the index fills from the existing articles on the first
 * sweep, search or `npm run migrate` (apps/server main.ts drains the queue with progress).
 */
export class TicketSearch1763900000028 implements MigrationInterface {
  name = 'TicketSearch1763900000028';

  async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    if (mysql) {
      await qr.query('CREATE TABLE `ticket_search_pending` (`id` int NOT NULL AUTO_INCREMENT, `ticket_id` int NOT NULL, PRIMARY KEY (`id`), KEY `IDX_ticket_search_pending_ticket` (`ticket_id`)) ENGINE=InnoDB');
      const engines = (await qr.query('SHOW ENGINES')) as { Engine: string; Support: string }[];
      const mroonga = engines.some((e) => e.Engine.toLowerCase() === 'mroonga' && ['YES', 'DEFAULT'].includes(e.Support));
      await qr.query(mroonga ? MROONGA_DOC_TABLE_0028 : INNODB_DOC_TABLE_0028);
      // Only the columns a document is made of queue the ticket; state, folder, mailbox and spam are
      // read from the ticket row at search time, so those changes never wait for the index.
      await qr.query('CREATE TRIGGER `trg_search_ticket_ins` AFTER INSERT ON `ticket` FOR EACH ROW INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (NEW.`id`)');
      await qr.query(
        'CREATE TRIGGER `trg_search_ticket_upd` AFTER UPDATE ON `ticket` FOR EACH ROW BEGIN IF NOT (OLD.`code` <=> NEW.`code` AND OLD.`subject` <=> NEW.`subject` AND OLD.`contact_name` <=> NEW.`contact_name` AND OLD.`contact_address` <=> NEW.`contact_address` AND OLD.`customer_id` <=> NEW.`customer_id` AND OLD.`merged_into_id` <=> NEW.`merged_into_id`) THEN INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (NEW.`id`); END IF; END',
      );
      await qr.query('CREATE TRIGGER `trg_search_ticket_del` AFTER DELETE ON `ticket` FOR EACH ROW INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (OLD.`id`)');
      await qr.query('CREATE TRIGGER `trg_search_article_ins` AFTER INSERT ON `article` FOR EACH ROW INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (NEW.`ticket_id`)');
      await qr.query(
        'CREATE TRIGGER `trg_search_article_upd` AFTER UPDATE ON `article` FOR EACH ROW BEGIN IF NOT (OLD.`ticket_id` <=> NEW.`ticket_id` AND OLD.`subject` <=> NEW.`subject` AND OLD.`body_text` <=> NEW.`body_text` AND OLD.`from_name` <=> NEW.`from_name` AND OLD.`from_address` <=> NEW.`from_address`) THEN INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (NEW.`ticket_id`); IF OLD.`ticket_id` <> NEW.`ticket_id` THEN INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (OLD.`ticket_id`); END IF; END IF; END',
      );
      await qr.query('CREATE TRIGGER `trg_search_article_del` AFTER DELETE ON `article` FOR EACH ROW INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (OLD.`ticket_id`)');
      await qr.query('CREATE TRIGGER `trg_search_attachment_ins` AFTER INSERT ON `attachment` FOR EACH ROW INSERT INTO `ticket_search_pending` (`ticket_id`) SELECT `ticket_id` FROM `article` WHERE `id` = NEW.`article_id`');
      await qr.query(
        'CREATE TRIGGER `trg_search_attachment_upd` AFTER UPDATE ON `attachment` FOR EACH ROW BEGIN IF NOT (OLD.`article_id` <=> NEW.`article_id` AND OLD.`filename` <=> NEW.`filename`) THEN INSERT INTO `ticket_search_pending` (`ticket_id`) SELECT `ticket_id` FROM `article` WHERE `id` IN (OLD.`article_id`, NEW.`article_id`); END IF; END',
      );
      await qr.query('CREATE TRIGGER `trg_search_attachment_del` AFTER DELETE ON `attachment` FOR EACH ROW INSERT INTO `ticket_search_pending` (`ticket_id`) SELECT `ticket_id` FROM `article` WHERE `id` = OLD.`article_id`');
      await qr.query('INSERT INTO `ticket_search_pending` (`ticket_id`) SELECT `id` FROM `ticket` ORDER BY `id`');
      await qr.query('CREATE INDEX `IDX_thread_key_message` ON `thread_key` (`message_id`)');
      return;
    }
    await qr.query('CREATE TABLE "ticket_search_pending" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "ticket_id" integer NOT NULL)');
    await qr.query('CREATE INDEX "IDX_ticket_search_pending_ticket" ON "ticket_search_pending" ("ticket_id")');
    await qr.query(`CREATE VIRTUAL TABLE "ticket_search_doc" USING fts5("body", tokenize = 'trigram')`);
    const q = (ticket: string) => `INSERT INTO "ticket_search_pending" ("ticket_id") VALUES (${ticket})`;
    await qr.query(`CREATE TRIGGER "trg_search_ticket_ins" AFTER INSERT ON "ticket" BEGIN ${q('NEW."id"')}; END`);
    await qr.query(
      `CREATE TRIGGER "trg_search_ticket_upd" AFTER UPDATE ON "ticket" WHEN OLD."code" IS NOT NEW."code" OR OLD."subject" IS NOT NEW."subject" OR OLD."contact_name" IS NOT NEW."contact_name" OR OLD."contact_address" IS NOT NEW."contact_address" OR OLD."customer_id" IS NOT NEW."customer_id" OR OLD."merged_into_id" IS NOT NEW."merged_into_id" BEGIN ${q('NEW."id"')}; END`,
    );
    await qr.query(`CREATE TRIGGER "trg_search_ticket_del" AFTER DELETE ON "ticket" BEGIN ${q('OLD."id"')}; END`);
    await qr.query(`CREATE TRIGGER "trg_search_article_ins" AFTER INSERT ON "article" BEGIN ${q('NEW."ticket_id"')}; END`);
    await qr.query(
      `CREATE TRIGGER "trg_search_article_upd" AFTER UPDATE ON "article" WHEN OLD."ticket_id" IS NOT NEW."ticket_id" OR OLD."subject" IS NOT NEW."subject" OR OLD."body_text" IS NOT NEW."body_text" OR OLD."from_name" IS NOT NEW."from_name" OR OLD."from_address" IS NOT NEW."from_address" BEGIN ${q('NEW."ticket_id"')}; INSERT INTO "ticket_search_pending" ("ticket_id") SELECT OLD."ticket_id" WHERE OLD."ticket_id" IS NOT NEW."ticket_id"; END`,
    );
    await qr.query(`CREATE TRIGGER "trg_search_article_del" AFTER DELETE ON "article" BEGIN ${q('OLD."ticket_id"')}; END`);
    await qr.query(`CREATE TRIGGER "trg_search_attachment_ins" AFTER INSERT ON "attachment" BEGIN INSERT INTO "ticket_search_pending" ("ticket_id") SELECT "ticket_id" FROM "article" WHERE "id" = NEW."article_id"; END`);
    await qr.query(
      `CREATE TRIGGER "trg_search_attachment_upd" AFTER UPDATE ON "attachment" WHEN OLD."article_id" IS NOT NEW."article_id" OR OLD."filename" IS NOT NEW."filename" BEGIN INSERT INTO "ticket_search_pending" ("ticket_id") SELECT "ticket_id" FROM "article" WHERE "id" IN (OLD."article_id", NEW."article_id"); END`,
    );
    await qr.query(`CREATE TRIGGER "trg_search_attachment_del" AFTER DELETE ON "attachment" BEGIN INSERT INTO "ticket_search_pending" ("ticket_id") SELECT "ticket_id" FROM "article" WHERE "id" = OLD."article_id"; END`);
    await qr.query('INSERT INTO "ticket_search_pending" ("ticket_id") SELECT "id" FROM "ticket" ORDER BY "id"');
    await qr.query('CREATE INDEX "IDX_thread_key_message" ON "thread_key" ("message_id")');
  }

  async down(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const quote = (n: string) => (mysql ? `\`${n}\`` : `"${n}"`);
    for (const t of ['ticket', 'article', 'attachment']) for (const op of ['ins', 'upd', 'del']) await qr.query(`DROP TRIGGER IF EXISTS ${quote(`trg_search_${t}_${op}`)}`);
    await qr.query(`DROP TABLE IF EXISTS ${quote('ticket_search_doc')}`);
    await qr.query(`DROP TABLE IF EXISTS ${quote('ticket_search_pending')}`);
    await qr.query(mysql ? 'DROP INDEX `IDX_thread_key_message` ON `thread_key`' : 'DROP INDEX "IDX_thread_key_message"');
  }
}

/** The document tables as this migration made them (migration 0033 gives them their attributes). */
const MROONGA_DOC_TABLE_0028 =
  `CREATE TABLE \`ticket_search_doc\` (\`ticket_id\` int NOT NULL, \`body\` longtext NOT NULL, PRIMARY KEY (\`ticket_id\`), FULLTEXT INDEX \`FT_ticket_search_doc\` (\`body\`) COMMENT 'tokenizer "TokenBigramSplitSymbolAlphaDigit", normalizer "NormalizerAuto"') ENGINE=Mroonga DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
const INNODB_DOC_TABLE_0028 = `CREATE TABLE \`ticket_search_doc\` (\`ticket_id\` int NOT NULL, \`body\` longtext NOT NULL, PRIMARY KEY (\`ticket_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
