// `npm run lint` and `npm test`: each lib is reached only through its index.ts, and a lib owns its
// tables — no other lib names them in SQL or imports their entities (house style: "a lib owns its
// tables"). Known crossings that issue #10 removes are listed in scripts/boundaries-allowlist.json;
// a new crossing fails, and so does an entry that no longer occurs (the list only shrinks).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { root } from './lib.mjs';

const libsDir = join(root, 'libs');
const libs = readdirSync(libsDir).filter((d) => statSync(join(libsDir, d)).isDirectory());

function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.spec.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Who owns which table and entity class.
const tableOwner = new Map();
const entityOwner = new Map();
for (const lib of libs) {
  for (const file of tsFiles(join(libsDir, lib, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/@Entity\(\s*'([a-z_0-9]+)'\s*\)\s*(?:export\s+)?class\s+(\w+)/g)) {
      tableOwner.set(m[1], lib);
      entityOwner.set(m[2], lib);
    }
    for (const m of text.matchAll(/@JoinTable\(\{\s*name:\s*'([a-z_0-9]+)'/g)) tableOwner.set(m[1], lib);
  }
}

const SQL_TABLE = /\b(?:FROM|JOIN|UPDATE|INTO|TABLE)\s+[`"]?([a-z_][a-z_0-9]*)[`"]?/gi;
const found = [];
// lib → the libs it imports; it must stay acyclic (forms → tickets → mailboxes → core, never back).
const uses = new Map(libs.map((lib) => [lib, new Set()]));
const scan = (owner, file) => {
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file).split(sep).join('/');
  for (const m of text.matchAll(/from\s+'([^']+)'/g)) {
    const spec = m[1];
    if (/^@madoguchi\/[a-z]+\/.+/.test(spec)) found.push(`${rel}: imports another lib's internals (${spec})`);
    if (spec.startsWith('.') && owner) {
      const target = relative(join(libsDir, owner), resolve(dirname(file), spec));
      if (target.startsWith('..')) found.push(`${rel}: reaches outside its lib (${spec})`);
    }
    if (owner && m[0]) {
      const lib = /^@madoguchi\/([a-z]+)$/.exec(spec)?.[1];
      if (lib && lib !== owner) {
        uses.get(owner)?.add(lib);
        const names = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'[^']+'$/.exec(text.slice(Math.max(0, m.index - 2000), m.index + m[0].length))?.[1] ?? '';
        for (const raw of names.split(',')) {
          const name = raw.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0].trim();
          // core's tables (outbox, audit log, sequences) are the shared infrastructure every lib writes through.
          if (entityOwner.get(name) === lib && lib !== 'core') found.push(`${rel}: uses ${lib}'s entity ${name}`);
        }
      }
    }
  }
  if (!owner || owner === 'core') return; // core's migrations create every table
  // SQL lives in string literals; comments and prose are not looked at.
  for (const literal of text.matchAll(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g)) {
    for (const m of literal[0].matchAll(SQL_TABLE)) {
      const table = m[1].toLowerCase();
      const lib = tableOwner.get(table);
      if (lib && lib !== owner) found.push(`${rel}: names ${lib}'s table ${table} in SQL`);
    }
  }
};
for (const lib of libs) for (const file of tsFiles(join(libsDir, lib, 'src'))) scan(lib, file);
for (const file of tsFiles(join(root, 'apps'))) scan(null, file);

// A cycle between libs, named once from its alphabetically first lib.
const cycles = new Set();
const walk = (lib, path) => {
  if (path.includes(lib)) {
    const loop = path.slice(path.indexOf(lib));
    const start = loop.indexOf([...loop].sort()[0]);
    cycles.add([...loop.slice(start), ...loop.slice(0, start), loop[start]].join(' → '));
    return;
  }
  for (const next of uses.get(lib) ?? []) walk(next, [...path, lib]);
};
for (const lib of libs) walk(lib, []);
for (const cycle of cycles) found.push(`libs import each other in a cycle: ${cycle}`);

// The customer portal (MYPAGE) ships to customers' browsers: no staff console code, and no server lib, may reach it.
const portalDir = join(root, 'frontend/portal/src');
try {
  statSync(portalDir);
  for (const file of tsFiles(portalDir)) {
    const rel = relative(root, file).split(sep).join('/');
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
      const spec = m[1];
      const target = spec.startsWith('.') ? relative(portalDir, resolve(dirname(file), spec)) : '';
      if (target.startsWith('..') || /^@madoguchi\//.test(spec) || spec.includes('console/'))
        found.push(`${rel}: the portal imports code outside frontend/portal (${spec})`);
    }
  }
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}

const unique = [...new Set(found)].sort();
const allowFile = join(root, 'scripts/boundaries-allowlist.json');
if (process.argv.includes('--write-allowlist')) {
  writeFileSync(allowFile, `${JSON.stringify(unique, null, 2)}\n`);
  console.log(`Wrote ${unique.length} known crossings to ${relative(root, allowFile)}`);
  process.exit(0);
}
const allowed = new Set(JSON.parse(readFileSync(allowFile, 'utf8')));
const fresh = unique.filter((v) => !allowed.has(v));
const gone = [...allowed].filter((v) => !unique.includes(v));
if (fresh.length) console.error(`Lib boundaries: ${fresh.length} new crossing(s) — ask the owning lib's service instead:\n${fresh.map((v) => `  ✗ ${v}`).join('\n')}`);
if (gone.length) console.error(`Lib boundaries: ${gone.length} crossing(s) no longer occur — remove them from scripts/boundaries-allowlist.json:\n${gone.map((v) => `  ✓ ${v}`).join('\n')}`);
if (fresh.length || gone.length) process.exit(1);
console.log(`Lib boundaries: no new crossings (${allowed.size} known ones left to remove, see scripts/boundaries-allowlist.json).`);
