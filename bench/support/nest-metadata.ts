/**
 * Nest's dependency injection reads the constructor types TypeScript records as decorator
 * metadata (`emitDecoratorMetadata`); tsx (esbuild) does not write it. A benchmark that boots the
 * real Nest app imports this module first: from then on, the repository's own .ts files are
 * compiled by swc with decorator metadata, the way jest compiles them for the e2e tests
 * (jest.config.js); tsx still resolves the `@madoguchi/*` paths.
 */
import { transformSync } from '@swc/core';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';

const root = resolve(__dirname, '../..') + sep;
const extensions = (
  Module as unknown as {
    _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void>;
  }
)._extensions;
const previous = extensions['.ts'];

extensions['.ts'] = (m, file) => {
  if (!file.startsWith(root) || file.includes(`${sep}node_modules${sep}`)) return previous(m, file);
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    filename: file,
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  m._compile(code, file);
};
