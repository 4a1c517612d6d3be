/** The attribute on #app holding the view the daemon rendered the page from (ssr.tsx, main.tsx). */
export const FIRST_VIEW_ATTR = "data-first-view";
