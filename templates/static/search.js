// The search page: the site's Pagefind index, queried in the browser. No framework, nothing
// from another origin, and results built with DOM methods (never innerHTML), so no text in
// the index can become markup.

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const topic = document.getElementById("search-topic");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = new URL("../", document.baseURI); // this page is <site>/search/
const SHOWN = 30;

function say(text) {
  status.textContent = text;
}

function decoded(html) {
  // Pagefind's excerpts are escaped text; an inert document turns entities into characters
  // (its body keeps the spaces at either end, which the words around a <mark> need).
  return new DOMParser().parseFromString(`<body>${html}`, "text/html").body.textContent;
}

function excerpt(html) {
  const paragraph = document.createElement("p");
  paragraph.className = "excerpt";
  html.split(/<\/?mark>/).forEach((part, index) => {
    if (index % 2 === 1) {
      const mark = document.createElement("mark");
      mark.textContent = decoded(part);
      paragraph.append(mark);
    } else {
      paragraph.append(decoded(part));
    }
  });
  return paragraph;
}

function result(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url.startsWith(root.pathname) ? data.url : root.href;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const about = document.createElement("p");
  about.className = "meta";
  about.textContent = [data.meta.kind, data.meta.date, data.meta.topics]
    .filter(Boolean)
    .join(" · ");
  item.append(heading, about, excerpt(data.excerpt));
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

function inTopic(data) {
  return (data.meta.topic_ids || "").split(" ").includes(topic.value);
}

async function run(pagefind) {
  const query = input.value.trim();
  remember(query);
  if (!query) {
    list.replaceChildren();
    say("");
    return;
  }
  const search = await pagefind.debouncedSearch(query, {}, 150);
  if (search === null) return; // a newer search has replaced this one
  let found;
  let data;
  if (topic.value) {
    // Topics are kept in each result's metadata (Pagefind's own filters would make the
    // index differ from build to build), so narrowing loads every result's data.
    const all = await Promise.all(search.results.map((r) => r.data()));
    const kept = all.filter(inTopic);
    found = kept.length;
    data = kept.slice(0, SHOWN);
  } else {
    found = search.results.length;
    data = await Promise.all(search.results.slice(0, SHOWN).map((r) => r.data()));
  }
  list.replaceChildren(...data.map(result));
  const where = topic.value ? ` in ${topic.selectedOptions[0].textContent}` : "";
  if (found === 0) {
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
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    await pagefind.options({ baseUrl: root.pathname });
    await pagefind.init();
  } catch {
    say("Search could not start here. Browse the topics or the timeline instead.");
    return;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(pagefind);
  });
  input.addEventListener("input", () => run(pagefind));
  topic.addEventListener("change", () => run(pagefind));
  if (input.value) await run(pagefind);
  else input.focus();
}

start();
