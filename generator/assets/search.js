// The header search: a dialog over the Pagefind index in <site>/pagefind/.
//
// A search lives in the address: ?q=words plus one parameter per facet (?q=&category=grants&year=2020)
// and sort=newest|oldest, so any page opened with ?q= shows that search and a search can be shared.
// Pagefind itself is only fetched when someone searches by words: a page view costs this file and
// nothing more. A search by facets alone is a listing in date order, answered without Pagefind from
// pagefind/facets.json (every page's facets, in date order) and the rows files that hold what a
// result shows (generator/searchfacets.py); facets.json also gives the values the filters offer.
// A large site's index is in parts (generator/search.py), listed in pagefind-entry.json and merged
// into the first with Pagefind's mergeIndex.

const PAGE_SIZE = 10;
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };
const DEBOUNCE_MS = 200;
// The letters facets.json writes a page's facet value in (searchfacets.ALPHABET).
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// A facet Pagefind gives every page of a part (its mergeFilter), numbered from 0 for the first.
const PART = "tr-part";

const box = document.querySelector("[data-tr-search]");
if (box) setUp(box);

function setUp(box) {
  const siteRoot = new URL(box.dataset.root, location.href);
  const opener = box.querySelector(".tr-search__open");
  const dialog = box.querySelector("dialog");
  const form = dialog.querySelector("form");
  const input = form.querySelector("input");
  const refine = dialog.querySelector(".tr-search__refine");
  const sort = dialog.querySelector("select[name=sort]");
  const facets = [...dialog.querySelectorAll("select[data-tr-facet]")];
  const summary = dialog.querySelector(".tr-search__summary");
  const list = dialog.querySelector(".tr-search__results");
  const more = dialog.querySelector(".tr-search__more");
  const params = [input.name, sort.name, ...facets.map((s) => s.name)];
  let pagefind = null;
  let listing = null;
  let facetValues = null;
  // The results, and how to fetch what one of them shows: Pagefind's, or a row of the listing.
  let found = [];
  let shown = (result) => result.data();
  let run = 0;
  let timer = 0;

  // Pagefind's result URLs start from baseUrl: the site's own path keeps them under a sub-path.
  const load = () =>
    (pagefind ??= Promise.all([
      import(new URL("pagefind/pagefind.js", siteRoot).href),
      // Checked with the server each time, as Pagefind does: a rebuild may change the parts.
      fetch(new URL("pagefind/pagefind-entry.json", siteRoot), { cache: "no-cache" }).then((r) => r.json()),
    ]).then(async ([pf, entry]) => {
      const parts = entry.parts ?? [];
      const options = (n) => ({
        baseUrl: siteRoot.pathname,
        ...(parts.length ? { mergeFilter: { [PART]: String(n) } } : {}),
      });
      await pf.options(options(0));
      await Promise.all(
        parts.map((part, n) => pf.mergeIndex(new URL(`pagefind/${part}/`, siteRoot).pathname, options(n + 1))),
      );
      return { pf, parts: parts.length + 1 };
    }));
  const loadListing = () =>
    (listing ??= fetch(new URL("pagefind/facets.json", siteRoot))
      .then((response) => response.json())
      .then((data) => readListing(data, siteRoot)));
  const loadFacets = () => (facetValues ??= loadListing().then(fillFacets));

  // Every value of every facet, once; a value asked for by link matches whatever its case.
  function fillFacets(data) {
    for (const select of facets) {
      const wanted = (select.dataset.wanted || "").toLowerCase();
      const values = [...(data.facets[select.name]?.values ?? [])];
      if (select.name === "year") values.reverse();
      for (const value of values) {
        const option = new Option(value, value);
        option.dataset.value = value;
        select.append(option);
        if (value.toLowerCase() === wanted) select.value = value;
      }
    }
  }

  function showCounts(counts) {
    for (const select of facets) {
      for (const option of [...select.options].slice(1)) {
        const value = option.dataset.value;
        // A chosen facet is replaced, not narrowed, by another of its values: no count to show.
        option.text = select.value ? value : `${value} (${counts[select.name]?.[value] ?? 0})`;
      }
    }
  }

  function chosenFilters() {
    return Object.fromEntries(facets.filter((s) => s.value).map((s) => [s.name, s.value]));
  }

  function writeAddress(term, filters) {
    const url = new URL(location.href);
    for (const name of params) url.searchParams.delete(name);
    if (dialog.open) {
      url.searchParams.set(input.name, term);
      if (sort.value) url.searchParams.set(sort.name, sort.value);
      for (const [name, value] of Object.entries(filters)) url.searchParams.set(name, value);
    }
    history.replaceState(history.state, "", url);
  }

  async function search() {
    const ticket = ++run;
    const term = input.value.trim();
    if (refine.open) await loadFacets();
    if (ticket !== run) return;
    const filters = chosenFilters();
    writeAddress(term, filters);
    if (!term && !Object.keys(filters).length) {
      found = [];
      list.replaceChildren();
      more.hidden = true;
      summary.textContent = "";
      showCounts({});
      return;
    }
    let counts;
    if (term) {
      const { pf, parts } = await load();
      if (ticket !== run) return;
      // Pagefind counts a facet's values only once it has that facet's file (every page's value).
      if (refine.open) await pf.filters();
      const result = await searchWords(pf, parts, term, filters, sort.value);
      if (ticket !== run) return;
      [found, shown, counts] = [result.results, (r) => r.data(), result.filters];
    } else {
      const data = await loadListing();
      if (ticket !== run) return;
      found = data.matching(filters, sort.value === "oldest");
      [shown, counts] = [data.row, data.counts(found)];
    }
    list.replaceChildren();
    showCounts(counts);
    const count = found.length === 1 ? "1 result" : `${found.length} results`;
    summary.textContent = term ? `${count} for “${term}”` : count;
    await showMore(ticket, false, Boolean(term));
  }

  async function showMore(ticket, focusFirst, excerpts = true) {
    const start = list.children.length;
    const pages = await Promise.all(found.slice(start, start + PAGE_SIZE).map(shown));
    if (ticket !== run) return;
    list.append(...pages.map((page) => resultItem(page, excerpts)));
    more.hidden = list.children.length >= found.length;
    if (focusFirst) list.children[start]?.querySelector("a").focus();
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    input.focus();
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  for (const select of [sort, ...facets]) select.addEventListener("change", search);
  more.addEventListener("click", () => showMore(run, true, Boolean(input.value.trim())));
  refine.addEventListener("toggle", () => {
    if (refine.open) loadFacets().then(search);
  });
  opener.addEventListener("click", () => {
    open();
    load();
  });
  dialog.querySelector(".tr-search__close").addEventListener("click", () => dialog.close());
  // A click on the backdrop lands on the dialog itself; the panel fills the rest of it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  // Escape in a search field would only clear it: here it closes the search, as in Material.
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    dialog.close();
  });
  dialog.addEventListener("close", () => writeAddress("", {}));

  opener.hidden = false;
  for (const link of document.querySelectorAll("[data-tr-search-link]")) link.hidden = false;

  const asked = new URLSearchParams(location.search);
  if (asked.has(input.name)) {
    input.value = asked.get(input.name);
    if (asked.get(sort.name) in SORTS) sort.value = asked.get(sort.name);
    for (const select of facets) select.dataset.wanted = asked.get(select.name) || "";
    refine.open = Boolean(sort.value) || facets.some((select) => select.dataset.wanted);
    open();
    search();
  }
}

