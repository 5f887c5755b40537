// Unit pickers (communityedu/organization/unit_choices.py), progressive enhancement only:
// - a select marked data-unit-filter gets a search box above it; typing 弋阳, yiyang or yy keeps
//   the matching units (their name, pinyin, initials or type) and drops the others from the list;
// - grouped checkboxes (data-unit-groups): the "every unit of this type" box ticks its group, and
//   follows the group's boxes (ticked when all are, half when some are).
(() => {
  if (window.unitPickerReady) { return; }
  window.unitPickerReady = true;

  const normalise = (text) => text.toLowerCase().replace(/\s+/g, "");

  function enhanceSelect(select) {
    if (select.dataset.unitFilterReady) { return; }
    select.dataset.unitFilterReady = "1";
    // The original list, kept to rebuild the select from: hiding <option>s is ignored by some phones.
    const original = Array.from(select.children, (child) => child.cloneNode(true));
    const box = document.createElement("input");
    box.type = "search";
    box.className = "unit-filter";
    box.id = `${select.id || select.name}-filter`;
    box.autocomplete = "off";
    box.placeholder = select.dataset.filterLabel || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    const status = document.createElement("span");
    status.className = "unit-filter-count muted small";
    status.setAttribute("aria-live", "polite");
    select.before(box, status);

    const matches = (option, groupLabel, query) => {
      const haystack = normalise(`${option.textContent} ${option.dataset.keys || ""} ${groupLabel}`);
      return haystack.includes(query);
    };

    // Enter in the filter box picks the only unit left instead of sending the form half filled in.
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      const left = Array.from(select.options).filter((option) => option.value !== "" && !option.dataset.keptAsChosen);
      if (left.length === 1) { select.value = left[0].value; }
      select.focus();
    });

    box.addEventListener("input", () => {
      const query = normalise(box.value);
      const chosen = select.value;
      let shown = 0;
      const rebuilt = [];
      for (const node of original) {
        if (node.tagName === "OPTGROUP") {
          const group = node.cloneNode(false);
          for (const option of node.children) {
            // The chosen unit stays, so that filtering never changes what the form sends.
            const isMatch = !query || matches(option, node.label, query);
            if (isMatch || option.value === chosen) {
              const copy = option.cloneNode(true);
              if (!isMatch) { copy.dataset.keptAsChosen = "1"; }
              group.append(copy);
              if (isMatch) { shown += 1; }
            }
          }
          if (group.children.length) { rebuilt.push(group); }
        } else if (!query || node.value === "" || node.value === chosen || matches(node, "", query)) {
          rebuilt.push(node.cloneNode(true));
          if (node.value !== "") { shown += 1; }
        }
      }
      select.replaceChildren(...rebuilt);
      select.value = chosen;
      if (select.value !== chosen) { select.selectedIndex = 0; }
      status.textContent = query ? (select.dataset.filterCount || "%(count)s").replace("%(count)s", String(shown)) : "";
    });
  }

  function enhanceGroups(container) {
    for (const group of container.querySelectorAll("[data-unit-group]")) {
      const all = group.querySelector("input[data-unit-type-all]");
      const boxes = Array.from(group.querySelectorAll(".unit-options input[type=checkbox]"));
      const counter = group.querySelector("[data-chosen]");
      const follow = () => {
        const ticked = boxes.filter((box) => box.checked).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
        if (counter) { counter.textContent = `${ticked}/${boxes.length}`; }
      };
      all.addEventListener("change", () => {
        for (const box of boxes) { box.checked = all.checked; }
        follow();
      });
      for (const box of boxes) { box.addEventListener("change", follow); }
      follow();
    }
  }

  function enhance() {
    for (const select of document.querySelectorAll("select[data-unit-filter]")) { enhanceSelect(select); }
    for (const container of document.querySelectorAll("[data-unit-groups]")) { enhanceGroups(container); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
