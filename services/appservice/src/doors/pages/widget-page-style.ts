/** The pages' style: Element's light theme, its dark one under `body[data-theme="dark"]`. */
export const WIDGET_PAGE_CSS = `body{font:16px/1.4 system-ui,sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:#fff;color:#1b1d22}
main{max-width:32em;padding:1em;text-align:center}
#error{color:#d51928}
[hidden]{display:none!important}
#actions{display:flex;gap:.5em;justify-content:center;flex-wrap:wrap}
button{font:inherit;padding:.5em 1em;border-radius:.4em;border:1px solid #0a6;background:#0a6;color:#fff;cursor:pointer}
#allow-here{background:#fff;color:#0a6}
body[data-theme="dark"]{background:#101317;color:#ebeef2}
body[data-theme="dark"] #error{color:#fd3e3c}
body[data-theme="dark"] #allow-here{background:#101317;color:#2bd4a0}
`;
