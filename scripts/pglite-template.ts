// `npm run build` runs this: an empty embedded database (what PGlite's initdb makes), packed as a
// tarball in build/, so that a first `npm start` unpacks it instead of running initdb. initdb runs
// a second PostgreSQL and initdb itself beside the app's, each a WebAssembly instance with its own
// memory: about 700 MB more at the peak of a first start, here paid once by the build instead.
import { writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pgliteTemplatePath } from '../src/lib/server/db/pglite-template.ts';

const database = await PGlite.create('memory://');
const tarball = await database.dumpDataDir('gzip');
await database.close();
const target = pgliteTemplatePath();
writeFileSync(target, Buffer.from(await tarball.arrayBuffer()));
console.log(`Wrote ${target} (${Math.round(tarball.size / 1024)} KB)`);
