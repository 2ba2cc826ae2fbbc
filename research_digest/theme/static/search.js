// The search page: the site's own search index (search-index/, written by the build; see
// digest/search.py), queried in the browser through search-core.js. No framework, nothing from
// another origin, no page fetched per result (the index holds each page's excerpt), and results
// built with DOM methods (never innerHTML), so no text in the index can become markup.

import { FORMAT, SHORTEST, find, marks } from "./search-core.js";

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const topic = document.getElementById("search-topic");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = new URL("../", document.baseURI); // this page is <site>/search/
const folder = new URL("search-index/", root);
const SHOWN = 30;
const WAIT = 150; // ms of no typing before a search runs
// Numbers and plural forms in the page's language (its lang), as the build writes them
const numbers = inPageLanguage(Intl.NumberFormat);
const plurals = inPageLanguage(Intl.PluralRules);

const files = new Map(); // name in search-index/ -> promise of its JSON
let latest = 0; // the number of the newest search: older ones stop when they see it

function inPageLanguage(Format) {
  try {
    return new Format(document.documentElement.lang);
  } catch {
    return new Format("en"); // a tag the browser cannot read: never a broken search
  }
}

function say(text) {
  status.textContent = text;
}

function load(name) {
  if (!files.has(name)) {
    const promise = fetch(new URL(name, folder)).then((response) => {
      if (!response.ok) throw new Error(`${name}: ${response.status}`);
      return response.json();
    });
    promise.catch(() => files.delete(name)); // try again next time
    files.set(name, promise);
  }
  return files.get(name);
}

async function described(index, page) {
  const rows = await load(`docs-${Math.floor(page / index.docs_per_file)}.json`);
  const [url, title, kind, date, topics, topicIds, excerpt] = rows[page % index.docs_per_file];
  return { url, title, kind, date, topics, topicIds: topicIds.split(" "), excerpt };
}

function excerpt(text, matched) {
  // The page's excerpt from the index, the words the query matched marked.
  const paragraph = document.createElement("p");
  paragraph.className = "excerpt";
  let position = 0;
  for (const [start, end] of marks(text, matched)) {
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    paragraph.append(text.slice(position, start), mark);
    position = end;
  }
  paragraph.append(text.slice(position));
  return paragraph;
}

function result(data, matched) {
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
  if (data.excerpt) item.append(excerpt(data.excerpt, matched));
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
  let index, wanted, pages, matched, data;
  try {
    ({ index, wanted, pages, matched } = await find(query, load));
    data = await Promise.all(
      (topic.value ? pages : pages.slice(0, SHOWN)).map((page) => described(index, page)),
    );
  } catch {
    if (mine !== latest) return;
    list.replaceChildren();
    say("Search could not read its index just now. Try again.");
    return;
  }
  if (topic.value) data = data.filter((d) => d.topicIds.includes(topic.value));
  const found = topic.value ? data.length : pages.length;
  data = data.slice(0, SHOWN);
  if (mine !== latest) return; // a newer search has replaced this one
  list.replaceChildren(...data.map((d) => result(d, matched)));
  const where = topic.value ? ` in ${topic.selectedOptions[0].textContent}` : "";
  if (!wanted.length) {
    say(`Search for words of ${SHORTEST} letters or more.`);
  } else if (found === 0) {
    say(`Nothing found for “${query}”${where}. Try fewer or other words, or browse the topics.`);
  } else {
    const noun = plurals.select(found) === "one" ? "result" : "results";
    const count = `${numbers.format(found)} ${noun}`;
    const shown = found > SHOWN ? `the first ${numbers.format(SHOWN)} of ${count}` : count;
    say(`Showing ${shown} for “${query}”${where}.`);
  }
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") ?? "";
  topic.value = params.get("topic") ?? "";
  try {
    const index = await load("index.json");
    if (index.format !== FORMAT) throw new Error(`index format ${index.format}`);
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
