// Runs templates/static/search-core.js under Node.js for the tests (tests/search_node.py): one
// request as JSON on standard input, the answers as JSON on standard output. The search page's
// own code ranks the pages, so the tests need no second implementation to keep in step.
//
// Request: {"core": path of search-core.js, "index": folder of a built search index, and any of
//   "words": [text...], "shards": [term...], "stems": [term...] (null for a term the index
//   lacks), "find": [query...] (each: the pages' addresses, best first, and the terms
//   matched), "marks": [[text, [term...]]...]}

import { readFileSync } from "node:fs";
import { join } from "node:path";

const request = JSON.parse(readFileSync(0, "utf8"));
const source = readFileSync(request.core, "utf8");
const core = await import(`data:text/javascript,${encodeURIComponent(source)}`);

const files = new Map();
function load(name) {
  if (!files.has(name)) {
    files.set(name, Promise.resolve(JSON.parse(readFileSync(join(request.index, name), "utf8"))));
  }
  return files.get(name);
}

async function stem(term) {
  const index = await load("index.json");
  const name = core.shardOf(term);
  if (!index.terms.includes(name)) return null;
  const shard = await load(`terms-${name}.json`);
  return Object.hasOwn(shard.postings, term) ? core.stemOf(shard, term) : null;
}

async function found(query) {
  const { index, pages, matched } = await core.find(query, load);
  const urls = [];
  for (const page of pages) {
    const rows = await load(`docs-${Math.floor(page / index.docs_per_file)}.json`);
    urls.push(rows[page % index.docs_per_file][0]);
  }
  return { pages: urls, matched: [...matched].sort() };
}

const answer = { format: core.FORMAT, shortest: core.SHORTEST };
if (request.words) answer.words = request.words.map(core.words);
if (request.shards) answer.shards = request.shards.map(core.shardOf);
if (request.stems) answer.stems = await Promise.all(request.stems.map(stem));
if (request.find) answer.find = await Promise.all(request.find.map(found));
if (request.marks) {
  answer.marks = request.marks.map(([text, terms]) => core.marks(text, new Set(terms)));
}
process.stdout.write(JSON.stringify(answer));
