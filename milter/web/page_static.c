/*
 * page_static.c: the console's only style sheet and script, compiled in (no files
 * to install, nothing fetched from elsewhere: the CSP allows 'self' only).
 *
 * The script is optional: every action works without it (plain forms and links).
 * It adds a select-all box for bulk actions, sorting of the shown page by a click on
 * a column head, and a confirmation before delete.
 */
#include <string.h>

#include "web/web.h"

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}\n"
    "nav{background:#263238;color:#eee;padding:.5em 1em}nav a{color:#fff;margin-right:"
    "1em}\n.brand{font-weight:bold;margin-right:1.5em}.user{float:right;margin-left:"
    "1em}\nform.inline{display:inline}main{padding:1em}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid"
    " #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\nth{background:#eceff1"
    "}th.sortable{cursor:pointer}tr:hover td{background:#f5f9ff}\n"
    "#outcome{white-space:pre-line}.error{color:#b00020;font-weight:bold}.ok{color:#1b5e20;font-weight:bold}\n"
    ".finding{color:#b00020}.muted{color:#777}pre.preview{white-space:pre-wrap;"
    "background:#fff;border:1px solid #ddd;padding:.5em;max-height:30em;overflow:auto}"
    "\nform.filters label{display:inline-block;margin:0 .8em .4em 0}\n"
    "form.login{max-width:20em}form.login label{display:block;margin:.5em 0}\n"
    "ul.tree{list-style:none;padding-left:1.2em;border-left:1px dotted #aaa}\n"
    "svg .bar{fill:#3f51b5}svg text{font-size:11px;fill:#333}\n"
    ".actions{margin:.8em 0}.actions button{margin-right:.5em}\n";

static const char js[] =
    "'use strict';\n"
    "document.addEventListener('DOMContentLoaded',function(){\n"
    " var all=document.getElementById('selall');\n"
    " if(all)all.addEventListener('change',function(){\n"
    "  document.querySelectorAll('input[name=id]').forEach(function(b){b.checked="
    "all.checked;});});\n"
    " document.querySelectorAll('th.sortable').forEach(function(th,col){\n"
    "  th.addEventListener('click',function(){\n"
    "   var t=th.closest('table'),b=t.tBodies[0],i=Array.prototype.indexOf.call("
    "th.parentNode.children,th);\n"
    "   var rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';\n"
    "   th.dataset.asc=asc?'1':'0';\n"
    "   rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i]."
    "textContent;return asc?a.localeCompare(c):c.localeCompare(a);});\n"
    "   rows.forEach(function(r){b.appendChild(r);});});});\n"
    " document.querySelectorAll('button[data-confirm]').forEach(function(btn){\n"
    "  btn.addEventListener('click',function(e){if(!window.confirm(btn.dataset."
    "confirm))e.preventDefault();});});\n"
    "});\n";

int
page_static(struct web_req *rq, struct web_resp *rs)
{
	if (strcmp(rq->rest, "embargo.css") == 0) {
		rs->ctype = "text/css; charset=utf-8";
		sb_add(&rs->body, css, sizeof(css) - 1);
		return 0;
	}
	if (strcmp(rq->rest, "embargo.js") == 0) {
		rs->ctype = "text/javascript; charset=utf-8";
		sb_add(&rs->body, js, sizeof(js) - 1);
		return 0;
	}
	return web_error(rq, rs, 404, "No such file.");
}
