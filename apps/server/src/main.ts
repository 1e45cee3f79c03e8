import 'reflect-metadata';
import { ConfigError, loadConfig, runMigrations } from '@madoguchi/core';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadConfig();
  const command = process.argv[2] ?? 'serve';
  if (command === 'migrate') {
    const applied = await runMigrations(config.database);
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'The database is up to date.');
    return;
  }
  if (command !== 'serve') throw new Error(`Unknown command "${command}" (use: serve, migrate)`);
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  new Logger('Madoguchi').log(`Console and API on ${config.http.publicUrl} (listening on ${config.http.host}:${config.http.port}, database ${config.database.type})`);
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) {
    console.error(e.message);
  } else {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  }
  process.exit(1);
});
