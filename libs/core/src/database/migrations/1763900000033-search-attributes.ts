import { MigrationInterface, QueryRunner } from 'typeorm';

/** The ticket columns a MariaDB search document carries beside its text (docs/search.md). */
export const SEARCH_ATTRIBUTES = ['mailbox_id', 'state', 'spam', 'last_activity_at'] as const;

/**
 * Search attributes (issue #14, docs/search.md): on MariaDB the document carries the ticket's
 * mailbox, state, spam flag and last activity, so Mroonga answers a search's counts per state and
 * its page (in relevance or activity order) from the index alone, through Groonga's own `select`
 * with a drilldown — instead of reading every matching ticket's row (23,000 of them for a common
 * word). The row is still read for the page's tickets, under the list's own rights.
 *
 * The queue says what is due: `part` = `doc` (the text changed: the whole document) or `attrs`
 * (only those columns changed: one UPDATE, no articles read), so a bulk 対応済 of thousands of
 * tickets costs a few statements, not thousands of documents. The ticket trigger is replaced to
 * queue both kinds. SQLite keeps its FTS5 table as it was (joining the ticket row costs little
 * in-process); its queue gets the column too, always `doc`.
 *
 * A customer's code or name is part of the documents of their tickets: a trigger on `customer`
 * queues those tickets when either changes, so a rename is searchable within a second like any
 * other change (the queue is the search index's; the customer row only tells it).
 *
 * The Mroonga (or InnoDB) document table is made anew with the columns and every ticket queued:
 * the index refills on the first sweep, search or `npm run migrate`.
 */
export class SearchAttributes1763900000033 implements MigrationInterface {
  name = 'SearchAttributes1763900000033';

