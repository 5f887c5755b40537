// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The roll: the sticky bar counts the ticks of this page with those kept from other pages.
  const roll = document.getElementById("roll");
  if (roll) {
    const counter = document.getElementById("roll-chosen");
    const recount = () => {
      const ticked = roll.querySelectorAll("input[name=person]:checked:not(:disabled)").length;
      counter.textContent = String(Number(roll.dataset.chosenElsewhere || 0) + ticked);
    };
    roll.addEventListener("change", (event) => { if (event.target.name === "person") { recount(); } });
  }
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // A wide table scrolls sideways inside its frame on a phone; keyboard users must be able to
  // reach the frame to scroll it, and screen readers to know what it holds.
  for (const frame of document.querySelectorAll(".table-wrap")) {
    if (frame.scrollWidth <= frame.clientWidth || frame.hasAttribute("tabindex")) { continue; }
    frame.tabIndex = 0;
    frame.setAttribute("role", "region");
    const caption = frame.querySelector("caption");
    const heading = frame.closest("section, article")?.querySelector("h2, h1");
    const label = caption || heading;
    if (label) {
      if (!label.id) { label.id = `table-${Math.random().toString(36).slice(2, 10)}`; }
      frame.setAttribute("aria-labelledby", label.id);
    } else {
      frame.setAttribute("aria-label", document.title);
    }
  }
});
