// The search page: the site's own search index (search-index/, written by the build; see
// digest/search.py), queried in the browser. No framework, nothing from another origin, and
// results built with DOM methods (never innerHTML), so no text in the index or in a page can
// become markup.

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const topic = document.getElementById("search-topic");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = new URL("../", document.baseURI); // this page is <site>/search/
const folder = new URL("search-index/", root);
const SHOWN = 30;
const WAIT = 150; // ms of no typing before a search runs
const SHORTEST = 2; // as digest/search.py
const K1 = 1.2; // BM25
const B = 0.75;
const BEGINNING = 0.5; // a word that only begins a term counts this much
const AROUND = 12; // words of an excerpt before the first match
const EXCERPT = 32; // words in an excerpt
const WORD = /[\p{L}\p{N}_]+/gu;
const TERM = /[\p{L}\p{N}_]{2,40}/gu;

const files = new Map(); // name in search-index/ -> promise of its JSON
const texts = new Map(); // page address -> promise of its searchable text
let latest = 0; // the number of the newest search: older ones stop when they see it

function say(text) {
  status.textContent = text;
}

function cached(map, key, make) {
  if (!map.has(key)) {
    const promise = make();
    promise.catch(() => map.delete(key)); // try again next time
    map.set(key, promise);
  }
  return map.get(key);
}

function load(name) {
  return cached(files, name, async () => {
    const response = await fetch(new URL(name, folder));
    if (!response.ok) throw new Error(`${name}: ${response.status}`);
    return response.json();
  });
}

function words(text) {
  // The terms of a text, as digest/search.py's words() finds them: runs of 2 to 40 letters,
  // digits and underscores (a longer run is cut into pieces), lower-cased, accents taken off.
  const found = [];
  for (let word of text.toLowerCase().match(WORD) ?? []) {
    if (!/^[\x00-\x7f]+$/.test(word)) word = word.normalize("NFKD").replace(/\p{Mn}/gu, "");
    found.push(...(word.match(TERM) ?? []));
  }
  return found;
}

function shardOf(term) {
  // The name of the file of terms a term is in: its first two letters' UTF-8, in hex.
  const start = new TextEncoder().encode(Array.from(term).slice(0, 2).join(""));
  return Array.from(start, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function scores(index, word) {
  // Each page's BM25 score for one word of the query: the best of the terms it matches.
  const found = new Map();
  const shard = shardOf(word);
  if (!index.terms.includes(shard)) return found; // no term begins so
  const terms = await load(`terms-${shard}.json`);
  for (const [term, postings] of Object.entries(terms)) {
    if (!term.startsWith(word)) continue;
    const weight = term === word ? 1 : BEGINNING;
    const containing = postings.length / 2;
    const idf = Math.log(1 + (index.documents - containing + 0.5) / (containing + 0.5));
    for (let at = 0; at < postings.length; at += 2) {
      const page = postings[at];
      const tf = postings[at + 1];
      const length = index.lengths[page] / index.average_length;
      const score = (weight * idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + B * length));
      found.set(page, Math.max(found.get(page) ?? 0, score));
    }
  }
  return found;
}

async function find(query) {
  // The pages with every word of the query, best first.
  const index = await load("index.json");
  const wanted = [...new Set(words(query))];
  let total = null;
  for (const word of wanted) {
    const here = await scores(index, word);
    if (total === null) {
      total = here;
      continue;
    }
    for (const [page, score] of total) {
      if (here.has(page)) total.set(page, score + here.get(page));
      else total.delete(page);
    }
  }
  const ranked = [...(total ?? [])].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return { index, wanted, pages: ranked.map(([page]) => page) };
}

async function described(index, page) {
  const rows = await load(`docs-${Math.floor(page / index.docs_per_file)}.json`);
  const [url, title, kind, date, topics, topicIds] = rows[page % index.docs_per_file];
  return { url, title, kind, date, topics, topicIds: topicIds.split(" ") };
}

function pageText(url) {
  // What the page offers to search: its marked parts, without content notes and the like.
  return cached(texts, url, async () => {
    const response = await fetch(new URL(url, root));
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const skipped of page.querySelectorAll("[data-search-ignore], script, style")) {
      skipped.remove();
    }
    const parts = Array.from(page.querySelectorAll("[data-search-body]"), (e) => e.textContent);
    return parts.join(" ").replace(/\s+/g, " ").trim();
  });
}

