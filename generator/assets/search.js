// The header search: a dialog over the Pagefind index in <site>/pagefind/.
//
// A search lives in the address: ?q=words plus one parameter per facet (?q=&category=grants&year=2020)
// and sort=newest|oldest, so any page opened with ?q= shows that search and a search can be shared.
// Pagefind itself is only fetched when someone searches: a page view costs this file and nothing more;
// the facets' values (a file per facet, each listing every page) only when the filters are opened.

const PAGE_SIZE = 10;
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };
const DEBOUNCE_MS = 200;

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
  let facetValues = null;
  let found = [];
  let run = 0;
  let timer = 0;

  // Pagefind's result URLs start from baseUrl: the site's own path keeps them under a sub-path.
  const load = () =>
    (pagefind ??= import(new URL("pagefind/pagefind.js", siteRoot).href).then(async (pf) => {
      await pf.options({ baseUrl: siteRoot.pathname });
      return pf;
    }));
  const loadFacets = () => (facetValues ??= load().then(fillFacets));

  // Every value of every facet, once; a value asked for by link matches whatever its case.
  async function fillFacets(pf) {
    const all = await pf.filters();
    for (const select of facets) {
      const wanted = (select.dataset.wanted || "").toLowerCase();
      const values = Object.keys(all[select.name] || {}).sort(select.name === "year" ? (a, b) => b.localeCompare(a) : undefined);
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
    const pf = await load();
    if (ticket !== run) return;
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
    // Without words Pagefind would fetch its whole word index (megabytes at 10,000 decisions).
    // Every facet but the section is a decision's, and every decision page carries the browse
    // word ("Decision <reference>"): searching for it lists them, newest first, for one chunk.
    const browse = !term && Object.keys(filters).some((name) => name !== "type") ? dialog.dataset.browseWord : "";
    const order = SORTS[sort.value] ?? (browse ? SORTS.newest : undefined);
    const result = await pf.search(term || browse || null, { filters, sort: order });
    if (ticket !== run) return;
    found = result.results;
    list.replaceChildren();
    showCounts(result.filters);
    const count = found.length === 1 ? "1 result" : `${found.length} results`;
    summary.textContent = term ? `${count} for “${term}”` : count;
    await showMore(ticket, false, !browse);
  }

  async function showMore(ticket, focusFirst, excerpts = true) {
    const start = list.children.length;
    const pages = await Promise.all(found.slice(start, start + PAGE_SIZE).map((r) => r.data()));
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
