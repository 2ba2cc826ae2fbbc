// The search index's words and ranking: what the search page (search.js) asks of the index
// that digest/search.py writes, and that the tests run under Node.js against a built index.
// Nothing here touches a page, and the index is only ever read as data: a term file's keys are
// looked up with Object.hasOwn, so a term such as "constructor" or "__proto__" is a word too.

export const FORMAT = 2; // both as digest/search.py's (a test compares them)
export const SHORTEST = 2;
const K1 = 1.2; // BM25
const B = 0.75;
const STEM_ONLY = 0.8; // what a page with other forms of a word, not the word as typed, counts
const BEGINNING = 0.5; // a word that only begins a term counts this much
const WORD = /[\p{L}\p{N}_]+/gu;
const TERM = /[\p{L}\p{N}_]{2,40}/gu;

export function words(text) {
  // The terms of a text, as digest/search.py's words() finds them: runs of 2 to 40 letters,
  // digits and underscores (a longer run is cut into pieces), lower-cased, accents taken off.
  const found = [];
  for (let word of text.toLowerCase().match(WORD) ?? []) {
    if (!/^[\x00-\x7f]+$/.test(word)) word = word.normalize("NFKD").replace(/\p{Mn}/gu, "");
    found.push(...(word.match(TERM) ?? []));
  }
  return found;
}

export function shardOf(term) {
  // The name of the file of terms a term is in: its first two letters' UTF-8, in hex.
  const start = new TextEncoder().encode(Array.from(term).slice(0, 2).join(""));
  return Array.from(start, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function stemOf(shard, term) {
  // A term's stem as the build found it: the term itself unless its term file says otherwise.
  // Every form of a stem is in the same file, so the browser needs no stemmer of its own.
  return Object.hasOwn(shard.stems, term) ? shard.stems[term] : term;
}

function rarity(index, containing) {
  // BM25's inverse document frequency, for a term in this many pages.
  return Math.log(1 + (index.documents - containing + 0.5) / (containing + 0.5));
}

function bm25(index, page, weight, idf) {
  const length = index.lengths[page] / index.average_length;
  return (idf * weight * (K1 + 1)) / (weight + K1 * (1 - B + B * length));
}

async function scores(index, word, load) {
  // Each page's score for one word of the query, and the terms the word matched. If the word is
  // a term of the digest, every form of its stem counts, together, as one term (a page without
  // the word as typed scoring STEM_ONLY of that). Every term the word begins counts BEGINNING
  // of what it would as the word itself: as rare as its own pages make it if the word is no
  // term, else as the word's stem is (a rarer term the word begins never outranks the word).
  const found = new Map();
  const matched = new Set();
  const name = shardOf(word);
  if (!index.terms.includes(name)) return { found, matched }; // no term begins so
  const shard = await load(`terms-${name}.json`);
  const stem = Object.hasOwn(shard.postings, word) ? stemOf(shard, word) : null;
  const forms = new Map(); // page -> [weight of every form of the stem, of the word as typed]
  const begun = []; // the postings of the terms the word begins, but not forms of its stem
  for (const [term, postings] of Object.entries(shard.postings)) {
    if (stem !== null && stemOf(shard, term) === stem) {
      matched.add(term);
      for (let at = 0; at < postings.length; at += 2) {
        const [all, exact] = forms.get(postings[at]) ?? [0, 0];
        const weight = postings[at + 1];
        forms.set(postings[at], [all + weight, exact + (term === word ? weight : 0)]);
      }
    } else if (term.startsWith(word)) {
      matched.add(term);
      begun.push(postings);
    }
  }
  const idf = rarity(index, forms.size);
  for (const [page, [all, exact]] of forms) {
    found.set(page, (exact ? 1 : STEM_ONLY) * bm25(index, page, all, idf));
  }
  for (const postings of begun) {
    const own = stem === null ? rarity(index, postings.length / 2) : idf;
    for (let at = 0; at < postings.length; at += 2) {
      const score = BEGINNING * bm25(index, postings[at], postings[at + 1], own);
      found.set(postings[at], Math.max(found.get(postings[at]) ?? 0, score));
    }
  }
  return { found, matched };
}

export async function find(query, load) {
  // The pages with every word of the query, best first (ties in the index's order), and the
  // terms the words matched. load(name) gives a promise of a file of the index, parsed.
  const index = await load("index.json");
  const wanted = [...new Set(words(query))];
  const each = await Promise.all(wanted.map((word) => scores(index, word, load)));
  const matched = new Set(each.flatMap((found) => [...found.matched]));
  let total = null;
  for (const { found } of each) {
    if (total === null) {
      total = found;
      continue;
    }
    for (const [page, score] of total) {
      if (found.has(page)) total.set(page, score + found.get(page));
      else total.delete(page);
    }
  }
  const ranked = [...(total ?? [])].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return { index, wanted, pages: ranked.map(([page]) => page), matched };
}

export function marks(text, matched) {
  // Where a text holds a word whose terms the query matched: [start, end] of each, in order.
  const found = [];
  for (const token of text.matchAll(WORD)) {
    if (words(token[0]).some((term) => matched.has(term))) {
      found.push([token.index, token.index + token[0].length]);
    }
  }
  return found;
}
