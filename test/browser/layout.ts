import type { Page } from 'playwright-core';

// What the browser tests check of the admin console's phone layout (390×844).

/**
 * How the page fits a screen `width` wide: how far the document reaches past it, how many buttons
 * are visible and the labels of those whose text takes more than one line, and the tables not in
 * a sideways-scrolling box within it.
 */
export function phoneLayout(page: Page, width: number) {
  return page.evaluate((width) => {
    const px = (value: string) => Number.parseFloat(value) || 0;
    const visible = [...document.querySelectorAll('button')].filter(
      (button) => button.getClientRects().length > 0,
    );
    const wrapped = visible
      .filter((button) => {
        const style = getComputedStyle(button);
        const text =
          button.getBoundingClientRect().height -
          px(style.paddingTop) -
          px(style.paddingBottom) -
          px(style.borderTopWidth) -
          px(style.borderBottomWidth);
        return Math.round(text / px(style.lineHeight)) !== 1;
      })
      .map((button) => button.textContent);
    // A table must sit in a box of its own that scrolls sideways, within the screen.
    const scroller = (table: Element) => {
      for (let box = table.parentElement; box && box !== document.body; box = box.parentElement)
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return box;
      return undefined;
    };
    const tablesOutside = [...document.querySelectorAll('table')]
      .filter((table) => (scroller(table)?.getBoundingClientRect().right ?? Infinity) > width)
      .map((table) => table.dataset.table);
    const root = document.documentElement;
    return {
      overflow: root.scrollWidth - root.clientWidth,
      buttons: visible.length,
      wrapped,
      tablesOutside,
    };
  }, width);
}
