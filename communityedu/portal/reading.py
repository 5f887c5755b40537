"""How a person likes to read the site: the standard layout, or 长辈模式 (age-friendly mode) with
larger text, larger touch targets, stronger contrast and a shorter menu of the things residents do
most. The choice lives in two cookies so that it needs no account and no script, and is kept on the
phone between visits. It is a presentation preference, not a record of the town, so it is neither
stored in the database nor audited."""

from __future__ import annotations

from dataclasses import dataclass

MODE_COOKIE = "reading_mode"
SIZE_COOKIE = "text_size"
ELDER = "elder"
STANDARD = "standard"
# Body text in CSS pixels: 18 is the residents' pages' standard size, 22 the age-friendly default,
# 30 the largest the layout is tested at on a 360 px wide phone.
TEXT_SIZES = (18, 22, 26, 30)
STANDARD_SIZE = 18
ELDER_SIZE = 22
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class ReadingPreferences:
    is_elder: bool
    text_size: int

    @property
    def html_class(self) -> str:
        classes = [f"text-{self.text_size}"]
        if self.is_elder:
            classes.insert(0, "elder")
        return " ".join(classes)

    @property
    def folds_menu(self) -> bool:
        """At the largest text in 长辈模式 the menu and the controls would fill 500 of a 640 px
        phone screen: they fold behind one large 菜单 button so that the page starts on the first screen."""
        return self.is_elder and self.text_size == TEXT_SIZES[-1]

    @property
    def can_enlarge(self) -> bool:
        return self.text_size < TEXT_SIZES[-1]

    @property
    def can_shrink(self) -> bool:
        return self.text_size > TEXT_SIZES[0]


def _size_from(value: str | None, default: int) -> int:
    try:
        size = int(value or "")
    except ValueError:
        return default
    return size if size in TEXT_SIZES else default


def preferences_from_cookies(cookies) -> ReadingPreferences:
    """The preferences a request carries; anything unknown falls back to the standard layout."""
    is_elder = cookies.get(MODE_COOKIE) == ELDER
    return ReadingPreferences(
        is_elder=is_elder, text_size=_size_from(cookies.get(SIZE_COOKIE), ELDER_SIZE if is_elder else STANDARD_SIZE)
    )


def changed_preferences(current: ReadingPreferences, *, mode: str | None, size: str | None) -> ReadingPreferences:
    """The preferences after one tap: switch the mode (which resets the text to that mode's size) or
    make the text one step larger or smaller."""
    if mode in (ELDER, STANDARD):
        is_elder = mode == ELDER
        return ReadingPreferences(is_elder=is_elder, text_size=ELDER_SIZE if is_elder else STANDARD_SIZE)
    index = TEXT_SIZES.index(current.text_size)
    if size == "larger":
        index = min(index + 1, len(TEXT_SIZES) - 1)
    elif size == "smaller":
        index = max(index - 1, 0)
    return ReadingPreferences(is_elder=current.is_elder, text_size=TEXT_SIZES[index])
