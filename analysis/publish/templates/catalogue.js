// Search as you type and filters of the socplan service catalogue. Works on the
// entries already in the page: it only hides and shows them, never writes markup, so no
// text from the data can become a script.
(() => {
  "use strict";
  const norm = (s) => s.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  const $ = (id) => document.getElementById(id);
  const form = $("filtry");
  const q = $("q");
  const selects = { type: $("druh"), group: $("skupina"), form: $("forma"), orp: $("orp"), muni: $("obec") };
  const count = $("pocet");
  const none = $("nic");
  const suggest = $("obec-navrh");
  // Municipality names as typed (normalised) → option, to offer the availability filter.
  const muniByName = new Map(
    Array.from(selects.muni.options).filter((o) => o.value).map((o) => [norm(o.text), o]),
  );
  const total = Number(count.dataset.total);
  const words = (s) => (s ? s.split(" ") : []);
  const items = Array.from(document.querySelectorAll("article.service"), (el) => ({
    el,
    search: el.dataset.search,
    type: el.dataset.type,
    groups: words(el.dataset.groups),
    forms: words(el.dataset.forms),
    orps: words(el.dataset.orps),
    munis: words(el.dataset.munis),
    areaOrps: words(el.dataset.areaOrps),
  }));

  function apply() {
    const start = performance.now();
    const terms = norm(q.value).split(/\s+/).filter(Boolean);
    const type = selects.type.value;
    const group = selects.group.value;
    const formCode = selects.form.value;
    const orp = selects.orp.value;
    const muni = selects.muni.value;
    const muniOrp = muni ? selects.muni.selectedOptions[0].dataset.orp : "";
    let shown = 0;
    for (const it of items) {
      const ok =
        terms.every((t) => it.search.includes(t)) &&
        (!type || it.type === type) &&
        (!group || it.groups.includes(group)) &&
        (!formCode || it.forms.includes(formCode)) &&
        (!orp || it.orps.includes(orp)) &&
        (!muni || it.munis.includes(muni) || it.areaOrps.includes(muniOrp));
      if (it.el.hidden === ok) it.el.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = `Zobrazené služby: ${shown} z ${total}`;
    none.hidden = shown > 0;
    // A typed municipality name: services with a place there are found by the search,
    // field services that come there only by the municipality filter; offer it.
    const named = muniByName.get(terms.join(" "));
    suggest.hidden = !named || selects.muni.value === named.value;
    if (named) {
      $("obec-navrh-text").textContent = `Obec ${named.text}: hledání najde služby s místem poskytování v obci.`;
      suggest.dataset.value = named.value;
    }
    count.dataset.filterMs = (performance.now() - start).toFixed(2);
    // Time until the browser has painted the new list (measured by the tests).
    requestAnimationFrame(() =>
      setTimeout(() => {
        count.dataset.paintMs = (performance.now() - start).toFixed(2);
      }, 0),
    );
  }

  form.addEventListener("submit", (ev) => ev.preventDefault());
  q.addEventListener("input", apply);
  for (const s of Object.values(selects)) s.addEventListener("change", apply);
  form.addEventListener("reset", () => setTimeout(apply, 0));
  $("obec-navrh-tlacitko").addEventListener("click", () => {
    selects.muni.value = suggest.dataset.value;
    q.value = "";
    apply();
    $("vysledky").focus();
  });
  for (const button of document.querySelectorAll("button.orp-filter")) {
    button.addEventListener("click", () => {
      selects.orp.value = button.dataset.orp;
      apply();
      $("vysledky").focus();
    });
  }
  document.documentElement.dataset.ready = "1";
})();
