import 'reflect-metadata';
import { AppConfig, ConfigError, DomainError, loadConfig, runMigrations } from '@madoguchi/core';
import { UsersService } from '@madoguchi/auth';
import { SearchIndex } from '@madoguchi/tickets';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createApp } from './app.factory';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const command = process.argv[2] ?? 'serve';
  if (command === 'migrate') {
    const applied = await runMigrations(config.database);
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'The database is up to date.');
    // A migration may queue tickets for the search index (0028 queues them all): fill it now, with progress.
    await withContext(config, (app) => app.get(SearchIndex).fill((line) => console.log(line)));
    return;
  }
  if (command === 'admin-reset') return adminReset(config, process.argv.slice(3));
  if (command === 'search:rebuild') return searchRebuild(config);
  if (command !== 'serve') throw new Error(`Unknown command "${command}" (use: serve, migrate, admin-reset, search:rebuild)`);
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  new Logger('Madoguchi').log(`Console and API on ${config.http.publicUrl} (listening on ${config.http.host}:${config.http.port}, database ${config.database.type})`);
}

/** The application without its web, worker and SMTP roles: for one-off commands. */
async function withContext<T>(config: AppConfig, run: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const quiet: AppConfig = { ...config, roles: { web: false, worker: false }, mail: { ...config.mail, intakeSmtp: { ...config.mail.intakeSmtp, port: 0 } } };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(quiet), { logger: ['error', 'warn'] });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

/**
 * `npm run search:rebuild`: writes every ticket's search document again (docs/search.md), into a
 * new table with the best engine the database has now, with a progress line per 10,000 tickets.
 */
async function searchRebuild(config: AppConfig): Promise<void> {
  if (config.database.migrate) await runMigrations(config.database);
  await withContext(config, (app) => app.get(SearchIndex).rebuild((line) => console.log(line)));
}

/**
 * `npm run admin:reset -- --email owner@example.jp [--password …]`: for an instance that has no
 * administrator left. Gives the user (created when missing) the admin right and a new password,
 * printed once when none is given. Nothing else of the server starts.
 */
async function adminReset(config: AppConfig, args: string[]): Promise<void> {
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const email = value('--email');
  if (!email) {
    console.error('Usage: npm run admin:reset -- --email <address> [--password <new password>]');
    process.exitCode = 2;
    return;
  }
  if (config.database.migrate) await runMigrations(config.database);
  const quiet: AppConfig = { ...config, roles: { web: false, worker: false }, mail: { ...config.mail, intakeSmtp: { ...config.mail.intakeSmtp, port: 0 } } };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(quiet), { logger: ['error'] });
  try {
    const r = await app.get(UsersService).resetAdministrator(email, value('--password'));
    console.log(`${r.created ? 'Created' : 'Reset'} the administrator ${r.email} (group ${r.group}); their sessions have ended.`);
    if (!value('--password')) console.log(`New password (shown only this once): ${r.password}`);
  } finally {
    await app.close();
  }
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof DomainError) {
    console.error(e.message);
  } else {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  }
  process.exit(1);
});