// Pagefind merges the results of an index's parts by score, and sorted by date a result's score is
// its place in its own part. The parts hold whole years, newest first, so sorted results are each
// part's in turn, newest part first (last for oldest first), with the parts' counts added up.
async function searchWords(pf, parts, term, filters, order) {
  if (!SORTS[order] || parts === 1) return pf.search(term, { filters, sort: SORTS[order] });
  const found = [];
  for (let n = 0; n < parts; n++) {
    found.push(await pf.search(term, { filters: { ...filters, [PART]: String(n) }, sort: SORTS[order] }));
  }
  if (order === "oldest") found.reverse();
  const counts = {};
  for (const { filters: each } of found) {
    for (const [name, values] of Object.entries(each)) {
      counts[name] ??= {};
      for (const [value, count] of Object.entries(values)) counts[name][value] = (counts[name][value] ?? 0) + count;
    }
  }
  return { results: found.flatMap((result) => result.results), filters: counts };
}

// facets.json read into the listing: which pages have the chosen values, newest first, how many of
// them have each value, and what each shows (its row, fetched with the others of its rows file).
function readListing(data, siteRoot) {
  const facets = Object.fromEntries(
    Object.entries(data.facets).map(([name, facet]) => [name, readFacet(facet, data.pages)]),
  );
  const files = new Map();
  const rowsFile = (n) =>
    files.get(n) ??
    files.set(n, fetch(new URL(`pagefind/${data.rows.files[n]}`, siteRoot)).then((r) => r.json())).get(n);
  return {
    facets,
    matching(filters, oldest) {
      const wanted = Object.entries(filters).map(([name, value]) => [
        facets[name],
        (facets[name]?.values.indexOf(value) ?? -1) + 1,
      ]);
      const pages = [];
      for (let page = 0; page < data.pages; page++) {
        if (wanted.every(([facet, value]) => facet?.has(page, value))) pages.push(page);
      }
      if (!oldest) return pages;
      // Pages without a date (funding, toolkit) stay after the dated ones in either order.
      const cut = pages.findIndex((page) => page >= data.dated);
      const dated = cut < 0 ? pages : pages.slice(0, cut);
      return [...dated.reverse(), ...(cut < 0 ? [] : pages.slice(cut))];
    },
    counts(pages) {
      const counts = {};
      for (const [name, facet] of Object.entries(facets)) {
        const tally = (counts[name] = {});
        for (const page of pages) {
          for (const value of facet.valuesOf(page)) tally[value] = (tally[value] ?? 0) + 1;
        }
      }
      return counts;
    },
    async row(page) {
      const [url, ...fields] = (await rowsFile(Math.floor(page / data.rows.per_file)))[page % data.rows.per_file];
      const meta = Object.fromEntries(data.rows.fields.slice(1).map((field, n) => [field, fields[n]]));
      return { url: new URL(url, siteRoot).pathname, meta };
    },
  };
}