function excerpt(text, wanted) {
  // A few dozen words of the page around the first word the query matches, those marked.
  const paragraph = document.createElement("p");
  paragraph.className = "excerpt";
  const tokens = Array.from(text.matchAll(WORD));
  if (!tokens.length) return paragraph;
  const matches = (token) => words(token[0]).some((w) => wanted.some((q) => w.startsWith(q)));
  const first = tokens.findIndex(matches);
  const from = Math.max(0, first - AROUND);
  const to = Math.min(tokens.length, from + EXCERPT);
  let position = tokens[from].index;
  if (from > 0) paragraph.append("… ");
  for (const token of tokens.slice(from, to)) {
    if (!matches(token)) continue;
    paragraph.append(text.slice(position, token.index));
    const mark = document.createElement("mark");
    mark.textContent = token[0];
    paragraph.append(mark);
    position = token.index + token[0].length;
  }
  const last = tokens[to - 1];
  paragraph.append(text.slice(position, last.index + last[0].length));
  if (to < tokens.length) paragraph.append(" …");
  return paragraph;
}

function result(data, text, wanted) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = new URL(data.url, root).href;
  link.textContent = data.title || data.url;
  heading.append(link);
  const about = document.createElement("p");
  about.className = "meta";
  about.textContent = [data.kind, data.date, data.topics].filter(Boolean).join(" · ");
  item.append(heading, about);
  if (text) item.append(excerpt(text, wanted));
  return item;
}

function remember(query) {
  const address = new URL(window.location.href);
  for (const [name, value] of [["q", query], ["topic", topic.value]]) {
    if (value) address.searchParams.set(name, value);
    else address.searchParams.delete(name);
  }
  window.history.replaceState(null, "", address);
}

async function run(wait) {
  const mine = ++latest;
  const query = input.value.trim();
  remember(query);
  if (wait) await new Promise((resolve) => setTimeout(resolve, WAIT));
  if (mine !== latest) return;
  if (!query) {
    list.replaceChildren();
    say("");
    return;
  }
  const { index, wanted, pages } = await find(query);
  let data = await Promise.all(
    (topic.value ? pages : pages.slice(0, SHOWN)).map((page) => described(index, page)),
  );
  if (topic.value) data = data.filter((d) => d.topicIds.includes(topic.value));
  const found = topic.value ? data.length : pages.length;
  data = data.slice(0, SHOWN);
  const text = await Promise.all(data.map((d) => pageText(d.url).catch(() => "")));
  if (mine !== latest) return; // a newer search has replaced this one
  list.replaceChildren(...data.map((d, n) => result(d, text[n], wanted)));
  const where = topic.value ? ` in ${topic.selectedOptions[0].textContent}` : "";
  if (!wanted.length) {
    say(`Search for words of ${SHORTEST} letters or more.`);
  } else if (found === 0) {
    say(`Nothing found for “${query}”${where}. Try fewer or other words, or browse the topics.`);
  } else {
    const count = `${found} result${found === 1 ? "" : "s"}`;
    const shown = found > SHOWN ? `the first ${SHOWN} of ${count}` : count;
    say(`Showing ${shown} for “${query}”${where}.`);
  }
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") ?? "";
  topic.value = params.get("topic") ?? "";
  try {
    await load("index.json");
  } catch {
    say("Search could not start here. Browse the topics or the timeline instead.");
    return;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(false);
  });
  input.addEventListener("input", () => run(true));
  topic.addEventListener("change", () => run(false));
  if (input.value) await run(false);
  else input.focus();
}

start();
