// Progressive enhancement only: without this file the staff menu stays folded behind its button.
// On a wide screen the menu is unfolded, since there is room for every section.
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.getElementById("staff-menu");
  if (!menu) { return; }
  const wide = window.matchMedia("(min-width: 48rem)");
  const follow = () => { menu.open = wide.matches; };
  follow();
  wide.addEventListener("change", follow);
});
