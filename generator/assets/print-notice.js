// A printed decision is a notice: its address and the date it was printed go in the page's
// margin (CSS margin boxes), so a paper copy says where it came from and when. Both are known
// only in the reader's browser: the address it was opened at, and today.
const style = document.createElement("style");
document.head.append(style);
function stamp() {
  const printed = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  style.textContent = `@page {
    @bottom-left { content: ${JSON.stringify(location.href)}; font: 8pt sans-serif; }
    @bottom-right { content: ${JSON.stringify("Printed " + printed + ", page ")} counter(page) " of " counter(pages); font: 8pt sans-serif; }
  }`;
}
stamp();
window.addEventListener("beforeprint", stamp);