  async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    if (!mysql) {
      await qr.query(`ALTER TABLE "ticket_search_pending" ADD COLUMN "part" varchar(8) NOT NULL DEFAULT 'doc'`);
      await qr.query(
        `CREATE TRIGGER "trg_search_customer_upd" AFTER UPDATE ON "customer" WHEN OLD."code" IS NOT NEW."code" OR OLD."last_name" IS NOT NEW."last_name" OR OLD."first_name" IS NOT NEW."first_name" BEGIN INSERT INTO "ticket_search_pending" ("ticket_id") SELECT "id" FROM "ticket" WHERE "customer_id" = NEW."id"; END`,
      );
      return;
    }
    await qr.query("ALTER TABLE `ticket_search_pending` ADD COLUMN `part` varchar(8) NOT NULL DEFAULT 'doc'");
    await qr.query(
      'CREATE TRIGGER `trg_search_customer_upd` AFTER UPDATE ON `customer` FOR EACH ROW BEGIN IF NOT (OLD.`code` <=> NEW.`code` AND OLD.`last_name` <=> NEW.`last_name` AND OLD.`first_name` <=> NEW.`first_name`) THEN ' +
        "INSERT INTO `ticket_search_pending` (`ticket_id`, `part`) SELECT `id`, 'doc' FROM `ticket` WHERE `customer_id` = NEW.`id`; END IF; END",
    );
    const [t] = (await qr.query(`SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket_search_doc'`)) as { engine: string }[];
    const mroonga = t?.engine.toLowerCase() === 'mroonga';
    await qr.query('DROP TABLE IF EXISTS `ticket_search_doc`');
    await qr.query(mroonga ? MROONGA_DOC_TABLE('ticket_search_doc') : INNODB_DOC_TABLE('ticket_search_doc'));
    await qr.query('DROP TRIGGER IF EXISTS `trg_search_ticket_upd`');
    await qr.query(
      'CREATE TRIGGER `trg_search_ticket_upd` AFTER UPDATE ON `ticket` FOR EACH ROW BEGIN ' +
        'IF NOT (OLD.`code` <=> NEW.`code` AND OLD.`subject` <=> NEW.`subject` AND OLD.`contact_name` <=> NEW.`contact_name` AND OLD.`contact_address` <=> NEW.`contact_address` AND OLD.`customer_id` <=> NEW.`customer_id` AND OLD.`merged_into_id` <=> NEW.`merged_into_id`) THEN ' +
        "INSERT INTO `ticket_search_pending` (`ticket_id`, `part`) VALUES (NEW.`id`, 'doc'); " +
        'ELSEIF NOT (OLD.`mailbox_id` <=> NEW.`mailbox_id` AND OLD.`state` <=> NEW.`state` AND OLD.`spam` <=> NEW.`spam` AND OLD.`last_activity_at` <=> NEW.`last_activity_at`) THEN ' +
        "INSERT INTO `ticket_search_pending` (`ticket_id`, `part`) VALUES (NEW.`id`, 'attrs'); " +
        'END IF; END',
    );
    await qr.query('INSERT INTO `ticket_search_pending` (`ticket_id`) SELECT `id` FROM `ticket` WHERE `merged_into_id` IS NULL ORDER BY `id`');
  }

  async down(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const quote = (n: string) => (mysql ? `\`${n}\`` : `"${n}"`);
    await qr.query(`DROP TRIGGER IF EXISTS ${quote('trg_search_customer_upd')}`);
    if (!mysql) {
      await qr.query('ALTER TABLE "ticket_search_pending" DROP COLUMN "part"');
      return;
    }
    await qr.query('DROP TRIGGER IF EXISTS `trg_search_ticket_upd`');
    await qr.query(
      'CREATE TRIGGER `trg_search_ticket_upd` AFTER UPDATE ON `ticket` FOR EACH ROW BEGIN IF NOT (OLD.`code` <=> NEW.`code` AND OLD.`subject` <=> NEW.`subject` AND OLD.`contact_name` <=> NEW.`contact_name` AND OLD.`contact_address` <=> NEW.`contact_address` AND OLD.`customer_id` <=> NEW.`customer_id` AND OLD.`merged_into_id` <=> NEW.`merged_into_id`) THEN INSERT INTO `ticket_search_pending` (`ticket_id`) VALUES (NEW.`id`); END IF; END',
    );
    await qr.query('ALTER TABLE `ticket_search_pending` DROP COLUMN `part`');
    for (const c of SEARCH_ATTRIBUTES) await qr.query(`ALTER TABLE \`ticket_search_doc\` DROP COLUMN \`${c}\``);
  }
}

/**
 * The document tables, shared with the search service's rebuild (which builds a fresh one under
 * another name and swaps it in). `TokenBigramSplitSymbolAlphaDigit`: `TokenBigram` keeps a run
 * of letters and digits as one token, so `012345` would not find `IQ012345` nor `example` an
 * address; split, every character pair is a token and a one-character query is a prefix search.
 * The attribute columns mirror the ticket's (SEARCH_ATTRIBUTES).
 */
const ATTRIBUTE_COLUMNS = "`mailbox_id` int NOT NULL DEFAULT 0, `state` varchar(32) NOT NULL DEFAULT '', `spam` tinyint NOT NULL DEFAULT 0, `last_activity_at` datetime(3) NULL";
export const MROONGA_DOC_TABLE = (name: string) =>
  `CREATE TABLE \`${name}\` (\`ticket_id\` int NOT NULL, \`body\` longtext NOT NULL, ${ATTRIBUTE_COLUMNS}, PRIMARY KEY (\`ticket_id\`), FULLTEXT INDEX \`FT_${name}\` (\`body\`) COMMENT 'tokenizer "TokenBigramSplitSymbolAlphaDigit", normalizer "NormalizerAuto"') ENGINE=Mroonga DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
export const INNODB_DOC_TABLE = (name: string) => `CREATE TABLE \`${name}\` (\`ticket_id\` int NOT NULL, \`body\` longtext NOT NULL, ${ATTRIBUTE_COLUMNS}, PRIMARY KEY (\`ticket_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
export const SQLITE_DOC_TABLE = (name: string) => `CREATE VIRTUAL TABLE "${name}" USING fts5("body", tokenize = 'trigram')`;
