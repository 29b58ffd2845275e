// Copied unchanged (apart from this note) from the peer benchmark scripts that
// came with the project brief; it runs the reference query of QUERY.md.
// Reference query (bench/QUERY.md) with DuckDB through @duckdb/node-api.
//
//   node bench/duckdb_query.mjs IN.csv OUT.csv [--threads N]
//
// The package is looked up from $DUCKDB_NODE_DIR (default ./node),
// where `npm install @duckdb/node-api` was run; nothing is installed in the repo.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const args = process.argv.slice(2);
let threads = null;
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = args[++i];
  else pos.push(args[i]);
}
if (pos.length !== 2) {
  console.error('usage: node duckdb_query.mjs IN.csv OUT.csv [--threads N]');
  process.exit(2);
}
const [inPath, outPath] = pos.map((p) => path.resolve(p));

const modDir = process.env.DUCKDB_NODE_DIR || './node';
const req = createRequire(path.join(modDir, 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);

const sq = (s) => "'" + s.replaceAll("'", "''") + "'";
const config = threads ? { threads: String(threads) } : {};
const instance = await DuckDBInstance.create(':memory:', config);
const conn = await instance.connect();

// Explicit schema: no sniffing of types, so a run does not depend on sampling.
const columns = `{
  'dossier_id': 'VARCHAR', 'unit_code': 'VARCHAR', 'procedure_code': 'VARCHAR',
  'received_at': 'TIMESTAMP', 'due_at': 'TIMESTAMP', 'finished_at': 'TIMESTAMP',
  'channel': 'VARCHAR', 'components_signed': 'TINYINT', 'result_signed': 'TINYINT',
  'digitized': 'TINYINT', 'satisfaction': 'TINYINT', 'note': 'VARCHAR'}`;

const tmpOut = outPath + '.tmp';
const sql = `
COPY (
  SELECT
    unit_code,
    strftime(received_at, '%Y-%m')                                   AS month,
    count(*)                                                         AS n_dossiers,
    avg(CASE WHEN channel = 'online' THEN 1.0 ELSE 0.0 END)          AS online_share,
    count(finished_at)                                               AS n_finished,
    avg(CASE WHEN finished_at <= due_at THEN 1.0 ELSE 0.0 END)
      FILTER (WHERE finished_at IS NOT NULL)                         AS on_time_share,
    count(*) - count(finished_at)                                    AS n_open,
    avg(components_signed::DOUBLE)                                   AS components_signed_share,
    avg(result_signed::DOUBLE)                                       AS result_signed_share,
    avg(digitized::DOUBLE)                                           AS digitized_share,
    avg(satisfaction::DOUBLE)                                        AS mean_satisfaction,
    quantile_cont(epoch(finished_at - received_at) / 86400.0, 0.9)   AS p90_processing_days
  FROM read_csv(${sq(inPath)}, header = true, delim = ',', quote = '"', escape = '"',
                columns = ${columns})
  GROUP BY ALL
  ORDER BY unit_code, month
) TO ${sq(tmpOut)} (FORMAT csv, HEADER true);`;

try {
  await conn.run(sql);
  fs.renameSync(tmpOut, outPath);
} catch (e) {
  try { fs.unlinkSync(tmpOut); } catch {}
  console.error(String(e && e.message || e));
  process.exit(1);
}