// A facet's column: the number of each page's value (0 for none), a run of one value written once
// with its length; a page's further values (more) as [page, value] pairs.
function readFacet({ values, width, column, more }, pages) {
  const first = new Uint16Array(pages);
  let page = 0;
  for (const [, code, run] of column.matchAll(new RegExp(`(\\D{${width}})(\\d*)`, "g"))) {
    let value = 0;
    for (let n = width - 1; n >= 0; n--) value = value * ALPHABET.length + ALPHABET.indexOf(code[n]);
    const end = page + Number(run || 1);
    first.fill(value, page, end);
    page = end;
  }
  const others = new Map();
  for (const [at, value] of more) others.set(at, [...(others.get(at) ?? []), value]);
  return {
    values,
    has: (at, value) => value > 0 && (first[at] === value || Boolean(others.get(at)?.includes(value))),
    valuesOf: (at) => [first[at], ...(others.get(at) ?? [])].filter(Boolean).map((n) => values[n - 1]),
  };
}

function resultItem(page, withExcerpt) {
  const item = document.createElement("li");
  const title = document.createElement("a");
  title.href = page.url;
  title.textContent = page.meta.title || page.url;
  const heading = document.createElement("h3");
  heading.append(title);
  item.append(heading);
  const facts = [page.meta.reference, page.meta.date, page.meta.amount].filter(Boolean);
  if (facts.length) {
    const line = document.createElement("p");
    line.className = "tr-search__facts";
    line.textContent = facts.join(" · ");
    item.append(line);
  }
  if (withExcerpt) {
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(page.excerpt));
    item.append(excerpt);
  }
  return item;
}

// Pagefind's excerpt is page text with <mark> around the words found. It is parsed in an inert
// document and only text and <mark> are kept, so no markup from a page can reach this one.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(html || "", "text/html").body;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}
