// Four projects, one runner: unit tests sit beside the code; integration, e2e and ui tests
// live under test/ and talk to real services (MariaDB, SQLite, Dovecot, an SMTP sink, Chromium).
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = {
  '^@madoguchi/(core|auth|customers|mailboxes|tickets|forms|mail|workflow|sms|mypage)$': '<rootDir>/libs/$1/src',
  '^@test/(.*)$': '<rootDir>/test/$1',
  // file-type exports only `import`/`module-sync` entries, which jest's resolver does not take.
  '^file-type$': '<rootDir>/node_modules/file-type/index.js',
};

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // sanitize-html's parser (htmlparser2 and its helpers) and file-type ship as ES modules only.
  transformIgnorePatterns: ['/node_modules/(?!(sanitize-html|htmlparser2|domhandler|domutils|dom-serializer|domelementtype|entities|escape-string-regexp|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit|peek-readable)/)'],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

// The console's and the portal's pure helpers (no TestBed). Angular and rxjs ship as ES modules (.mjs), which the
// same swc transform turns into CommonJS.
const frontend = {
  ...base,
  displayName: 'frontend',
  testMatch: ['<rootDir>/frontend/console/src/**/*.spec.ts', '<rootDir>/frontend/portal/src/**/*.spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@angular|rxjs)/)'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'json'],
};

module.exports = {
  projects: [
    frontend,
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...base,
      displayName: 'ui',
      testMatch: ['<rootDir>/test/ui/**/*.ui-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
