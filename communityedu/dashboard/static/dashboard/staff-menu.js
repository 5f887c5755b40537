// Progressive enhancement only: without this file the staff menu stays folded behind its button.
// On a wide screen the menu is unfolded, since there is room for every section.
document.addEventListener("DOMContentLoaded", () => {
  // In the age-friendly mode the whole header folds already (the menu inside it stays open).
  const menu = document.querySelector("#staff-menu[data-follows-width]");
  if (!menu) { return; }
  const wide = window.matchMedia("(min-width: 48rem)");
  const follow = () => { menu.open = wide.matches; };
  follow();
  wide.addEventListener("change", follow);
});
