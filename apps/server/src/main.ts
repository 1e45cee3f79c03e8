import 'reflect-metadata';
import { AppConfig, ConfigError, DomainError, loadConfig, runMigrations } from '@madoguchi/core';
import { UsersService } from '@madoguchi/auth';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createApp } from './app.factory';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const command = process.argv[2] ?? 'serve';
  if (command === 'migrate') {
    const applied = await runMigrations(config.database);
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'The database is up to date.');
    return;
  }
  if (command === 'admin-reset') return adminReset(config, process.argv.slice(3));
  if (command !== 'serve') throw new Error(`Unknown command "${command}" (use: serve, migrate, admin-reset)`);
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  new Logger('Madoguchi').log(`Console and API on ${config.http.publicUrl} (listening on ${config.http.host}:${config.http.port}, database ${config.database.type})`);
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
